"""Schema rules of the loader: one tiny inline scenario per rule, exact messages with locations.

Every story below starts with HEAD (lines 1-5), so the body's first line is line 6 of the file.
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import HELP_IDS, MINIMAL, load_text
from waspada.scenario import load_scenario, load_scenario_text

HEAD = """\
id: t
title: T
audiences: [village]
modi: [deception]
start: a
"""

ENDING = "  z: {text: End, ending: {kind: safe, debrief: Done, messages: [M], help: [sapa-129]}}\n"


def story(body: str) -> str:
    """HEAD followed by the dedented body (which starts on line 6)."""
    return HEAD + textwrap.dedent(body)


def errors_of(text: str) -> list[str]:
    return load_text(text)[1]


# -- the file as a whole ------------------------------------------------------------------------


def test_minimal_scenario_loads_without_problems():
    """The shared MINIMAL scenario is valid: three nodes, one ending."""
    scenario, problems = load_text(MINIMAL)
    assert problems == []
    assert list(scenario.nodes) == ["offer", "ask", "home"]
    assert [n.id for n in scenario.endings()] == ["home"]
    assert scenario.nodes["home"].ending.help == ("sapa-129",)


def test_yaml_syntax_error_names_file_line_and_column():
    """An unclosed flow mapping is one 'YAML syntax' error at file:line:column."""
    scenario, problems = load_text(
        story("""\
        nodes:
          a: {text: x
        """)
    )
    assert scenario is None
    assert problems == [
        "scenarios/t.yml:8:1: error: YAML syntax: did not find expected ',' or '}'; "
        "check the indentation and quoting on this line and the one above"
    ]


def test_yaml_syntax_error_from_a_tab_is_located():
    """A tab used for indentation is a YAML syntax error on its own line."""
    problems = errors_of("id: t\nnodes:\n\ta: {}\n")
    assert len(problems) == 1
    assert problems[0].startswith("scenarios/t.yml:3:1: error: YAML syntax: ")


def test_syntax_error_in_a_file_uses_the_display_name(tmp_path):
    """load_scenario reports the name it was given for display, not the absolute path."""
    path = tmp_path / "broken.yml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    scenario, problems = load_scenario(path, display="scenarios/broken.yml")
    assert scenario is None
    assert str(problems[0]).startswith("scenarios/broken.yml:2:1: error: YAML syntax: ")


def test_file_that_is_not_utf8_is_one_problem(tmp_path):
    """A Latin-1 file is reported as 'not UTF-8', not raised."""
    path = tmp_path / "latin.yml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    scenario, problems = load_scenario(path, display="scenarios/latin.yml")
    assert scenario is None
    assert str(problems[0]).startswith("scenarios/latin.yml: error: the file is not UTF-8")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_reported_at_line_1(text):
    """A file with no YAML document says it is empty and points to the README."""
    assert errors_of(text) == [
        "scenarios/t.yml:1:1: error: the file is empty; see scenarios/README.md for a complete "
        "example"
    ]


def test_top_level_list_is_not_a_scenario():
    """A list at the top level is reported as 'must be a mapping ..., not a list'."""
    assert errors_of("- a\n- b\n") == [
        "scenarios/t.yml:1:1: error: the scenario must be a mapping of 'key: value' lines, "
        "not a list"
    ]


def test_top_level_word_is_not_a_scenario():
    """A bare word at the top level is quoted back to the author."""
    assert errors_of("hello\n") == [
        "scenarios/t.yml:1:1: error: the scenario must be a mapping of 'key: value' lines, "
        "not 'hello'"
    ]


# -- types, keys, required fields ---------------------------------------------------------------


def test_title_given_as_a_list_is_a_type_error():
    """'title: [T]' is reported at the list: text is required."""
    problems = errors_of(
        "id: t\ntitle: [T]\naudiences: [village]\nmodi: [deception]\nstart: a\n"
        "nodes:\n  a: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert problems == ["scenarios/t.yml:2:8: error: the title must be text, not a list"]


def test_choices_given_as_a_mapping_is_a_type_error():
    """'choices:' must be a list; a mapping there is named as such."""
    problems = errors_of(
        story("""\
        nodes:
          a:
            text: x
            choices: {label: y, target: z}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:9:14: error: the choices of node 'a' must be a list (lines starting "
        "with '- ' or [a, b]), not a mapping"
    ]


def test_variable_bound_that_is_not_a_whole_number():
    """'initial: 0.5' is rejected with the value quoted."""
    problems = errors_of(
        story("""\
        variables:
          risk: {initial: 0.5, min: 0, max: 3}
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:7:19: error: the initial value of 'risk' must be a whole number such "
        "as 3, not '0.5'"
    ]


def test_unknown_top_level_key_suggests_the_right_one():
    """'titel' is unknown, suggests 'title', and 'title' is then reported missing."""
    text = (
        "id: t\ntitel: T\naudiences: [village]\nmodi: [deception]\nstart: a\n"
        "nodes:\n  a: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert errors_of(text) == [
        "scenarios/t.yml:2:1: error: unknown key 'titel' in the scenario (did you mean 'title'?); "
        "allowed keys: id, kind, title, summary, audiences, modi, characters, start, variables, "
        "nodes",
        "scenarios/t.yml:1:1: error: the scenario has no 'title'; add 'title:'",
    ]


def test_unknown_choice_key_suggests_feedback():
    """A misspelt 'feedbak' in a choice is located at the key and suggests 'feedback'."""
    problems = errors_of(
        story("""\
        nodes:
          a:
            text: x
            choices:
              - label: y
                target: z
                feedbak: Well done.
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:12:9: error: unknown key 'feedbak' in choice 1 of node 'a' "
        "(did you mean 'feedback'?); allowed keys: id, label, target, feedback, effects, condition"
    ]


def test_missing_required_keys_are_each_reported():
    """Each missing required key gets its own 'has no ...; add ...:' line."""
    text = "id: t\nnodes:\n  a: {choices: [{label: y}]}\n" + ENDING
    scenario, problems = load_text(text)
    assert scenario is None
    assert problems == [
        "scenarios/t.yml:1:1: error: the scenario has no 'title'; add 'title:'",
        "scenarios/t.yml:1:1: error: the scenario has no 'start'; add 'start:'",
        "scenarios/t.yml:1:1: error: the scenario has no 'audiences'; add 'audiences:'",
        "scenarios/t.yml:1:1: error: the scenario has no 'modi'; add 'modi:'",
        "scenarios/t.yml:3:6: error: node 'a' has no 'text'; add 'text:'",
        "scenarios/t.yml:3:17: error: choice 1 of node 'a' has no 'target'; add 'target:'",
    ]


def test_ending_without_debrief_is_reported():
    """An ending needs kind, debrief and help; a missing debrief is named."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          z:
            text: End
            ending: {kind: safe, help: [sapa-129]}
        """)
    )
    assert problems == [
        "scenarios/t.yml:10:13: error: the ending of node 'z' has no 'debrief'; add 'debrief:'"
    ]


