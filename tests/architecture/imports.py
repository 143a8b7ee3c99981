"""The import graph of the tbgeo package, read from the source (no module is imported): which module
imports which, at module level and inside functions, and the circles in it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tbgeo"

__all__ = ["Import", "Graph", "graph", "circles"]


@dataclass(frozen=True)
class Import:
    """One import statement's target: the importing module, the imported module, the line, and whether
    it is inside a function (a deferred import) or only for type checking."""

    module: str
    target: str
    line: int
    local: bool
    type_only: bool


@dataclass
class Graph:
    modules: dict[str, Path]
    imports: list[Import] = field(default_factory=list)

    def edges(self, *, with_local: bool = True) -> dict[str, set[str]]:
        """Module → the tbgeo modules it needs at run time (type-only imports left out)."""
        out: dict[str, set[str]] = {m: set() for m in self.modules}
        for imp in self.imports:
            if imp.type_only or (imp.local and not with_local):
                continue
            out[imp.module].add(imp.target)
        return out

    def local_imports(self, module: str) -> list[Import]:
        return [i for i in self.imports if i.module == module and i.local and not i.type_only]

    def importers(self, target_prefix: str) -> set[str]:
        return {i.module for i in self.imports if i.target == target_prefix or i.target.startswith(target_prefix + ".")}

    def deferred_lines(self, module: str) -> list[int]:
        """Lines of every function-local import of ``module``: tbgeo's own and third-party ones
        (type-only imports left out)."""
        tree = ast.parse(self.modules[module].read_text(encoding="utf-8"))
        return sorted({node.lineno for node, local, type_only in _walk(tree) if local and not type_only})

    def imports_of(self, module: str, external: str) -> list[int]:
        """Lines where ``module`` imports the third-party package ``external`` (read again from source)."""
        return [line for name, line in _external(self.modules[module]) if name == external or name.startswith(external + ".")]


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _walk(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    """Every import statement with (inside a function, under ``if TYPE_CHECKING``)."""

    def visit(node: ast.AST, local: bool, type_only: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, local, type_only
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from visit(child, True, type_only)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from visit(child, local, True)
            else:
                yield from visit(child, local, type_only)

    yield from visit(tree, False, False)


def _external(path: Path) -> Iterator[tuple[str, int]]:
    for node, _, type_only in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if type_only:
            continue
        if isinstance(node, ast.Import):
            yield from ((a.name, node.lineno) for a in node.names)
        elif not node.level and node.module:
            yield node.module, node.lineno


def _import_module_calls(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """``importlib.import_module("a.b")`` (or ``import_module("a.b")``) with a literal name: a deferred
    import the statements do not show."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and ast.unparse(node.func) in ("importlib.import_module", "import_module")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.args[0].value, node.lineno


def _lazy_names(tree: ast.AST, package: str) -> dict[str, str]:
    """A package's ``_WHERE = {"name": "module"}`` table, read by its ``__getattr__`` (tbgeo/__init__.py,
    tbgeo/printing/__init__.py): ``from package import name`` imports that module."""
    for node in getattr(tree, "body", []):
        if (isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict)
                and "_WHERE" in [ast.unparse(t) for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]):
            out = {}
            for k, v in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant) and isinstance(v.value, str):
                    out[str(k.value)] = v.value if v.value.startswith("tbgeo") else f"{package}.{v.value}"
            return out
    return {}


def graph() -> Graph:
    """The import graph of every module under tbgeo/. Importing ``a.b.c`` also needs ``a.b``'s
    ``__init__``, so a package's own imports count for whoever imports one of its modules. A module
    that imports a name of its own package (``from tbgeo.printing import render_sheet`` in
    tbgeo/printing/labels.py) needs that package's ``__init__``: an edge to it; a package merely on the
    way to a sibling (``from tbgeo.printing.layout import x``) is already being imported: no edge."""
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    g = Graph(modules)
    trees = {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in modules.items()}
    lazy = {m: _lazy_names(trees[m], m) for m, p in modules.items() if p.name == "__init__.py"}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = trees[module]
        found: list[tuple[str, int, bool, bool]] = []
        for node, local, type_only in _walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = _resolve(module, node, is_package)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
                targets += [lazy[base][a.name] for a in node.names if a.name in lazy.get(base, {})]
            found += [(t, node.lineno, local, type_only) for t in targets]
        found += [(name, line, True, False) for name, line in _import_module_calls(tree)]
        for target, line, local, type_only in found:
            if not target.startswith("tbgeo"):
                continue
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            # the packages on the way in are imported too (tbgeo.review.codes runs tbgeo/review/__init__)
            chain = target.split(".")
            for i in range(1, len(chain) + 1):
                step = ".".join(chain[:i])
                if step not in modules or step == module:
                    continue
                if module.startswith(step + ".") and step != target:
                    continue  # a package of the importer, on the way to the target: being imported already
                g.imports.append(Import(module, step, line, local, type_only))
    return g


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return sorted(found)
