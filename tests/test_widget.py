"""ScenarioWidget: the Python side of the front end in Jupyter and Voila."""

from __future__ import annotations

from pathlib import Path

import pytest

from waspada.scenario import PAYLOAD_FORMAT
from waspada.widget import ESM, ScenarioWidget

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "cafe-singer.yml"


@pytest.fixture
def widget() -> ScenarioWidget:
    return ScenarioWidget.from_file(SCENARIO)


def test_traits_carry_the_compiled_payload(widget: ScenarioWidget) -> None:
    """The synced payload is the compiled scenario; the play state starts empty; learner mode."""
    assert widget.payload["format"] == PAYLOAD_FORMAT
    assert widget.payload["id"] == "cafe-singer"
    assert widget.payload["states"][0]["node"] == widget.scenario.start
    assert widget.route == []
    assert widget.mode == "learner"
    assert widget.can_clear is False  # progress lives in the kernel, not in the browser


def test_front_end_is_the_packaged_module(widget: ScenarioWidget) -> None:
    """Jupyter and Voila load the same scenario.js file the book embeds."""
    assert Path(ESM).name == "scenario.js"
    assert "export default { render }" in Path(ESM).read_text(encoding="utf-8")
    assert "import " not in "\n".join(
        line
        for line in Path(ESM).read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith(("//", "*", "/*"))
    )


def test_choices_made_in_the_browser_reach_python(widget: ScenarioWidget) -> None:
    """Each route extension from the front end calls on_choice with the choice and engine state."""
    seen: list[tuple[str, str]] = []
    widget.on_choice(lambda choice, state: seen.append((choice, state.node)))
    first = widget.payload["states"][0]["choices"][0][0]
    widget.state = {"digest": widget.payload["digest"], "route": [first]}
    assert len(seen) == 1
    assert seen[0][0] == first
    assert seen[0][1] == widget.play_state().node != widget.scenario.start


def test_restart_and_back_do_not_count_as_choices(widget: ScenarioWidget) -> None:
    """Going back or restarting changes the route but is not reported as a new choice."""
    first = widget.payload["states"][0]["choices"][0][0]
    widget.state = {"digest": widget.payload["digest"], "route": [first]}
    seen: list[str] = []
    widget.on_choice(lambda choice, state: seen.append(choice))
    widget.restart()
    assert widget.route == []
    assert seen == []


def test_language_switch_keeps_the_route(widget: ScenarioWidget) -> None:
    """Switching language recompiles the payload but keeps the group's place in the story."""
    first = widget.payload["states"][0]["choices"][0][0]
    widget.state = {"digest": widget.payload["digest"], "route": [first]}
    digest = widget.payload["digest"]
    widget.language = "en"
    assert widget.language == "en"
    assert widget.payload["digest"] == digest
    assert widget.route == [first]


def test_from_file_reports_a_broken_scenario(tmp_path: Path) -> None:
    """A scenario with errors is refused with its located problems, not shown half-working."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "scenarios").mkdir()
    broken = tmp_path / "scenarios" / "broken.yml"
    broken.write_text(
        "id: broken\ntitle: Broken\naudiences: [village]\nmodi: [deception]\n"
        "start: a\nnodes:\n  a: {text: Hi, choices: [{label: Go, target: nowhere}]}\n"
    )
    with pytest.raises(ValueError, match=r"broken\.yml:7:.*'nowhere', which does not exist"):
        ScenarioWidget.from_file(broken)
