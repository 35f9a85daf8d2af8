"""The mutation score of tools/xemcat from mutmut's results, net of the reviewed equivalents.

Run by tools/mutation.sh in its staging copy: `python mutation_report.py EQUIVALENTS` (add
`--in-sample PERCENT` to score only that sample's mutants), or `--sample PERCENT` to print the
names of a seeded sample of the mutants. Reads the
per-file results mutmut keeps beside the mutated copy (mutants/src/xemcat/*.py.meta) and the
reviewed list of surviving mutants (`NAME: reason` lines): an equivalent one is left out of the
score; one whose reason starts with `survives:` is a real survivor kept on purpose, explained but
counted. Prints, per module, killed / checked and the survivors nobody has explained; exits 1
when any such survivor is left, when an entry of the list no longer names a surviving mutant
(the code changed: review it again), or under the target.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mutmut.stats import status_by_exit_code

TARGET = 0.90
# "not checked": mutmut has not run it yet; "no tests": no test calls the function, a survivor.
NOT_RUN = {"not checked", "check was interrupted by user"}
KILLED = {"killed", "caught by type check", "timeout"}
KEPT = "survives:"  # the reason of a survivor kept on purpose: counted in the score, not unexplained
ENTRY = re.compile(r"^(xemcat\.[\w.ǁ]+__mutmut_\d+):\s*(\S.*)$")


def equivalents(path: Path) -> dict[str, str]:
    """NAME -> reason, from the reviewed list; other lines are headings and comments."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := ENTRY.match(line):
            found[m[1]] = m[2]
    return found


def statuses(mutants: Path) -> dict[str, str]:
    """Mutant name -> mutmut's status word, for every mutant of every module."""
    found = {}
    for meta in sorted(mutants.glob("src/xemcat/*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            found[name] = status_by_exit_code[code]
    return found


def sample(names: Iterable[str], percent: float) -> list[str]:
    """A seeded random PERCENT of each module's mutants (at least 10, or all it has): a run of
    these estimates the score of the whole package, per module, in a fraction of the time.
    MUTATION_SEED: another week, another sample (the workflow passes the week number)."""
    seed = int(os.environ.get("MUTATION_SEED", "0"))
    by_module: dict[str, list[str]] = {}
    for name in names:
        by_module.setdefault(name.split(".")[1], []).append(name)
    chosen = []
    for module, names in sorted(by_module.items()):
        # Shuffled, then a prefix: a smaller sample is part of a larger one, so runs add up.
        order = sorted(names)
        random.Random(f"{seed}:{module}").shuffle(order)
        chosen += order[:max(10, math.ceil(len(names) * percent / 100))]
    return sorted(chosen)


def main(argv: list[str]) -> int:
    everything = statuses(Path("mutants"))
    if argv[1] == "--sample":
        print("\n".join(sample(everything, float(argv[2]))))
        return 0
    listed = equivalents(Path(argv[1]))
    status = everything
    if argv[2:4] and argv[2] == "--in-sample":
        chosen = set(sample(everything, float(argv[3])))
        status = {name: word for name, word in everything.items() if name in chosen}
    per_module: dict[str, Counter] = {}
    unexplained = []
    for name, word in status.items():
        module = name.split(".")[1]
        count = per_module.setdefault(module, Counter())
        if word in NOT_RUN:
            count["not run"] += 1
        elif word in KILLED:
            count["killed"] += 1
        elif name in listed and not listed[name].startswith(KEPT):
            count["equivalent"] += 1
        else:
            count["survived"] += 1
            if name not in listed:
                unexplained.append(f"{name}: {word}")
    # An entry stands for a mutant that ran and survived; killed, unrun or gone, it is stale.
    stale = sorted(n for n in listed if n not in everything or everything[n] in NOT_RUN | KILLED)
    print(f"{'module':<12} {'killed':>7} {'of':>5} {'score':>7} {'equiv.':>7} {'not run':>8}")
    totals = Counter()
    for module, c in sorted(per_module.items()):
        totals.update(c)
        checked = c["killed"] + c["survived"]
        score = f"{c['killed'] / checked:.1%}" if checked else "-"
        print(f"{module:<12} {c['killed']:>7} {checked:>5} {score:>7} {c['equivalent']:>7} {c['not run']:>8}")
    checked = totals["killed"] + totals["survived"]
    score = totals["killed"] / checked if checked else 0.0
    print(f"{'all':<12} {totals['killed']:>7} {checked:>5} {score:>7.1%} {totals['equivalent']:>7} {totals['not run']:>8}")
    for line in unexplained:
        print(f"survived, not explained: {line}")
    for name in stale:
        print(f"{argv[1]}: {name} is listed as equivalent but is now {everything.get(name, 'gone')}: review the entry")
    print(f"score {score:.1%} (target {TARGET:.0%}), {len(unexplained)} survivors not explained")
    return 1 if unexplained or stale or score < TARGET else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
