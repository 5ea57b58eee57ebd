"""``waspada preview``: one course, rebuilt and reloaded in the open page as the author saves.

The preview builds one profile in one language into ``_build/preview/<profile>/<lang>/`` (its
own pages, doctrees and compiled catalogs, so it never disturbs `waspada build`), serves it on
127.0.0.1 and watches the sources. When one changes it runs the checks of `waspada check`;
with an error it keeps the last good build and shows the problems at the top of every page,
otherwise it rebuilds and every open page reloads.

Its own small watcher and server rather than sphinx-autobuild: the pages' strict
Content-Security-Policy allows scripts and connections to the same origin only, so the reload
script is a same-origin file (``/_preview/reload.js``, listening with Server-Sent Events) that
the server adds to each page as it sends it; the built files never contain it. The build is
`python -m waspada.book.build`'s, run in one Sphinx process kept warm between rebuilds (a cold
one spends 3 to 4 s importing Jupyter Book and Sphinx before it reads a page).

The pure parts (what a changed path is, the banner, the page with the reload script) are
functions at the top; the watcher, the Sphinx worker and the web server follow.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .project import Project
from .scenario import Problem
from .scenario.problems import Location

DEFAULT_PORT = 8000
POLL_SECONDS = 0.1  # how often the sources' modification times are read
SETTLE_SECONDS = 0.05  # after a change, the next look: a save in several steps is one change
SETTLE_LOOKS = 10
MAX_WATCHED = 20_000  # files; a course has a few hundred (a huge folder must not stall us)
BUILD_TIMEOUT = 600  # seconds one rebuild may take before the Sphinx process is restarted
MAX_LISTENERS = 64  # pages listening for reloads at once (each holds a thread)
PREVIEW_PREFIX = "/_preview/"
STOP_GRACE_SECONDS = 5.0

# Files outside book/, scenarios/, districts/ and locales/<lang>/ whose change means a rebuild.
SINGLE_FILES = {
    "help.yml": "help",
    "profiles.yml": "profiles",
    "_config.yml": "config",
    "_toc.yml": "toc",
    "locales/languages.yml": "languages",
}
# Catalogs whose messages every page shows (the theme's and the interface's): a change means
# rewriting every page, not only the pages that were read again.
CHROME_CATALOGS = ("sphinx.po", "ui.po")


# -- what changed --------------------------------------------------------------------------------


def classify(relative: str, chain: Sequence[str]) -> str | None:
    """What kind of source ``relative`` (a path inside the course, with ``/``) is for a preview
    in a language with fallback ``chain``: chapter, scenario, district, translation, other
    translation (a catalog of another language, which only the checks read), help, profiles,
    config, toc, languages; or None for a file the preview does not read (hidden and editor
    files, compiled catalogs, anything built).
    """
    parts = relative.split("/")
    name = parts[-1]
    if (
        not name
        or any(part.startswith(".") or part in ("", "..", "_build") for part in parts)
        or name.startswith("#")
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
    ):
        return None
    if relative in SINGLE_FILES:
        return SINGLE_FILES[relative]
    if parts[0] == "book" and len(parts) > 1:
        return "chapter"
    if parts[0] in ("scenarios", "districts") and len(parts) == 2:
        if name.endswith((".yml", ".yaml")):
            return "scenario" if parts[0] == "scenarios" else "district"
        return None
    if (
        len(parts) == 4
        and parts[0] == "locales"
        and parts[2] == "LC_MESSAGES"
        and name.endswith(".po")
    ):
        # Another language's catalog changes no page here, but `waspada check` reads it.
        return "translation" if parts[1] in chain else "other translation"
    return None


def scan(root: Path, chain: Sequence[str]) -> dict[str, tuple[int, int]]:
    """The modification time and size of every file the preview reads, by course path.

    Folders are walked without following links, and at most ``MAX_WATCHED`` files are noted.
    """
    found: dict[str, tuple[int, int]] = {}
    folders = [root / "book", root / "scenarios", root / "districts"]
    folders += sorted((root / "locales").glob("*/LC_MESSAGES"))
    candidates: list[str] = list(SINGLE_FILES)
    for top in folders:
        for current, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "_build")
            base = Path(current).relative_to(root).as_posix()
            candidates += [f"{base}/{name}" for name in sorted(files)]
            if len(candidates) > MAX_WATCHED:
                dirs[:] = []
        if len(candidates) > MAX_WATCHED:
            break
    for relative in candidates[:MAX_WATCHED]:
        if classify(relative, chain) is None:
            continue
        try:
            info = (root / relative).stat()
        except OSError:
            continue
        found[relative] = (info.st_mtime_ns, info.st_size)
    return found


def changed_files(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[str]:
    """The course paths added, removed or modified between two scans."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def describe(paths: Sequence[str], limit: int = 3) -> str:
    """``scenarios/x.yml changed``; with more files, the first few and how many more."""
    if not paths:
        return "starting"
    shown = ", ".join(paths[:limit])
    more = len(paths) - limit
    if more > 0:
        shown += f" and {more} more"
    return f"{shown} changed"


