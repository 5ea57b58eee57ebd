"""Property tests: the loader never raises, and what the checker accepts can always be finished."""

from __future__ import annotations

import random
from collections import deque
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HELP_FILE, HELP_IDS, MINIMAL
from waspada.scenario import (
    Problem,
    available_choices,
    choose,
    compile_scenario,
    ending,
    expand,
    load_collection,
    load_help,
    load_scenario_text,
    play_route,
    start,
    validate,
)

# Repeatable runs, no .hypothesis folder in the repository, and no timing flakiness.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SERVICES = load_help(HELP_FILE)[0]

VARIABLE_STORY = """\
id: vary
title: Vary
audiences: [village, school]
modi: [deception]
start: a
variables:
  risk: {initial: 1, min: 0, max: 3, description: Risk}
nodes:
  a:
    text: |
      Start *here*.

      - one
      - two
    prompt: Why?
    choices:
      - label: Up
        target: a
        id: up
        feedback: Up we go.
        effects: {risk: +1}
      - label: Done
        target: z
        condition: risk >= 2 and risk != 9
        feedback: Done.
      - {label: Reset, target: a, id: reset, effects: {risk: 0}, feedback: Reset.}
  z:
    text: End.
    ending: {kind: mixed, title: The end, debrief: D, messages: [M], help: [sapa-129, bp2mi]}
"""

# Replacement values a careless edit or a translator might leave in a scenario.
TOKENS = [
    "",
    "~",
    "null",
    "No",
    "yes",
    "0",
    "-1",
    "+2",
    "3",
    "99",
    "0x1F",
    "1:30",
    "1.5",
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "'quoted'",
    '"x"',
    "risk",
    "risk >= 1",
    "risk = 1",
    "risk > 9 and risk < 0",
    "rsk < 2",
    "sapa-129",
    "safe",
    "harmed",
    "a",
    "z",
    "offer",
    "home",
    "&anchor x",
    "*anchor",
    "!!int x",
    "!!str 3",
    "|",
    ">",
    "- item",
    "Bus Stop",
    "é",
    "<script>",
    "{label: x, target: z}",
    "[{label: x}]",
    "{kind: safe}",
]


def never_raises(text: str) -> None:
    """Load, validate and compile ``text``; any outcome but an exception is fine."""
    scenario, problems = load_scenario_text(text, "scenarios/x.yml", help_ids=HELP_IDS)
    assert all(isinstance(p, Problem) and str(p).startswith("scenarios/x.yml") for p in problems)
    if scenario is None:
        assert any(p.is_error for p in problems)
        return
    if any(p.is_error for p in problems):
        return
    graph_problems = validate(scenario, state_limit=500)
    assert all(isinstance(p, Problem) for p in graph_problems)
    if not any(p.is_error for p in graph_problems):
        compile_scenario(scenario, services=SERVICES, state_limit=500)


@st.composite
def mutated(draw) -> str:
    """A valid scenario with a few lines deleted, duplicated, re-indented or given new values."""
    lines = draw(st.sampled_from([MINIMAL, VARIABLE_STORY])).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "indent", "dedent", "value", "insert", "truncate"]
            )
        )
        line = lines[i]
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, line)
        elif operation == "indent":
            lines[i] = "  " + line
        elif operation == "dedent":
            lines[i] = line[2:] if line.startswith("  ") else line
        elif operation == "value":
            head = line.split(": ", 1)[0] if ": " in line else line.rstrip(":")
            lines[i] = f"{head}: {draw(st.sampled_from(TOKENS))}"
        elif operation == "insert":
            indent = " " * (len(line) - len(line.lstrip()))
            key = draw(
                st.sampled_from(
                    [
                        "text",
                        "choices",
                        "ending",
                        "target",
                        "id",
                        "effects",
                        "condition",
                        "variables",
                        "nodes",
                        "help",
                        "kind",
                        "x",
                    ]
                )
            )
            lines.insert(i, f"{indent}{key}: {draw(st.sampled_from(TOKENS))}")
        else:
            lines[i] = line[: draw(st.integers(0, len(line)))]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@PROPERTY
@given(mutated())
def test_mutated_scenarios_give_problems_never_exceptions(text):
    """Deleting, duplicating, shifting or rewriting lines of a valid scenario never raises."""
    never_raises(text)


@PROPERTY
@given(st.text(alphabet=st.sampled_from(list("abz019 -:[]{},#&*!|>'\"\n\t?%@`é\\")), max_size=200))
def test_random_yaml_ish_text_gives_problems_never_exceptions(text):
    """Arbitrary text made of YAML punctuation is either a scenario or a list of problems."""
    never_raises(text)


@PROPERTY
@given(st.text(max_size=120))
def test_any_unicode_text_gives_problems_never_exceptions(text):
    """Any Unicode text, control characters included, never makes the loader raise."""
    never_raises(text)


# -- random story graphs -------------------------------------------------------------------------


