"""The scenario front end in the static book, played by clicking in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import VECTORS, axe_violations, first_vector_id

pytestmark = pytest.mark.browser


def vector_cases() -> list[tuple[str, dict]]:
    cases = []
    for file in sorted(VECTORS.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        sid = Path(data["scenario"]).stem
        cases += [(sid, case) for case in data["cases"]]
    return cases


def open_scenario(page, book: Path, sid: str) -> None:
    page.goto((book / f"{sid}.html").as_uri())
    page.locator(".wsp-root").wait_for()


@pytest.mark.parametrize(
    ("sid", "case"),
    vector_cases(),
    ids=lambda v: v if isinstance(v, str) else ",".join(map(str, v["route"])),
)
def test_vectors_match_python_engine(page, tiny_book: Path, sid: str, case: dict) -> None:
    """Clicking a shared test route in the book reaches the engine's node, ending and values."""
    open_scenario(page, tiny_book, sid)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-root").wait_for()
    for number in case["route"]:
        page.get_by_role("button").filter(has=page.locator(".wsp-key")).nth(number - 1).click()
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == case["node"]
    assert (root.get_attribute("data-wsp-ending") or None) == case["ending"]
    assert json.loads(root.get_attribute("data-wsp-values")) == case["values"]


def first_vector(tiny_book: Path) -> str:
    return first_vector_id()


def shortest_route(sid: str) -> list[int]:
    """Choice numbers (as the buttons show them) along a shortest way to an ending."""
    from waspada.scenario import expand, load_scenario

    path = VECTORS / f"{sid}.yml"
    scenario, _ = load_scenario(path)
    graph = expand(scenario)
    left = graph.steps_to_ending(scenario)
    route, here = [], 0
    while graph.states[here].edges:
        options = graph.states[here].edges
        best = min(range(len(options)), key=lambda i: left[options[i][1]])
        route.append(best + 1)
        here = options[best][1]
    return route


def play_to_ending(page, sid: str) -> None:
    for number in shortest_route(sid):
        page.locator(".wsp-choice").nth(number - 1).click()


def test_file_url_plays_to_an_ending_resumes_and_clears(
    page, tiny_book: Path, requests_seen
) -> None:
    """Opened from disk, a scenario plays to an ending, survives a reload, and "clear" resets it."""
    sid = first_vector(tiny_book)
    open_scenario(page, tiny_book, sid)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-root").wait_for()
    start_text = page.locator(".wsp-text").inner_text()
    page.locator(".wsp-choice").first.click()
    middle_text = page.locator(".wsp-text").inner_text()
    assert middle_text != start_text
    page.reload()
    page.locator(".wsp-root").wait_for()
    assert page.locator(".wsp-text").inner_text() == middle_text, "progress did not survive reload"
    page.get_by_role("button", name="Back").click()
    assert page.locator(".wsp-text").inner_text() == start_text
    play_to_ending(page, sid)
    assert page.locator(".wsp-ending").is_visible()
    assert page.locator(".wsp-help").is_visible()
    keys = page.evaluate("Object.keys(localStorage)")
    assert any(key.startswith("waspada:waspada:") and key.endswith(f":{sid}") for key in keys)
    page.get_by_role("button", name="Clear my progress").click()
    assert page.locator(".wsp-text").inner_text() == start_text
    keys = page.evaluate("Object.keys(localStorage)")
    assert not any(key.endswith(f":{sid}") for key in keys)
    assert requests_seen.external() == []


