"""Graph- and state-level checks, run through load_collection as `waspada check` runs them."""

from __future__ import annotations

from pathlib import Path

from conftest import HELP_IDS, MINIMAL, load_text, write_scenario
from waspada.scenario import (
    Choice,
    Ending,
    Location,
    Node,
    Scenario,
    Severity,
    load_collection,
    validate,
)


def check(tmp_path: Path, *paths: Path) -> list[str]:
    """Problems of a load_collection run over ``paths``, as `waspada check` prints them."""
    collection = load_collection(paths, tmp_path / "help.yml", display_root=tmp_path)
    return [str(p) for p in collection.problems]


def test_minimal_scenario_has_no_graph_problems(tmp_path):
    """The shared MINIMAL scenario passes every check."""
    assert check(tmp_path, write_scenario(tmp_path, MINIMAL)) == []


def test_scenarios_with_errors_are_marked_broken_and_others_are_not(tmp_path):
    """A scenario with an error (here a choice to a missing node) is kept for `waspada check`
    but marked broken, so the Voila apps never show it; a sound one beside it is not."""
    good = write_scenario(tmp_path, MINIMAL)
    bad = write_scenario(
        tmp_path,
        """\
        id: job-offer
        title: A job offer
        audiences: [village]
        modi: [fake-job]
        start: offer
        nodes:
          offer:
            text: Rina is offered a job in the city.
            choices:
              - label: Leave at once
                target: bus
        characters: [woman]
        """,
    )
    collection = load_collection([good, bad], tmp_path / "help.yml", display_root=tmp_path)
    assert collection.broken == {"job-offer"}
    assert set(collection.scenarios) == {"minimal", "job-offer"}


# -- links and reachability -----------------------------------------------------------------------


