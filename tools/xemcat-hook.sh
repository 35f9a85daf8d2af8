#!/bin/sh
# Pre-commit entry: run `xemcat` from the project's .venv, or say how to create it.
if [ ! -x .venv/bin/xemcat ]; then
    echo "xemcat: the project's environment (.venv) does not exist yet." >&2
    echo "Create it once with:  sh tools/build-site.sh   (or sh tools/run-tests.sh)" >&2
    exit 1
fi
exec .venv/bin/xemcat "$@"
