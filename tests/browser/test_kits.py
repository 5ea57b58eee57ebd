"""The course kits in Chromium: facilitator tallies, Quick exit, printed handouts, knowledge
checks with their dashboard, a phone-sized screen, and the school flow in Voila."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, assert_policy_blocks_a_cdn_image, axe_violations, watch_failed_requests

pytestmark = pytest.mark.browser

HELP = yaml.safe_load((ROOT / "help.yml").read_text(encoding="utf-8"))["services"]


@pytest.fixture(scope="session")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course's village and health kits, built in Indonesian and Javanese."""
    out = tmp_path_factory.mktemp("kits")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", "village,health", "--lang", "id,jv", "--output", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


# -- facilitator mode and tallies ---------------------------------------------------------------


def enter_hands(page, counts: list[int]) -> None:
    for position, count in enumerate(counts):
        page.locator(".wsp-tally-input").nth(position).fill(str(count))


def assert_tally_summary(page, expected: list[tuple[str, str]]) -> None:
    rows = page.locator(".wsp-tally-table tr")
    seen = [
        (
            rows.nth(i).locator("td").nth(0).inner_text(),
            rows.nth(i).locator("td").nth(1).inner_text(),
        )
        for i in range(1, rows.count())
    ]
    assert seen == expected
    assert page.locator(".wsp-tally-chosen td").first.inner_text() == expected[0][0]


def test_facilitator_counts_hands_and_sees_them_at_the_debrief(page, tiny_book: Path) -> None:
    """The trainer types the hands for each choice, the room's choice is clicked, and the ending
    lists the route with the counts. Reload keeps them (this browser only); Start again clears."""
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-root").wait_for()
    order = page.evaluate("[...document.querySelector('.wsp-root').children].map(e => e.className)")
    assert order.index("wsp-discussion") < order.index("wsp-choices")
    enter_hands(page, [12, 5])
    # Typing does not redraw the player: the box keeps its focus and the other box its count.
    assert page.locator(".wsp-tally-input").nth(1).evaluate("e => e === document.activeElement")
    assert page.locator(".wsp-tally-input").nth(0).input_value() == "12"
    page.locator(".wsp-choice").first.click()
    assert page.locator(".wsp-ending").is_visible()
    assert page.locator(".wsp-route-choice").inner_text() == "Ask questions"
    assert_tally_summary(page, [("Ask questions", "12"), ("Sign at once", "5")])
    page.reload()
    page.locator(".wsp-route").wait_for()
    assert_tally_summary(page, [("Ask questions", "12"), ("Sign at once", "5")])
    keys = set(page.evaluate("Object.keys(localStorage)"))
    assert keys and all(key.startswith("waspada:") for key in keys)
    page.locator(".wsp-restart").click()
    assert page.locator(".wsp-tally-input").nth(0).input_value() == ""


def test_tally_inputs_are_labelled_for_screen_readers(page, tiny_book: Path) -> None:
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.locator(".wsp-root").wait_for()
    box = page.get_by_role("spinbutton", name="Hands raised Ask questions")
    box.fill("3")
    assert box.input_value() == "3"


def test_voila_facilitator_mode_counts_hands_too(page, voila_url: str) -> None:
    page.goto(
        f"{voila_url}/voila/render/player.ipynb?scenario=village-meeting&mode=facilitator",
        timeout=60_000,
    )
    page.locator(".wsp-tally-input").first.wait_for(timeout=60_000)
    enter_hands(page, [7, 9])
    page.locator(".wsp-choice").nth(1).click()
    page.locator(".wsp-route").wait_for()
    rows = page.locator(".wsp-tally-table tr")
    assert rows.nth(1).locator("td").nth(1).inner_text() == "7"
    assert rows.nth(2).locator("td").nth(1).inner_text() == "9"
    assert page.locator(".wsp-tally-chosen td").first.inner_text() == "Sign at once"


# -- quick exit ---------------------------------------------------------------------------------


def test_quick_exit_leaves_and_back_does_not_return(page, tiny_book: Path) -> None:
    """One click leaves for a blank page, and Back does not bring the course page back."""
    page.goto("about:blank")
    course = (tiny_book / "facilitated.html").as_uri()
    page.goto(course)
    page.locator(".wsp-root").wait_for()
    page.locator("a.wsp-quick-exit-page").click()
    page.wait_for_url("about:blank")
    page.go_back()
    assert page.url != course


def test_escape_twice_leaves_too(page, tiny_book: Path) -> None:
    page.goto((tiny_book / "index.html").as_uri())
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("about:blank")


