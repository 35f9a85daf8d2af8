"""`xemcat scan` against ripgrep on synthetic router trees of 0.1, 0.5 and 1 GB.

Each tree has files of about 20 KiB in Go, Rust, Python and TypeScript (50,000 files per GB),
a vendored directory and a generated one that .gitignore leaves out, and now and then a line
that emits a catalog code in the presets' shapes. Both tools search the same tree with the same
patterns and exclusions, warm (each run once first), median of 3 runs; peak memory of
`xemcat scan` as GNU time reports it. Prints a Markdown table.

    .venv/bin/python tools/bench_scan.py [--sizes 0.1,0.5,1] [--runs 3]

Trees are kept in .cache/bench-scan/ between runs (delete it to free the space).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from xemcat.catalog import load_catalog  # noqa: E402
from xemcat.scan import PRESETS, VENDORED, alternation, ripgrep  # noqa: E402

FILE_SIZE = 20 * 1024
SHAPES = {".go": 'return Error{{Code: "{}", Message: msg}}', ".rs": 'ApiError {{ code: "{}", status: 400 }}',
          ".py": 'raise RouterError(code="{}")', ".ts": "throw new RouterError({{ code: '{}' }});"}
FILLER = {".go": "\tif err != nil {{ return fmt.Errorf(\"step {0}: %w\", err) }}\n",
          ".rs": "    let value_{0} = input.get({0}).ok_or(Error::Missing)?;\n",
          ".py": "    result_{0} = handler.process(request, attempt={0})\n",
          ".ts": "  const step{0} = await client.call('op', {{ attempt: {0} }});\n"}


def make_tree(dest: Path, size_gb: float, codes: list[str]) -> Path:
    """A synthetic router tree of about ``size_gb`` GB (kept when it exists)."""
    done = dest / ".complete"
    if done.exists():
        return dest
    rnd = random.Random(23)
    n_files = int(size_gb * 50_000)
    (dest / "vendor/lib").mkdir(parents=True, exist_ok=True)
    (dest / "gen").mkdir(exist_ok=True)
    (dest / ".gitignore").write_text("gen/\n")
    for i in range(n_files):
        ext = (".go", ".rs", ".py", ".ts")[i % 4]
        where = dest / ("vendor/lib" if i % 50 == 0 else "gen" if i % 50 == 1 else f"svc{i % 97}/pkg{i % 13}")
        where.mkdir(parents=True, exist_ok=True)
        lines, size, k = [], 0, 0
        while size < FILE_SIZE:
            line = FILLER[ext].format(k) if rnd.random() > 0.002 else SHAPES[ext].format(rnd.choice(codes)) + "\n"
            lines.append(line)
            size += len(line)
            k += 1
        (where / f"f{i}{ext}").write_text("".join(lines))
    done.write_text("")
    return dest


def measure(args: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (MB; GNU time's figure for the command and what it waited for)."""
    start = time.perf_counter()
    # Output read through a pipe, not sent to /dev/null: ripgrep stops at a file's first match
    # when it sees /dev/null, which would time a different search.
    out = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c", '"$@" | cat >/dev/null', "sh", *args],
                         stderr=subprocess.PIPE, text=True, check=False, env={**os.environ,
                                                                              "PYTHONPATH": str(ROOT / "tools")})
    wall = time.perf_counter() - start
    return wall, int(out.stderr.strip().splitlines()[-1]) // 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="0.1,0.5,1", help="tree sizes in GB")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    codes = [c.code for c in load_catalog(ROOT / "catalog").codes]
    pattern = alternation(list(PRESETS.values()))  # what `xemcat scan` gives ripgrep
    print("| tree | files | `xemcat scan`, s | ripgrep, s | ratio | scan peak RSS, MB |")
    print("|---|---|---|---|---|---|")
    for size in (float(s) for s in args.sizes.split(",")):
        tree = make_tree(ROOT / ".cache" / "bench-scan" / f"{size:g}gb", size, codes)
        files = sum(1 for _ in tree.rglob("f*"))
        scan = [sys.executable, "-m", "xemcat", "--catalog", str(ROOT / "catalog"), "scan", str(tree),
                "--format", "json"]
        rg = [ripgrep(), "--null", "--with-filename", "--line-number", "--no-heading", "--no-require-git",
              "--no-ignore-parent", "--no-follow", "--no-config", "-e", pattern,
              *[a for name in VENDORED for a in ("--glob", f"!**/{name}/**")], str(tree)]
        measure(rg), measure(scan)  # warm the page cache for both
        ours = [measure(scan) for _ in range(args.runs)]
        theirs = [measure(rg)[0] for _ in range(args.runs)]
        t_ours, t_rg = statistics.median(w for w, _ in ours), statistics.median(theirs)
        print(f"| {size:g} GB | {files:,} | {t_ours:.2f} | {t_rg:.2f} | {t_ours / t_rg:.2f} | "
              f"{max(m for _, m in ours)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