@st.composite
def story_graphs(draw) -> str:
    """A random scenario: nodes n0..nK, random targets, some endings, maybe a variable 'v'.

    Each node after n0 gets a link from an earlier node (so most nodes are reachable); the
    remaining links go anywhere, now and then to a node that does not exist.
    """
    count = draw(st.integers(2, 7))
    names = [f"n{i}" for i in range(count)]
    endings = [False] + [draw(st.booleans()) for _ in names[1:]]
    if not any(endings):
        endings[draw(st.integers(1, count - 1))] = True
    targets: list[list[str]] = [[] for _ in names]
    for i in range(1, count):
        parents = [j for j in range(i) if not endings[j]]
        targets[draw(st.sampled_from(parents))].append(names[i])
    for i in range(count):
        if not endings[i]:
            for _ in range(draw(st.integers(0 if targets[i] else 1, 2))):
                weird = draw(st.integers(0, 29)) == 0
                targets[i].append("nowhere" if weird else draw(st.sampled_from(names)))
            targets[i] = draw(st.permutations(targets[i]))
    variable = draw(st.none() | st.tuples(st.integers(0, 3), st.integers(0, 3)))
    lines = ["id: graph", "title: Graph", "audiences: [village]", "modi: [deception]", "start: n0"]
    if variable:
        low, high = min(variable), max(variable)
        initial = draw(st.integers(low, high))
        lines += ["variables:", f"  v: {{initial: {initial}, min: {low}, max: {high}}}"]
    lines.append("nodes:")
    for name, is_ending, outs in zip(names, endings, targets, strict=True):
        if is_ending:
            kind = draw(st.sampled_from(["safe", "mixed", "harmed"]))
            lines.append(
                f"  {name}: {{text: T, ending: {{kind: {kind}, debrief: D, "
                f"messages: [M], help: [sapa-129]}}}}"
            )
            continue
        lines += [f"  {name}:", "    text: T", "    choices:"]
        for number, target in enumerate(outs):
            parts = [f"label: L{number}", f"target: {target}", f"id: c{number}"]
            if variable and draw(st.booleans()):
                effect = draw(st.sampled_from(["+1", "-1", "+2", str(low), str(high)]))
                parts.append(f"effects: {{v: {effect}}}")
            if variable and draw(st.integers(0, 2)) == 0:
                op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
                parts.append(f"condition: v {op} {draw(st.integers(low, high))}")
            lines.append("      - {" + ", ".join(parts) + "}")
    lines.append("characters: [woman]")  # last, so the lines above keep their numbers
    return "\n".join(lines) + "\n"


def explore(scenario):
    """Every state the engine can reach from the start, by breadth-first search over choices."""
    first = start(scenario)
    seen = {first.key: first}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        for choice in available_choices(scenario, state):
            nxt = choose(scenario, state, choice)
            if nxt.key not in seen:
                seen[nxt.key] = nxt
                queue.append(nxt)
        assert len(seen) < 1000, "far more states than 7 nodes x 4 values allow"
    return seen


def shortest_to_ending(scenario, state, limit: int) -> list[int] | None:
    """Button numbers of a shortest route from ``state`` to an ending, searching ``limit`` deep."""
    queue = deque([(state, [])])
    seen = {state.key}
    while queue:
        here, numbers = queue.popleft()
        if ending(scenario, here) is not None:
            return numbers
        if len(numbers) >= limit:
            continue
        for number, choice in enumerate(available_choices(scenario, here), 1):
            nxt = choose(scenario, here, choice)
            if nxt.key not in seen:
                seen.add(nxt.key)
                queue.append((nxt, [*numbers, number]))
    return None


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("graphs")
    (root / "scenarios").mkdir()
    return root / "scenarios" / "graph.yml"


@PROPERTY
@given(text=story_graphs(), seed=st.integers(0, 2**32 - 1))
def test_accepted_graphs_can_always_be_finished(graph_file, text, seed):
    """If check passes, every reachable situation can still end, and random play does end."""
    graph_file.write_text(text, encoding="utf-8")
    collection = load_collection([graph_file], HELP_FILE)
    scenario = collection.scenarios["graph"]
    targets_exist = all(
        c.target in scenario.nodes for n in scenario.nodes.values() for c in n.choices
    )
    if collection.errors:
        # The checker may refuse only for a reason the engine confirms.
        if targets_exist:
            states = explore(scenario)
            stuck = [s for s in states.values() if not shortest_to_ending(scenario, s, len(states))]
            unshown = set(scenario.nodes) - {s.node for s in states.values()}
            assert stuck or unshown, [str(p) for p in collection.errors]
        return

    states = explore(scenario)
    assert {s.node for s in states.values()} == set(scenario.nodes)
    for state in states.values():
        route = shortest_to_ending(scenario, state, limit=len(states))
        assert route is not None, f"stuck at {state.node} with {dict(state.values)}"

    # The state graph the browser gets has exactly the situations the engine can reach.
    assert {(s.node, tuple(sorted(s.values.items()))) for s in expand(scenario).states} == set(
        states
    )

    rng = random.Random(seed)
    state, numbers = start(scenario), []
    while ending(scenario, state) is None and len(numbers) < 30:
        number = rng.randint(1, len(available_choices(scenario, state)))
        numbers.append(number)
        state = play_route(scenario, numbers)
    if ending(scenario, state) is None:
        numbers += shortest_to_ending(scenario, state, limit=len(states))
    assert len(numbers) <= 30 + len(states)
    final = play_route(scenario, numbers)
    assert ending(scenario, final) is not None
    assert ending(scenario, final).kind in {"safe", "mixed", "harmed"}


@PROPERTY
@given(text=story_graphs())
def test_checker_accepts_exactly_the_graphs_the_engine_can_always_finish(graph_file, text):
    """No errors <=> targets exist, every node is shown, and no reachable situation is stuck."""
    graph_file.write_text(text, encoding="utf-8")
    collection = load_collection([graph_file], HELP_FILE)
    scenario = collection.scenarios["graph"]
    if not all(c.target in scenario.nodes for n in scenario.nodes.values() for c in n.choices):
        assert collection.errors
        return
    states = explore(scenario)
    finishable = all(
        shortest_to_ending(scenario, s, len(states)) is not None for s in states.values()
    )
    every_node_shown = {s.node for s in states.values()} == set(scenario.nodes)
    assert (not collection.errors) == (finishable and every_node_shown), [
        str(p) for p in collection.errors
    ]
