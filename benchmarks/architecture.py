"""The shape of the package, measured (issue 11 §4): import circles, function-local imports, the longest
function and the highest cyclomatic complexity per package, modules over 500 lines, mypy errors.

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


def _mypy(repo: Path) -> int:
    has_config = "[tool.mypy]" in (repo / "pyproject.toml").read_text(encoding="utf-8")
    args = [] if has_config else ["tbgeo", "--strict", "--ignore-missing-imports", "--exclude", "tbgeo/ui/"]
    out = subprocess.run([str(HERE / ".venv" / "bin" / "mypy"), *args, "--no-incremental"], cwd=repo,
                         capture_output=True, text=True)
    m = re.search(r"Found (\d+) errors?", out.stdout)
    return int(m.group(1)) if m else 0


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
    return {
        "repo": str(repo),
        "modules": len(g.modules),
        "import_circles_domain": imports.circles({m: {t for t in edges[m] if t in domain} for m in domain}),
        "import_circles_all": imports.circles(edges),
        "function_local_tbgeo_imports": len({(i.module, i.line) for i in local}),
        "modules_with_more_than_one": sorted(m for m in domain if len({i.line for i in local if i.module == m}) > 1),
        "modules_over_500_lines": dict(sorted(big.items(), key=lambda kv: -kv[1])),
        "longest_function_per_package": {k: {"function": v[0], "lines": v[1]} for k, v in sorted(longest.items())},
        "highest_complexity_per_package": {k: {"function": v[0], "complexity": v[1]} for k, v in sorted(_complexity(repo).items())},
        "mypy_errors": _mypy(repo),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE), ensure_ascii=False, indent=2))
