#!/bin/sh
# The build that is published: `SITE_URL=https://... sh tools/ci-publish.sh`. The site's public
# address comes from the one place that knows it (CI passes GitHub Pages' base_url); the build
# refuses an empty or loopback address (XEMCAT_PUBLISH=1), so catalog.json's doc_url links and
# `xemcat explain`'s docs links can never point at a laptop.
set -eu
cd "$(dirname "$0")/.."
: "${SITE_URL:?set SITE_URL to the address the site is published at}"
. tools/venv.sh
ensure_venv site
# Under GitHub Actions each code's page links to its entry in the repository, at this commit.
if [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
    export XEMCAT_EDIT_URL="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/blob/$GITHUB_SHA"
fi
XEMCAT_PUBLISH=1 sh tools/build-site.sh
.venv/bin/xemcat sitecheck site --site-url "$SITE_URL"
