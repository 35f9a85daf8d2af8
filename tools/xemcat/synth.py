"""Synthetic catalog generator for tests and benchmarks: a valid catalog of N codes spread over
sections, with realistic text lengths and a mix of diagnostics, deterministic for a seed.

    python -m xemcat.synth N OUTDIR [--seed S] [--per-section K]

It reuses the shipped site.yaml, commands.yaml and schema.json, so the generated catalog goes
through exactly the same validation and rendering as the real one.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

import yaml

WORDS = ("request key scope project workspace agent endpoint model tool approval invocation router fleet "
         "worker manifest quota billing tier region token header payload limit window retry status route "
         "surface policy credential session upload export template schedule health capacity budget").split()
STATUSES = (400, 401, 403, 404, 409, 422, 429, 500, 502, 503)
TYPES = ("invalid_request_error", "authentication_error", "not_found_error", "service_error", "internal_error")


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return (" ".join(words)).capitalize() + "."


def _generic(form: str) -> str:
    """A diagnostic from a registry form: optional parts dropped, placeholders kept."""
    return re.sub(r"\s*\[[^\]]*\]", "", form)


def generate(n: int, out: Path, seed: int = 1, per_section: int = 100, shipped: Path = Path("catalog")) -> list[str]:
    """Write a catalog of ``n`` codes to ``out``, reusing the page-level files of ``shipped``."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sections").mkdir(exist_ok=True)
    shutil.copyfile(shipped / "schema.json", out / "schema.json")
    shutil.copyfile(shipped / "commands.yaml", out / "commands.yaml")
    forms = [c["form"] for c in yaml.safe_load((shipped / "commands.yaml").read_text())["commands"]]
    codes = [f"synthetic_{rng.choice(WORDS)}_{i:05d}" for i in range(n)]
    site = yaml.safe_load((shipped / "site.yaml").read_text())
    site["envelope"]["example"]["code"] = codes[0]
    (out / "site.yaml").write_text("# yaml-language-server: $schema=schema.json\n"
                                   + yaml.safe_dump(site, sort_keys=False, allow_unicode=True, width=100))
    for s, start in enumerate(range(0, n, per_section)):
        entries = []
        for i in range(start, min(n, start + per_section)):
            r = rng.random()
            http: object = "unknown"
            if r < 0.4:
                http = [{"status": rng.choice(STATUSES), "source": "error-codes"}]
            elif r < 0.5:
                a, b = rng.sample(STATUSES, 2)
                http = [{"status": a, "when": _sentence(rng, 4, 9), "source": "error-codes"},
                        {"status": b, "when": _sentence(rng, 4, 9), "source": "error-codes"}]
            action = _sentence(rng, 12, 30)
            if i > 0 and rng.random() < 0.2:  # some prose refers to another code
                action += f" See also `{codes[rng.randrange(0, i)]}`."
            entries.append({
                "code": codes[i],
                "description": _sentence(rng, 8, 18),
                "http": http,
                "retryable": rng.choice(["unknown", {"value": rng.random() < 0.3, "source": "error-codes"}]),
                "type": rng.choice(["unknown", {"value": rng.choice(TYPES), "source": "error-codes"}]),
                "action": action,
                "diagnostic": ({"none": True, "note": "provide the x-request-id header value"} if rng.random() < 0.1
                               else {"command": _generic(rng.choice(forms))}),
                "example": {"message": _sentence(rng, 6, 14), "param": rng.choice([None, "model", "workspace_id"])},
            })
        doc = {"section": {"id": f"group-{s:03d}", "title": f"Group {s + 1}",
                           "note": _sentence(rng, 15, 40)},
               "codes": entries}
        (out / "sections" / f"{s:03d}-group.yaml").write_text(
            "# yaml-language-server: $schema=../schema.json\n"
            + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
    return codes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m xemcat.synth", description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--per-section", type=int, default=100)
    p.add_argument("--from", dest="shipped", type=Path, default=Path("catalog"),
                   help="catalog whose site.yaml, commands.yaml and schema.json are reused (default: ./catalog)")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    generate(args.n, args.out, args.seed, args.per_section, args.shipped)
    print(f"wrote {args.n} codes to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
