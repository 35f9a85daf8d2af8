#!/bin/sh
# Check every external link the catalog and the hand-written pages cite (each fact's `source`
# among them), with lychee: `sh tools/ci-links.sh [REPORT]`. Needs the network; the scheduled
# workflow (.github/workflows/links.yml) runs it weekly and files one issue when links break.
# Exit 0 when every link answers, 2 when some do not (lychee's own status).
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv test
report="${1:-link-report.md}"
[ $# -gt 0 ] && shift  # further arguments go to lychee (e.g. --dump: list the links, check nothing)
exec .venv/bin/lychee --no-progress --cache --max-cache-age 1d --max-retries 3 --retry-wait-time 5 \
    --scheme https --scheme http --exclude-all-private --format markdown --output "$report" "$@" \
    'catalog/**/*.yaml' 'docs/**/*.md' README.md
