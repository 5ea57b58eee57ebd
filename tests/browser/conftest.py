"""Real-browser fixtures: Debian's Chromium driven by Python Playwright (never a downloaded
browser)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome-extension"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

pytestmark = pytest.mark.browser


def _need(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} is missing ({path}); scripts/test installs it"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing tool is a failure, never a silent skip
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _need(CHROMIUM, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--allow-file-access-from-files=false",
            ],
        )
        yield browser
        browser.close()


class RequestLog:
    """Every URL a page asked for, so a test can prove nothing left this machine."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def external(self) -> list[str]:
        out = []
        for url in self.urls:
            parts = urlparse(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname in LOCAL_HOSTS:
                continue
            out.append(url)
        return out


class Screens:
    """Browser contexts (phones, a projector, a control page): each its own storage, as
    separate devices have, all logging their requests."""

    def __init__(
        self,
        browser: object,
        viewport: dict[str, int],
        timeout_ms: int,
        load_timeout_ms: int | None = None,
    ) -> None:
        self.browser = browser
        self.viewport = viewport
        self.timeout_ms = timeout_ms
        self.load_timeout_ms = load_timeout_ms
        self.contexts: list[object] = []
        self.log = RequestLog()

    def open(self, url: str, viewport: dict[str, int] | None = None) -> object:
        context = self.browser.new_context(viewport=viewport or self.viewport)  # type: ignore[attr-defined]
        context.on("request", lambda request: self.log.urls.append(request.url))
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(self.timeout_ms)
        page.goto(url, timeout=self.load_timeout_ms)
        return page

    def cookies(self) -> list[dict]:
        return [c for context in self.contexts for c in context.cookies()]  # type: ignore[attr-defined]

    def close(self) -> None:
        for context in self.contexts:
            context.close()  # type: ignore[attr-defined]


def offline_screens(screens: Screens) -> Iterator[Screens]:
    """The body of a fixture handing out ``screens``: afterwards, whatever the test did,
    nothing left this computer and no page set a cookie."""
    yield screens
    assert screens.log.urls, "no request was seen at all"
    assert screens.log.external() == []
    assert screens.cookies() == []
    screens.close()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    yield ctx
    ctx.close()


@pytest.fixture
def requests_seen(context: object) -> RequestLog:
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))  # type: ignore[attr-defined]
    return log


@pytest.fixture
def page(context: object, requests_seen: RequestLog) -> object:
    page = context.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(20_000)
    return page


def axe_violations(page: object, selector: str | None = None) -> list[dict]:
    """Serious and critical axe-core violations on the page (or inside ``selector``)."""
    _need(AXE, "axe-core (npm)")
    # Evaluated through DevTools rather than added as a <script>: the book's
    # Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async (sel) => await axe.run(sel ? document.querySelector(sel) : document)", selector
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """A plain web server for ``directory`` on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def watch_failed_requests(page: object) -> list[tuple[str, str]]:
    """(url, reason) of every request the page could not make, from now on."""
    failures: list[tuple[str, str]] = []
    page.on(  # type: ignore[attr-defined]
        "requestfailed", lambda request: failures.append((request.url, request.failure))
    )
    return failures


def assert_policy_blocks_a_cdn_image(page: object, failures: list[tuple[str, str]]) -> None:
    """Add an image from another host to the page: its Content-Security-Policy must report it
    and stop the request before it is sent."""
    blocked = page.evaluate(  # type: ignore[attr-defined]
        """() => new Promise(resolve => {
            document.addEventListener("securitypolicyviolation", e => resolve(e.blockedURI));
            const img = document.createElement("img");
            img.src = "https://cdn.example.org/font.png";
            document.body.append(img);
        })"""
    )
    assert blocked.startswith("https://cdn.example.org")
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    assert ("https://cdn.example.org/font.png", "csp") in failures  # never sent


# -- a tiny course project built once per session --------------------------------------------

VECTORS = ROOT / "tests" / "vectors"


def first_vector_id() -> str:
    """The id of the first shared vector scenario (tests/vectors), a short story to play."""
    return sorted(VECTORS.glob("*.yml"))[0].stem


XSS_SCENARIO = """\
id: hostile-text
title: "Hostile <b>title</b>"
summary: "<script>window.__pwned = 'summary'</script>"
audiences: [village]
modi: [deception]
start: a
nodes:
  a:
    text: "Before <img src=x onerror=\\"window.__pwned='img'\\"> after
      <script>window.__pwned='script'</script>"
    prompt: "<iframe src=javascript:alert(1)></iframe>"
    choices:
      - label: "<b onclick=alert(1)>bold?</b>"
        target: b
        feedback: "<svg onload=\\"window.__pwned='svg'\\"></svg>"
  b:
    text: Done.
    ending:
      kind: safe
      debrief: "<a href=javascript:alert(1)>link</a>"
      messages: ["<style>body{display:none}</style>"]
      help: [sapa-129]
