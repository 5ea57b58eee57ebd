"""The same front end under Voila (`waspada serve`), played by clicking in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from waspada.project import Project

from .conftest import axe_violations, first_vector_id
from .test_book import shortest_route, vector_cases

pytestmark = pytest.mark.browser


def open_player(page, voila_url: str, sid: str) -> None:
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario={sid}", timeout=60_000)
    page.locator(".wsp-root").wait_for(timeout=60_000)


def click_route(page, route: list[int]) -> None:
    """Click the numbered choices, waiting each time for the kernel round trip to redraw."""
    for number in route:
        before = page.locator(".wsp-root").get_attribute("data-wsp-route-length")
        page.locator(".wsp-choice").nth(number - 1).click()
        page.wait_for_function(
            "n => document.querySelector('.wsp-root').dataset.wspRouteLength !== n", arg=before
        )


@pytest.mark.parametrize(
    ("sid", "case"),
    vector_cases(),
    ids=lambda v: v if isinstance(v, str) else ",".join(map(str, v["route"])),
)
def test_vectors_match_python_engine(page, voila_url: str, sid: str, case: dict) -> None:
    """A shared test route clicked in the Voila player reaches the engine's node, ending, values."""
    open_player(page, voila_url, sid)
    click_route(page, case["route"])
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == case["node"]
    assert (root.get_attribute("data-wsp-ending") or None) == case["ending"]
    assert json.loads(root.get_attribute("data-wsp-values")) == case["values"]


def test_player_makes_no_external_request_and_hides_code(
    page, voila_url: str, requests_seen, tiny_course: Path
) -> None:
    """The player loads nothing from other hosts, shows no source code, and passes axe-core."""
    sid = first_vector_id()
    open_player(page, voila_url, sid)
    click_route(page, shortest_route(sid))
    assert page.locator(".wsp-ending").is_visible()
    assert requests_seen.external() == []
    body = page.locator("body").inner_text()
    assert "from waspada" not in body and "player()" not in body
    assert axe_violations(page, ".wsp-root") == []


def test_gallery_lists_scenarios_by_audience(
    page, voila_url: str, requests_seen, tiny_course: Path
) -> None:
    """The gallery names each audience and links every scenario to the player."""
    page.goto(f"{voila_url}/voila/render/gallery.ipynb", timeout=60_000)
    page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)
    for scenario in Project(tiny_course).load().stories.values():
        assert page.get_by_role("link", name=scenario.title, exact=True).count() >= 1
    assert requests_seen.external() == []


def test_unknown_scenario_gets_a_friendly_message(page, voila_url: str) -> None:
    """A wrong id in the URL says so in plain words, with no traceback."""
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario=no-such-thing", timeout=60_000)
    message = page.locator(".wsp-app-message")
    message.wait_for(timeout=60_000)
    assert "no-such-thing" in message.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()


def test_language_switch_in_voila_keeps_the_step(page, voila_url: str) -> None:
    """Choosing another language in the player recompiles the text but keeps the group's step."""
    sid = first_vector_id()
    open_player(page, voila_url, sid)
    click_route(page, [1])
    node = page.locator(".wsp-root").get_attribute("data-wsp-node")
    page.get_by_label("Language").select_option(label="Bahasa Indonesia")
    page.wait_for_function("() => document.querySelector('.wsp-root').lang === 'id'")
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == node
    assert root.get_attribute("data-wsp-route-length") == "1"
    assert page.locator(".wsp-draft").is_visible()
