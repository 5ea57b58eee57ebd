"""The same front end under Voila (`waspada serve`), played by clicking in Chromium."""

from __future__ import annotations

import json

import pytest

from waspada.project import Project

from .conftest import ROOT, axe_violations

pytestmark = pytest.mark.browser


def _a_scenario_with_route() -> tuple[str, list[int]]:
    """The first scenario of the course and a route to an ending by always taking choice 1."""
    from waspada.scenario import available_choices, choose, start

    collection = Project(ROOT).load()
    scenario = collection.scenarios[sorted(collection.scenarios)[0]]
    state, route = start(scenario), []
    while not scenario.nodes[state.node].is_ending:
        state = choose(scenario, state, available_choices(scenario, state)[0])
        route.append(1)
    return scenario.id, route


def test_player_plays_like_the_engine_with_no_external_requests(
        page, voila_url: str, requests_seen) -> None:  # noqa: ANN001
    """The Voila player renders a scenario, plays a route to the engine's ending, loads nothing
    from other hosts and shows no code."""
    from waspada.scenario import play_route

    sid, route = _a_scenario_with_route()
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario={sid}", timeout=60_000)
    page.locator(".wsp-root").wait_for(timeout=60_000)
    for number in route:
        node = page.locator(".wsp-root").get_attribute("data-wsp-node")
        page.locator(".wsp-choice").nth(number - 1).click()
        page.wait_for_function(
            "n => document.querySelector('.wsp-root').dataset.wspNode !== n", arg=node)
    expected = play_route(Project(ROOT).load().scenarios[sid], route)
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == expected.node
    assert json.loads(root.get_attribute("data-wsp-values")) == dict(expected.values)
    assert page.locator(".wsp-ending").is_visible()
    assert requests_seen.external() == []
    body = page.locator("body").inner_text()
    assert "from waspada" not in body and "player()" not in body  # sources are hidden
    assert axe_violations(page, ".wsp-root") == []


def test_gallery_lists_scenarios_by_audience(page, voila_url: str, requests_seen) -> None:  # noqa: ANN001
    """The gallery names each audience and links every scenario to the player."""
    page.goto(f"{voila_url}/voila/render/gallery.ipynb", timeout=60_000)
    page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)
    collection = Project(ROOT).load()
    for scenario in collection.scenarios.values():
        assert page.get_by_role("link", name=scenario.title, exact=True).count() >= 1
    assert requests_seen.external() == []


def test_unknown_scenario_gets_a_friendly_message(page, voila_url: str) -> None:  # noqa: ANN001
    """A wrong id in the URL says so in plain words, with no traceback."""
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario=no-such-thing", timeout=60_000)
    message = page.locator(".wsp-app-message")
    message.wait_for(timeout=60_000)
    assert "no-such-thing" in message.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()