characters: [woman]
"""


FACILITATED_SCENARIO = """\
id: village-meeting
title: A village meeting
audiences: [village]
modi: [deception]
start: a
nodes:
  a:
    text: A recruiter arrives with an offer.
    notes: Let people speak before you explain.
    prompt: What would you ask first?
    choices:
      - {label: Ask questions, target: b, feedback: Questions protect.}
      - {label: Sign at once, target: c, feedback: Signing at once leaves no time to check.}
  b:
    text: The recruiter leaves.
    ending: {kind: safe, debrief: Asking helped., messages: [Ask first.], help: [sapa-129]}
  c:
    text: The papers were false.
    ending: {kind: harmed, debrief: Nobody checked., messages: [Check first.], help: [sapa-129]}
characters: [woman]
"""


@pytest.fixture(scope="session")
def tiny_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course project with the shared vector scenarios and a hostile one (and the Voila apps)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "widgets", root / "widgets")
    (root / "scenarios").mkdir()
    (root / "book").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    ids = []
    for source in sorted(VECTORS.glob("*.yml")):
        shutil.copy(source, root / "scenarios" / source.name)
        ids.append(source.stem)
    (root / "scenarios" / "hostile-text.yml").write_text(XSS_SCENARIO, encoding="utf-8")
    (root / "scenarios" / "village-meeting.yml").write_text(FACILITATED_SCENARIO)
    pages = ["index"]
    (root / "book" / "index.md").write_text("# Test course\n\nScenarios for tests.\n")
    for sid in [*ids, "hostile-text"]:
        (root / "book" / f"{sid}.md").write_text(f"# {sid}\n\n```{{scenario}} {sid}\n```\n")
        pages.append(sid)
    (root / "book" / "facilitated.md").write_text(
        "# Facilitated\n\n```{scenario} village-meeting\n:mode: facilitator\n```\n"
    )
    pages.append("facilitated")
    toc = "format: jb-book\nroot: index\nchapters:\n" + "".join(
        f"  - file: {p}\n" for p in pages[1:]
    )
    (root / "_toc.yml").write_text(toc)
    chapters = ", ".join(pages[1:])
    (root / "profiles.yml").write_text(
        "profiles:\n"
        f"  full: {{title: Test course, root: index, chapters: [{chapters}], scenarios: []}}\n"
        "  school: {title: School test, root: index, chapters: [facilitated], scenarios: "
        "[village-meeting, online-chat], mode: facilitator}\n"
    )
    (root / "locales").mkdir()
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en],"
        " cldr: id, status: draft}\n"
    )
    return root


@pytest.fixture(scope="session")
def tiny_book(tiny_course: Path) -> Path:
    """The tiny course built by `waspada build`; returns the English HTML folder."""
    root = tiny_course
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "waspada",
            "--project",
            str(root),
            "build",
            "--lang",
            "en,id",
            "--profile",
            "full",
            "--strict",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "_build" / "html" / "full" / "en"


# -- a Voila server per session ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_voila(project_root: Path, log_path: Path, **options: int) -> Iterator[tuple[str, int]]:
    """`waspada serve`'s Voila command (with ``options`` for voila_command) on a free loopback
    port; yields its base URL and process id, and stops it afterwards."""
    port = free_port()
    from waspada.project import Project
    from waspada.serve import voila_command, voila_env

    command = voila_command(Project(project_root), port=port, **options)  # type: ignore[arg-type]
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, env=voila_env(), cwd=project_root / "widgets", stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/voila/api/shutdown", timeout=1)
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Voila did not start within 60 s:\n" + log_path.read_text())
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory: pytest.TempPathFactory, tiny_course: Path) -> Iterator[str]:
    """`waspada serve`'s Voila command on the tiny course, on a free loopback port."""
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with running_voila(tiny_course, log_path) as (base, _pid):
        yield base


def copy_course(target: Path, extra: dict[str, str] | None = None) -> Path:
    """A copy of the real course (scenarios, help, translations, the Voila apps) at ``target``,
    with ``extra`` scenario files (name: text): a live server keeps its rooms in the course's
    _run folder, which must not be the repository's."""
    for folder in ("scenarios", "locales", "widgets", "districts", "book"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("*.mo"))
    for name in ("help.yml", "_config.yml", "profiles.yml", "_toc.yml"):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, target / name)
    for name, text in (extra or {}).items():
        (target / "scenarios" / name).write_text(text, encoding="utf-8")
    return target


@contextlib.contextmanager
def serving_live(
    course: Path, log_path: Path, *, max_kernels: int = 4, port: int | None = None
) -> Iterator[str]:
    """`waspada serve --live --no-browser` on ``course`` (on ``port``, else a free one), its
    output appended to ``log_path``; yields the base URL once the join page answers, and stops
    the server (and its kernels) afterwards."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "waspada", "--project", str(course), "serve", "--live",
        "--no-browser", "--port", str(port), "--max-kernels", str(max_kernels),
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(base + "/j", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("waspada serve --live did not start:\n" + log_path.read_text())
                time.sleep(0.5)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
