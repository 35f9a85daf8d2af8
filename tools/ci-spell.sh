#!/bin/sh
# Spelling of the prose readers see: catalog text, hand-written pages, templates, the README.
# Words that are right but flagged by codespell go in tools/codespell-ignore.txt, one per line.
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv test
exec .venv/bin/codespell --ignore-words tools/codespell-ignore.txt catalog docs templates README.md "$@"
