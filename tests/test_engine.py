"""Playing: start, offered choices, effects, errors and saved progress."""

from __future__ import annotations

import json

import pytest

from conftest import load_text
from waspada.scenario import (
    STATE_FORMAT,
    PlayError,
    PlayState,
    available_choices,
    choose,
    choose_number,
    ending,
    play_route,
    start,
)

RISKY = """\
id: risky
title: Risky
audiences: [village]
modi: [deception]
start: offer
variables:
  risk: {initial: 1, min: 0, max: 3}
  calls: {initial: 0, min: 0, max: 5}
nodes:
  offer:
    text: A recruiter calls.
    choices:
      - {label: Ask questions, target: offer, id: ask, effects: {risk: -1, calls: +1}}
      - {label: Agree, target: offer, id: agree, effects: {risk: +2}}
      - {label: Reset, target: offer, id: reset, effects: {risk: 1}}
      - {label: Report, target: safe, condition: risk <= 1}
      - {label: Leave with him, target: harmed, condition: risk >= 2}
      - {label: Wait and see, target: mixed, condition: risk == 2 and calls >= 1}
  safe:
    text: Reported.
    ending: {kind: safe, debrief: Good., messages: [Report.], help: [sapa-129]}
  harmed:
    text: Gone.
    ending: {kind: harmed, debrief: Bad., messages: [Ask.], help: [sapa-129, police-110]}
  mixed:
    text: Unsure.
    ending: {kind: mixed, debrief: So-so., messages: [Talk.], help: [sapa-129]}
"""


@pytest.fixture
def risky():
    scenario, problems = load_text(RISKY)
    assert problems == []
    return scenario


def offered(scenario, state) -> list[str]:
    return [c.id for c in available_choices(scenario, state)]


def test_start_is_the_start_node_with_initial_values(risky):
    """start() puts the play on the start node with every variable at its initial value."""
    state = start(risky)
    assert (state.scenario, state.node, dict(state.values), state.route) == (
        "risky",
        "offer",
        {"risk": 1, "calls": 0},
        (),
    )
    assert ending(risky, state) is None


def test_conditions_decide_which_choices_are_offered(risky):
    """With risk=1 'report' is offered and 'harmed' is not, in the author's order."""
    assert offered(risky, start(risky)) == ["ask", "agree", "reset", "safe"]


def test_conditions_change_with_the_values(risky):
    """After 'agree' (risk 1 -> 3) 'report' disappears and 'leave' appears."""
    state = choose(risky, start(risky), "agree")
    assert state.values["risk"] == 3
    assert offered(risky, state) == ["ask", "agree", "reset", "harmed"]


def test_condition_with_and_needs_every_term(risky):
    """'risk == 2 and calls >= 1' holds only after a call and with risk exactly 2."""
    state = choose(risky, start(risky), "agree")  # risk 3, calls 0
    state = choose(risky, state, "ask")  # risk 2, calls 1
    assert "mixed" in offered(risky, state)
    state = choose(risky, state, "agree")  # risk 3 (clamped), calls 1
    assert "mixed" not in offered(risky, state)


def test_choose_by_id_and_by_choice_object_agree(risky):
    """choose() accepts the id or the Choice itself, with the same result."""
    first = start(risky)
    by_object = choose(risky, first, available_choices(risky, first)[1])
    by_id = choose(risky, first, "agree")
    assert by_object == by_id
    assert by_id.route == ("agree",)


def test_choose_number_counts_available_choices_from_one(risky):
    """Number 4 at the start is 'Report' (the fourth choice offered), which ends safely."""
    state = choose_number(risky, start(risky), 4)
    assert state.node == "safe"
    assert ending(risky, state).kind == "safe"


def test_choose_number_skips_hidden_choices(risky):
    """With risk=3 the fourth button is 'Leave with him', because 'Report' is hidden."""
    state = choose_number(risky, choose(risky, start(risky), "agree"), 4)
    assert state.node == "harmed"


def test_relative_effects_are_clamped_to_the_range(risky):
    """'risk +2' from 3 stays at max 3; 'risk -1' from 0 stays at min 0."""
    state = choose(risky, choose(risky, start(risky), "agree"), "agree")
    assert state.values["risk"] == 3
    state = choose(risky, choose(risky, start(risky), "ask"), "ask")
    assert state.values["risk"] == 0
    assert state.values["calls"] == 2


def test_counter_stops_at_its_max(risky):
    """Six 'ask' choices leave calls at its max of 5."""
    state = play_route(risky, [1, 1, 1, 1, 1, 1])
    assert dict(state.values) == {"risk": 0, "calls": 5}


def test_absolute_effect_sets_the_value(risky):
    """'risk: 1' (no sign) sets risk to 1 whatever it was."""
    high = choose(risky, start(risky), "agree")
    assert choose(risky, high, "reset").values["risk"] == 1
    low = choose(risky, start(risky), "ask")
    assert choose(risky, low, "reset").values["risk"] == 1