def test_widget_has_one_quick_exit_where_the_page_has_one(page, tiny_book: Path) -> None:
    """On book pages the page's button serves the widget; there is no second button."""
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.locator(".wsp-root").wait_for()
    assert page.locator("a.wsp-quick-exit-page").count() == 1
    assert page.locator(".wsp-root .wsp-quick-exit").count() == 0


def test_quick_exit_in_voila(page, voila_url: str) -> None:
    page.goto("about:blank")
    page.goto(f"{voila_url}/voila/render/gallery.ipynb", timeout=60_000)
    link = page.locator("a.wsp-quick-exit-page")
    link.wait_for(timeout=60_000)
    link.click()
    page.wait_for_url("about:blank")
    page.go_back()
    assert "gallery" not in page.url


# -- the school flow in Voila -------------------------------------------------------------------


def test_school_gallery_opens_its_scenarios_in_facilitator_mode(page, voila_url: str) -> None:
    """`waspada serve --profile school` starts at a gallery of the profile's scenarios only;
    each opens in facilitator mode and the player leads back to the same gallery."""
    page.goto(f"{voila_url}/voila/render/gallery.ipynb?profile=school", timeout=60_000)
    page.get_by_role("heading", name="School test").wait_for(timeout=60_000)
    titles = page.locator(".wsp-gallery li > a:first-child").all_inner_texts()
    assert sorted(titles) == ["A new friend online", "A village meeting"]
    page.get_by_role("link", name="A village meeting", exact=True).click()
    page.locator(".wsp-tally-input").first.wait_for(timeout=60_000)
    assert page.locator(".wsp-discussion").is_visible()
    back = page.locator(".wsp-app-links a")
    assert "profile=school" in back.get_attribute("href")


# -- handouts printed to A4 ---------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595) < 2 and abs(height - 842) < 2, "not A4"
    return [page.extract_text() for page in reader.pages]


