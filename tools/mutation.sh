#!/bin/sh
# Mutation testing: `sh tools/mutation.sh [MODULE ...]` (default: every module of tools/xemcat).
# mutmut 3 changes one thing in a function at a time (a comparison, a constant, a condition) and
# runs the tests that call that function; a mutant the tests do not notice "survives". Survivors
# are either killed by a new test or listed, with the reason they change nothing observable, in
# tests/mutation-equivalents.txt, which the score leaves out.
#
# It works in a staging copy (.cache/mutation) where the package is also at src/xemcat, so mutmut
# names each function as the tests import it; the copy keeps mutmut's results between runs, and
# a function is re-tested only when it or its tests change. Slow (an estimated 8 hours for all
# 9,600 mutants on two cores): the weekly workflow runs a sample, pull requests do not.
#   sh tools/mutation.sh lookup scan     # two modules
#   sh tools/mutation.sh --sample 15     # a seeded random 15 % of each module's mutants: an estimate
#   sh tools/mutation.sh --report        # the score of what has run, against the equivalents
#   sh tools/mutation.sh --report 15     # the same, for the 15 % sample's mutants only
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv test
root=$(pwd)
stage=.cache/mutation
report() { "$root/.venv/bin/python" "$root/tools/mutation_report.py" "$root/tests/mutation-equivalents.txt" "$@"; }
# The report reads the results where they are: no copy, so it is safe while a run is going on.
if [ "${1:-}" = "--report" ]; then cd "$stage" && report ${2:+--in-sample "$2"}; exit $?; fi
mkdir -p "$stage/src"
# The tracked files as they are in the working tree, mtimes kept: mutmut re-mutates what changed.
git ls-files -z | tar --null -cf - -T - | tar -xf - -C "$stage"
rm -rf "$stage/src/xemcat" && cp -rp tools/xemcat "$stage/src/xemcat"
cd "$stage"
# A fresh map of which test calls which function (about 3 minutes): mutmut 3 maps only the tests
# it has not seen, so a test that starts calling a function after a refactoring would be missed.
rm -f mutants/mutmut-stats.json
# Fewer cases per property test than the suite draws: it runs once per mutant that it reaches.
export HYPOTHESIS_EXAMPLES="${HYPOTHESIS_EXAMPLES:-30}"
set -f  # the patterns are for mutmut, not the shell
patterns=""
percent=""
if [ "${1:-}" = "--sample" ]; then
    # Makes the mutants and learns which tests reach them, then stops: no mutant has this name.
    echo "making the mutants and mapping the tests (a few minutes)"
    "$root/.venv/bin/mutmut" run "xemcat.none-such" </dev/null >/dev/null 2>&1 || true
    patterns=$("$root/.venv/bin/python" "$root/tools/mutation_report.py" --sample "$2")
    percent=$2
    shift 2
fi
for module in "$@"; do patterns="$patterns xemcat.$module.*"; done
# mutmut draws a spinner with carriage returns; the log keeps its lines. The report, not this
# pipe's status, says whether the run is good: a run that failed to start leaves mutants unrun.
# shellcheck disable=SC2086  # names and glob patterns, matched by mutmut, not the shell
"$root/.venv/bin/mutmut" run --max-children "$(nproc)" $patterns </dev/null | tr '\r' '\n' \
    | grep --line-buffered -v '^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]' || true
report ${percent:+--in-sample "$percent"}
