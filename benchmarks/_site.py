"""Shared by the browser benchmarks: a built course folder, a loopback web server and Chromium.

Not a benchmark itself; `page_weight.py`, `load_time.py` and `lighthouse.py` import it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium; never a browser downloaded by Playwright
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BUILD_TIMEOUT = 900  # seconds; one profile in one language takes well under a minute


def add_site_arguments(parser: argparse.ArgumentParser, *, pages: bool = True) -> None:
    """--profile, --lang and --output (which built course to measure); with ``pages``, also
    --chapter and --scenario (the two pages the load and Lighthouse benchmarks open)."""
    parser.add_argument("--profile", default="full")
    parser.add_argument("--lang", default="en")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "_build" / "html", help="the build output folder"
    )
    if pages:
        parser.add_argument("--chapter", default="recruitment.html")
        parser.add_argument("--scenario", default="practice/cafe-singer.html")


def site_folder(output: Path, profile: str, lang: str, *, build: bool = True) -> Path:
    """``output/<profile>/<lang>``, built first with `waspada build` when it has no index.html."""
    folder = output / profile / lang
    if not (folder / "index.html").exists():
        if not build:
            sys.exit(f"{folder} has no index.html; build it with waspada build")
        command = [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", profile, "--lang", lang, "--output", str(output),
        ]  # fmt: skip
        print(f"{folder} is not built; running: {' '.join(command[2:])}", flush=True)
        began = time.monotonic()
        subprocess.run(command, check=True, timeout=BUILD_TIMEOUT)
        print(f"built in {time.monotonic() - began:.0f} s", flush=True)
    return folder


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """Like a production static host (nginx, GitHub Pages): text files gzipped when asked."""

    cache: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        path = self.translate_path(self.path)
        if (
            "gzip" not in self.headers.get("Accept-Encoding", "")
            or not os.path.isfile(path)
            or not path.endswith(GZIP_SUFFIXES)
        ):
            super().do_GET()
            return
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(Path(path).read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


GZIP_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".ttf", ".otf", ".ipynb")


@contextmanager
def static_server(directory: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yield the base URL.

    With ``compress``, text files go out gzipped (level 6) to clients that accept it."""
    handler = functools.partial(
        _GzipHandler if compress else _QuietHandler, directory=str(directory)
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium driven by Python Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def pages_of(folder: Path) -> list[Path]:
    """Every HTML page of a built course (not the theme's fragments under _static/)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in folder.rglob("*.html") if not skip & set(p.relative_to(folder).parts))
