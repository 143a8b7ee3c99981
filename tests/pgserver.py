"""A PostgreSQL/PostGIS server for the tests of the PostGIS store: the cluster `.ci/run` starts
(Debian's postgresql-15-postgis-3), reached through its Unix socket as the `root` role.

Each test gets a database of its own, copied from a template that has PostGIS installed, and dropped
after it. Without a server the PostGIS cases are skipped, unless TBGEO_REQUIRE_POSTGIS=1 (as in CI),
where that is a failure: CI never passes without testing the PostGIS store.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

#: The server's maintenance database (``TBGEO_TEST_PG``; default: the local cluster's socket).
ADMIN_URL = os.environ.get("TBGEO_TEST_PG", "postgresql:///postgres")
_TEMPLATE = "tbgeo_test_template"


def _base(url: str) -> str:
    return url.rsplit("/", 1)[0]


def _server() -> bool:
    try:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as con:
            con.execute("SELECT 1")
        return True
    except Exception:
        return False


_AVAILABLE: bool | None = None


def available() -> bool:
    global _AVAILABLE
    if _AVAILABLE is None:
        _AVAILABLE = _server()
    return _AVAILABLE


def need_server() -> None:
    if available():
        return
    if os.environ.get("TBGEO_REQUIRE_POSTGIS") == "1":
        pytest.fail(f"TBGEO_REQUIRE_POSTGIS=1 but no PostgreSQL server answers at {ADMIN_URL}", pytrace=False)
    pytest.skip(f"no PostgreSQL server at {ADMIN_URL} (CI starts one: .ci/run)")


def _ensure_template() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as con:
        if con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_TEMPLATE,)).fetchone():
            return
        con.execute(f'CREATE DATABASE "{_TEMPLATE}"')
    with psycopg.connect(f"{_base(ADMIN_URL)}/{_TEMPLATE}", autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def new_database() -> str:
    """The URL of a new, empty database with PostGIS (no tbgeo tables yet)."""
    import psycopg

    need_server()
    _ensure_template()
    name = f"tbgeo_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"')
    return f"{_base(ADMIN_URL)}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = new_database()
    try:
        yield url
    finally:
        drop_database(url)


def recreate_database(url: str) -> None:
    """Drop the database at ``url`` and make it again, empty (PostGIS, no tbgeo tables), at the same URL."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"')