def test_choosing_a_hidden_choice_is_a_play_error(risky):
    """'harmed' is hidden at the start: choosing it names what is available."""
    with pytest.raises(PlayError) as info:
        choose(risky, start(risky), "harmed")
    assert str(info.value) == (
        "choice 'harmed' is not available at node 'offer' (available: ask, agree, reset, safe)"
    )


def test_choosing_an_unknown_id_is_a_play_error(risky):
    """An id that no choice has is refused the same way."""
    with pytest.raises(PlayError, match="choice 'fly' is not available at node 'offer'"):
        choose(risky, start(risky), "fly")


@pytest.mark.parametrize("number", [0, 5, -1])
def test_choose_number_out_of_range_is_a_play_error(risky, number):
    """Only 1..4 are buttons at the start; anything else says so."""
    with pytest.raises(PlayError) as info:
        choose_number(risky, start(risky), number)
    assert str(info.value) == f"there is no choice {number} at node 'offer'; choose 1 to 4"


def test_no_choice_is_offered_at_an_ending(risky):
    """An ending offers nothing, so any number there is an error."""
    state = play_route(risky, [4])
    assert available_choices(risky, state) == []
    with pytest.raises(PlayError, match="there is no choice 1 at node 'safe'"):
        choose_number(risky, state, 1)


def test_play_route_returns_the_final_state_and_route(risky):
    """[2, 1, 5] = agree, ask, then 'Wait and see' (the 5th button) ends 'mixed'."""
    state = play_route(risky, [2, 1, 5])
    assert state.node == "mixed"
    assert state.route == ("agree", "ask", "mixed")
    assert dict(state.values) == {"risk": 2, "calls": 1}
    assert ending(risky, state).kind == "mixed"


def test_empty_route_stays_at_the_start(risky):
    """play_route with no numbers is the start state."""
    assert play_route(risky, []) == start(risky)


def test_ending_returns_the_ending_of_the_node(risky):
    """ending() gives kind, debrief, messages and help of the node reached."""
    end = ending(risky, play_route(risky, [2, 4]))
    assert (end.kind, end.debrief, end.messages, end.help) == (
        "harmed",
        "Bad.",
        ("Ask.",),
        ("sapa-129", "police-110"),
    )


def test_states_are_immutable(risky):
    """Choosing returns a new state; the old one and its values are unchanged."""
    first = start(risky)
    choose(risky, first, "agree")
    assert first.values["risk"] == 1
    with pytest.raises(TypeError):
        first.values["risk"] = 3  # type: ignore[index]


def test_state_to_json_from_json_round_trip(risky):
    """A saved state survives JSON text and compares equal after loading."""
    state = play_route(risky, [2, 1])
    data = json.loads(json.dumps(state.to_json()))
    assert data == {
        "format": STATE_FORMAT,
        "scenario": "risky",
        "node": "offer",
        "values": {"risk": 2, "calls": 1},
        "route": ["agree", "ask"],
    }
    restored = PlayState.from_json(data)
    assert restored == state
    assert hash(restored) == hash(state)
    assert choose_number(risky, restored, 5).node == "mixed"


def test_saved_state_of_another_format_is_refused():
    """A saved state with format 2 is refused with a message naming both formats."""
    with pytest.raises(PlayError) as info:
        PlayState.from_json({"format": 2, "scenario": "risky", "node": "offer"})
    assert str(info.value) == (
        f"saved progress has format 2; this version of waspada reads format {STATE_FORMAT}"
    )


def test_saved_state_without_format_is_refused():
    """A saved state with no format at all is refused."""
    with pytest.raises(PlayError, match="saved progress has format None"):
        PlayState.from_json({"scenario": "risky", "node": "offer"})


@pytest.mark.parametrize(
    "data",
    [
        {"format": STATE_FORMAT, "node": "offer"},
        {"format": STATE_FORMAT, "scenario": "risky", "node": "offer", "values": {"risk": "high"}},
        {"format": STATE_FORMAT, "scenario": "risky", "node": "offer", "values": [1, 2]},
    ],
)
def test_damaged_saved_state_is_a_play_error(data):
    """Missing keys or non-numbers in saved progress are 'damaged', never a raw exception."""
    with pytest.raises(PlayError, match="saved progress is damaged"):
        PlayState.from_json(data)


def test_equal_situations_share_a_key(risky):
    """Two routes to the same node and values have the same key but different routes."""
    one = play_route(risky, [2, 3])  # agree, reset: risk 1
    other = play_route(risky, [3])  # reset: risk 1
    assert one.key == other.key == ("offer", (("calls", 0), ("risk", 1)))
    assert one != other
