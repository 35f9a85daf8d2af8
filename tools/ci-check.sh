#!/bin/sh
# The pull-request gate, runnable locally: `sh tools/ci-check.sh [BASE]`.
#  1. `xemcat check --against` the merge base of BASE and HEAD (under GitHub Actions the problems
#     print as ::error annotations on the changed lines); without BASE, a plain check;
#  2. the strict site build (tools/build-site.sh);
#  3. the offline link and anchor check of the built site, no code lost, and (with BASE) every
#     address the catalog published at the merge base still resolving.
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv site
base="${1:-}"
merge_base=""
if [ -n "$base" ] && [ "$base" != "0000000000000000000000000000000000000000" ]; then
    if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
        # After a force-push the old head is not in the clone: nothing to compare with.
        echo "ci-check: base $base is not in this clone (a force-push?); checking without the breaking-change gate" >&2
    elif ! merge_base="$(git merge-base "$base" HEAD 2>/dev/null)"; then
        echo "ci-check: $base and HEAD share no history; checking without the breaking-change gate" >&2
        merge_base=""
    fi
fi
if [ -n "$merge_base" ]; then
    echo "xemcat check --against $merge_base"
    .venv/bin/xemcat check --against "$merge_base"
else
    .venv/bin/xemcat check
fi
sh tools/build-site.sh
if [ -n "$merge_base" ]; then
    # Every address the catalog published at the base still resolves (a code, its new name, its tombstone).
    .venv/bin/xemcat sitecheck site --against "$merge_base"
else
    .venv/bin/xemcat sitecheck site
fi
