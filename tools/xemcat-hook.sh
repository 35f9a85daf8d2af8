#!/bin/sh
# Pre-commit entry: run `xemcat` from the project's .venv, or say how to create it.
if [ ! -x .venv/bin/xemcat ]; then
    echo "xemcat: the project's environment (.venv) does not exist yet." >&2
    echo "Create it once with:  sh tools/build-site.sh   (or sh tools/run-tests.sh)" >&2
    exit 1
fi
if [ "${1:-}" = gate ]; then
    upstream="$(git rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' 2>/dev/null || true)"
    if [ -z "$upstream" ]; then
        echo "xemcat gate: this branch has no upstream yet; nothing to compare with" >&2
        exit 0
    fi
    exec .venv/bin/xemcat check --against "$(git merge-base "$upstream" HEAD)"
fi
exec .venv/bin/xemcat "$@"
