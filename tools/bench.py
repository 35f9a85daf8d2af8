"""Benchmark: what the catalog costs at the shipped size, 1,000 and 10,000 codes.

    .venv/bin/python tools/bench.py [--sizes shipped,1000,10000] [--runs 3]

Every figure is the median of --runs whole-process runs on this machine:
  check cold / warm   `.venv/bin/xemcat check` (load, validate, render the templates against a
                      sample of the catalog) without / with the compiled-template cache
                      (.cache/xemcat), and its peak RSS; Python's own bytecode is present in both,
                      as after any first run
  stage               load + validate + render inside `mkdocs build` (recorded by the hook)
  build / baseline    `mkdocs build` of our site, and of plain MkDocs building the very same
                      pages written as static Markdown (`xemcat pages`) with the same mkdocs.yml minus
                      the hook; ratio = build / baseline. "caches off" is our build with XEMCAT_CACHE=0
                      (no compiled-template cache), as on a fresh CI machine
  CPU ratio           the same comparison in CPU time (user + system), steadier on a shared machine
  build RSS           peak memory of our `mkdocs build` (and of the baseline's)
  serve rebuild       time from a one-line catalog edit to `mkdocs serve` serving the new page
  page weight         Error Codes and Troubleshooting HTML (raw / gzip) and the search index
The last rows hold each figure against the budget of issue 10 (check <= 0.15 s shipped,
<= 0.35 s at 1,000, <= 2 s and <= 200 MB at 10,000; build <= 1.15x the baseline with caches
off). Builds are measured up to --build-max codes (a 10,000-code build takes minutes).
Writes nothing outside a temporary directory. Not run by the tests (timings are not assertions).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

# Measured processes keep Python's compiled bytecode (__pycache__), as a writer's and CI's do after
# the first run: PYTHONDONTWRITEBYTECODE in the caller's environment would make every run
# recompile the package and measure that instead.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update({"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764374400"})


def timed(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (MB) and CPU time (user + system, s) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args)}\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def median_of(runs: int, fn) -> tuple[float, int]:
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def make_project(dest: Path, n: int | None) -> Path:
    dest.mkdir(parents=True)
    for part in ("mkdocs.yml", "docs", "templates", "tools"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    if n is None:
        shutil.copytree(ROOT / "catalog", dest / "catalog")
    else:
        from xemcat.synth import generate
        generate(n, dest / "catalog", seed=1, shipped=ROOT / "catalog")
    return dest


def make_baseline(project: Path, dest: Path) -> Path:
    """Same site, no hook: the files `xemcat pages` writes (the generated pages as static
    Markdown sources, and the published JSON files) in place of docs/, built by plain MkDocs."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("site", ".cache", "build"))
    pages = subprocess.run([sys.executable, "-m", "xemcat", "--catalog", "catalog", "pages", "docs.generated",
                            "--with-docs", "docs"], cwd=dest, env={**ENV, "PYTHONPATH": str(dest / "tools")},
                           capture_output=True, text=True)
    assert pages.returncode == 0, pages.stderr
    shutil.rmtree(dest / "docs")
    (dest / "docs.generated").rename(dest / "docs")
    yml = (dest / "mkdocs.yml").read_text()
    yml = yml.replace("hooks:\n  - tools/mkdocs_hook.py\n", "")
    assert "\nhooks:" not in yml, "could not remove the hook from mkdocs.yml"
    (dest / "mkdocs.yml").write_text(yml)
    return dest


def stage_time(project: Path) -> float:
    log = project / "timings.jsonl"
    log.unlink(missing_ok=True)
    env = {**ENV, "XEMCAT_TIMINGS": str(log)}
    timed([sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(project / "site")], project, env)
    return sum(json.loads(line)["seconds"] for line in log.read_text().splitlines())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return ""