@pytest.mark.parametrize("lang", ["id", "jv"])
@pytest.mark.parametrize(
    "handout", ["red-flags", "working-abroad", "health", "getting-help", "forced-labour-signs"]
)
def test_handouts_print_on_one_or_two_a4_pages_with_help_numbers(
    page, kits: Path, lang: str, handout: str
) -> None:
    page.goto((kits / "village" / lang / "handouts" / f"{handout}.html").as_uri())
    texts = pdf_pages(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    assert 1 <= len(texts) <= 2, f"{handout} prints on {len(texts)} pages"
    text = " ".join(texts)
    assert "129" in text and "08111-129-129" in text
    assert page.locator("html").get_attribute("lang") == lang
    for chrome in ("Quick exit", "Search"):  # nothing of the screen's chrome is printed
        assert chrome not in text


# -- knowledge checks, dashboard and completion summary ------------------------------------------


def payload_of(page) -> dict:
    return json.loads(page.locator(".wsp-scenario script.wsp-payload").first.text_content())


def answer(page, payload: dict, correct: bool) -> None:
    """Click the first answer that is (or is not) correct, reading which from the payload."""
    node = payload["nodes"][page.locator(".wsp-root").get_attribute("data-wsp-node")]
    buttons = page.locator(".wsp-choice")
    for index in range(buttons.count()):
        cid = buttons.nth(index).get_attribute("data-wsp-choice")
        if node["choices"][cid]["correct"] is correct:
            buttons.nth(index).click()
            return
    raise AssertionError("no such answer")


def test_knowledge_check_explains_each_answer_and_keeps_the_result(page, kits: Path) -> None:
    module = kits / "health" / "id" / "what-is-trafficking.html"
    page.goto(module.as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-root").wait_for()
    payload = payload_of(page)
    first = payload["nodes"][payload["states"][0]["node"]]
    answer(page, payload, correct=False)
    wrong = next(c for c in first["choices"].values() if c["correct"] is False)
    assert page.locator(".wsp-verdict-wrong").inner_text() == wrong["verdict"]
    shown = page.locator(".wsp-feedback-text").inner_text()
    assert shown.split()[:4] == "".join(t for _, t in wrong["feedback"][0]["p"]).split()[:4]
    while page.locator(".wsp-choice").count():
        answer(page, payload, correct=True)
    result = page.locator(".wsp-ending")
    assert "wsp-passed" in result.get_attribute("class")  # 4 of 5 right passes
    score_text = page.locator(".wsp-score").inner_text()
    assert "4" in score_text and "5" in score_text
    page.reload()
    page.locator(".wsp-score").wait_for()
    assert page.locator(".wsp-score").inner_text() == score_text


def test_dashboard_shows_progress_and_prints_a_summary_with_the_typed_name(
    page, kits: Path
) -> None:
    page.goto((kits / "health" / "jv" / "guides" / "health-course.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    rows = page.locator(".wsp-dashboard-table tr[data-wsp-check]")
    rows.first.wait_for()
    assert rows.count() == 3
    assert page.locator(".wsp-dashboard-none").count() == 3
    assert page.locator(".wsp-dashboard-print").is_disabled()
    for check in ("what-is-trafficking", "health", "health-workers"):
        page.goto((kits / "health" / "jv" / f"{check}.html").as_uri())
        page.locator(".wsp-root").wait_for()
        payload = payload_of(page)
        while page.locator(".wsp-choice").count():
            answer(page, payload, correct=True)
        assert page.locator(".wsp-passed").is_visible()
    page.goto((kits / "health" / "jv" / "guides" / "health-course.html").as_uri())
    rows.first.wait_for()
    assert page.locator(".wsp-dashboard-passed").count() == 3
    name = page.locator(".wsp-dashboard-name")
    name.fill("Siti Rahayu")
    page.evaluate("window.print = () => {}")  # the dialog itself cannot be driven headless
    page.locator(".wsp-dashboard-print").click()
    text = " ".join(pdf_pages(page.pdf(format="A4")))
    assert "Siti Rahayu" in text
    assert text.count("5") >= 3  # a score line for each module
    stored = page.evaluate("JSON.stringify(localStorage)") + page.evaluate("document.cookie")
    assert "Siti" not in stored


def test_health_course_fits_a_360_px_phone(browser, kits: Path) -> None:
    """No sideways scrolling on a 360 px screen; answers stay large enough to tap."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for doc in ("guides/health-course", "health", "practice/clinic-patient"):
        page.goto((kits / "health" / "id" / f"{doc}.html").as_uri())
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{doc} is {width} px wide"
    button = page.locator(".wsp-choice").first
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280
    context.close()


@pytest.mark.parametrize(
    "doc",
    [
        "village/id/guides/village-session",  # scenario maps
        "village/id/handouts/getting-help",  # help numbers
        "village/id/practice/index",  # the generated scenario list
        "health/jv/guides/health-course",  # dashboard and completion form
        "health/jv/health",  # objectives and a knowledge check
    ],
)
def test_kit_pages_have_no_serious_accessibility_violations(page, kits: Path, doc: str) -> None:
    page.goto((kits / f"{doc}.html").as_uri())
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    if page.locator(".wsp-choice").count():  # and after an answer, with its verdict shown
        page.locator(".wsp-choice").first.click()
        assert axe_violations(page) == []


def test_facilitator_mode_passes_axe_with_tallies(page, tiny_book: Path) -> None:
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.locator(".wsp-tally-input").first.fill("4")
    assert axe_violations(page, ".wsp-root") == []
    page.locator(".wsp-choice").first.click()
    assert axe_violations(page, ".wsp-root") == []


def test_content_security_policy_forbids_other_hosts(page, tiny_book: Path) -> None:
    """A page that tried to load something from another host (say, a theme update adding a
    CDN font) is stopped by the page's own policy before any request leaves."""
    failures = watch_failed_requests(page)
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.locator(".wsp-root").wait_for()  # the player itself runs under the policy
    assert_policy_blocks_a_cdn_image(page, failures)


def test_a_page_loads_only_its_own_few_files_and_keeps_its_navigation(
    page, tiny_book: Path, requests_seen
) -> None:
    """The course's own theme: a scenario page asks for at most 12 files (issue 7), none of them
    a web font or the search index, and still has a skip link, the contents, previous and next,
    and a search box that leads to the search page."""
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.wait_for_load_state("load")
    page.locator(".wsp-root").wait_for()
    files = [url for url in requests_seen.urls if url.startswith("file:")]
    assert len(files) <= 12, files
    assert not any(url.endswith((".woff2", ".woff", ".ttf", "searchindex.js")) for url in files)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    contents = page.get_by_role("navigation", name="Site navigation")
    assert contents.get_by_role("link").count() >= 3
    assert contents.locator("[aria-current=page]").count() == 1
    page.locator("a.wsp-prev").click()
    page.wait_for_load_state("load")
    assert page.locator("a.wsp-next").get_attribute("href") == "facilitated.html"
    page.get_by_role("searchbox").fill("scenario")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search.html?q=scenario")