# -- ids ------------------------------------------------------------------------------------------


def test_duplicate_node_id_names_the_first_line():
    """Two nodes with the same id (a YAML duplicate key) are caught, not silently merged."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          a: {text: again, choices: [{label: y, target: z}]}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:8:3: error: 'a' appears twice in nodes (first on line 7); "
        "remove or rename one"
    ]


def test_duplicate_top_level_key_is_reported():
    """A second 'title:' is an error naming the line of the first."""
    text = (
        "id: t\ntitle: T\ntitle: U\naudiences: [village]\nmodi: [deception]\nstart: a\n"
        "nodes:\n  a: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert errors_of(text) == [
        "scenarios/t.yml:3:1: error: 'title' appears twice in the scenario (first on line 2); "
        "remove or rename one"
    ]


def test_two_choices_to_one_target_need_an_id():
    """Two choices with the same target and no 'id:' share the id and the second is refused."""
    problems = errors_of(
        story("""\
        nodes:
          a:
            text: x
            choices:
              - {label: Yes, target: z}
              - {label: Sure, target: z}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:11:9: error: choice 2 of node 'a' has the same id 'z' as choice 1; give "
        "one of them its own 'id:' (a slug), since translations and saved progress use it"
    ]


def test_an_explicit_choice_id_separates_two_choices_to_one_target():
    """With 'id: sure' the second choice to the same target is accepted."""
    scenario, problems = load_text(
        story("""\
        nodes:
          a:
            text: x
            choices:
              - {label: Yes, target: z}
              - {label: Sure, target: z, id: sure}
        """)
        + ENDING
    )
    assert problems == []
    assert [c.id for c in scenario.nodes["a"].choices] == ["z", "sure"]


