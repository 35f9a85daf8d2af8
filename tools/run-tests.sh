#!/bin/sh
# Run the whole test suite on a machine that has only Python 3.11 and apt.
# Installs Debian's chromium for the browser tests (as root, or via sudo), the pinned Python
# dependencies into .venv, then runs pytest. Extra arguments go to pytest.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q chromium >/dev/null 2>&1 || {
        $sudo apt-get update -q && $sudo apt-get install -y -q chromium
    }
fi
. tools/venv.sh
ensure_venv test
# Every core: the browser tests and the rest share them (a later `-n 0` runs in one process).
exec .venv/bin/python -m pytest -n auto "$@"
