"""The author view of `waspada preview` (issue 18), in Chromium: the map beside the player, every
node a button that jumps the player there, the variables and the node's source file:line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from waspada.scenario import load_scenario
from waspada.scenario.markup import plain

from .conftest import VECTORS, axe_violations

pytestmark = pytest.mark.browser

SID = "broker-loan"  # 'lost' is only reached with debt >= 3: a jump must get the values right


@pytest.fixture(scope="module")
def author_book(tiny_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny course's English pages built as `waspada preview` builds them (--author)."""
    out = tmp_path_factory.mktemp("author") / "html"
    command = [sys.executable, "-m", "waspada.book.build", str(tiny_course), "en", str(out)]
    result = subprocess.run(
        [*command, "--profile", "full", "--author"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def node_line(sid: str, nid: str) -> int:
    """The line of node ``nid`` in the scenario file, found in the text itself."""
    lines = (VECTORS / f"{sid}.yml").read_text(encoding="utf-8").splitlines()
    return lines.index(f"  {nid}:") + 1


def open_page(page, book: Path, sid: str = SID) -> None:
    page.goto((book / f"{sid}.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-author").wait_for()


def where(page) -> tuple[str, dict, str, str]:
    """(player's node, player's values, author view's node id, author view's source)."""
    root = page.locator(".wsp-root")
    return (
        root.get_attribute("data-wsp-node"),
        json.loads(root.get_attribute("data-wsp-values")),
        page.locator(".wsp-author-node-id").text_content(),
        page.locator(".wsp-author-source").text_content(),
    )


def test_map_lists_every_node_and_a_click_jumps_deep_into_the_story(page, author_book) -> None:
    """Every node of the scenario is a focusable button in the labelled author view; clicking a
    node three steps in shows its text in the player, its id and file:line, and the variables a
    route there really has; Back then works as after play."""
    scenario, _ = load_scenario(VECTORS / f"{SID}.yml")
    open_page(page, author_book)
    panel = page.locator(".wsp-author")
    assert panel.locator(".wsp-author-badge").text_content() == "Author view — preview only"
    buttons = panel.locator("button.wsp-author-node")
    assert sorted(buttons.evaluate_all("bs => bs.map(b => b.dataset.wspNode)")) == sorted(
        scenario.nodes
    )
    assert buttons.evaluate_all("bs => bs.every(b => b.tabIndex === 0 && !b.disabled)")
    assert where(page) == (
        "loan",
        {"debt": 0},
        "loan",
        f"scenarios/{SID}.yml:{node_line(SID, 'loan')}",
    )

    panel.locator('[data-wsp-node="lost"]').click()
    lost = plain(scenario.nodes["lost"].text)
    assert page.locator(".wsp-root .wsp-text").inner_text().strip() == lost
    assert where(page) == (
        "lost",
        {"debt": 3},
        "lost",
        f"scenarios/{SID}.yml:{node_line(SID, 'lost')}",
    )
    assert panel.locator('[data-wsp-variable="debt"] .wsp-author-value').text_content() == "3"
    assert panel.locator('[aria-current="step"]').get_attribute("data-wsp-node") == "lost"

    page.locator(".wsp-root .wsp-back").click()
    assert where(page)[:3] == ("work", {"debt": 3}, "work")


def test_keyboard_jump_and_variables_shown_as_they_change(page, author_book) -> None:
    """A node is reached with the keyboard (Tab to it, Enter); a choice made in the player then
    shows the changed variable with its old value; another reachable value can be picked, and
    a jump keeps the values as near as a route allows."""
    open_page(page, author_book)
    page.locator('.wsp-author [data-wsp-node="loan"]').focus()
    page.keyboard.press("Tab")  # to the next node of the map, 'work'
    focused = "document.activeElement"
    assert page.evaluate(f"{focused}.dataset.wspNode") == "work"
    assert page.evaluate(f"getComputedStyle({focused}).outlineStyle") == "solid"  # focus shows
    page.keyboard.press("Enter")
    assert where(page)[:2] == ("work", {"debt": 1})  # the nearest values to the start's 0
    page.locator('.wsp-root [data-wsp-choice="month"]').click()
    debt = page.locator('.wsp-author [data-wsp-variable="debt"]')
    assert re.fullmatch(r"debt = 2 \(0\.\.4\) was 1", debt.inner_text().strip())
    assert "wsp-author-changed" in (debt.get_attribute("class") or "")
    page.locator(".wsp-author-situation", has_text="debt = 4").click()
    assert where(page)[:2] == ("work", {"debt": 4})
    # At debt 4 the player offers neither 'pay off' nor 'run away', as the engine says.
    offered = page.locator(".wsp-root .wsp-choice").evaluate_all(
        "bs => bs.map(b => b.dataset.wspChoice)"
    )
    assert offered == ["month", "hotline"]
    # Home is reached with debt 1 or 2: from debt 4 the jump keeps the nearest, 2.
    page.locator('.wsp-author [data-wsp-node="home"]').click()
    assert where(page)[:2] == ("home", {"debt": 2})


def test_hostile_text_in_the_map_is_text(page, author_book, requests_seen) -> None:
    """The map's summaries show a scenario's markup literally: nothing from it runs or loads."""
    open_page(page, author_book, "hostile-text")
    panel = page.locator(".wsp-author")
    assert "<img src=x" in panel.locator('[data-wsp-node="a"]').inner_text()
    panel.locator('[data-wsp-node="b"]').click()
    assert page.locator(".wsp-root").get_attribute("data-wsp-node") == "b"
    assert panel.locator("img, script, svg, iframe, style, b").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    assert requests_seen.external() == []


def test_beside_the_player_when_wide_below_when_narrow(page, author_book) -> None:
    """On a wide screen the author view sits right of the player, on a phone below it; both
    pass axe-core (contrast included), in large-text mode too."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_page(page, author_book)
    player = page.locator(".wsp-root").bounding_box()
    panel = page.locator(".wsp-author").bounding_box()
    assert panel["x"] >= player["x"] + player["width"] and abs(panel["y"] - player["y"]) < 40
    assert axe_violations(page, ".wsp-author") == []
    page.locator(".wsp-large-toggle").click()
    assert "wsp-large" in (page.locator(".wsp-author").get_attribute("class") or "")
    assert axe_violations(page, ".wsp-author") == []
    page.locator(".wsp-large-toggle").click()
    page.set_viewport_size({"width": 400, "height": 800})
    player = page.locator(".wsp-root").bounding_box()
    panel = page.locator(".wsp-author").bounding_box()
    assert panel["y"] >= player["y"] + player["height"]
    assert panel["x"] + panel["width"] <= 400


def test_a_published_book_has_no_author_view(page, tiny_book) -> None:
    """`waspada build` pages carry no author data and show no author view."""
    page.goto((tiny_book / f"{SID}.html").as_uri())
    page.locator(".wsp-root").wait_for()
    assert page.locator(".wsp-author, .wsp-authoring").count() == 0
    payload = json.loads(page.locator("script.wsp-payload").first.text_content() or "{}")
    assert payload["id"] == SID and "author" not in payload


MANY_VALUES = """async () => {
  const module = await import(URL.createObjectURL(
    new Blob([window.WSP_SCENARIO_SOURCE], {type: "text/javascript"})));
  const text = (t) => [{p: [["", t]]}];
  const states = Array.from({length: 30}, (_, n) => ({
    node: "a", values: {n}, choices: n < 29 ? [["up", n + 1]] : [], label: "", progress: 0}));
  const payload = {
    format: 1, lang: "en", id: "many", digest: "x", title: "Many", summary: "", ui: {},
    variables: {n: {min: 0, max: 29}}, states,
    nodes: {a: {text: text("A"), notes: null, prompt: null,
                choices: {up: {label: [["", "Up"]], feedback: null}}}},
    author: {file: "scenarios/many.yml", nodes: [
      {id: "a", number: 1, column: 0, line: 7, summary: "A", ending: "", targets: ["a"]}]},
  };
  const data = {payload, state: {}, mode: "learner", large_text: false};
  const handlers = {};
  const model = {
    get: (k) => data[k], set: (k, v) => { data[k] = v; },
    on: (e, f) => { (handlers[e] = handlers[e] || []).push(f); }, off: () => {},
    save_changes: () => (handlers["change:state"] || []).forEach((f) => f()),
  };
  const el = document.createElement("div");
  el.id = "many";
  document.body.append(el);
  module.default.render({model, el});
}"""


def test_values_offered_at_a_node_are_the_nearest_few(page, author_book) -> None:
    """A node a route reaches with 30 different values offers the 24 nearest to the current
    ones as buttons, never hundreds."""
    open_page(page, author_book)
    page.evaluate(MANY_VALUES)
    situations = page.locator("#many .wsp-author-situation")

    def offered() -> list[str]:
        return situations.evaluate_all("bs => bs.map(b => b.textContent)")

    assert offered() == [f"n = {n}" for n in range(24)]
    situations.filter(has_text=re.compile(r"^n = 23$")).click()
    assert page.locator("#many .wsp-root").get_attribute("data-wsp-values") == '{"n":23}'
    assert offered() == [f"n = {n}" for n in range(6, 30)]
    assert page.locator('#many .wsp-author-situation[aria-pressed="true"]').text_content() == (
        "n = 23"
    )
