"""Shared fixtures: the repository, throw-away copies of the project, and a built site."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import logging
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The installed package wins (.venv's editable install, or the mutated copy during a mutation
# run); only a bare checkout without the install imports it from this tree.
if importlib.util.find_spec("xemcat") is None:
    sys.path.insert(0, str(ROOT / "tools"))

PROJECT_PARTS = ("mkdocs.yml", "README.md", "docs", "catalog", "templates", "tools")
IMPORTED_ENVIRON = dict(os.environ)
ENV = {**IMPORTED_ENVIRON, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764374400"}
ENV.pop("GITHUB_ACTIONS", None)


def copy_project(dest: Path) -> Path:
    """A copy of everything a build needs, to break without touching the real tree."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def run(args: list[str], cwd: Path, timeout: float = 180, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env or ENV)


def mkdocs_build(project: Path, site_dir: Path, *, env: dict | None = None, process: bool = False,
                 command: str = "build") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of PROJECT into SITE_DIR, in this process: the hook and the
    xemcat code it calls are this process's, so a mutation tool sees which tests reach the
    renderer. MkDocs' log lines are stderr. COMMAND="serve" builds as `mkdocs serve` does each
    time (the hook is told so at startup), without the server. PROCESS=True runs the command
    itself: for a copy whose own code is changed (PYTHONPATH), or to see what the command prints
    on failure."""
    if process:
        return run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)], project,
                   env=env)
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    with _as_command(project, env) as (out, err):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        try:
            config = load_config(str(project / "mkdocs.yml"), site_dir=str(site_dir), strict=command == "build")
            config.plugins.on_startup(command=command, dirty=False)
            build(config)
            status = 0
        except exceptions.MkDocsException as exc:  # what the command prints before it exits 1
            print(exc, file=sys.stderr)
            status = 1
        finally:
            logger.removeHandler(handler)
    return subprocess.CompletedProcess(["mkdocs", "build"], status, out.getvalue(), err.getvalue())


def _with_later_changes(env: dict, environ: dict) -> dict:
    """The environment a test gives, plus what this process set after the tests' snapshot (ENV)
    and the test did not set itself: a runner's own variables (the mutation tool's
    MUTANT_UNDER_TEST) stay in force for the code the test runs in this process."""
    later = {k: v for k, v in environ.items() if IMPORTED_ENVIRON.get(k) != v and env.get(k) == ENV.get(k)}
    return {**env, **later}


@contextlib.contextmanager
def _as_command(cwd: Path, env: dict | None, stdin: bytes = b"", timeout: float = 180):
    """This process as a command started in CWD with ENV and STDIN would see it, restored after;
    yields the buffers behind stdout and stderr (escaped as the xemcat command escapes them).
    Like run()'s processes, it fails after TIMEOUT seconds: a hang fails the test, not the suite."""
    from xemcat.terminal import SafeStream
    out, err = io.StringIO(), io.StringIO()
    saved = os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr

    def hung(*_):
        raise TimeoutError(f"still running after {timeout} s")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(_with_later_changes(env or ENV, environ=saved[1]))
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
        yield out, err
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        cwd_, environ, sys.stdin, sys.stdout, sys.stderr = saved
        os.chdir(cwd_)
        os.environ.clear()
        os.environ.update(environ)


def xemcat(*args: str, cwd: Path = ROOT, env: dict | None = None, stdin: bytes = b"",
           timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the command-line tool the way writers and CI run it, in this process: the same
    argument parsing, working directory, environment, standard input and escaped streams as
    `xemcat` (cli.run), only without a new interpreter, so a test costs milliseconds and a
    mutation tool sees which tests reach which code. A copy of the project runs this tree's
    code; tests that change the copy's code, or need the process itself, use xemcat_process()."""
    from xemcat.cli import main
    with _as_command(cwd, env, stdin, timeout) as (out, err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["xemcat", *args], status, out.getvalue(), err.getvalue())


def xemcat_process(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command-line tool as its own process, with the code of the tree it runs in."""
    env = dict(env or ENV)
    env["PYTHONPATH"] = str(cwd / "tools") if (cwd / "tools" / "xemcat").is_dir() else str(ROOT / "tools")
    return run([sys.executable, "-m", "xemcat", *args], cwd, env=env)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def shared_scope(declared: str):
    """The scope of a fixture whose work many tests share: DECLARED ("session", "module"), except
    in the one run where the mutation tool learns which tests reach which function
    (MUTANT_UNDER_TEST=stats): there each test sets the fixture up again, so what the fixture
    runs (a whole site build) counts for every test that reads its result, not only the first."""
    def scope(fixture_name: str, config: pytest.Config) -> str:
        return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else declared
    return scope


@pytest.fixture(scope=shared_scope("session"))
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once with --strict into a temporary directory."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope=shared_scope("session"))
def catalog():
    from xemcat.catalog import load_catalog
    return load_catalog(ROOT / "catalog")


CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-default-apps"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a built site on 127.0.0.1 (a free port) for as long as the block runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> Path | None:
    """The Chromium the browser tests drive: the system's (/usr/bin/chromium, or the one named
    by XEMCAT_CHROMIUM), else None for the one Playwright installed itself (`playwright install
    chromium`, on runners without a system Chromium, such as GitHub's arm64 images)."""
    named = os.environ.get("XEMCAT_CHROMIUM")
    if named:
        return Path(named)
    return CHROMIUM if CHROMIUM.exists() else None


def pytest_report_header(config):
    path = chromium_path()
    return f"browser tests: {path or 'the Chromium Playwright installed (no system Chromium found)'}"


@contextlib.contextmanager
def open_page(browser, site: Path, path: str = "/", width: int = 1280, height: int = 900, ready: str | None = None):
    """A page of the built site in its own browser context, served on loopback for the block;
    ``ready``: a selector to wait for (the look-up box shows once its script has read lookup.json)."""
    with serve(site) as url:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        page = ctx.new_page()
        page.goto(url + path)
        if ready:
            page.wait_for_selector(ready)
        try:
            yield page
        finally:
            ctx.close()


LOOKUP_READY = ".xem-lookup[data-loaded]"  # the box has its index: a look-up answers in place


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright
    path = chromium_path()
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(path) if path else None, headless=True, args=LAUNCH_ARGS)
        except Error as exc:
            pytest.fail(f"no Chromium for the browser tests ({' '.join(str(exc).split())[:200]}): on Debian, "
                        "apt-get install chromium (tools/run-tests.sh does); elsewhere `playwright install "
                        "chromium` or XEMCAT_CHROMIUM=/path/to/chromium")
        yield b
        b.close()


def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium is marked `browser`, so a writer can run the rest alone
    (`sh tools/run-tests.sh -m "not browser"`, under a minute)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
