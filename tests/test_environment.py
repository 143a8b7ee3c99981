"""pyproject.toml and environment.yml declare the same dependencies; the lock pins each of them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)")


def _name(spec: str) -> str:
    m = _NAME.match(spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-")


def _pyproject() -> dict[str, set[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = {"main": {_name(s) for s in data["dependencies"]}}
    for extra, specs in data["optional-dependencies"].items():
        out[extra] = {_name(s) for s in specs}
    return out


def _conda() -> set[str]:
    names = set()
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and line.strip().startswith("- "):
            names.add(_name(line.strip()[2:]))
        elif in_deps and line and not line.startswith(" "):
            in_deps = False
    return names - {"python", "nodejs", "pip"}


def test_environment_yml_matches_pyproject() -> None:
    py = _pyproject()
    wanted = py["main"] | py["test"] | py["bench"] | py["server"]
    conda = _conda()
    assert conda == wanted, f"only in environment.yml: {conda - wanted}; only in pyproject: {wanted - conda}"


def test_lock_pins_every_dependency() -> None:
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pinned[name.strip().lower().replace("_", "-")] = version.strip()
    py = _pyproject()
    for name in py["main"] | py["test"] | py["bench"] | py["server"]:
        assert name in pinned, f"{name} is not pinned in requirements.lock"


def test_console_script_declared() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["scripts"]["tbgeo"] == "tbgeo.cli:main"