def test_unknown_target_is_located_and_suggests_a_node(tmp_path):
    """A target that is no node is reported at the target value, with the closest node id."""
    path = write_scenario(
        tmp_path,
        """\
        id: job-offer
        title: A job offer
        audiences: [village]
        modi: [fake-job]
        start: offer
        nodes:
          offer:
            text: Rina is offered a job in the city.
            choices:
              - label: Ask her brother first
                target: bus-stop
              - label: Leave at once
                target: bus
          bus-stop:
            text: Her brother says the company does not exist.
            ending: {kind: safe, debrief: Checking helped., messages: [Check.], help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/job-offer.yml:13:17: error: choice 2 of node 'offer' goes to 'bus', which does "
        "not exist (did you mean 'bus-stop'?)"
    ]


def test_unknown_target_without_a_close_node_has_no_suggestion(tmp_path):
    """When no node id is close, the message ends without '(did you mean ...)'."""
    path = write_scenario(tmp_path, MINIMAL.replace("target: ask", "target: zzz"))
    problems = check(tmp_path, path)
    assert problems[0] == (
        "scenarios/minimal.yml:12:17: error: choice 1 of node 'offer' goes to "
        "'zzz', which does not exist"
    )


def test_unreachable_node_is_reported(tmp_path):
    """A node no choice leads to cannot be reached from the start."""
    path = write_scenario(
        tmp_path,
        MINIMAL.replace(
            "characters:",
            """\
  orphan:
    text: Nobody comes here.
    choices:
      - label: Go home
        target: home
characters:""",
        ),
    )
    assert check(tmp_path, path) == [
        "scenarios/minimal.yml:29:3: error: node 'orphan' cannot be reached from the start node "
        "'offer'; lead a choice to it or remove it"
    ]


def test_loop_without_exit_is_reported_for_every_node_in_it(tmp_path):
    """Two nodes that only lead to each other: neither can reach an ending."""
    path = write_scenario(
        tmp_path,
        """\
        id: loop
        title: Round and round
        audiences: [school]
        modi: [online-scam]
        start: chat
        nodes:
          chat:
            text: A message arrives.
            choices:
              - {label: Reply, target: reply}
              - {label: Block the sender, target: safe}
          reply:
            text: The sender asks for a photo.
            choices:
              - {label: Ask why, target: excuse}
          excuse:
            text: The sender makes an excuse.
            choices:
              - {label: Reply again, target: reply}
          safe:
            text: The account is blocked.
            ending: {kind: safe, debrief: Blocking works., messages: [Block.], help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/loop.yml:12:3: error: from node 'reply' no ending can be reached (its choices "
        "only lead round in a loop); add a choice that leads towards an ending",
        "scenarios/loop.yml:16:3: error: from node 'excuse' no ending can be reached (its choices "
        "only lead round in a loop); add a choice that leads towards an ending",
    ]


def test_non_ending_node_without_choices_is_reported():
    """validate() names a reachable node that neither ends nor leads on."""
    here = Location("scenarios/x.yml", 7, 3)
    dead = Location("scenarios/x.yml", 9, 3)
    end = Ending("safe", "Done", ("M",), ("sapa-129",))
    scenario = Scenario(
        id="x",
        title="X",
        summary="",
        audiences=("village",),
        modi=("deception",),
        start="a",
        nodes={
            "a": Node(
                "a",
                "Start",
                choices=(Choice("dead", "Wait", "dead"), Choice("z", "Leave", "z")),
                location=here,
            ),
            "dead": Node("dead", "Nothing happens.", location=dead),
            "z": Node("z", "End", ending=end),
        },
    )
    assert [str(p) for p in validate(scenario)] == [
        "scenarios/x.yml:9:3: error: node 'dead' is not an ending and has no choices; add choices "
        "or an 'ending:'"
    ]


def test_scenario_without_any_ending_is_reported():
    """A story whose only node leads to itself has no ending at all."""
    scenario, problems = load_text("""\
        id: t
        title: T
        audiences: [village]
        modi: [deception]
        start: a
        nodes:
          a: {text: x, choices: [{label: Again, target: a}]}
        characters: [woman]
        """)
    assert problems == []
    assert [str(p) for p in validate(scenario)] == [
        "scenarios/t.yml:1:1: error: the scenario has no ending; add a node with 'ending:' "
        "(kind, debrief, help)"
    ]


# -- checks that depend on variable values --------------------------------------------------------


def test_choices_all_hidden_at_some_values(tmp_path):
    """At 'office' with trust=1 the only choice needs trust >= 2: the group would be stuck."""
    path = write_scenario(
        tmp_path,
        """\
        id: hidden
        title: Hidden
        audiences: [village]
        modi: [deception]
        start: meet
        variables:
          trust: {initial: 0, min: 0, max: 2}
        nodes:
          meet:
            text: An agent visits.
            choices:
              - {label: Believe him a little, target: office, id: little, effects: {trust: +1}}
              - {label: Believe him fully, target: office, effects: {trust: 2}}
          office:
            text: The agent brings a contract.
            choices:
              - {label: Sign, target: home, condition: trust >= 2}
          home:
            text: The contract is read at home.
            ending: {kind: mixed, debrief: Reading helps., messages: [Read it.], help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/hidden.yml:14:3: error: at node 'office', when trust=1, every choice is hidden "
        "by its condition; loosen a condition or add a choice without one"
    ]


def test_node_whose_conditions_never_hold_is_never_shown(tmp_path):
    """'secret' needs risk >= 2, but risk never rises: the node can never be shown."""
    path = write_scenario(
        tmp_path,
        """\
        id: secret
        title: Secret
        audiences: [village]
        modi: [deception]
        start: a
        variables:
          risk: {initial: 0, min: 0, max: 2}
        nodes:
          a:
            text: Start.
            choices:
              - {label: Go home, target: z}
              - {label: Follow the man, target: secret, condition: risk >= 2}
          secret:
            text: A hidden room.
            choices: [{label: Leave, target: z}]
          z:
            text: Home.
            ending: {kind: safe, debrief: Home., messages: [Stay.], help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/secret.yml:14:3: error: node 'secret' is never shown: the conditions of the "
        "choices that lead to it never hold; loosen them or remove the node"
    ]


def test_trap_that_exists_only_because_of_a_variable(tmp_path):
    """Every node links towards an ending, but once debt >= 1 'leave' is hidden for good."""
    path = write_scenario(
        tmp_path,
        """\
        id: debt
        title: Debt
        audiences: [village]
        modi: [debt-bondage]
        start: offer
        variables:
          debt: {initial: 0, min: 0, max: 2}
        nodes:
          offer:
            text: A broker offers a loan.
            choices:
              - {label: Borrow, target: work, effects: {debt: +1}}
              - {label: Refuse, target: home}
          work:
            text: The broker says the debt has grown.
            choices:
              - {label: Work more, target: work, effects: {debt: +1}}
              - {label: Leave, target: home, condition: debt < 1}
          home:
            text: Home.
            ending: {kind: safe, debrief: Refusing helped., messages: [Refuse.], help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/debt.yml:14:3: error: from node 'work', when debt=1, no ending can be reached; "
        "check the conditions on the way out"
    ]


def test_state_limit_exceeded_is_one_error_at_the_scenario(minimal):
    """MINIMAL has 3 situations: a limit of 2 is exceeded, a limit of 3 is not."""
    assert [str(p) for p in validate(minimal, state_limit=2)] == [
        "scenarios/t.yml:1:1: error: the scenario has more than 2 distinct situations (node plus "
        "variable values); use fewer variables or narrower ranges"
    ]
    assert validate(minimal, state_limit=3) == []


def test_variables_multiply_situations_up_to_the_limit():
    """A counter 0..9 makes 20 situations: 'a' and the ending, each with n = 0..9."""
    scenario, problems = load_text("""\
        id: t
        title: T
        audiences: [village]
        modi: [deception]
        start: a
        variables:
          n: {initial: 0, min: 0, max: 9}
        nodes:
          a:
            text: x
            choices:
              - {label: Again, target: a, effects: {n: +1}}
              - {label: Stop, target: z}
          z: {text: End, ending: {kind: safe, debrief: D, messages: [M], help: [sapa-129]}}
        characters: [woman]
        """)
    assert problems == []
    assert validate(scenario, state_limit=20) == []
    assert [p.message for p in validate(scenario, state_limit=19)] == [
        "the scenario has more than 19 distinct situations (node plus variable values); use fewer "
        "variables or narrower ranges"
    ]


# -- warnings -------------------------------------------------------------------------------------


def test_warnings_for_prompt_without_feedback_ending_without_messages_and_unused_variable(tmp_path):
    """Three warnings, each at its place; the check still passes (no errors)."""
    path = write_scenario(
        tmp_path,
        """\
        id: warn
        title: Warnings
        audiences: [health]
        modi: [baby-sale]
        start: clinic
        variables:
          unused: {initial: 0, min: 0, max: 1}
        nodes:
          clinic:
            text: A midwife offers to "help" with the baby.
            prompt: What would you ask her?
            choices:
              - label: Ask who the family is
                target: home
                feedback: Asking is right.
              - label: Agree
                target: home
                id: agree
          home:
            text: The mother talks to the village head.
            ending:
              kind: safe
              debrief: Talking helped.
              help: [sapa-129]
        characters: [woman]
        """,
    )
    collection = load_collection([path], tmp_path / "help.yml", display_root=tmp_path)
    assert collection.errors == []
    assert [str(p) for p in collection.warnings] == [
        "scenarios/warn.yml:7:3: warning: variable 'unused' is declared but no choice changes or "
        "tests it",
        "scenarios/warn.yml:16:9: warning: choice 2 of node 'clinic' has no feedback, though the "
        "node asks the group a question; a sentence of feedback helps the debrief",
        "scenarios/warn.yml:22:7: warning: the ending of node 'home' has no key messages; add one "
        "or two under 'messages:'",
    ]
    assert all(p.severity is Severity.WARNING for p in collection.warnings)


def test_file_name_that_differs_from_the_id_is_a_warning(tmp_path):
    """'other.yml' holding id 'minimal' is loaded, with a warning that names the right file."""
    path = write_scenario(tmp_path, MINIMAL, name="other.yml")
    collection = load_collection([path], tmp_path / "help.yml", display_root=tmp_path)
    assert list(collection.scenarios) == ["minimal"]
    assert [str(p) for p in collection.problems] == [
        "scenarios/other.yml:1:1: warning: the file is named 'other.yml' but the scenario id is "
        "'minimal'; name the file 'minimal.yml'"
    ]


def test_graph_errors_suppress_state_level_checks_and_warnings(tmp_path):
    """With a broken link, only the link is reported: no hidden-choice error, no warning."""
    path = write_scenario(
        tmp_path,
        """\
        id: hidden
        title: Hidden
        audiences: [village]
        modi: [deception]
        start: meet
        variables:
          trust: {initial: 0, min: 0, max: 2}
        nodes:
          meet:
            text: An agent visits.
            choices:
              - {label: Believe him a little, target: office, id: little, effects: {trust: +1}}
              - {label: Believe him fully, target: office, effects: {trust: 2}}
              - {label: Run, target: hom}
          office:
            text: The agent brings a contract.
            choices:
              - {label: Sign, target: home, condition: trust >= 2}
          home:
            text: The contract is read at home.
            ending: {kind: mixed, debrief: Reading helps., help: [sapa-129]}
        characters: [woman]
        """,
    )
    assert check(tmp_path, path) == [
        "scenarios/hidden.yml:14:30: error: choice 3 of node 'meet' goes to 'hom', which does not "
        "exist (did you mean 'home'?)"
    ]


# -- collections of files -------------------------------------------------------------------------


def test_problems_of_several_files_come_in_one_run_sorted_by_file_and_line(tmp_path):
    """Errors from three files are all reported, ordered by file name, then line and column."""
    write_scenario(
        tmp_path,
        MINIMAL.replace("id: minimal", "id: b-story").replace("target: ask", "target: asks"),
    )
    write_scenario(
        tmp_path, MINIMAL.replace("id: minimal", "id: a-story").replace("[sapa-129]", "[sapa]")
    )
    write_scenario(tmp_path, "id: c-story\ntitle: [broken\n")
    paths = sorted((tmp_path / "scenarios").glob("*.yml"), reverse=True)  # order must not matter
    assert check(tmp_path, *paths) == [
        "scenarios/a-story.yml:28:14: error: unknown help id 'sapa' (did you mean 'sapa-129'?); "
        f"use a service from help.yml: {', '.join(sorted(HELP_IDS))}",
        "scenarios/b-story.yml:12:17: error: choice 1 of node 'offer' goes to 'asks', which does "
        "not exist (did you mean 'ask'?)",
        "scenarios/b-story.yml:16:3: error: node 'ask' cannot be reached from the start node "
        "'offer'; lead a choice to it or remove it",
        "scenarios/c-story.yml:3:1: error: YAML syntax: did not find expected ',' or ']'; check "
        "the indentation and quoting on this line and the one above",
    ]


def test_loader_errors_and_graph_errors_of_different_files_in_one_run(tmp_path):
    """One file with a schema error and one with a graph error: both are reported."""
    first = write_scenario(tmp_path, MINIMAL.replace("kind: safe", "kind: sfae"))
    second = write_scenario(
        tmp_path,
        MINIMAL.replace("id: minimal", "id: second").replace("target: ask", "target: asks"),
    )
    assert check(tmp_path, first, second) == [
        "scenarios/minimal.yml:24:13: error: unknown ending kind 'sfae' (did you mean 'safe'?); "
        "use one of: safe, mixed, harmed",
        "scenarios/second.yml:12:17: error: choice 1 of node 'offer' goes to 'asks', which does "
        "not exist (did you mean 'ask'?)",
        "scenarios/second.yml:16:3: error: node 'ask' cannot be reached from the start node "
        "'offer'; lead a choice to it or remove it",
    ]


def test_duplicate_scenario_id_across_files(tmp_path):
    """Two files with the same id: the second is refused and names the first file."""
    first = write_scenario(tmp_path, MINIMAL)
    second = write_scenario(tmp_path, MINIMAL, name="copy.yml")
    collection = load_collection([first, second], tmp_path / "help.yml", display_root=tmp_path)
    assert [str(p) for p in collection.problems] == [
        "scenarios/copy.yml:1:1: error: scenario id 'minimal' is already used by "
        "scenarios/minimal.yml; ids must be unique, so rename one"
    ]
    assert collection.files == {"minimal": first}


def test_problems_in_help_yml_are_reported_with_the_scenarios(tmp_path):
    """A broken help.yml is part of the same run, and its ids are then unknown to endings."""
    path = write_scenario(tmp_path, MINIMAL)
    (tmp_path / "help.yml").write_text("services:\n  sapa-129:\n    name: SAPA\n", encoding="utf-8")
    problems = check(tmp_path, path)
    assert (
        problems[0] == "help.yml:3:5: error: service 'sapa-129' has no 'description'; add "
        "'description:'"
    )
    assert problems[-1].startswith("scenarios/minimal.yml:28:14: error: unknown help id 'sapa-129'")


# -- every ending gives each person in the story somewhere to go ----------------------------------

MAN_ABROAD = """\
id: boat-crew
title: Crew wanted
audiences: [village]
modi: [fake-job]
characters: [man]
start: offer
nodes:
  offer:
    text: Andi is offered work on a fishing boat.
    choices:
      - label: Go
        target: trapped
      - label: Ask the police first
        target: checked
  trapped:
    text: The captain keeps Andi's papers.
    ending:
      kind: harmed
      debrief: Keeping a worker's papers is a sign of trafficking.
      messages: [Report it.]
      help: [sapa-129]
  checked:
    text: The police know the boat.
    ending:
      kind: safe
      debrief: Asking first helped.
      messages: [Ask first.]
      help: [police-110, sapa-129]
"""


def test_a_mans_story_ending_with_only_sapa_129_fails_at_the_help_line(tmp_path):
    """SAPA 129 serves women and children: an adult man's ending needs police 110, LPSK or
    another service for him, reported at that ending's `help:` value; the other ending, which
    offers police 110 (everyone), passes."""
    path = write_scenario(tmp_path, MAN_ABROAD)
    assert check(tmp_path, path) == [
        "scenarios/boat-crew.yml:21:13: error: ending 'trapped' offers no service for a man "
        "(sapa-129 serves women and children); add police-110, emergency-112 or another service "
        "whose serves: includes man"
    ]


def test_someone_abroad_needs_a_service_for_people_abroad(tmp_path):
    """Police 110 serves everyone at home, but a story about someone abroad needs a service
    whose serves: names abroad (KP2MI, an embassy), at every ending."""
    text = MAN_ABROAD.replace("characters: [man]", "characters: [man, abroad]").replace(
        "help: [sapa-129]", "help: [police-110, bp2mi]"
    )
    problems = check(tmp_path, write_scenario(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].startswith(
        "scenarios/boat-crew.yml:28:13: error: ending 'checked' offers no service for someone "
        "abroad (police-110 serves everyone; sapa-129 serves women and children); add bp2mi"
    )


def test_a_story_must_say_who_it_is_about(tmp_path):
    """No `characters:` is an error naming the vocabulary; an unknown value suggests one."""
    missing = write_scenario(tmp_path, MAN_ABROAD.replace("characters: [man]\n", ""))
    unknown = write_scenario(
        tmp_path,
        MAN_ABROAD.replace("id: boat-crew", "id: crew-two").replace("[man]", "[men]"),
    )
    assert check(tmp_path, missing, unknown) == [
        "scenarios/boat-crew.yml:1:1: error: the scenario does not say who it is about; add "
        "'characters: [...]' naming the people at risk, from: woman, man, child, abroad, "
        "migrant-worker (e.g. characters: [man, abroad])",
        "scenarios/crew-two.yml:5:14: error: unknown character 'men' (did you mean 'man'?); use "
        "one of: woman, man, child, abroad, migrant-worker",
    ]


def test_each_help_service_says_whom_it_serves(tmp_path):
    """help.yml: a service without `serves:` or with an unknown value is an error there."""
    (tmp_path / "help.yml").write_text(
        "services:\n"
        "  line-one:\n"
        "    name: Line one\n"
        "    description: A line.\n"
        "    sources: [S1]\n"
        "    checked: 2026-11-27\n"
        "  line-two:\n"
        "    name: Line two\n"
        "    description: A line.\n"
        "    serves: [women, everyone]\n"
        "    sources: [S1]\n"
        "    checked: 2026-11-27\n",
        encoding="utf-8",
    )
    collection = load_collection([], tmp_path / "help.yml", display_root=tmp_path)
    assert [str(p) for p in collection.problems] == [
        "help.yml:3:5: error: service 'line-one' does not say whom it serves; add "
        "'serves: [...]' with values from: everyone, woman, man, child, abroad, migrant-worker",
        "help.yml:10:14: error: unknown serves value 'women' in 'line-two' (did you mean "
        "'woman'?); use one of: everyone, woman, man, child, abroad, migrant-worker",
    ]
    assert collection.services["line-two"].serves == ("everyone",)


def test_the_repository_stories_give_everyone_somewhere_to_go():
    """The course's own stories pass the rule, and each declares its characters."""
    root = Path(__file__).parents[1]
    collection = load_collection(sorted((root / "scenarios").glob("*.yml")), root / "help.yml")
    assert all(s.characters for s in collection.stories.values())
    assert [str(p) for p in collection.errors] == []
