#!/bin/sh
# Called by the scheduled link check when links broke: keep one open issue titled
# "Broken external links" with the latest report as its body (needs gh, GH_TOKEN and GH_REPO).
set -eu
report="$1"
title="Broken external links"
number="$(gh issue list --state open --search "in:title \"$title\"" --json number --jq '.[0].number // empty')"
if [ -n "$number" ]; then
    gh issue edit "$number" --body-file "$report"
else
    gh issue create --title "$title" --body-file "$report"
fi
