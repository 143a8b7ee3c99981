"""The shape of the package, measured (issue 11 §4): import circles, function-local imports, the longest
function and the highest cyclomatic complexity per package, modules over 500 lines, mypy errors (``null``
with the reason when mypy cannot run), the number of tests collected.

    python benchmarks/architecture.py [REPO]      # REPO: another checkout to measure (default: this one)

Prints one JSON object. Complexity is ruff's mccabe (C901) figure; mypy runs with the project's own
configuration when REPO has one, else strict on tbgeo/ (without tbgeo/ui/).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from tests.architecture import imports  # noqa: E402


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and (HERE / "tbgeo" / parts[1]).is_dir()) else "tbgeo"


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno]


def _complexity(repo: Path) -> dict[str, tuple[str, int]]:
    out = subprocess.run(
        [str(HERE / ".venv" / "bin" / "ruff"), "check", "tbgeo", "--select", "C901", "--isolated",
         "--config", "lint.mccabe.max-complexity=0", "--output-format", "json", "--exit-zero"],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    worst: dict[str, tuple[str, int]] = {}
    for item in json.loads(out.stdout):
        m = re.match(r"`(.+)` is too complex \((\d+) > 0\)", item["message"])
        if not m:
            continue
        rel = Path(item["filename"]).resolve().relative_to(repo.resolve())
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        pkg = _package(module)
        if int(m.group(2)) > worst.get(pkg, ("", 0))[1]:
            worst[pkg] = (f"{module}.{m.group(1)}", int(m.group(2)))
    return worst


def _tool(repo: Path, name: str) -> Path:
    """``name`` from the measured checkout's own .venv, else from this one's."""
    own = repo / ".venv" / "bin" / name
    return own if own.exists() else HERE / ".venv" / "bin" / name


def _mypy(repo: Path) -> dict[str, object]:
    """mypy's error count, or ``None`` with the reason when mypy did not run to a verdict."""
    has_config = "[tool.mypy]" in (repo / "pyproject.toml").read_text(encoding="utf-8")
    args = [] if has_config else ["tbgeo", "--strict", "--ignore-missing-imports", "--exclude", "tbgeo/ui/"]
    mypy = _tool(repo, "mypy")
    if not mypy.exists():
        return {"errors": None, "reason": f"{mypy} not found (run make install)"}
    try:
        out = subprocess.run([str(mypy), *args, "--no-incremental"], cwd=repo, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"errors": None, "reason": f"mypy did not run: {exc}"}
    if m := re.search(r"Found (\d+) errors?", out.stdout):
        return {"errors": int(m.group(1)), "command": f"{mypy} {' '.join(args)}".strip()}
    if out.returncode == 0 and "Success: no issues found" in out.stdout:
        return {"errors": 0, "command": f"{mypy} {' '.join(args)}".strip()}
    tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or [f"exit status {out.returncode}"]
    return {"errors": None, "reason": f"mypy gave no verdict (exit {out.returncode}): {tail[0]}"}


def _tests(repo: Path) -> dict[str, object]:
    """How many tests pytest collects (collection only, nothing runs)."""
    try:
        out = subprocess.run([str(_tool(repo, "python")), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                             cwd=repo, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"collected": None, "reason": str(exc)}
    m = re.search(r"(\d+) tests? collected", out.stdout)
    if not m:
        return {"collected": None, "reason": (out.stdout.strip().splitlines() or ["no output"])[-1]}
    return {"collected": int(m.group(1))}


def _local_imports(path: Path) -> list[int]:
    """Lines of function-local imports of ``path`` (tbgeo's own and third-party; type-only ones left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node, local, type_only in imports._walk(tree)
            if local and not type_only and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]


def measure(repo: Path) -> dict[str, object]:
    imports.ROOT = repo
    imports.PACKAGE = repo / "tbgeo"
    g = imports.graph()
    domain = {m for m in g.modules if not m.startswith("tbgeo.ui")}
    edges = g.edges(with_local=True)
    longest: dict[str, tuple[str, int]] = {}
    big: dict[str, int] = {}
    for module, path in g.modules.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 500:
            big[module] = lines
        pkg = _package(module)
        for name, n in _functions(path):
            if n > longest.get(pkg, ("", 0))[1]:
                longest[pkg] = (f"{module}.{name}", n)
    local = [i for i in g.imports if i.local and not i.type_only]
    all_local = {m: _local_imports(p) for m, p in g.modules.items()}
    return {
        "repo": str(repo),
        "modules": len(g.modules),
        "import_circles_domain": imports.circles({m: {t for t in edges[m] if t in domain} for m in domain}),
        "import_circles_all": imports.circles(edges),
        "function_local_tbgeo_imports": len({(i.module, i.line) for i in local}),
        "function_local_imports_all": sum(len(v) for v in all_local.values()),
        "modules_with_more_than_one": sorted(m for m in domain if len(all_local[m]) > 1),
        "modules_over_500_lines": dict(sorted(big.items(), key=lambda kv: -kv[1])),
        "longest_function_per_package": {k: {"function": v[0], "lines": v[1]} for k, v in sorted(longest.items())},
        "highest_complexity_per_package": {k: {"function": v[0], "complexity": v[1]} for k, v in sorted(_complexity(repo).items())},
        "mypy": _mypy(repo),
        "tests": _tests(repo),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE), ensure_ascii=False, indent=2))
