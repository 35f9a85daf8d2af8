#!/bin/sh
# Build the site into site/ on a machine that has only Python 3.11.
# Installs pinned dependencies into .venv, validates the catalog and builds with --strict.
# The build goes to a temporary directory and replaces site/ only when it succeeded,
# so a failed build never leaves a half-written site behind.
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv site
tmp="site.new.$$"
trap 'rm -rf "$tmp"' EXIT
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --site-dir "$tmp" "$@"
rm -rf site.old && { [ ! -e site ] || mv site site.old; } && mv "$tmp" site && rm -rf site.old
echo "Site built in site/"
