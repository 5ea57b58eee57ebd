"""The state graph (expand) and the browser payload (compile_scenario)."""

from __future__ import annotations

import json

import pytest

from conftest import HELP_FILE, MINIMAL, load_text
from waspada.scenario import (
    PAYLOAD_FORMAT,
    StateLimitError,
    compile_scenario,
    expand,
    load_help,
    message_context,
    no_translation,
)

SERVICES = load_help(HELP_FILE)[0]

COUNTER = """\
id: counter
title: Counter
audiences: [school]
modi: [online-scam]
start: chat
variables:
  trust: {initial: 0, min: 0, max: 2}
nodes:
  chat:
    text: A stranger writes.
    choices:
      - {label: Reply, target: chat, id: reply, effects: {trust: +1}}
      - {label: Send a photo, target: harmed, condition: trust >= 2}
      - {label: Block, target: safe}
  safe:
    text: Blocked.
    ending: {kind: safe, debrief: Good., messages: [Block.], help: [sapa-129]}
  harmed:
    text: The photo is used against her.
    ending: {kind: harmed, debrief: Not her fault., messages: [Tell someone.], help: [police-110]}
"""


def load(text: str):
    scenario, problems = load_text(text)
    assert [p for p in problems if ": error: " in p] == []
    return scenario


def wrap(context: str, message: str) -> str:
    return f"[{context}]{message}"


# -- expand --------------------------------------------------------------------------------------


def test_state_zero_is_the_start_with_initial_values():
    """expand() puts the start node with the initial values first."""
    graph = expand(load(COUNTER))
    assert (graph.states[0].node, graph.states[0].values, graph.states[0].depth) == (
        "chat",
        {"trust": 0},
        0,
    )


def test_each_node_and_values_pair_is_one_state():
    """'chat' appears once per trust value; endings once per value they are reached with."""
    graph = expand(load(COUNTER))
    pairs = [(s.node, s.values["trust"]) for s in graph.states]
    assert pairs == [
        ("chat", 0),
        ("chat", 1),
        ("safe", 0),
        ("chat", 2),
        ("safe", 1),
        ("harmed", 2),
        ("safe", 2),
    ]
    assert len(set(pairs)) == len(pairs)


def test_edges_name_the_choice_and_the_target_state():
    """Edges are (choice id, state index); 'reply' at trust 2 loops back to the same state."""
    graph = expand(load(COUNTER))
    assert [s.edges for s in graph.states] == [
        [("reply", 1), ("safe", 2)],
        [("reply", 3), ("safe", 4)],
        [],
        [("reply", 3), ("harmed", 5), ("safe", 6)],
        [],
        [],
        [],
    ]


def test_depth_is_the_fewest_choices_from_the_start():
    """The depth of each state counts choices along the shortest route."""
    assert [s.depth for s in expand(load(COUNTER)).states] == [0, 1, 1, 2, 2, 3, 3]


def test_steps_to_ending_and_can_reach_ending():
    """Every state of COUNTER can end; 'chat' needs one step, endings none."""
    scenario = load(COUNTER)
    graph = expand(scenario)
    assert graph.can_reach_ending(scenario) == [True] * 7
    assert graph.steps_to_ending(scenario) == [1, 1, 0, 1, 0, 0, 0]


def test_expand_without_variables_has_one_state_per_node(minimal):
    """MINIMAL has three states, one per node, with 'home' shared by two edges."""
    graph = expand(minimal)
    assert [(s.node, s.edges) for s in graph.states] == [
        ("offer", [("ask", 1), ("home", 2)]),
        ("ask", [("home", 2)]),
        ("home", []),
    ]


def test_expand_stops_at_the_state_limit():
    """More situations than the limit raise StateLimitError with the limit in the message."""
    with pytest.raises(StateLimitError, match="more than 6 distinct situations"):
        expand(load(COUNTER), limit=6)
    assert len(expand(load(COUNTER), limit=7).states) == 7


# -- compile_scenario ---------------------------------------------------------------------------