def test_ids_that_are_not_slugs_are_refused():
    """Scenario id and node id must be slugs; each is named with its location."""
    text = (
        "id: My Story\ntitle: T\naudiences: [village]\nmodi: [deception]\nstart: a\n"
        "nodes:\n  A_1: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert errors_of(text) == [
        "scenarios/t.yml:1:5: error: the scenario id 'My Story' is not a valid id; use lower-case "
        "letters, digits and single hyphens, such as 'bus-stop'",
        "scenarios/t.yml:7:3: error: node id 'A_1' is not a valid id; use lower-case letters, "
        "digits and single hyphens, such as 'bus-stop'",
    ]


def test_choice_target_that_is_not_a_slug_is_refused():
    """'target: Bus Stop' is not an id."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: Bus Stop}]}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:7:45: error: the target of choice 1 of node 'a' 'Bus Stop' is not a "
        "valid id; use lower-case letters, digits and single hyphens, such as 'bus-stop'"
    ]


def test_start_that_does_not_exist_suggests_a_node():
    """'start: ofer' points to no node and suggests 'offer'."""
    text = (
        "id: t\ntitle: T\naudiences: [village]\nmodi: [deception]\nstart: ofer\n"
        "nodes:\n  offer: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert errors_of(text) == [
        "scenarios/t.yml:5:8: error: start node 'ofer' does not exist (did you mean 'offer'?)"
    ]


# -- texts ----------------------------------------------------------------------------------------


def test_empty_texts_are_reported_each():
    """A blank node text and an empty label are both 'empty' errors at their values."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: '  ', choices: [{label: '', target: z}]}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:7:13: error: the text of node 'a' is empty; write the text or remove "
        "the key",
        "scenarios/t.yml:7:37: error: the label of choice 1 of node 'a' is empty; write the text "
        "or remove the key",
    ]


def test_label_no_stays_the_word_no():
    """'label: No' is the text "No", not the boolean false YAML 1.1 would make of it."""
    scenario, problems = load_text(
        story("""\
        nodes:
          a:
            text: Will you go?
            choices:
              - {label: No, target: z}
              - {label: yes, target: z, id: go}
        """)
        + ENDING
    )
    assert problems == []
    assert [c.label for c in scenario.nodes["a"].choices] == ["No", "yes"]


def test_null_feedback_is_not_shown_as_a_tilde():
    """'feedback: ~' (YAML for nothing) is either refused or means no feedback, never '~'."""
    scenario, problems = load_text(
        MINIMAL.replace("feedback: Asking is always allowed.", "feedback: ~")
    )
    assert problems or scenario.nodes["offer"].choices[0].feedback == ""


def test_block_text_keeps_its_line_breaks():
    """A '|' block keeps its lines (the markup layer decides what they mean)."""
    scenario, _ = load_text(
        story("""\
        nodes:
          a:
            text: |
              First line.

              Second paragraph.
            choices: [{label: y, target: z}]
        """)
        + ENDING
    )
    assert scenario.nodes["a"].text == "First line.\n\nSecond paragraph."


