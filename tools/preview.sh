#!/bin/sh
# Live preview for writers: `sh tools/preview.sh` serves the site on http://127.0.0.1:8000/ and
# reloads it when catalog/, templates/ or docs/ change. Creates .venv on first use.
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv site
NO_MKDOCS_2_WARNING=1 exec .venv/bin/mkdocs serve "$@"
