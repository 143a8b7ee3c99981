"""Guards for the guard: the import graph (tests/architecture/imports.py) sees every kind of import
that can close a circle, checked on small packages written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.architecture import imports


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[list[str]]:
    for name, text in {"__init__.py": "", **files}.items():
        path = tmp_path / "tbgeo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(imports, "ROOT", tmp_path)
    monkeypatch.setattr(imports, "PACKAGE", tmp_path / "tbgeo")
    return imports.circles(imports.graph().edges(with_local=True))


def test_a_submodule_importing_a_name_of_its_own_package_closes_a_circle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # p/__init__ imports p.a, p.a imports p.b, p.b imports a name of p: `import tbgeo.p` fails
    found = _package(tmp_path, monkeypatch, {
        "p/__init__.py": "from tbgeo.p.a import f\n",
        "p/a.py": "from tbgeo.p.b import g\n\ndef f():\n    return g\n",
        "p/b.py": "from tbgeo.p import f\n\ndef g():\n    return f\n",
    })
    assert found == [["tbgeo.p", "tbgeo.p.a", "tbgeo.p.b"]]


def test_a_relative_import_of_the_package_is_an_edge_to_its_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _package(tmp_path, monkeypatch, {"p/__init__.py": "from .a import f\n", "p/a.py": "from . import g\n\ndef f(): ...\n"})
    assert found == [["tbgeo.p", "tbgeo.p.a"]]


def test_a_sibling_import_through_the_package_is_no_edge_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # importing tbgeo.p.b from tbgeo.p.a does not run p/__init__ again: no false circle
    found = _package(tmp_path, monkeypatch, {"p/__init__.py": "from tbgeo.p.a import f\n",
                                             "p/a.py": "from tbgeo.p.b import g\n\ndef f(): ...\n", "p/b.py": "def g(): ...\n"})
    assert found == []


def test_importlib_import_module_with_a_literal_name_is_a_deferred_edge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _package(tmp_path, monkeypatch, {
        "a.py": "import tbgeo.b\n",
        "b.py": "import importlib\n\ndef load():\n    return importlib.import_module('tbgeo.a')\n",
    })
    assert found == [["tbgeo.a", "tbgeo.b"]]
    edge = [i for i in imports.graph().imports if i.module == "tbgeo.b"]
    assert [(i.target, i.line, i.local) for i in edge] == [("tbgeo.a", 4, True)]


def test_a_lazy_name_of_a_package_is_an_edge_to_the_module_that_defines_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tbgeo/printing/__init__.py's _WHERE table: `from tbgeo.printing import render_sheet` in labels.py
    # imports compose, which imports labels: `import tbgeo.printing.compose` fails
    found = _package(tmp_path, monkeypatch, {
        "p/__init__.py": "import importlib\n_WHERE = {'render': 'compose'}\n\ndef __getattr__(name):\n"
                         "    return getattr(importlib.import_module(f'{__name__}.{_WHERE[name]}'), name)\n",
        "p/compose.py": "from tbgeo.p.labels import place\n\ndef render(): ...\n",
        "p/labels.py": "from tbgeo.p import render\n\ndef place(): ...\n",
    })
    assert found == [["tbgeo.p.compose", "tbgeo.p.labels"]]