@dataclass(frozen=True)
class Rebuild:
    """What a set of changes asks of the Sphinx build."""

    compile_catalogs: bool = False  # a .po of the chain changed: compile the merged .mo again
    rewrite_all: bool = False  # text every page shows changed: write every page again
    # Chapters' catalogs that changed (recruitment, practice ...): their pages are read again
    # whatever Sphinx thinks. Sphinx reads the .mo compiled before it starts but dates a page
    # from when it reads it, so a .po saved in between would otherwise never reach the page.
    reread: tuple[str, ...] = ()


def plan(paths: Iterable[str], chain: Sequence[str]) -> Rebuild:
    """How to rebuild after ``paths`` changed (the pages to read again Sphinx finds itself)."""
    kinds = {path: classify(path, chain) for path in paths}
    translations = [path for path, kind in kinds.items() if kind == "translation"]
    chrome = any(path.endswith(CHROME_CATALOGS) for path in translations)
    from .i18n.catalogs import CODE_DOMAINS

    return Rebuild(
        compile_catalogs=bool(translations) or "languages" in kinds.values(),
        rewrite_all=chrome or "languages" in kinds.values(),
        reread=tuple(
            sorted(
                {Path(path).stem for path in translations}
                - {*CODE_DOMAINS, "sphinx"}  # read from the .po by the directives themselves
            )
        ),
    )


# -- what the page shows -------------------------------------------------------------------------


def banner_html(problems: Sequence[Problem], heading: str) -> str:
    """The problems as a banner for the top of a page: every file name and message is text
    (escaped), never markup, whatever the author or a translator typed."""
    if not problems:
        return ""
    items = "".join(
        f'<li class="wsp-preview-{html.escape(problem.severity.value)}">'
        f"{html.escape(str(problem))}</li>"
        for problem in problems[:50]
    )
    if len(problems) > 50:
        items += f"<li>... and {len(problems) - 50} more (run waspada check for all)</li>"
    return (
        '<div id="wsp-preview-banner" class="wsp-preview-banner" role="alert">'
        f"<p><strong>{html.escape(heading)}</strong></p><ul>{items}</ul></div>"
    )


def reload_tag(version: int) -> str:
    """The tags the preview adds to a page's head: its stylesheet and the reload script, both
    same-origin files (the page's Content-Security-Policy allows nothing else)."""
    return (
        f'<link rel="stylesheet" href="{PREVIEW_PREFIX}preview.css">'
        f'<script src="{PREVIEW_PREFIX}reload.js" data-version="{int(version)}" defer></script>'
    )


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def inject(page: bytes, version: int, banner: str) -> bytes:
    """``page`` with the reload script in its head and ``banner`` first in its body."""
    head = reload_tag(version).encode()
    found = _HEAD_END.search(page)
    at = found.start() if found else 0
    page = page[:at] + head + page[at:]
    if banner:
        body = _BODY_START.search(page)
        at = body.end() if body else len(page)
        page = page[:at] + banner.encode() + page[at:]
    return page


RELOAD_JS = """\
// waspada preview: reload this page when the course has been rebuilt. Served by the preview
// server only; a published build never contains it.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;
  if (!window.EventSource) { return; }
  var events = new EventSource("/_preview/events");
  events.onmessage = function (event) {
    if (event.data !== version) {
      events.close();
      window.location.reload();
    }
  };
})();
"""

PREVIEW_CSS = """\
/* waspada preview: the problems banner. Served by the preview server only. */
.wsp-preview-banner { position: sticky; top: 0; z-index: 1000; margin: 0; padding: 0.6rem 1rem;
  background: #fff4ce; color: #1b1b1b; border-bottom: 3px solid #b35c00;
  font: 0.95rem/1.4 system-ui, sans-serif; max-height: 40vh; overflow: auto; }
.wsp-preview-banner p { margin: 0 0 0.3rem; }
.wsp-preview-banner ul { margin: 0; padding-left: 1.2rem; }
.wsp-preview-banner li { white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: ui-monospace, monospace; font-size: 0.85rem; }
.wsp-preview-banner li.wsp-preview-error { color: #8a1c00; }
"""

