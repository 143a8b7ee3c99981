#!/bin/sh
# A local PostgreSQL/PostGIS server for the tests of the PostGIS store (tests/store/, tests/auth/):
# Debian's postgresql-15-postgis-3, its cluster 15/main started without systemd, and a login role for
# the user running the tests (peer authentication over the Unix socket). Without root or sudo it only
# says what to do; the PostGIS tests are then skipped, unless TBGEO_REQUIRE_POSTGIS=1 (as in CI).
set -e
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "note: to test the PostGIS store, install postgresql-15-postgis-3 and start its cluster (README)" >&2
  exit 0
fi
if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
  echo "installing Debian package postgresql-15-postgis-3 for the PostGIS store tests..." >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql-15-postgis-3 >/dev/null
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
  $SUDO pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep '^15 *main' | grep -q online; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect 15 main start
fi
me="$(id -un)"
if ! $SUDO su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$me'\"" | grep -q 1; then
  $SUDO su postgres -c "psql -qc 'CREATE ROLE \"$me\" SUPERUSER LOGIN'"
fi
