"""`waspada preview` in Chromium: a saved edit shows in the open page by itself; a broken one
shows its problem over the last good build, which keeps working, until it is fixed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import RequestLog

ROOT = Path(__file__).resolve().parents[2]
MARKET_LIFT = ROOT / "tests" / "vectors" / "market-lift.yml"
WASPADA = [sys.executable, "-m", "waspada", "--project"]
START_TEXT = "A friendly woman at the market offers Dewi a lift"

pytestmark = pytest.mark.browser


def make_course(root: Path) -> Path:
    """A one-chapter course with the market-lift scenario (the sources a preview reads)."""
    (root / "scenarios").mkdir(parents=True)
    (root / "book").mkdir()
    (root / "locales").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    shutil.copy(MARKET_LIFT, root / "scenarios" / "market-lift.yml")
    (root / "book" / "index.md").write_text("# Test course\n\nA course for the preview.\n")
    (root / "book" / "lift.md").write_text("# A lift\n\n```{scenario} market-lift\n```\n")
    (root / "profiles.yml").write_text(
        "profiles:\n  full: {title: Test course, root: index, chapters: [lift], scenarios: []}\n"
    )
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  en: {english: English, native: English, fallback: [], cldr: en,"
        " status: reviewed}\n"
    )
    return root


class Preview:
    """`waspada preview` running on a course; its output lines are collected as they come."""

    def __init__(self, root: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.root = root
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [*WASPADA, str(root), "preview", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, start: str, after: int = 0, timeout: float = 120) -> str:
        """The first output line from index ``after`` on that starts with ``start``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if line.startswith(start):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no line starting {start!r}; output:\n" + "\n".join(self.lines))

    def url(self, page: str) -> str:
        return f"http://127.0.0.1:{self.port}/{page}"

    def save(self, relative: str, text: str) -> int:
        """Write a source file as an editor does; returns where the output stands."""
        mark = len(self.lines)
        (self.root / relative).write_text(text, encoding="utf-8")
        return mark

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    running = Preview(make_course(tmp_path_factory.mktemp("preview-course")))
    try:
        running.wait_for("rebuilt in")
        yield running
    finally:
        running.stop()


def _policy_errors(page: object) -> list[str]:
    errors: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def test_a_saved_scenario_edit_appears_in_the_open_page(
    preview: Preview, page: object, requests_seen: RequestLog
) -> None:
    source = MARKET_LIFT.read_text(encoding="utf-8")
    preview.wait_for("rebuilt in", preview.save("scenarios/market-lift.yml", source))
    errors = _policy_errors(page)
    page.goto(preview.url("lift.html"))  # type: ignore[attr-defined]
    text = page.locator(".wsp-text")  # type: ignore[attr-defined]
    text.wait_for()
    assert START_TEXT in text.inner_text()
    page.evaluate("window.__notReloaded = true")  # type: ignore[attr-defined]

    edited = source.replace("A friendly woman at the market", "A smiling stranger at the bus stop")
    mark = preview.save("scenarios/market-lift.yml", edited)
    preview.wait_for("rebuilt in", mark)
    # Locators, not wait_for_function: the page's policy forbids the eval that one would need.
    page.locator(".wsp-text", has_text="A smiling stranger").wait_for(timeout=15_000)  # type: ignore[attr-defined]
    # The page reloaded itself: nobody called reload, yet the old page's state is gone.
    assert page.evaluate("window.__notReloaded === undefined")  # type: ignore[attr-defined]
    assert page.locator("#wsp-preview-banner").count() == 0  # type: ignore[attr-defined]
    assert errors == [], errors  # the reload script and its events pass the page's policy
    assert requests_seen.external() == []


def test_a_broken_edit_shows_its_problem_and_the_last_good_build_still_plays(
    preview: Preview, page: object
) -> None:
    source = MARKET_LIFT.read_text(encoding="utf-8")
    preview.wait_for("rebuilt in", preview.save("scenarios/market-lift.yml", source))
    errors = _policy_errors(page)
    page.goto(preview.url("lift.html"))  # type: ignore[attr-defined]
    page.locator(".wsp-root").wait_for()  # type: ignore[attr-defined]

    # A start node that is no id, with markup in it: the message must show it as typed.
    broken = source.replace("start: offer", "start: offer<b>now</b>")
    line = source.splitlines().index("start: offer") + 1
    mark = preview.save("scenarios/market-lift.yml", broken)
    preview.wait_for("not rebuilt: 1 error", mark)
    banner = page.locator("#wsp-preview-banner")  # type: ignore[attr-defined]
    banner.wait_for(timeout=15_000)
    shown = banner.inner_text()
    assert f"scenarios/market-lift.yml:{line}:" in shown
    assert "offer<b>now</b>" in shown and "is not a valid id" in shown
    assert "use lower-case letters" in shown  # the fix is part of the message
    assert banner.locator("b").count() == 0  # text, not markup

    # The last good build still plays under the banner.
    assert START_TEXT in page.locator(".wsp-text").inner_text()  # type: ignore[attr-defined]
    page.locator(".wsp-choice").first.click()  # type: ignore[attr-defined]
    page.locator(".wsp-text", has_text="names a shop").wait_for()  # type: ignore[attr-defined]

    mark = preview.save("scenarios/market-lift.yml", source)
    preview.wait_for("rebuilt in", mark)
    banner.wait_for(state="detached", timeout=15_000)
    page.locator(".wsp-root").wait_for()  # type: ignore[attr-defined]
    assert errors == [], errors


def test_the_built_pages_have_nothing_of_the_preview(preview: Preview) -> None:
    """The server adds the reload script and the banner as it sends a page; the files (like
    every `waspada build`) have neither."""
    built = preview.root / "_build" / "preview" / "full" / "en" / "html"
    pages = list(built.rglob("*.html"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "_preview" not in text and "wsp-preview" not in text, path
