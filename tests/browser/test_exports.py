"""Exports played in Chromium: the one-file HTML from disk, a Kolibri zip offline, and a SCORM
1.2 package inside a learning platform played by scorm-again (npm) as window.API."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

import pytest

from waspada.cli import main

from .conftest import ROOT, VECTORS, _need, first_vector_id, serving
from .test_book import shortest_route

pytestmark = pytest.mark.browser

SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm12.js"


def test_one_file_export_plays_to_an_ending_from_disk(page, tmp_path, requests_seen) -> None:
    sid = first_vector_id()
    out = tmp_path / "story.html"
    assert main(["export", "html", str(VECTORS / f"{sid}.yml"), "-o", str(out)]) == 0
    page.goto(out.as_uri())
    page.locator(".wsp-root").wait_for()
    for number in shortest_route(sid):
        page.locator(".wsp-choice").nth(number - 1).click()
    assert page.locator(".wsp-ending").is_visible()
    page.reload()
    page.locator(".wsp-ending").wait_for()  # progress survives a reload, as in the book
    assert requests_seen.external() == []
    assert all(url.startswith(("file:", "blob:")) for url in requests_seen.urls)


def test_kolibri_zip_plays_offline(page, tmp_path, requests_seen) -> None:
    """Unpacked as Kolibri would, index.html leads to the course and a scenario plays."""
    assert main(["--project", str(ROOT), "export", "kolibri", "--profile", "village",
                 "--lang", "id", "-o", str(tmp_path)]) == 0  # fmt: skip
    folder = tmp_path / "app"
    with zipfile.ZipFile(tmp_path / "waspada-village-id.zip") as archive:
        archive.extractall(folder)
    page.goto((folder / "index.html").as_uri())
    page.wait_for_url("**/guides/village-session.html")
    page.goto((folder / "practice" / "cafe-singer.html").as_uri())
    page.locator(".wsp-choice").first.click()
    assert page.locator(".wsp-feedback").is_visible()
    assert requests_seen.external() == []


# -- SCORM ---------------------------------------------------------------------------------------

LMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script>
<script>
  // The platform: scorm-again's SCORM 1.2 API, with what it kept from an earlier session.
  window.API = new Scorm12API({logLevel: 5, autocommit: false});
  var kept = new URLSearchParams(location.search).get("suspend");
  if (kept) window.API.loadFromJSON({suspend_data: kept, core: {lesson_status: "incomplete"}}, "");
</script></head>
<body><iframe id="sco" title="course" src="course/what-is-trafficking.html"
  style="width: 100%; height: 900px"></iframe></body></html>
"""


@pytest.fixture(scope="module")
def lms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A test LMS on loopback: the SCORM package unpacked under course/, scorm-again as API."""
    _need(SCORM_AGAIN, "scorm-again (npm)")
    root = tmp_path_factory.mktemp("lms")
    assert main(["--project", str(ROOT), "export", "scorm", "--profile", "health", "--lang",
                 "id", "-o", str(root)]) == 0  # fmt: skip
    with zipfile.ZipFile(root / "waspada-health-id-scorm12.zip") as archive:
        archive.extractall(root / "course")
    (root / "scorm12.js").write_bytes(SCORM_AGAIN.read_bytes())
    (root / "index.html").write_text(LMS_PAGE, encoding="utf-8")
    with serving(root) as base:
        yield base


def play_check(frame, payload: dict, wrong_first: bool) -> None:
    """Answer every question: the first one wrongly if asked, the rest correctly."""
    first = True
    while frame.locator(".wsp-choice").count():
        node = payload["nodes"][frame.locator(".wsp-root").get_attribute("data-wsp-node")]
        want = not (wrong_first and first)
        buttons = frame.locator(".wsp-choice")
        for index in range(buttons.count()):
            if (
                node["choices"][buttons.nth(index).get_attribute("data-wsp-choice")]["correct"]
                is want
            ):
                buttons.nth(index).click()
                break
        first = False


def test_scorm_module_reports_status_score_and_progress_and_resumes(browser, lms: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{lms}/index.html")
    frame = page.frame_locator("#sco")
    frame.locator(".wsp-root").wait_for()
    assert page.evaluate("API.cmi.core.lesson_status") == "incomplete"
    payload = json.loads(frame.locator("script.wsp-payload").first.text_content())
    play_check(frame, payload, wrong_first=True)
    frame.locator(".wsp-score").wait_for()
    assert page.evaluate("API.cmi.core.lesson_status") == "passed"  # 4 of 5, pass mark 4
    assert page.evaluate("API.cmi.core.score.raw") == "80"
    suspend = page.evaluate("API.cmi.suspend_data")
    kept = json.loads(suspend)
    (key,) = kept
    assert key.endswith(":check-what-is-trafficking")
    assert len(kept[key]["route"]) == 5 and kept[key]["digest"] == payload["digest"]
    context.close()

    # Another day, another browser (nothing in its storage): the platform's data resumes it.
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{lms}/index.html?suspend={suspend}")
    frame = page.frame_locator("#sco")
    frame.locator(".wsp-score").wait_for()
    assert frame.locator(".wsp-root").get_attribute("data-wsp-ending") == "check"
    assert frame.locator(".wsp-route-step").count() == 5
    context.close()


def test_scorm_pages_work_without_a_platform(page, lms: str) -> None:
    page.goto(f"{lms}/course/health.html")
    page.locator(".wsp-choice").first.click()
    assert page.locator(".wsp-feedback").is_visible()
