"""Session-state keys: every key the pages use is a member of tbgeo.ui.state.Key, none a raw string."""

from __future__ import annotations

import ast
from pathlib import Path

import tbgeo.ui
from tbgeo.ui.state import Key

UI = Path(tbgeo.ui.__file__).parent
_STATE_CALLS = {"get", "pop", "setdefault"}


def _raw(node: ast.AST | None) -> bool:
    """A key written as text: "x", or an f-string that starts with text (f"x_{i}")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, ast.JoinedStr) and bool(node.values) and isinstance(node.values[0], ast.Constant)


def _is_session_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def _raw_keys(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if any(k.arg == "key" and _raw(k.value) for k in node.keywords):
                lines.append(node.lineno)  # a widget's key
            func = node.func
            if isinstance(func, ast.Attribute) and node.args and _raw(node.args[0]) and (
                (func.attr in _STATE_CALLS and _is_session_state(func.value)) or func.attr == "form"
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and _is_session_state(node.value) and _raw(node.slice):
            lines.append(node.lineno)
    return lines


def test_no_raw_session_keys_in_the_ui() -> None:
    found = {str(p.relative_to(UI)): lines for p in sorted(UI.rglob("*.py"))
             if (lines := _raw_keys(ast.parse(p.read_text(encoding="utf-8"))))}
    assert found == {}


def test_the_checker_sees_raw_keys() -> None:
    code = 'st.session_state["a"]\nst.session_state.get("b")\nst.text_input("x", key=f"c_{i}")\nst.form("d")\n'
    assert sorted(_raw_keys(ast.parse(code))) == [1, 2, 3, 4]
    assert _raw_keys(ast.parse('st.text_input("x", key=f"{Key.LANG}_{i}")\nst.session_state[Key.LANG]\n')) == []


def test_keys_are_distinct() -> None:
    assert len({k.value for k in Key}) == len(Key)
