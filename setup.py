"""Build hook: copy the shipped folders (data/, layers/, config/, static/) into the wheel as tbgeo/_shipped/.

Everything else about the package is declared in pyproject.toml. The folders stay at the repository's
top level (one copy, committed once); only a build writes the copy, into setuptools' build folder,
never into the source tree. An editable install (``pip install -e .``, ``make install``) copies
nothing: tbgeo then reads the folders of the checkout (see ``tbgeo.settings.shipped_dir``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

__all__ = ["SHIPPED", "BuildWithShipped"]

#: The folders copied into the package, in the layout tbgeo.settings expects under tbgeo/_shipped/.
SHIPPED = ("data", "layers", "config", "static")

_ROOT = Path(__file__).resolve().parent
#: Build stamps, editor and cache files are not shipped.
_IGNORE = shutil.ignore_patterns(".*", "__pycache__", "*.pyc")


class BuildWithShipped(build_py):
    """setuptools' build_py, then the shipped folders copied into ``<build>/tbgeo/_shipped``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "tbgeo" / "_shipped"
        shutil.rmtree(target, ignore_errors=True)  # nothing left from an earlier build
        for name in SHIPPED:
            source = _ROOT / name
            if source.is_dir():  # static/ exists once `make assets` has copied Leaflet
                shutil.copytree(source, target / name, ignore=_IGNORE)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        target = Path(self.build_lib) / "tbgeo" / "_shipped"
        if target.is_dir():
            outputs += [str(p) for p in sorted(target.rglob("*")) if p.is_file()]
        return outputs


setup(cmdclass={"build_py": BuildWithShipped})