def serve_rebuild(project: Path, runs: int) -> float:
    """Median seconds from writing a one-line edit to the new text being served."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"http://127.0.0.1:{port}/error-codes/"
    target = next((project / "catalog" / "sections").glob("*.yaml"))
    original = target.read_text()
    results = []
    try:
        deadline = time.monotonic() + 600
        while 'data-place="summary"' not in fetch(page):
            if time.monotonic() > deadline:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.2)
        time.sleep(1.0)  # let the watcher settle
        for i in range(runs):
            marker = f"benchmarkmarker{i}x{int(time.time())}"
            lines = original.splitlines(keepends=True)
            idx = next(j for j, l in enumerate(lines) if l.lstrip().startswith("description:"))
            lines[idx] = lines[idx].rstrip("\n") + f" {marker}\n"
            start = time.perf_counter()
            target.write_text("".join(lines))
            while marker not in fetch(page):
                if time.perf_counter() - start > 600:
                    raise SystemExit("serve rebuild timed out")
                time.sleep(0.02)
            results.append(time.perf_counter() - start)
            time.sleep(1.0)
    finally:
        target.write_text(original)
        proc.terminate()
        proc.wait(timeout=20)
    return statistics.median(results)


def weight(site: Path) -> dict[str, str]:
    def kb(path: Path) -> str:
        raw = path.read_bytes()
        return f"{len(raw) / 1024:,.0f} / {len(gzip.compress(raw, 6)) / 1024:,.0f}"
    return {
        "Error Codes KiB (raw / gz)": kb(site / "error-codes" / "index.html"),
        "Troubleshooting KiB (raw / gz)": kb(site / "troubleshooting" / "index.html"),
        "search index KiB (raw / gz)": kb(site / "search" / "search_index.json"),
    }


CHECK_BUDGET = {None: 0.15, 1000: 0.35, 10000: 2.0}  # seconds, by size (None: shipped)
CHECK_RSS_BUDGET = {10000: 200}  # MB
BUILD_RATIO_BUDGET = 1.15


def verdict(value: float, limit: float | None) -> str:
    return "-" if limit is None else f"{'met' if value <= limit else 'NOT met'} ({value:.2f} vs {limit})"


def bench_size(label: str, n: int | None, runs: int, work: Path, serve: bool, build: bool) -> dict[str, str]:
    project = make_project(work / f"ours-{label}", n)
    from xemcat.catalog import load_catalog
    codes = n if n is not None else len(load_catalog(project / "catalog").codes)
    # The console script writers run (README: .venv/bin/xemcat check), on this copy's package.
    check = [str(Path(sys.executable).parent / "xemcat"), "--catalog", "catalog", "check", "-q"]
    env_cold = {**ENV, "XEMCAT_CACHE": "0", "PYTHONPATH": str(project / "tools")}
    env_warm = {**ENV, "PYTHONPATH": str(project / "tools")}
    timed(check, project, env_cold)  # Python's bytecode for the copy, as after any first run
    cold, cold_rss = median_of(runs, lambda: timed(check, project, env_cold))
    timed(check, project, env_warm)  # fill the cache
    warm, warm_rss = median_of(runs, lambda: timed(check, project, env_warm))
    row = {
        "codes": f"{codes:,}",
        "check cold s (RSS MB)": f"{cold:.2f} ({cold_rss})",
        "check warm s (RSS MB)": f"{warm:.2f} ({warm_rss})",
    }
    if not build:
        return row | _budget(n, cold, warm, cold_rss, None)
    stage = statistics.median(stage_time(project) for _ in range(runs))
    build_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", "site"]
    baseline_project = make_baseline(project, work / f"base-{label}")
    ours_runs, base_runs = [], []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        ours_runs.append(timed(build_cmd, project))
        base_runs.append(timed(build_cmd, baseline_project))
    ours, base = statistics.median(r[0] for r in ours_runs), statistics.median(r[0] for r in base_runs)
    ours_cpu, base_cpu = statistics.median(r[2] for r in ours_runs), statistics.median(r[2] for r in base_runs)
    rss, base_rss = max(r[1] for r in ours_runs), max(r[1] for r in base_runs)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    no_cache = {**ENV, "XEMCAT_CACHE": "0"}
    ours_cold = median_of(runs, lambda: timed(build_cmd, project, no_cache))[0]
    row.update({
        "stage s": f"{stage:.2f}",
        "build s": f"{ours:.2f}",
        "baseline s": f"{base:.2f}",
        "ratio": f"{ours / base:.3f}",
        "build CPU s / baseline CPU s": f"{ours_cpu:.2f} / {base_cpu:.2f}",
        "CPU ratio": f"{ours_cpu / base_cpu:.3f}",
        "build s, caches off": f"{ours_cold:.2f}",
        "ratio, caches off": f"{ours_cold / base:.3f}",
        "build RSS MB (baseline)": f"{rss} ({base_rss})",
        "serve rebuild s": f"{serve_rebuild(project, runs):.2f}" if serve else "-",
    })
    row.update(weight(project / "site"))
    return row | _budget(n, cold, warm, cold_rss, ours_cold / base)


def _budget(n: int | None, cold: float, warm: float, check_rss: int, ratio: float | None) -> dict[str, str]:
    return {
        # A writer's edit-and-check loop runs with the templates compiled (they are recompiled
        # only when a template changes); the first run, as on a fresh CI machine, compiles them.
        "budget: check s, templates compiled": verdict(warm, CHECK_BUDGET.get(n)),
        "budget: check s, first run (compiles templates)": verdict(cold, CHECK_BUDGET.get(n)),
        "budget: check RSS MB": verdict(check_rss, CHECK_RSS_BUDGET.get(n)),
        "budget: build ratio, caches off": verdict(ratio, BUILD_RATIO_BUDGET) if ratio is not None else "-",
    }


LOOKUP_BUDGET_S = 0.25  # issue 19: any paste up to the cap answers well under a second


def lookup_pastes(cap: int) -> dict[str, str]:
    """Worst cases for the look-up's parsing, each exactly at the size cap."""
    line = "x-request-id: " + " " * (cap - 40) + "a"
    return {
        "one long word": "x" * cap,
        "one header line of spaces": line[:cap],
        "many header lines": ("a: b\n" * (cap // 5))[:cap],
        "broken JSON, many keys": ('{"error": {"code": "a' + ', "code": "b' * cap)[:cap],
        "brackets": ("[" * (cap // 2) + "]" * (cap // 2))[:cap],
        "message of many words": ("rate limit exceeded " * cap)[:cap],
        "bidi and controls": ("\u202e\x1b[2J" * cap)[:cap],
    }


def bench_lookup(runs: int) -> list[tuple[str, float, float | None]]:
    """Seconds to answer each worst-case paste: `xemcat explain -`'s interpret() in Python, and
    the look-up box's interpret() in Chromium (when /usr/bin/chromium and Playwright are here)."""
    from xemcat.catalog import load_catalog
    from xemcat.lookup import MAX_INPUT, index, interpret
    data = index(load_catalog(ROOT / "catalog"))
    pastes = lookup_pastes(MAX_INPUT)
    python = {name: statistics.median(_seconds(lambda: interpret(text, data)) for _ in range(runs))
              for name, text in pastes.items()}
    browser: dict[str, float] = {}
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page()
            page.add_script_tag(content=(ROOT / "docs/assets/xem-lookup.js").read_text())
            for name, text in pastes.items():
                browser[name] = page.evaluate("""([text, data, runs]) => {
                    const times = [];
                    for (let i = 0; i < runs; i++) {
                      const t = performance.now(); window.xemLookup.interpret(text, data); times.push(performance.now() - t);
                    }
                    times.sort((a, b) => a - b); return times[Math.floor(runs / 2)] / 1000; }""", [text, data, runs])
            b.close()
    except Exception as exc:  # no browser here: the Python column still stands
        print(f"look-up in Chromium not measured: {exc}", file=sys.stderr)
    return [(name, python[name], browser.get(name)) for name in pastes]


def _seconds(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import mkdocs
    import material
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores; Python "
            f"{platform.python_version()}, MkDocs {mkdocs.__version__}, Material {material.__version__}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="shipped,1000,10000")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--serve-max", type=int, default=1000, help="measure serve rebuild up to this many codes")
    p.add_argument("--build-max", type=int, default=1000, help="measure builds up to this many codes")
    p.add_argument("--skip-lookup", action="store_true", help="leave out the look-up at the size cap")
    args = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="xemcat-bench-") as tmp:
        for label in args.sizes.split(","):
            n = None if label == "shipped" else int(label)
            print(f"measuring {label} ...", file=sys.stderr, flush=True)
            rows.append(bench_size(label, n, args.runs, Path(tmp), serve=(n or 0) <= args.serve_max,
                                   build=(n or 0) <= args.build_max))
    print(f"Machine: {machine()}; median of {args.runs} runs\n")
    keys = list(dict.fromkeys(k for r in rows for k in r))
    keys = [k for k in keys if not k.startswith("budget")] + [k for k in keys if k.startswith("budget")]
    print("| " + " | ".join(["metric"] + [r["codes"] + " codes" for r in rows]) + " |")
    print("|" + "---|" * (len(rows) + 1))
    for k in keys[1:]:
        print("| " + " | ".join([k] + [r.get(k, "-") for r in rows]) + " |")
    if not args.skip_lookup:
        print(f"\nLook-up of a paste at the size cap (seconds, median of {args.runs}; budget {LOOKUP_BUDGET_S} s)\n")
        print("| paste | Python (explain -) | Chromium (look-up box) | budget |")
        print("|---|---|---|---|")
        for name, py, js in bench_lookup(args.runs):
            worst = max(py, js or 0)
            print(f"| {name} | {py:.3f} | {'-' if js is None else f'{js:.3f}'} | {verdict(worst, LOOKUP_BUDGET_S)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
