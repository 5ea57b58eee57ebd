"""Shared test vectors: routes of button numbers, and where they must lead."""

from __future__ import annotations

import json

import pytest

from conftest import HELP_FILE, ROOT
from waspada.scenario import ending, load_collection, play_route

VECTORS = sorted((ROOT / "tests" / "vectors").glob("*.json"))
CASES = [
    pytest.param(path, case, id=f"{path.stem}:{','.join(map(str, case['route'])) or 'start'}")
    for path in VECTORS
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]


def load_vector_scenario(path):
    spec = json.loads(path.read_text(encoding="utf-8"))
    collection = load_collection([ROOT / spec["scenario"]], HELP_FILE, display_root=ROOT)
    assert [str(p) for p in collection.problems] == []
    (scenario,) = collection.scenarios.values()
    return scenario, spec["cases"]


def test_there_are_vectors():
    """At least two vector files exist, each naming a scenario file in tests/vectors/."""
    assert len(VECTORS) >= 2
    for path in VECTORS:
        spec = json.loads(path.read_text(encoding="utf-8"))
        assert spec["scenario"] == f"tests/vectors/{path.stem}.yml"
        assert spec["cases"]


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector_scenario_is_clean_and_every_ending_is_covered(path):
    """Each vector scenario passes check without warnings and its cases reach every ending."""
    scenario, cases = load_vector_scenario(path)
    assert scenario.variables, "a vector scenario should exercise a variable"
    if not scenario.is_check:  # a check's only rule is its score
        assert any(c.condition for n in scenario.nodes.values() for c in n.choices)
    assert {case["node"] for case in cases if case["ending"]} == {n.id for n in scenario.endings()}


@pytest.mark.parametrize(("path", "case"), CASES)
def test_route_leads_where_the_vector_says(path, case):
    """Playing the route's button numbers ends on the node, ending kind and values listed."""
    scenario, _ = load_vector_scenario(path)
    state = play_route(scenario, case["route"])
    reached = ending(scenario, state)
    assert (state.node, reached.kind if reached else None, dict(state.values)) == (
        case["node"],
        case["ending"],
        case["values"],
    )