def test_payload_has_the_documented_format_and_shape(minimal):
    """The payload is JSON-ready, carries format 1, the language, the id and the graph."""
    payload = compile_scenario(minimal, services=SERVICES, lang="id", course={"title": "Waspada"})
    assert PAYLOAD_FORMAT == 1
    assert json.loads(json.dumps(payload)) == payload
    assert (payload["format"], payload["lang"], payload["id"], payload["course"]) == (
        1,
        "id",
        "minimal",
        {"title": "Waspada"},
    )
    assert payload["audiences"] == ["village"] and payload["modi"] == ["deception"]
    assert [s["node"] for s in payload["states"]] == ["offer", "ask", "home"]
    assert [s["choices"] for s in payload["states"]] == [
        [["ask", 1], ["home", 2]],
        [["home", 2]],
        [],
    ]


def test_message_context_joins_scenario_node_and_choice():
    """Contexts are 'scenario', 'scenario:node' and 'scenario:node:choice'."""
    assert message_context("cafe-singer") == "cafe-singer"
    assert message_context("cafe-singer", "offer") == "cafe-singer:offer"
    assert message_context("cafe-singer", "offer", "check") == "cafe-singer:offer:check"


def test_every_string_passes_through_translate_with_its_context(minimal):
    """Each author text and help text is translated once per use, under its documented context."""
    calls: list[tuple[str, str]] = []

    def record(context: str, message: str) -> str:
        calls.append((context, message))
        return message

    compile_scenario(minimal, services=SERVICES, translate=record)
    sapa = SERVICES["sapa-129"]
    assert sorted(set(calls)) == sorted(
        {
            ("minimal", "A lift home"),
            ("minimal", "A stranger offers Sari a lift."),
            ("minimal:offer", "A stranger at the market offers Sari a lift to the city."),
            ("minimal:offer:ask", "Ask where the car is going"),
            ("minimal:offer:ask", "Asking is always allowed."),
            ("minimal:offer:home", "Say no and walk home"),
            ("minimal:ask", "The stranger will not say where the car is going."),
            ("minimal:ask:home", "Walk home"),
            ("minimal:home", "Sari walks home and tells her mother."),
            ("minimal:home", "Saying no to a vague offer kept Sari safe."),
            ("minimal:home", "A real offer survives questions."),
            ("help:sapa-129", sapa.name),
            ("help:sapa-129", sapa.description),
            ("help:sapa-129", "Call"),
            ("help:sapa-129", "WhatsApp"),
        }
    )


def test_translated_strings_reach_the_payload(minimal):
    """With a wrapping translate, texts, labels, feedback and help carry the translation."""
    payload = compile_scenario(minimal, services=SERVICES, translate=wrap)
    offer = payload["nodes"]["offer"]
    assert payload["title"] == "[minimal]A lift home"
    assert offer["text"] == [
        {"p": [["", "[minimal:offer]A stranger at the market offers Sari a lift to the city."]]}
    ]
    assert offer["choices"]["ask"] == {
        "label": [["", "[minimal:offer:ask]Ask where the car is going"]],
        "feedback": [{"p": [["", "[minimal:offer:ask]Asking is always allowed."]]}],
    }
    assert offer["choices"]["home"]["feedback"] is None
    assert offer["notes"] is None and offer["prompt"] is None
    end = payload["nodes"]["home"]["ending"]
    assert end["messages"] == [[["", "[minimal:home]A real offer survives questions."]]]
    (sapa,) = end["help"]
    assert sapa["name"].startswith("[help:sapa-129]SAPA 129")
    assert sapa["contacts"][0] == {
        "kind": "phone",
        "label": "[help:sapa-129]Call",
        "value": "129",
        "href": "tel:129",
    }
    assert sapa["checked"] == "2026-12-06"


def test_help_entries_come_from_the_services_in_order():
    """An ending's help list is resolved to full services, in the author's order."""
    scenario = load(COUNTER.replace("help: [police-110]", "help: [police-110, bp2mi]"))
    payload = compile_scenario(scenario, services=SERVICES)
    helps = payload["nodes"]["harmed"]["ending"]["help"]
    assert [h["id"] for h in helps] == ["police-110", "bp2mi"]
    assert [c["href"] for c in helps[1]["contacts"]] == ["tel:08001000", "tel:+622129244800"]


def test_ending_title_defaults_to_the_kind_label(minimal):
    """Without 'title:' an ending is headed by ui['ending_<kind>'], or the kind itself."""
    plain = compile_scenario(minimal, services=SERVICES)["nodes"]["home"]["ending"]
    assert (plain["kind"], plain["kindLabel"], plain["title"]) == ("safe", "safe", "safe")
    local = compile_scenario(minimal, services=SERVICES, ui={"ending_safe": "Aman"})
    assert local["nodes"]["home"]["ending"]["title"] == "Aman"
    assert local["ui"] == {"ending_safe": "Aman"}


