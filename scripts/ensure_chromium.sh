#!/bin/sh
# Make sure the Debian chromium package is there for the browser test (tests/browser/).
# Without root or sudo it only says what to do; the browser test is then skipped, unless
# TBGEO_REQUIRE_BROWSER=1 (as in CI), where it fails.
set -e
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "note: /usr/bin/chromium is missing; install it with 'apt-get install chromium' to run the browser test" >&2
  exit 0
fi
echo "installing Debian package chromium for the browser test..." >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
