"""Privacy and accessibility on every page of the real course, and in Voila (issue 7).

The whole course is built in Indonesian and every page is opened from a loopback web server,
as a learner would open it: a scenario page gets one choice clicked, so that it writes its
progress. Then nothing may have gone to another host, no cookie may exist, the browser may hold
no storage but localStorage keys of ours, and axe-core may find no serious or critical problem.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import (
    ROOT,
    RequestLog,
    assert_policy_blocks_a_cdn_image,
    axe_violations,
    first_vector_id,
    running_voila,
    serving,
    watch_failed_requests,
)
from .test_voila import open_player

pytestmark = pytest.mark.browser

OUR_KEY_PREFIX = "waspada:"


@pytest.fixture(scope="session")
def course_id(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course, every page of the full profile, built in Indonesian."""
    out = tmp_path_factory.mktemp("course-id")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", "full", "--lang", "id", "--output", str(out), "--strict",
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "full" / "id"


@pytest.fixture(scope="session")
def course_server(course_id: Path) -> Iterator[str]:
    """A plain web server on 127.0.0.1 for the built course; yields its base URL."""
    with serving(course_id) as base:
        yield base


def built_pages(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if "_static" not in p.parts
    )


STORAGE_REPORT = """async () => ({
  cookie: document.cookie,
  local: Object.keys(localStorage),
  session: Object.keys(sessionStorage),
  databases: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [],
  caches: 'caches' in window ? await caches.keys() : [],
  workers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
})"""


def test_every_page_is_private_and_accessible(browser, course_id: Path, course_server: str) -> None:
    """Every built page: a Content-Security-Policy that allows no other host and no inline
    script, no errors in the console (a script the policy blocked would log one), no request to
    another host, no cookie, storage only under our own localStorage keys, and no serious or
    critical axe-core violation (a scenario page also after one choice)."""
    pages = built_pages(course_id)
    assert len(pages) >= 30  # the whole course, not a sample
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: console {m.type}: {m.text}")
            if m.type == "error"
            else None
        ),
    )
    played: set[str] = set()  # scenario ids; a story can be embedded on two pages
    try:
        for name in pages:
            page.goto(f"{course_server}/{name}")
            policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
            rules = policy.get_attribute("content") if policy.count() == 1 else ""
            if "default-src 'self'" not in rules or "script-src 'self' blob:;" not in rules:
                problems.append(f"{name}: no Content-Security-Policy limiting it to itself")
            choice = page.locator(".wsp-choice:not([disabled])").first
            if choice.count():
                choice.click()
                page.locator(".wsp-feedback, .wsp-ending").first.wait_for()
                payload = page.locator(".wsp-scenario script.wsp-payload").first.text_content()
                played.add(json.loads(payload or "{}")["id"])
            problems += [
                f"{name}: axe {v['id']} ({v['impact']}): {v['help']}" for v in axe_violations(page)
            ]
            storage = page.evaluate(STORAGE_REPORT)
            theirs = [k for k in storage["local"] if not k.startswith(OUR_KEY_PREFIX)]
            if theirs or storage["cookie"] or storage["session"] or storage["databases"]:
                problems.append(f"{name}: stored something not ours: {storage}")
            if storage["caches"] or storage["workers"]:
                problems.append(f"{name}: caches or service workers: {storage}")
        cookies = context.cookies()
        local_keys = page.evaluate("Object.keys(localStorage)")
    finally:
        context.close()
    assert problems == []
    assert log.external() == []
    assert cookies == []
    assert len(played) >= 13  # every scenario and knowledge check played wrote its progress ...
    stored = {k.rsplit(":", 1)[-1] for k in local_keys if k.startswith(OUR_KEY_PREFIX)}
    assert played <= stored, played - stored  # ... here


