#!/bin/sh
# Mutation testing: `sh tools/mutation.sh [MODULE ...]` (default: the modules listed below).
# mutmut changes one thing in tools/xemcat/MODULE.py at a time (a comparison, a constant, a
# condition) and runs the tests that guard that module; a mutant the tests do not notice
# "survives". Survivors are either killed by a new test or listed, with the reason they change
# nothing observable, in tests/mutation-equivalents.txt. Results: `.venv/bin/mutmut results`.
# Slow (minutes per module): the weekly workflow runs it, pull requests do not.
set -eu
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv test
pytest=".venv/bin/python -m pytest -x -q -p no:cacheprovider -p no:xdist"
tests_for() {  # the tests that guard a module: the ones a mutant must fail
    case "$1" in
        terminal) echo "tests/test_hostile_text.py tests/test_validation.py" ;;
        text) echo "tests/test_text_safety.py tests/test_hostile_text.py tests/test_validation.py" ;;
        # The look-up's guard is the other runtime: its vectors run in Chromium too (browser tests).
        lookup) echo "tests/test_lookup_vectors.py tests/test_lookup.py" ;;
        pages|site) echo "tests/test_site_generator.py tests/test_links.py" ;;
        view|render) echo "tests/test_facts.py tests/test_site_build.py tests/test_site_generator.py" ;;
        validate|vocabulary) echo "tests/test_rules.py tests/test_validation.py tests/test_hostile_text.py" ;;
        *) echo "tests" ;;
    esac
}
status=0
for module in ${*:-terminal text vocabulary lookup}; do
    rm -f .mutmut-cache
    echo "== tools/xemcat/$module.py"
    markers="-m 'not browser'"
    [ "$module" = lookup ] && markers=""
    .venv/bin/mutmut run --paths-to-mutate "tools/xemcat/$module.py" --runner "$pytest $markers $(tests_for "$module")" \
        --no-progress || status=$?
    .venv/bin/mutmut results || true
done
exit "$status"
