"""The suite's own shape: no audit-round `test_qa_*` files, and every test checks something."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: calls that check by themselves: pytest.raises / warns / fail, numpy.testing.assert_* and the like
CHECKING_CALLS = {"raises", "warns", "fail", "approx"}


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "__pycache__" not in p.parts)


def _called_name(call: ast.Call) -> str | None:
    fn = call.func
    if isinstance(fn, ast.Attribute):
        return fn.attr
    return fn.id if isinstance(fn, ast.Name) else None


def _tests(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level test functions and the test methods of `Test*` classes."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                    yield item


def _checks(node: ast.AST, helpers: dict[str, ast.FunctionDef], seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``node`` asserts, expects an exception, or calls a helper of its module that does."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assert):
            return True
        if isinstance(sub, ast.Call):
            name = _called_name(sub)
            if name is None:
                continue
            if name in CHECKING_CALLS or name.startswith("assert_"):
                return True
            if name in helpers and name not in seen and _checks(helpers[name], helpers, seen | {name}):
                return True
    return False


def _unchecked_raises(test: ast.FunctionDef | ast.AsyncFunctionDef) -> list[int]:
    """Lines of `with pytest.raises(...)` that neither give `match=` nor look at the exception afterwards."""
    names = [n.id for n in ast.walk(test) if isinstance(n, ast.Name)]
    lines = []
    for sub in ast.walk(test):
        if not isinstance(sub, ast.With | ast.AsyncWith):
            continue
        for item in sub.items:
            call = item.context_expr
            if not (isinstance(call, ast.Call) and _called_name(call) == "raises"):
                continue
            if any(k.arg == "match" for k in call.keywords):
                continue
            var = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
            if var is None or names.count(var) < 2:  # bound once, never read
                lines.append(sub.lineno)
    return lines


def _problems(source: str, rel: str) -> list[str]:
    """What is wrong with the tests in ``source`` (the text of the test file ``rel``)."""
    tree = ast.parse(source)
    helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("test")}
    found = []
    for test in _tests(tree):
        if not _checks(test, helpers):
            found.append(f"{rel}::{test.name} checks nothing (no assert, pytest.raises or approx)")
        found += [f"{rel}:{a.lineno} {test.name}: assert of a constant" for a in ast.walk(test)
                  if isinstance(a, ast.Assert) and isinstance(a.test, ast.Constant)]
        found += [f"{rel}:{line} {test.name}: pytest.raises without match= and the exception never looked at"
                  for line in _unchecked_raises(test)]
    return found


def test_no_file_is_named_after_an_audit_round() -> None:
    files = _test_files()
    assert len(files) > 50  # the walk found the suite
    assert [str(p.relative_to(TESTS)) for p in files if p.name.startswith("test_qa")] == []


def test_every_test_checks_something() -> None:
    problems = [p for path in _test_files() for p in _problems(path.read_text("utf-8"), str(path.relative_to(TESTS)))]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def test_a():\n    f()\n", ["checks nothing"]),
        ("def test_a():\n    assert True\n", ["assert of a constant"]),
        ("def test_a():\n    with pytest.raises(ValueError):\n        f()\n", ["pytest.raises without match="]),
        ("def test_a():\n    with pytest.raises(ValueError) as e:\n        f()\n", ["pytest.raises without match="]),
        ("def test_a():\n    with pytest.raises(ValueError) as e:\n        f()\n    assert e.value.key == 'k'\n", []),
        ("def test_a():\n    with pytest.raises(ValueError, match='bad'):\n        f()\n", []),
        ("def _check(x):\n    assert x == 1\n\ndef test_a():\n    _check(f())\n", []),
        ("def test_a():\n    np.testing.assert_allclose(f(), [1.0])\n", []),
        ("class TestA:\n    def test_b(self):\n        f()\n", ["checks nothing"]),
    ],
)
def test_the_shape_check_finds_what_it_says(source: str, expected: list[str]) -> None:
    found = _problems(source, "test_probe.py")
    assert [next(e for e in expected if e in p) for p in found] == expected
    assert len(found) == len(expected)
