# Shared by build-site.sh and run-tests.sh: create .venv with Python 3.11 or newer and install
# the project with the given extra, pinned by tools/constraints.txt. Re-running is cheap.
ensure_venv() {
    extra="$1"
    py="${PYTHON:-}"
    if [ -z "$py" ]; then
        for candidate in python3 python3.13 python3.12 python3.11; do
            if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
                py="$candidate"; break
            fi
        done
    fi
    if [ -z "$py" ]; then
        echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3)" >&2
        exit 2
    fi
    if [ ! -x .venv/bin/python ]; then
        "$py" -m venv .venv
    fi
    stamp=".venv/.installed-$extra"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ tools/constraints.txt -nt "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -c tools/constraints.txt -e ".[$extra]"
        touch "$stamp"
    fi
}