# -- vocabularies and help -------------------------------------------------------------------------


def test_unknown_audience_and_modus_get_suggestions():
    """'vilage' suggests 'village', 'fake-jobs' suggests 'fake-job'."""
    text = (
        "id: t\ntitle: T\naudiences: [vilage, school]\nmodi: [fake-jobs]\nstart: a\n"
        "nodes:\n  a: {text: x, choices: [{label: y, target: z}]}\n" + ENDING
    )
    assert errors_of(text) == [
        "scenarios/t.yml:3:13: error: unknown audience 'vilage' (did you mean 'village'?); "
        "use one of: village, health, school",
        "scenarios/t.yml:4:8: error: unknown modus 'fake-jobs' (did you mean 'fake-job'?); use one "
        "of: seduction, deception, entrapment, threats, abuse-of-authority, debt-bondage, "
        "marriage, kidnapping, confinement, fake-job, baby-sale, child-grooming, online-scam, "
        "smuggling",
    ]


def test_single_audience_may_be_written_without_brackets():
    """'audiences: school' stands for a list of one."""
    scenario, problems = load_text(MINIMAL.replace("audiences: [village]", "audiences: school"))
    assert problems == []
    assert scenario.audiences == ("school",)


def test_empty_audience_list_is_an_error():
    """'audiences: []' must name at least one audience."""
    problems = errors_of(MINIMAL.replace("audiences: [village]", "audiences: []"))
    assert problems == [
        "scenarios/t.yml:4:12: error: the audience list is empty; name at least one of: "
        "village, health, school"
    ]


def test_audience_listed_twice_is_a_warning():
    """A repeated audience is a warning, and the audience is kept once."""
    scenario, problems = load_text(MINIMAL.replace("[village]", "[village, village]"))
    assert problems == ["scenarios/t.yml:4:22: warning: audience 'village' is listed twice"]
    assert scenario.audiences == ("village",)


def test_modi_given_as_a_mapping_is_one_error():
    """'modi: {a: 1}' is reported once, as not a list (it is not an empty list)."""
    problems = errors_of(MINIMAL.replace("modi: [deception]", "modi: {a: 1}"))
    assert problems == [
        "scenarios/t.yml:5:7: error: the modus list must be a list (lines starting with '- ' "
        "or [a, b]), not a mapping"
    ]


def test_unknown_help_id_suggests_the_closest_service():
    """'sapa-12' is not in help.yml; 'sapa-129' is suggested and the services are listed."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          z:
            text: End
            ending: {kind: safe, debrief: Done, help: [sapa-12]}
        """)
    )
    assert problems == [
        "scenarios/t.yml:10:48: error: unknown help id 'sapa-12' (did you mean 'sapa-129'?); use "
        f"a service from help.yml: {', '.join(sorted(HELP_IDS))}"
    ]


def test_help_ids_are_not_checked_without_a_help_directory():
    """With help_ids=None any slug is accepted as a help id."""
    text = MINIMAL.replace("help: [sapa-129]", "help: [anything-goes]")
    scenario, problems = load_scenario_text(text, "scenarios/minimal.yml")
    assert problems == []
    assert scenario.nodes["home"].ending.help == ("anything-goes",)


def test_ending_with_empty_help_list_is_an_error():
    """'help: []' points to no service."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          z:
            text: End
            ending: {kind: safe, debrief: Done, help: []}
        """)
    )
    assert problems == [
        "scenarios/t.yml:10:47: error: the ending of node 'z' points to no help; name at least "
        "one service from help.yml, such as sapa-129"
    ]


def test_ending_without_help_key_is_an_error():
    """An ending with no 'help:' at all is told to add it."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          z:
            text: End
            ending: {kind: safe, debrief: Done}
        """)
    )
    assert problems == [
        "scenarios/t.yml:10:13: error: the ending of node 'z' has no 'help'; add 'help:'"
    ]


