"""First screen under a slow phone profile: FCP, LCP, layout shift and blocking time per page.

Lighthouse 12.2.3 (installed on first use with npm into .cache/lighthouse) loads each page of a
built site from a loopback server that compresses like a static host (gzip), with its mobile
profile: CPU 4x slower, 1.6 Mbps down, 150 ms round trips (simulated throttling), in Debian's
Chromium. Prints a Markdown table of medians for the Performance page.

    .venv/bin/python tools/bench_pageload.py [--site site] [--runs 3]

A benchmark, not a test: it reports, it does not fail on a figure.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from xemcat.pages import PAGES, page_url  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"
TOOL_DIR = ROOT / ".cache" / "lighthouse"
CHROMIUM = os.environ.get("XEMCAT_CHROMIUM", "/usr/bin/chromium")
METRICS = {"first-contentful-paint": "FCP, s", "largest-contentful-paint": "LCP, s",
           "cumulative-layout-shift": "layout shift", "total-blocking-time": "blocking, ms"}
COMPRESSED = (".html", ".css", ".js", ".json", ".svg")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host's answer: text compressed when the client accepts gzip."""

    def log_message(self, *args):  # the table is the output
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in COMPRESSED and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def lighthouse() -> Path:
    """The pinned Lighthouse, installed into .cache/lighthouse on first use."""
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "i", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=TOOL_DIR, check=True)
    return binary


def measure(binary: Path, url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run([str(binary), url, "--only-categories=performance", "--output=json",
                        f"--output-path={out}", "--quiet", "--chrome-flags=--headless=new --no-sandbox"],
                       check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
        audits = json.loads(out.read_text())["audits"]
    return {key: audits[key]["numericValue"] for key in METRICS}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", type=Path, default=ROOT / "site", help="a built site (sh tools/build-site.sh)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    if not (args.site / "index.html").is_file():
        print(f"bench_pageload: {args.site}/index.html not found; build the site first (sh tools/build-site.sh)",
              file=sys.stderr)
        return 2
    if not shutil.which("npm"):
        print("bench_pageload: npm not found (Node 20 installs Lighthouse)", file=sys.stderr)
        return 2
    binary = lighthouse()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(GzipHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        print("| page | " + " | ".join(METRICS.values()) + " |")
        print("|---" * (len(METRICS) + 1) + "|")
        for page in PAGES:
            runs = [measure(binary, base + page_url(page.file)) for _ in range(args.runs)]
            cells = []
            for key in METRICS:
                value = statistics.median(r[key] for r in runs)
                cells.append(f"{value / 1000:.2f}" if key.endswith("paint") else
                             f"{value:.3f}" if key == "cumulative-layout-shift" else f"{value:.0f}")
            print(f"| {page.title} | " + " | ".join(cells) + " |", flush=True)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
