"""The intended shape of the package (../shared/ARCHITECTURE.md, "Target layout"), kept by tests:
Streamlit only in ui/, folium only in mapping/, SQL only in the store, no circle of imports in the
domain, and at most one deferred (function-local) import per domain module, each with its reason."""

from __future__ import annotations

import pytest

from tests.architecture.imports import circles, graph

G = graph()
DOMAIN = sorted(m for m in G.modules if not m.startswith("tbgeo.ui"))


def _using(external: str) -> set[str]:
    return {m for m in G.modules if G.imports_of(m, external)}


def test_the_graph_sees_the_package() -> None:
    # a guard for the guards: the reader finds the modules and their imports
    assert {"tbgeo.review.run", "tbgeo.review.model", "tbgeo.geometry", "tbgeo.i18n.params"} <= set(G.modules)
    assert "tbgeo.review.model" in G.edges()["tbgeo.review.run"]
    assert "tbgeo.i18n.params" in G.edges()["tbgeo.errors"]


def test_streamlit_only_in_ui() -> None:
    users = _using("streamlit") | _using("streamlit_folium")
    assert users and all(m.startswith("tbgeo.ui") for m in users), sorted(m for m in users if not m.startswith("tbgeo.ui"))


def test_folium_only_in_mapping() -> None:
    users = _using("folium")
    assert users and all(m.startswith("tbgeo.mapping") for m in users), sorted(users)


def test_sqlite_only_in_the_store() -> None:
    # (the places crosswalk reads the vietnamadminunits package's SQLite data file through GDAL, as a file)
    allowed = {"tbgeo.store.gpkg", "tbgeo.store.gpkg_base", "tbgeo.store.gpkg_proposals", "tbgeo.store.gpkg_tables"}
    users = _using("sqlite3")
    assert users <= allowed, sorted(users - allowed)


def test_no_import_circle_in_the_domain() -> None:
    domain = {m: {t for t in ts if t in DOMAIN} for m, ts in G.edges(with_local=True).items() if m in DOMAIN}
    assert circles(domain) == []


def test_no_import_circle_in_the_ui() -> None:
    assert circles(G.edges(with_local=True)) == []


def test_lower_floors_do_not_import_higher_ones() -> None:
    # the bottom: messages, errors, settings, CRS and geometry know nothing of the rest of tbgeo
    bottom = {"tbgeo.settings", "tbgeo.errors", "tbgeo.i18n", "tbgeo.i18n.params", "tbgeo.crs", "tbgeo.crs.detect",
              "tbgeo.crs.guess", "tbgeo.geometry", "tbgeo.safetext"}
    edges = G.edges(with_local=True)
    for module in bottom:
        assert edges[module] <= bottom | {"tbgeo", "tbgeo._offline", "tbgeo.diskcache"}, (module, edges[module] - bottom)
    # the domain never imports the UI or the command line
    for module in DOMAIN:
        if module.startswith(("tbgeo.cli", "tbgeo.__main__")):
            continue
        assert not {t for t in edges[module] if t.startswith(("tbgeo.ui", "tbgeo.cli"))}, module


#: The UI is left out of the deferred-import rule: each Streamlit page imports what it draws inside the
#: functions that draw it, so a page loads only its own libraries (9 of its modules defer 3–18 imports).
#: Every module of the domain, the store's included, follows the rule.


@pytest.mark.parametrize("module", DOMAIN)
def test_at_most_one_deferred_import_with_its_reason(module: str) -> None:
    # issue 11 §1: third-party imports count too (matplotlib, rasterio, geopandas inside functions);
    # a module that must not load a heavy library at start (tests/app/test_startup.py: the warm first
    # view loads no geopandas, folium, shapely, pyogrio) loads it through one accessor, or one module
    # holding those calls (tbgeo.gdalfiles, tbgeo.mapping.draw)
    lines = G.deferred_lines(module)
    assert len(lines) <= 1, f"{module}: function-local imports at lines {lines}"
    if lines:
        source = G.modules[module].read_text(encoding="utf-8").splitlines()
        above, line = source[lines[0] - 2].strip(), source[lines[0] - 1]
        said = (above.startswith("#") and len(above) > 10) or len(line.partition("  # ")[2]) > 10
        assert said, f"{module}:{lines[0]}: say why the import waits, in a comment above it or beside it"