def test_hostile_text_is_shown_as_text(page, tiny_book: Path) -> None:
    """Markup in scenario text appears literally; no script, handler or element from it runs."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_scenario(page, tiny_book, "hostile-text")
    root = page.locator(".wsp-root")
    assert "<img src=x" in root.inner_text()
    assert "<script>" in root.inner_text()
    page.locator(".wsp-choice").first.click()
    assert "<svg onload=" in root.inner_text()
    assert "<a href=javascript:alert(1)>link</a>" in root.inner_text()
    assert root.locator("img, script, svg, iframe, style, b, a[href^=javascript]").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []


def test_keyboard_only_play(page, tiny_book: Path) -> None:
    """Tab reaches the choices, Enter and number keys choose, and focus moves to the new text."""
    sid = first_vector(tiny_book)
    open_scenario(page, tiny_book, sid)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-root").wait_for()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('wsp-choice')"):
            break
    else:
        pytest.fail("Tab never reached a choice button")
    first_node = page.locator(".wsp-root").get_attribute("data-wsp-node")
    page.keyboard.press("Enter")
    assert (
        page.locator(".wsp-root").get_attribute("data-wsp-node") != first_node
        or page.locator(".wsp-feedback").count() == 1
    )
    assert page.evaluate("document.activeElement.classList.contains('wsp-text')")
    assert page.locator(".wsp-sr[aria-live=polite]").inner_text() != ""
    page.get_by_role("button", name="Start again").click()
    page.locator(".wsp-choice").first.focus()
    for number in shortest_route(sid):
        page.keyboard.press(str(number))
    assert page.locator(".wsp-ending").is_visible()


def test_large_text_toggle_is_remembered(page, tiny_book: Path) -> None:
    """The projector mode makes text larger, says it is pressed, and stays on after reload."""
    sid = first_vector(tiny_book)
    open_scenario(page, tiny_book, sid)
    small = page.locator(".wsp-text").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    toggle = page.get_by_role("button", name="Large text")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    large = page.locator(".wsp-text").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert large >= small * 1.4
    page.reload()
    page.locator(".wsp-root").wait_for()
    assert page.get_by_role("button", name="Large text").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Large text").click()


def test_facilitator_mode_shows_discussion_first(page, tiny_book: Path) -> None:
    """In facilitator mode the prompt and notes come before the story text; the toggle switches
    to the learner's view, where notes are hidden and the prompt follows the story."""
    page.goto((tiny_book / "facilitated.html").as_uri())
    page.locator(".wsp-root").wait_for()

    def order() -> list[str]:
        return page.evaluate(
            "[...document.querySelector('.wsp-root').children].map(e => e.className)"
        )

    assert order().index("wsp-discussion") < order().index("wsp-text")
    assert page.locator(".wsp-notes").inner_text().endswith("Let people speak before you explain.")
    toggle = page.get_by_role("button", name="Facilitator view")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(".wsp-notes").count() == 0
    assert order().index("wsp-discussion") > order().index("wsp-text")


def test_scenario_page_has_no_serious_accessibility_violations(page, tiny_book: Path) -> None:
    """axe-core finds no serious or critical problem on a scenario page, start and ending."""
    sid = first_vector(tiny_book)
    open_scenario(page, tiny_book, sid)
    assert axe_violations(page) == []
    play_to_ending(page, sid)
    assert axe_violations(page, ".wsp-root") == []


def test_text_fallback_without_javascript(browser, tiny_book: Path) -> None:
    """With JavaScript off, the page still shows the scenario's title and opening text."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sid = first_vector(tiny_book)
    page.goto((tiny_book / f"{sid}.html").as_uri())
    fallback = page.locator(".wsp-fallback")
    assert fallback.is_visible()
    assert "Interactive scenario" in fallback.inner_text()
    context.close()


def test_switching_language_keeps_the_place_in_the_story(page, tiny_book: Path) -> None:
    """The language links open the same page in another language, at the same step."""
    sid = first_vector(tiny_book)
    open_scenario(page, tiny_book, sid)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-choice").first.click()
    node = page.locator(".wsp-root").get_attribute("data-wsp-node")
    page.get_by_role("navigation", name="Languages").get_by_role(
        "link", name="Bahasa Indonesia"
    ).click()
    page.locator(".wsp-root").wait_for()
    assert page.url.endswith(f"/id/{sid}.html")
    assert page.locator("html").get_attribute("lang") == "id"
    # The tiny course has no Indonesian catalogs: the page says so and shows the story whole
    # in English (one language per screen), at the same step.
    assert page.locator(".wsp-shown-in").get_attribute("lang") == "en"
    assert page.locator(".wsp-root").get_attribute("lang") == "en"
    assert page.locator(".wsp-root").get_attribute("data-wsp-node") == node
    # English is the source: no draft notice, on the page or in the player.
    assert page.locator(".wsp-draft-notice").count() == 0
    assert page.locator(".wsp-draft").count() == 0