def test_search_page_finds_a_chapter_without_other_hosts(
    page, course_id: Path, requests_seen
) -> None:
    """Search works from disk, in the course's language and without a script error: the search
    page alone loads the index, lists a chapter and says how many pages it found."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((course_id / "index.html").as_uri())
    page.get_by_role("searchbox").fill("penyelundupan")
    page.get_by_role("searchbox").press("Enter")
    page.locator("#search-results li a").first.wait_for()
    titles = page.locator("#search-results li a").all_inner_texts()
    assert any("penyelundupan" in t.lower() for t in titles), titles
    page.get_by_text("Pencarian selesai, ditemukan").wait_for()
    assert page.locator("#search-results h2").inner_text() == "Hasil pencarian"
    assert errors == []
    assert requests_seen.external() == []


# -- Voila ----------------------------------------------------------------------------------


def server_side_leaks(text: str, project: Path) -> list[str]:
    """What a learner must never see from the server: code, tracebacks, paths, print output."""
    markers = [
        "Traceback",
        "Error:",
        "import ",
        "def ",
        "player(",
        "gallery(",
        str(project),
        "/tmp/",
    ]
    return [m for m in markers if m in text]


def test_voila_gallery_and_player_pass_axe_and_show_nothing_of_the_server(
    page, voila_url: str, tiny_course: Path, requests_seen
) -> None:
    """The gallery and the player (whole page) have no serious or critical axe-core violation,
    show no code, traceback, path or printed output, and set no cookie."""
    page.goto(f"{voila_url}/voila/render/gallery.ipynb", timeout=60_000)
    page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)
    assert axe_violations(page) == []
    assert server_side_leaks(page.locator("body").inner_text(), tiny_course) == []
    sid = first_vector_id()
    open_player(page, voila_url, sid)
    page.locator(".wsp-choice").first.click()
    page.locator(".wsp-feedback").first.wait_for(timeout=30_000)
    assert axe_violations(page) == []
    assert server_side_leaks(page.locator("body").inner_text(), tiny_course) == []
    assert (
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )
    assert page.context.cookies() == []
    assert requests_seen.external() == []


def test_voila_pages_carry_a_policy_that_blocks_other_hosts(page, voila_url: str) -> None:
    """The player runs under a Content-Security-Policy that stops a request to another host
    (say, a widget that wanted a CDN font) before it leaves."""
    failures = watch_failed_requests(page)
    sid = first_vector_id()
    response = page.goto(f"{voila_url}/voila/render/player.ipynb?scenario={sid}", timeout=60_000)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.locator(".wsp-root").wait_for(timeout=60_000)  # the player itself runs under it
    assert_policy_blocks_a_cdn_image(page, failures)


def kernel_ids() -> set[str]:
    """The ids of the kernels running on this machine, read from their connection files."""
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        found.update(m.decode() for m in re.findall(rb"kernel-([0-9a-f-]{36})\.json", command))
    return found


def page_kernel(page, candidates: set[str]) -> str:
    """The kernel a Voila page talks to: the one of ``candidates`` its HTML names (a page takes
    the preheated kernel, so it may have started before the page opened)."""
    html = page.content()
    named = [k for k in candidates if k in html]
    assert len(named) == 1, (named, candidates)
    return named[0]


def test_voila_reclaims_the_kernel_of_a_closed_page_and_keeps_an_open_one(
    browser, tiny_course: Path, tmp_path: Path
) -> None:
    """A page closed without goodbye (a tab killed, a phone gone) gives its kernel back once it
    has been idle for the cull time (here 8 s instead of 120 s); a page that stays open keeps
    its kernel past that time and still plays. (With 2 s, a kernel still waiting for its page on
    a loaded machine was culled before the page connected, and the test failed for that.)"""
    sid = first_vector_id()
    with running_voila(tiny_course, tmp_path / "voila.log", idle_seconds=8, cull_every=2) as (
        base,
        _pid,
    ):
        context = browser.new_context()
        try:
            leaving = context.new_page()
            open_player(leaving, base, sid)
            left = page_kernel(leaving, kernel_ids())
            staying = context.new_page()
            open_player(staying, base, sid)
            kept = page_kernel(staying, kernel_ids() - {left})
            leaving.close()  # no beforeunload: as when a browser is killed
            deadline = time.monotonic() + 60
            while left in kernel_ids() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert left not in kernel_ids(), "the closed page's kernel is still running"
            assert kept in kernel_ids()
            staying.locator(".wsp-choice").first.click()
            staying.locator(".wsp-feedback").first.wait_for(timeout=30_000)
        finally:
            context.close()


BROKEN_SCENARIO = """\
id: broken-story
title: A story with a mistake
summary: Its only choice leads to a scene that does not exist.
audiences: [village]
modi: [deception]
start: a
nodes:
  a:
    text: The start.
    choices:
      - label: Go on
        target: nowhere
"""


def test_voila_keeps_a_broken_scenario_from_learners_without_naming_files(
    browser, tiny_course: Path, tmp_path: Path
) -> None:
    """A scenario with an error is left out of the gallery; asked for by its id, the player says
    it cannot be shown and points to `waspada check`, with no file, line or traceback."""
    project = tmp_path / "course"
    shutil.copytree(tiny_course, project, ignore=shutil.ignore_patterns("_build"))
    (project / "scenarios" / "broken-story.yml").write_text(BROKEN_SCENARIO, encoding="utf-8")
    with running_voila(project, tmp_path / "voila.log") as (base, _pid):
        page = browser.new_page()
        try:
            page.goto(f"{base}/voila/render/player.ipynb?scenario=broken-story", timeout=60_000)
            message = page.locator(".wsp-app-message")
            message.wait_for(timeout=60_000)
            assert "cannot be shown" in message.inner_text()
            assert "waspada check" in message.inner_text()
            body = page.locator("body").inner_text()
            assert server_side_leaks(body, project) == []
            assert "broken-story.yml" not in body and "nowhere" not in body
            page.goto(f"{base}/voila/render/gallery.ipynb", timeout=60_000)
            page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)
            assert page.get_by_text("A story with a mistake").count() == 0
            assert page.get_by_role("link", name="The broker's loan").count() >= 1
        finally:
            page.close()