def test_no_module_outside_the_store_checks_whether_the_store_file_exists() -> None:
    # issue 12 §1: the store answers for itself (open_store(create=False) reads a store not made yet as
    # an empty one); nobody else looks at its file
    offenders = []
    for module, path in G.modules.items():
        if module.startswith("tbgeo.store") or module == "tbgeo.settings":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("GpkgStore", "workspace_path()", "tbgeo.store.gpkg", "tbgeo.store.postgis"):
            if needle in text:
                offenders.append(f"{module}: {needle}")
    assert offenders == []


def test_the_store_is_reached_only_through_its_door() -> None:
    # issue 12 §1: outside tbgeo.store, modules know the protocol and open_store, never an implementation
    reaching = {m for m in G.modules if not m.startswith("tbgeo.store")
                and G.edges(with_local=True)[m] & {"tbgeo.store.gpkg", "tbgeo.store.gpkg_base", "tbgeo.store.gpkg_proposals", "tbgeo.store.gpkg_tables", "tbgeo.store.postgis", "tbgeo.store.pg_tables", "tbgeo.store.pg_base", "tbgeo.store.pg_accounts"}}
    assert reaching == set()


def test_sql_only_in_the_store() -> None:
    allowed = {"tbgeo.store.gpkg", "tbgeo.store.gpkg_tables", "tbgeo.store.postgis", "tbgeo.store.pg_tables",
               "tbgeo.store.pg_base"}
    users = _using("sqlalchemy") | _using("psycopg") | _using("geoalchemy2")
    assert users <= allowed, sorted(users - allowed)


def test_zonal_is_pure() -> None:
    # issue 11 §1: arrays and geometries in, areas out; the files are read by tbgeo.review.landuse_files
    import ast

    tree = ast.parse(G.modules["tbgeo.review.zonal"].read_text(encoding="utf-8"))
    readers = {"rasterio", "pyogrio", "fiona", "osgeo"}
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & readers, sorted(imported & readers)
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    opening = [c for c in calls if c in ("open", "io.open") or c.endswith((".read_file", ".open", "read_parquet", ".read_dataframe"))]
    assert opening == []
    assert "tbgeo.store" not in G.edges()["tbgeo.review.zonal"]


#: What reads or writes the process environment in the os module.
_ENV_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[int]:
    """Lines that reach the process environment, through whatever name the os module has there
    (``import os as _o; _o.environ``, ``o = os``, ``getattr(os, "environ")``, ``from os import environ as e``)."""
    import ast

    tree = ast.parse(source)
    modules, names, lines = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "os" or (a.name.startswith("os.") and a.asname is None):
                    modules.add(a.asname or "os")
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and not node.level:
            for a in node.names:
                if a.name in _ENV_NAMES or a.name == "*":
                    names.add(a.asname or a.name)
                    lines.add(node.lineno)
    changed = True
    while changed:  # plain aliases: o = os, e = os.environ
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                value = node.value
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if isinstance(value, ast.Name) and value.id in modules:
                    bound = modules
                elif (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                      and value.value.id in modules and value.attr in _ENV_NAMES):
                    bound = names
                else:
                    continue
                for t in targets:
                    if isinstance(t, ast.Name) and t.id not in bound:
                        bound.add(t.id)
                        changed = True
    def reaches(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return isinstance(node.value, ast.Name) and node.value.id in modules and node.attr in _ENV_NAMES
        if isinstance(node, ast.Name):
            return node.id in names
        return (isinstance(node, ast.Call) and ast.unparse(node.func) == "getattr" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name) and node.args[0].id in modules
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in _ENV_NAMES)

    lines |= {getattr(node, "lineno", 0) for node in ast.walk(tree) if reaches(node)}
    return sorted(lines)