def test_ending_with_unknown_kind_suggests_one():
    """'kind: saf' suggests 'safe' and lists the three kinds."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: [{label: y, target: z}]}
          z:
            text: End
            ending: {kind: saf, debrief: Done, help: [sapa-129]}
        """)
    )
    assert problems == [
        "scenarios/t.yml:10:20: error: unknown ending kind 'saf' (did you mean 'safe'?); "
        "use one of: safe, mixed, harmed"
    ]


def test_single_help_id_may_be_written_without_brackets():
    """'help: police-110' stands for a list of one."""
    scenario, problems = load_text(MINIMAL.replace("help: [sapa-129]", "help: police-110"))
    assert problems == []
    assert scenario.nodes["home"].ending.help == ("police-110",)


# -- node shape ----------------------------------------------------------------------------------


def test_node_with_both_choices_and_ending():
    """A node cannot both lead on and end the story; the error sits on 'ending'."""
    problems = errors_of(
        story("""\
        nodes:
          a:
            text: x
            choices: [{label: y, target: z}]
            ending: {kind: safe, debrief: D, help: [sapa-129]}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:10:5: error: node 'a' has both 'choices' and 'ending'; an ending ends "
        "the story, so remove one of them"
    ]


def test_node_with_neither_choices_nor_ending():
    """A node with only a text is told to add choices or become an ending."""
    problems = errors_of(
        story("""\
        nodes:
          a:
            text: x
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:8:5: error: node 'a' has neither 'choices' nor 'ending'; add choices "
        "that lead on, or make it an ending"
    ]


def test_empty_choice_list_is_an_error():
    """'choices: []' is an error, not a silent dead end."""
    problems = errors_of(
        story("""\
        nodes:
          a: {text: x, choices: []}
        """)
        + ENDING
    )
    assert problems == [
        "scenarios/t.yml:7:25: error: node 'a' has an empty choice list; add choices or make it "
        "an ending"
    ]


def test_empty_nodes_mapping_is_an_error():
    """'nodes: {}' asks for at least a start node and an ending."""
    scenario, problems = load_text(HEAD + "nodes: {}\n")
    assert scenario is None
    assert problems == [
        "scenarios/t.yml:6:8: error: the scenario has no nodes; add at least a start node and an "
        "ending"
    ]


# -- variables, effects, conditions ----------------------------------------------------------------

VARS = "variables:\n  risk: {initial: 1, min: 0, max: 3}\n"  # lines 6-7; nodes: is line 8


def with_choice(choice: str, variables: str = VARS) -> str:
    """A story whose node 'a' (line 9) has one choice on line 12, written as a flow mapping."""
    return (
        HEAD
        + variables
        + "nodes:\n  a:\n    text: x\n    choices:\n      - "
        + choice
        + "\n"
        + ENDING
    )


def test_effect_on_undeclared_variable_suggests_the_declared_one():
    """An effect on 'rsk' is an error at the key, suggesting 'risk'."""
    assert errors_of(with_choice("{label: y, target: z, effects: {rsk: +1}}")) == [
        "scenarios/t.yml:12:41: error: the effects of choice 1 of node 'a' change 'rsk', which is "
        "not declared (did you mean 'risk'?); declare it under 'variables:'"
    ]


def test_condition_on_undeclared_variable_suggests_the_declared_one():
    """A condition on 'rsk' is an error at the condition, suggesting 'risk'."""
    assert errors_of(with_choice("{label: y, target: z, condition: rsk > 1}")) == [
        "scenarios/t.yml:12:42: error: the condition of choice 1 of node 'a' uses 'rsk', which is "
        "not declared (did you mean 'risk'?); declare it under 'variables:'"
    ]


def test_initial_value_outside_the_range():
    """'initial: 5' with range 0..3 is an error at the initial value."""
    variables = "variables:\n  risk: {initial: 5, min: 0, max: 3}\n"
    assert errors_of(with_choice("{label: y, target: z}", variables)) == [
        "scenarios/t.yml:7:19: error: the initial value 5 of 'risk' is outside its range 0..3"
    ]


def test_min_above_max():
    """'min: 3, max: 0' is an error that says to swap them."""
    variables = "variables:\n  risk: {initial: 1, min: 3, max: 0}\n"
    assert errors_of(with_choice("{label: y, target: z}", variables)) == [
        "scenarios/t.yml:7:27: error: variable 'risk' has min 3 above max 0; swap them"
    ]


def test_variable_name_must_be_lower_case():
    """'Risk' is not a valid variable name."""
    variables = "variables:\n  Risk: {initial: 1, min: 0, max: 3}\n"
    assert errors_of(with_choice("{label: y, target: z}", variables)) == [
        "scenarios/t.yml:7:3: error: variable name 'Risk' must start with a lower-case letter and "
        "contain only lower-case letters, digits and '_'"
    ]


def test_variable_without_min_is_reported():
    """A variable needs initial, min and max."""
    variables = "variables:\n  risk: {initial: 1, max: 3}\n"
    assert errors_of(with_choice("{label: y, target: z}", variables)) == [
        "scenarios/t.yml:7:9: error: variable 'risk' has no 'min'; add 'min:'"
    ]


def test_set_effect_outside_the_range():
    """An absolute effect 'risk: 4' with range 0..3 is an error at the value."""
    assert errors_of(with_choice("{label: y, target: z, effects: {risk: 4}}")) == [
        "scenarios/t.yml:12:47: error: choice 1 of node 'a' sets 'risk' to 4, outside its range "
        "0..3"
    ]


def test_relative_effect_beyond_the_range_is_allowed():
    """'risk: +9' adds and is clamped at play time, so the loader accepts it."""
    scenario, problems = load_text(with_choice("{label: y, target: z, effects: {risk: +9}}"))
    assert problems == []
    (effect,) = scenario.nodes["a"].choices[0].effects
    assert (effect.value, effect.relative) == (9, True)


def test_effect_signs_decide_relative_or_absolute():
    """'+1' and '-1' add, '2' (no sign) sets."""
    scenario, problems = load_text(
        story("""\
        variables:
          risk: {initial: 1, min: 0, max: 3}
        nodes:
          a:
            text: x
            choices:
              - {label: Up, target: z, id: up, effects: {risk: +1}}
              - {label: Down, target: z, id: down, effects: {risk: -1}}
              - {label: Set, target: z, id: set, effects: {risk: 2}}
        """)
        + ENDING
    )
    assert problems == []
    effects = [c.effects[0] for c in scenario.nodes["a"].choices]
    assert [(e.value, e.relative) for e in effects] == [(1, True), (-1, True), (2, False)]


def test_effect_that_is_not_a_number():
    """'risk: lots' is not a whole number."""
    assert errors_of(with_choice("{label: y, target: z, effects: {risk: lots}}")) == [
        "scenarios/t.yml:12:47: error: the effect on 'risk' must be a whole number such as 3, "
        "not 'lots'"
    ]


def test_unreadable_condition():
    """'risk is high' cannot be read; the message shows how to write one."""
    assert errors_of(with_choice("{label: y, target: z, condition: risk is high}")) == [
        "scenarios/t.yml:12:42: error: cannot read the condition 'risk is high' of choice 1 of "
        "node 'a'; write comparisons such as 'risk >= 2', joined by 'and'"
    ]


def test_single_equals_in_condition():
    """'risk = 1' is refused with a hint to write '=='."""
    assert errors_of(with_choice("{label: y, target: z, condition: risk = 1}")) == [
        "scenarios/t.yml:12:42: error: the condition 'risk = 1' of choice 1 of node 'a' uses '='; "
        "write '==' to compare"
    ]


def test_condition_outside_the_range_is_only_a_warning():
    """'risk <= 5' with max 3 is a warning; the scenario still loads."""
    scenario, problems = load_text(with_choice("{label: y, target: z, condition: risk <= 5}"))
    assert scenario is not None
    assert problems == [
        "scenarios/t.yml:12:42: warning: the condition 'risk <= 5' of choice 1 of node 'a' "
        "compares 'risk' with 5, outside its range 0..3"
    ]


def test_condition_with_and_is_read_term_by_term():
    """'risk >= 1 and risk != 3' becomes two comparisons."""
    scenario, problems = load_text(
        with_choice("{label: y, target: z, condition: risk >= 1 and risk != 3}")
    )
    assert problems == []
    assert str(scenario.nodes["a"].choices[0].condition) == "risk >= 1 and risk != 3"


def test_second_term_of_a_condition_is_checked_too():
    """An '=' in the second term of an 'and' is still caught."""
    assert errors_of(with_choice("{label: y, target: z, condition: risk > 0 and risk = 2}")) == [
        "scenarios/t.yml:12:42: error: the condition 'risk > 0 and risk = 2' of choice 1 of node "
        "'a' uses '='; write '==' to compare"
    ]


@pytest.mark.parametrize("value", ["1:30", "0x_"])
def test_odd_yaml_integers_are_problems_not_crashes(value):
    """YAML 1.1 calls '1:30' (base 60) and '0x_' integers; they are refused, never raised."""
    variables = f"variables:\n  risk: {{initial: {value}, min: 0, max: 3}}\n"
    problems = errors_of(with_choice("{label: y, target: z}", variables))
    assert problems == [
        f"scenarios/t.yml:7:19: error: the initial value of 'risk' must be a whole number such as "
        f"3, not '{value}'"
    ]


def test_a_yaml_tag_is_refused_where_it_stands():
    """'!!int many' once reached the number reader; tags are refused before the tree is built."""
    variables = "variables:\n  risk: {initial: !!int many, min: 0, max: 3}\n"
    assert errors_of(with_choice("{label: y, target: z}", variables)) == [
        "scenarios/t.yml:7:19: error: the YAML tag '!!int' is not allowed in course files; "
        "remove it and write plain text, a list or 'key: value' lines"
    ]


@pytest.mark.parametrize("value", ["0x1F", "'3'", "3.0", "[3]"])
def test_only_plain_decimal_numbers_are_numbers(value):
    """Hexadecimal, quoted, decimal-point and list values are not whole numbers."""
    variables = f"variables:\n  risk: {{initial: 1, min: 0, max: {value}}}\n"
    problems = errors_of(with_choice("{label: y, target: z}", variables))
    assert len(problems) == 1
    assert problems[0].startswith(
        "scenarios/t.yml:7:35: error: the max of 'risk' must be a whole number such as 3, not "
    )


def test_underscores_in_numbers_are_allowed():
    """'max: 1_000' is a thousand."""
    variables = "variables:\n  risk: {initial: 1, min: 0, max: 1_000}\n"
    scenario, problems = load_text(
        with_choice("{label: y, target: z, condition: risk > 1}", variables)
    )
    assert problems == []
    assert scenario.variables["risk"].maximum == 1000


def test_control_character_is_reported_with_line_and_column():
    """A stray control character gives one located line that names the character."""
    assert errors_of("id: t\ntitle: bad \x07 bell\n") == [
        "scenarios/t.yml:2:12: error: the invisible character U+0007 is not allowed in YAML; "
        "delete it or retype the text around it"
    ]


def test_control_character_after_non_ascii_text_is_located_exactly():
    """Curly quotes on line 1 do not shift the location of a control character on line 3."""
    text = "title: \u201cKerja\u201d di \u201ckota\u201d\nid: ok\nsummary: x\x07y\n"
    assert errors_of(text) == [
        "scenarios/t.yml:3:11: error: the invisible character U+0007 is not allowed in YAML; "
        "delete it or retype the text around it"
    ]