WAITING_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self'">
<title>Waspada preview</title>
</head>
<body>
<main><h1>Waspada preview</h1><p>{message}</p></main>
</body>
</html>
"""


# -- the state the server shows ------------------------------------------------------------------


@dataclass
class PreviewState:
    """What the server shows: the build's version (each rebuild or new problem adds one), the
    problems to show in every page, and whether a build exists yet."""

    version: int = 0
    problems: list[Problem] = field(default_factory=list)
    heading: str = ""
    built: bool = False
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def update(
        self, *, problems: list[Problem], heading: str = "", built: bool | None = None
    ) -> None:
        with self.changed:
            self.problems = list(problems)
            self.heading = heading
            if built is not None:
                self.built = self.built or built
            self.version += 1
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


# -- the web server ------------------------------------------------------------------------------


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built course with the reload script (and any problems) added to each page;
    ``/_preview/`` holds the script, its stylesheet and the reload events."""

    state: PreviewState
    listeners: threading.BoundedSemaphore
    server_version = "waspada-preview"
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds, not requests

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_ok():
            self.send_error(403, "the preview answers to 127.0.0.1 and localhost only")
            return
        path = unquote(urlsplit(self.path).path)
        if path.startswith(PREVIEW_PREFIX):
            self._preview_file(path[len(PREVIEW_PREFIX) :])
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        root = Path(self.directory).resolve()
        try:
            inside = target.resolve().is_relative_to(root)
        except (OSError, RuntimeError):
            inside = False
        if not self.state.built and (path in ("/", "/index.html") or not target.is_file()):
            self._waiting_page()
            return
        if not inside or not target.is_file():
            self.send_error(404, "no such page in the preview")
            return
        if target.suffix == ".html":
            with self.state.changed:
                version = self.state.version
                banner = banner_html(self.state.problems, self.state.heading)
            self._send(
                200, "text/html; charset=utf-8", inject(target.read_bytes(), version, banner)
            )
            return
        with target.open("rb") as source:  # images and the like: streamed, never held whole
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(target)))
            self.send_header("Content-Length", str(os.fstat(source.fileno()).st_size))
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(source, self.wfile)

    def _host_ok(self) -> bool:
        """Only this computer's names for itself (a page elsewhere cannot rebind a name to us)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        return host in ("127.0.0.1", "localhost", "")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _waiting_page(self) -> None:
        with self.state.changed:
            version = self.state.version
            banner = banner_html(self.state.problems, self.state.heading)
        message = (
            "The course has not been built yet: fix the problems above and save again."
            if banner
            else "The course is being built; this page shows it as soon as it is ready."
        )
        page = WAITING_PAGE.format(message=html.escape(message)).encode()
        self._send(200, "text/html; charset=utf-8", inject(page, version, banner))

    def _preview_file(self, name: str) -> None:
        if name == "reload.js":
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode())
        elif name == "preview.css":
            self._send(200, "text/css; charset=utf-8", PREVIEW_CSS.encode())
        elif name == "events":
            self._events()
        else:
            self.send_error(404, "no such preview file")

    def _events(self) -> None:
        """Server-Sent Events: the current version at once, then each new one, until the page
        goes or the preview stops; a comment every 15 s notices a page gone quietly."""
        if not self.listeners.acquire(blocking=False):
            self.send_error(503, "too many pages open in the preview; close some")
            return
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")
            state = self.state
            sent = None
            while True:
                with state.changed:
                    if state.version == sent and not state.stopping:
                        state.changed.wait(timeout=15)
                    if state.stopping:
                        return
                    version = state.version
                if version != sent:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except OSError:
            return  # the page was closed or reloaded
        finally:
            self.listeners.release()


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_server(folder: Path, state: PreviewState, port: int) -> PreviewServer:
    """The preview's web server on 127.0.0.1:``port``, answering from a thread of its own."""

    class Handler(PreviewHandler):
        pass

    Handler.state = state
    Handler.listeners = threading.BoundedSemaphore(MAX_LISTENERS)

    def handler(*args: Any, **kwargs: Any) -> PreviewHandler:
        return Handler(*args, directory=str(folder), **kwargs)

    server = PreviewServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


# -- the Sphinx worker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    seconds: float
    written: list[str]
    output: list[str]  # what Sphinx printed (warnings, errors) during this build