def test_ending_title_is_translated_in_the_node_context(minimal):
    """An author's ending title is translated with the node's context."""
    text = MINIMAL.replace("      kind: safe\n", "      kind: safe\n      title: Home again\n")
    scenario = load(text)
    end = compile_scenario(scenario, services=SERVICES, translate=wrap)["nodes"]["home"]["ending"]
    assert end["title"] == "[minimal:home]Home again"


def test_markup_is_data_and_html_stays_literal():
    """'<script>' in a text is a literal string run; emphasis becomes an 'em' run."""
    scenario = load(
        MINIMAL.replace(
            "text: Sari walks home and tells her mother.",
            "text: 'Sari types <script>alert(1)</script> and *waits*.'",
        )
    )
    payload = compile_scenario(scenario, services=SERVICES)
    assert payload["nodes"]["home"]["text"] == [
        {"p": [["", "Sari types <script>alert(1)</script> and "], ["em", "waits"], ["", "."]]}
    ]


def test_markup_from_a_translation_is_also_rendered_as_data(minimal):
    """A translator's '<b>' stays text; their '**' becomes a strong run."""
    payload = compile_scenario(
        minimal, services=SERVICES, translate=lambda ctx, msg: "<b>Awas</b> **sekarang**"
    )
    assert payload["nodes"]["ask"]["choices"]["home"]["label"] == [
        ["", "<b>Awas</b> "],
        ["strong", "sekarang"],
    ]


def test_step_label_fills_in_the_decision_number():
    """ui['step_label'] gets depth + 1; endings get no label; step_label is not left in ui."""
    payload = compile_scenario(
        load(COUNTER), services=SERVICES, ui={"step_label": "Langkah {number}", "back": "Kembali"}
    )
    assert [s["label"] for s in payload["states"]] == [
        "Langkah 1",
        "Langkah 2",
        "",
        "Langkah 3",
        "",
        "",
        "",
    ]
    assert payload["ui"] == {"back": "Kembali"}


def test_step_label_has_an_english_default(minimal):
    """Without ui, the label is 'Decision N'."""
    payload = compile_scenario(minimal, services=SERVICES)
    assert [s["label"] for s in payload["states"]] == ["Decision 1", "Decision 2", ""]


def test_progress_is_the_share_of_the_shortest_way_already_behind(minimal):
    """At the start nothing is done; at 'ask' half; at the ending all."""
    payload = compile_scenario(minimal, services=SERVICES)
    assert [s["progress"] for s in payload["states"]] == [0, 0.5, 1]


def test_variables_and_values_are_in_the_payload():
    """Variable ranges and each state's values are given to the browser."""
    payload = compile_scenario(load(COUNTER), services=SERVICES)
    assert payload["variables"] == {"trust": {"min": 0, "max": 2}}
    assert [s["values"] for s in payload["states"]][:2] == [{"trust": 0}, {"trust": 1}]


def test_digest_is_the_same_in_every_language(minimal):
    """Translations and UI strings do not change the digest (saved progress stays valid)."""
    english = compile_scenario(minimal, services=SERVICES)
    other = compile_scenario(
        minimal, services=SERVICES, translate=wrap, lang="id", ui={"step_label": "Langkah {number}"}
    )
    assert len(english["digest"]) == 16
    assert english["digest"] == other["digest"]


def test_digest_changes_when_the_graph_changes(minimal):
    """Moving one choice to another target gives another digest."""
    changed = load(MINIMAL.replace("target: ask", "target: home\n        id: ask"))
    before = compile_scenario(minimal, services=SERVICES)["digest"]
    after = compile_scenario(changed, services=SERVICES)["digest"]
    assert before != after


def test_digest_ignores_text_edits(minimal):
    """Rewording a node does not change the digest."""
    reworded = load(MINIMAL.replace("Sari walks home", "Sari runs home"))
    assert (
        compile_scenario(reworded, services=SERVICES)["digest"]
        == compile_scenario(minimal, services=SERVICES)["digest"]
    )


def test_no_translation_returns_the_message():
    """The default translate is the identity."""
    assert no_translation("minimal:offer", "Hello") == "Hello"