@pytest.mark.parametrize("source,lines", [
    ("import os\nos.environ['A']\n", [2]),
    ("import os as _o\nx = _o.environ.get('A')\n", [2]),
    ("import os\nos.environb\n", [2]),
    ("import os.path\nos.getenv('A')\n", [2]),
    ("from os import environ as e\ne['A']\n", [1, 2]),
    ("import os\no = os\no.putenv('A', 'b')\n", [3]),
    ("import os\nenv = os.environ\nenv.pop('A')\n", [2, 3]),
    ("import os\ngetattr(os, 'environ')\n", [2]),
    ("import os\nos.path.join('a')\nenviron = {}\n", []),
])
def test_the_environment_check_follows_aliases(source: str, lines: list[int]) -> None:
    assert environment_reads(source) == lines


def test_environment_read_only_in_settings() -> None:
    # issue 11 §3: every environment setting is one of settings.py's functions (the UI may read st.secrets)
    offenders = [f"{module}:{line}" for module, path in G.modules.items() if module != "tbgeo.settings"
                 for line in environment_reads(path.read_text(encoding="utf-8"))]
    assert offenders == []


#: Who may import the store's door (tbgeo.store: open_store, the protocol and its records), and why.
#: Everyone else reaches layer data through the catalog (Catalog(layers, store)) and proposals through
#: tbgeo.proposals, which are handed a store.
STORE_IMPORTERS = {
    "tbgeo.catalog": "serves the layers' imported versions from the store it is given (open_store by default)",
    "tbgeo.auth": "identity: who acts when nobody signed in (current_user), accounts read from the store",
    "tbgeo.auth.accounts": "local accounts and sign-in attempts are kept in the store",
    "tbgeo.auth.external": "a proxy's header or an OpenID Connect sign-in names an account kept in the store",
    "tbgeo.ingest.pipeline": "an import writes a layer version (commit_import)",
    "tbgeo.ingest.versions": "roll back and activate layer versions",
    "tbgeo.ingest.merge": "an update import starts from the active version's features",
    "tbgeo.ingest.export": "export reads a stored version",
    "tbgeo.review.context": "proposals_frame: stored proposals as the rules' frame",
    "tbgeo.mapping.view": "the map's cache key is the store's state; stored proposals drawn on it",
}


def test_the_store_door_is_imported_only_by_the_modules_allowed_to() -> None:
    # issue 11 §3 / 12 §1: the CLI and the UI open the store and hand it on; in the domain only the
    # modules above, each for its reason
    edges = G.edges(with_local=True)
    importers = {m for m in G.modules if not m.startswith("tbgeo.store")
                 and any(t == "tbgeo.store" or t.startswith("tbgeo.store.") for t in edges[m])}
    domain = {m for m in importers if not m.startswith(("tbgeo.cli", "tbgeo.ui"))}
    assert domain <= set(STORE_IMPORTERS), sorted(domain - set(STORE_IMPORTERS))
    assert set(STORE_IMPORTERS) <= importers, sorted(set(STORE_IMPORTERS) - importers)  # the list stays minimal


#: Modules that may be longer than MAX_LINES, each for its reason (data tables, not code): none today.
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 600


def test_no_module_over_600_lines_in_the_package_or_its_scripts() -> None:
    # issue 11 §4: a module that grows past 600 lines is split (scripts/build_data.py into scripts/datagen/)
    root = G.modules["tbgeo"].parents[1]
    files = [*root.joinpath("tbgeo").rglob("*.py"), *root.joinpath("scripts").rglob("*.py")]
    long = {str(p.relative_to(root)): n for p in files
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES and str(p.relative_to(root)) not in LONG_MODULES}
    assert len(files) > 150 and long == {}