class SphinxWorker:
    """One warm ``python -m waspada.preview --worker`` process that runs
    `waspada.book.build`'s build for each request: the imports and the first build happen
    once, each rebuild reads only what changed. Restarted if it dies or hangs."""

    def __init__(self, root: Path, profile: str, lang: str, outdir: Path, work: Path) -> None:
        self.command = [
            sys.executable, "-m", "waspada.preview", "--worker",
            str(root), lang, str(outdir), str(work), "--profile", profile,
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None
        self.lines: deque[str] = deque(maxlen=200)
        self._lock = threading.Lock()

    def start(self) -> None:
        from .serve import _stop_with_parent

        self.lines.clear()
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
            preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None,
        )
        threading.Thread(
            target=self._echo, args=(self.process,), name="sphinx-output", daemon=True
        ).start()

    def _echo(self, process: subprocess.Popen[bytes]) -> None:
        """Show what Sphinx prints (its warnings) and keep the last lines for the banner."""
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()[:500]
            with self._lock:
                self.lines.append(line)
            print(line, file=sys.stderr, flush=True)

    def build(self, rebuild: Rebuild, timeout: float = BUILD_TIMEOUT) -> BuildResult:
        began = time.monotonic()
        if self.process is None or self.process.poll() is not None:
            self.start()
        process = self.process
        assert process is not None and process.stdin is not None and process.stdout is not None
        with self._lock:
            self.lines.clear()
        request = {
            "compile": rebuild.compile_catalogs,
            "rewrite_all": rebuild.rewrite_all,
            "reread": list(rebuild.reread),
        }
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], timeout)
            answer = process.stdout.readline() if ready else b""
        except OSError:
            answer = b""
        try:
            reply = json.loads(answer)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            # Died or hung: the next build starts a fresh one (and builds from its doctrees).
            self.stop()
            with self._lock:
                output = list(self.lines)
            why = "stopped" if answer == b"" and process.poll() is not None else "did not answer"
            return BuildResult(False, time.monotonic() - began, [], [*output, f"Sphinx {why}"])
        time.sleep(0.05)  # let the last lines of output arrive
        with self._lock:
            output = list(self.lines)
        written = [str(w) for w in reply.get("written", [])]
        return BuildResult(reply.get("status") == 0, time.monotonic() - began, written, output)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop the worker and anything it started (its whole process group)."""
        from .serve import _signal_group

        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
                process.wait()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


def _html_times(folder: Path) -> dict[str, int]:
    times = {}
    for path in folder.rglob("*.html"):
        with contextlib.suppress(OSError):
            times[path.relative_to(folder).as_posix()] = path.stat().st_mtime_ns
    return times


def forget_doctrees(work: Path, domains: Sequence[str]) -> None:
    """Remove the doctrees of the pages whose catalog is one of ``domains`` (Sphinx's compact
    gettext domains: a top-level page's own name, or its first folder), so Sphinx reads them
    again."""
    from sphinx.util.i18n import docname_to_domain

    wanted = set(domains)
    builds = work / ".doctrees"
    if not wanted or not builds.is_dir():
        return
    for build in builds.iterdir():
        for doctree in build.rglob("*.doctree"):
            docname = doctree.relative_to(build).with_suffix("").as_posix()
            if docname_to_domain(docname, True) in wanted:
                with contextlib.suppress(OSError):
                    doctree.unlink()


def keep_doctrees_for_numbering() -> None:
    """After every build that reads a page, Sphinx numbers figures by walking the doctree of
    every page, unpickled from disk (1.6 s of a 4.6 s rebuild of one chapter here). In the
    warm worker that walk, which only reads, reuses the doctrees it unpickled before for the
    pages whose doctree file has not changed since."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector.assign_figure_numbers
    kept: dict[str, tuple[tuple[int, int], Any]] = {}

    def assign_figure_numbers(self: TocTreeCollector, env: Any) -> list[str]:
        load = env.get_doctree

        def get_doctree(docname: str) -> Any:
            path = os.path.join(env.doctreedir, docname + ".doctree")
            try:
                info = os.stat(path)
            except OSError:
                return load(docname)
            stamp = (info.st_mtime_ns, info.st_size)
            if path not in kept or kept[path][0] != stamp:
                kept[path] = (stamp, load(docname))
            return kept[path][1]

        env.get_doctree = get_doctree
        try:
            return original(self, env)
        finally:
            del env.get_doctree

    TocTreeCollector.assign_figure_numbers = assign_figure_numbers  # type: ignore[method-assign]


def reuse_default_settings() -> None:
    """MyST parses each translated message as a document of its own, with docutils' default
    settings built anew from its option parser each time (2 ms: 0.6 s for a chapter of 300
    messages). In the warm worker each message gets a copy of the settings built once."""
    import copy

    import docutils.frontend
    from docutils.utils import DependencyList

    original = docutils.frontend.get_default_settings
    built: dict[tuple[Any, ...], Any] = {}

    def get_default_settings(*components: Any) -> Any:
        if components not in built:
            built[components] = original(*components)
        settings = copy.copy(built[components])
        settings.record_dependencies = DependencyList()
        return settings

    docutils.frontend.get_default_settings = get_default_settings


def worker_main(root: Path, lang: str, outdir: Path, work: Path, profile: str) -> int:
    """The worker's loop: one JSON request a line on stdin, one JSON answer a line on what was
    stdout (Sphinx and anything else that prints write to stderr instead)."""
    import gc
    import gettext

    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the preview stops us with SIGTERM
    import jupyter_book.sphinx  # noqa: F401  (the slow imports, once)
    import sphinx.locale

    from .book.build import _build_one

    keep_doctrees_for_numbering()
    reuse_default_settings()
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        forget_doctrees(work, [str(domain) for domain in request.get("reread", [])])
        if request.get("rewrite_all"):
            for name in _html_times(outdir):
                with contextlib.suppress(OSError):
                    os.utime(outdir / name, ns=(0, 0))  # older than any doctree: written again
        # Sphinx and gettext keep the translations they read: forget them, catalogs may change.
        sphinx.locale.translators.clear()
        gettext._translations.clear()  # type: ignore[attr-defined]
        before = _html_times(outdir)
        try:
            status = _build_one(
                root, lang, outdir, False, "html", profile, author=True, work=work,
                compile_catalogs=bool(request.get("compile")),
            )  # fmt: skip
        except Exception as exc:  # a failed build is reported, the worker stays
            print(f"the build failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 1
        after = _html_times(outdir)
        written = sorted(name for name, stamp in after.items() if before.get(name) != stamp)
        answers.write(json.dumps({"status": status, "written": written}) + "\n")
        answers.flush()
        # The kept doctrees would make each of Python's full collections slow, and so would
        # anything that walks every object (sphinx-external-toc looks for toctree collectors
        # that way): after each build, while the browser loads the page, one collection, and
        # what is left is frozen out of the next build's way.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    return 0


# -- the checks ----------------------------------------------------------------------------------


def check_sources(project: Project) -> list[Problem]:
    """What `waspada check` reports for the whole course (errors and warnings)."""
    from .cli import check_problems

    return check_problems(project)[0]


def blocks(problem: Problem, chain: Sequence[str]) -> bool:
    """Whether ``problem`` stops a rebuild: any error, except in the catalogs of a language
    this preview does not read (it is still shown; `waspada build` of that language refuses)."""
    if not problem.is_error:
        return False
    parts = problem.location.file.split("/")
    return not (len(parts) > 2 and parts[0] == "locales" and parts[1] not in chain)


def build_failure(result: BuildResult) -> list[Problem]:
    """A failed Sphinx build as problems for the banner: the last lines it printed, which say
    what failed and where."""
    lines = [line.strip() for line in result.output if line.strip()]
    where = Location("(the Sphinx build)")
    return [Problem(where, line) for line in lines[-10:]] or [
        Problem(where, "the build failed; see the terminal")
    ]


# -- the command ---------------------------------------------------------------------------------


def preview_folder(project: Project, profile: str, lang: str) -> Path:
    """Where the preview of ``profile`` in ``lang`` is built (pages in ``html/``)."""
    return project.build_dir / "preview" / profile / lang


class Preview:
    """The watch-check-build loop of one preview, and the rebuild lines it prints."""

    def __init__(self, project: Project, profile: str, lang: str, state: PreviewState) -> None:
        from .i18n import language

        self.project = project
        self.state = state
        self.chain = [code for code in language(project.locales_dir, lang).chain if code != "en"]
        base = preview_folder(project, profile, lang)
        self.outdir = base / "html"
        self.worker = SphinxWorker(project.root, profile, lang, self.outdir, base)
        self.seen: dict[str, tuple[int, int]] = {}
        self.pending: list[str] = []

    def poll(self) -> list[str]:
        """The sources changed since the last look."""
        now = scan(self.project.root, self.chain)
        changed = changed_files(self.seen, now)
        self.seen = now
        return changed

    def rebuild(self, changed: list[str], *, first: bool = False) -> bool:
        """Check, then build (unless the check found errors); True if the pages were rebuilt."""
        began = time.monotonic()
        print(f"rebuilding ({'first build' if first else describe(changed)}) ...", flush=True)
        self.pending = sorted({*self.pending, *changed})
        problems = check_sources(self.project)
        checked = time.monotonic() - began
        errors = [p for p in problems if blocks(p, self.chain)]
        if errors:
            for problem in problems:
                print(problem, file=sys.stderr)
            self.state.update(
                problems=problems,
                heading=f"Not rebuilt: waspada check found {len(errors)} "
                f"error{'s' * (len(errors) != 1)} in the sources. The page shows the last good "
                "build; fix what is listed below and save again.",
            )
            print(
                f"not rebuilt: {len(errors)} error{'s' * (len(errors) != 1)} "
                f"(shown at the top of the page) after {time.monotonic() - began:.1f} s",
                flush=True,
            )
            return False
        rebuild = plan(self.pending, self.chain)
        if first:
            rebuild = Rebuild(compile_catalogs=True, rewrite_all=False)
        result = self.worker.build(rebuild)
        if not result.ok:
            self.state.update(
                problems=build_failure(result),
                heading="Not rebuilt: the Sphinx build failed. The page shows the last good "
                "build; fix what is listed below and save again.",
            )
            print(f"build failed after {result.seconds:.1f} s (see above)", flush=True)
            return False
        self.pending = []
        others = any(p.is_error for p in problems)
        self.state.update(
            problems=problems,
            heading=(
                "Rebuilt. waspada check also reports these (errors in another language's "
                "catalogs stop waspada build of that language):"
                if others
                else "Rebuilt. waspada check also warns:"
            ),
            built=True,
        )
        count = len(result.written)
        pages = f": {', '.join(result.written)}" if 0 < count <= 4 else ""
        print(
            f"rebuilt in {time.monotonic() - began:.1f} s (checked in {checked:.1f} s, built in "
            f"{result.seconds:.1f} s; {count} page{'s' * (count != 1)} written{pages})",
            flush=True,
        )
        return True

    def run(self) -> None:
        """Build once, then rebuild whenever a source changes; returns only by an exception."""
        self.rebuild(self.poll(), first=True)
        while True:
            time.sleep(POLL_SECONDS)
            changed = self.poll()
            # An editor may save in steps (empty the file, then write it): wait until a look
            # finds nothing new, for at most half a second, so a half-written file is not built.
            for _ in range(SETTLE_LOOKS):
                if not changed:
                    break
                time.sleep(SETTLE_SECONDS)
                more = self.poll()
                if not more:
                    break
                changed = sorted({*changed, *more})
            if changed:
                self.rebuild(changed)


def preview(project: Project, *, profile: str, lang: str, port: int) -> int:
    """`waspada preview`: serve and rebuild until Ctrl+C or SIGTERM; 0 when stopped."""
    from .commandline import CommandError

    project.require_profiles([profile])
    project.require_languages([lang])
    state = PreviewState()
    session = Preview(project, profile, lang, state)
    session.outdir.mkdir(parents=True, exist_ok=True)
    state.built = (session.outdir / "index.html").is_file()
    try:
        server = start_server(session.outdir, state, port)
    except OSError as exc:
        raise CommandError(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); is another preview "
            "running? Choose another port with --port"
        ) from exc
    print(
        f"Waspada preview of the {profile} course in {lang}: http://127.0.0.1:{port}/\n"
        "  the page reloads when you save a chapter, a scenario, help.yml, profiles.yml or a "
        "translation; stop with Ctrl+C",
        flush=True,
    )
    from .serve import _on_stop_signals, _raise_stop, _restore_signals, _Stop

    previous = _on_stop_signals(_raise_stop)
    try:
        session.run()
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        # A second Ctrl+C or SIGTERM while stopping must not cut the stopping short.
        _on_stop_signals(signal.SIG_IGN)
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            state.stop()
            server.shutdown()
            server.server_close()
            session.worker.stop()
        finally:
            signal.signal(signal.SIGINT, interrupt)
            _restore_signals(previous)
    print("preview stopped", flush=True)
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m waspada.preview")
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("root", type=Path)
    parser.add_argument("lang")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--profile", default="full")
    ns = parser.parse_args()
    sys.exit(worker_main(ns.root, ns.lang, ns.outdir, ns.work, ns.profile))
