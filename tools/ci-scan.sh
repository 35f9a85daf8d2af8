#!/bin/sh
# The catalog against a router's source tree: `sh tools/ci-scan.sh ROUTER_DIR [BASELINE]`.
# Fails (exit 1) when the source emits a code the catalog does not document, or the catalog
# documents one the source never emits; under GitHub Actions each finding is an annotation on
# its line. Used by this repository's workflow (a router checkout configured as a repository
# variable) and by the composite action (action.yml) in a router's own pull requests, which
# sets XEMCAT to the xemcat it installed.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
router="${1:?usage: sh tools/ci-scan.sh ROUTER_DIR [BASELINE]}"
baseline="${2:-}"
if [ ! -d "$router" ] && [ "${GITHUB_ACTIONS:-}" = true ]; then
    # This repository's workflow without a router configured: say how to configure one.
    echo "::notice title=Router scan skipped::no router checkout at $router; set the repository variable XEM_ROUTER_REPOSITORY (owner/name), and XEM_ROUTER_REF if not its default branch"
    exit 0
fi
if [ -z "${XEMCAT:-}" ]; then
    (cd "$here" && . tools/venv.sh && ensure_venv site)
    XEMCAT="$here/.venv/bin/xemcat"
fi
set -- "$router"
[ -n "$baseline" ] && set -- "$@" --baseline "$baseline"
exec "$XEMCAT" --catalog "$here/catalog" scan "$@"
