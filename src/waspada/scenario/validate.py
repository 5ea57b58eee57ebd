"""Checks of a loaded scenario as a whole: links, reachability, endings, conditions."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from .graph import DEFAULT_STATE_LIMIT, StateLimitError, expand
from .help import Service
from .model import CHARACTERS, EVERYONE, PERSONS, SITUATIONS, Scenario
from .problems import Problem, Severity, suggest

# How the checker names a character in "offers no service for ...", and a serves value in
# "(sapa-129 serves women and children)".
_FOR = {
    "woman": "a woman",
    "man": "a man",
    "child": "a child",
    "abroad": "someone abroad",
    "migrant-worker": "a migrant worker",
}
_GROUP = {
    "everyone": "everyone",
    "woman": "women",
    "man": "men",
    "child": "children",
    "abroad": "people abroad",
    "migrant-worker": "migrant workers",
}


def validate(scenario: Scenario, *, state_limit: int = DEFAULT_STATE_LIMIT) -> list[Problem]:
    """Return every graph-level problem of ``scenario`` (schema problems come from the loader)."""
    problems: list[Problem] = []
    nodes = scenario.nodes
    if scenario.start not in nodes:
        return problems  # the loader already said so; nothing below makes sense without a start

    broken = False
    for node in nodes.values():
        for number, choice in enumerate(node.choices, 1):
            if choice.target not in nodes:
                broken = True
                problems.append(
                    Problem(
                        choice.target_location,
                        f"choice {number} of node '{node.id}' goes to '{choice.target}', "
                        f"which does not exist{suggest(choice.target, nodes)}",
                    )
                )

    reachable = _reachable(scenario)
    for node in nodes.values():
        if node.id not in reachable:
            problems.append(
                Problem(
                    node.location,
                    f"node '{node.id}' cannot be reached from the start node '{scenario.start}'; "
                    "lead a choice to it or remove it",
                )
            )
        elif not node.is_ending and not node.choices:
            problems.append(
                Problem(
                    node.location,
                    f"node '{node.id}' is not an ending and has no choices; add "
                    "choices or an 'ending:'",
                )
            )

    if not scenario.endings():
        problems.append(
            Problem(
                scenario.location,
                "the scenario has no ending; add a node with 'ending:' (kind, debrief, help)",
            )
        )
        return problems

    escapes = _can_reach_ending(scenario)
    for nid in sorted(reachable):
        if nid in nodes and nid not in escapes and (nodes[nid].choices or nodes[nid].is_ending):
            problems.append(
                Problem(
                    nodes[nid].location,
                    f"from node '{nid}' no ending can be reached (its choices only lead round in a "
                    "loop); add a choice that leads towards an ending",
                )
            )

    if broken or any(p.is_error for p in problems):
        return problems  # state-level checks would only repeat the same faults
    problems += _state_checks(scenario, state_limit)
    problems += _warnings(scenario)
    return problems


def _reachable(scenario: Scenario) -> set[str]:
    seen = {scenario.start}
    queue = deque([scenario.start])
    while queue:
        for choice in scenario.nodes[queue.popleft()].choices:
            if choice.target in scenario.nodes and choice.target not in seen:
                seen.add(choice.target)
                queue.append(choice.target)
    return seen


def _can_reach_ending(scenario: Scenario) -> set[str]:
    incoming: dict[str, set[str]] = {nid: set() for nid in scenario.nodes}
    for node in scenario.nodes.values():
        for choice in node.choices:
            if choice.target in incoming:
                incoming[choice.target].add(node.id)
    ok = {n.id for n in scenario.endings()}
    queue = deque(ok)
    while queue:
        for source in incoming[queue.popleft()]:
            if source not in ok:
                ok.add(source)
                queue.append(source)
    return ok


def _describe(values: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(values.items()))


def _state_checks(scenario: Scenario, limit: int) -> list[Problem]:
    """Checks that depend on variables: hidden choices, trapped states, nodes never shown."""
    try:
        graph = expand(scenario, limit)
    except StateLimitError as exc:
        return [Problem(scenario.location, str(exc))]
    problems: list[Problem] = []
    reported: set[str] = set()
    ok = graph.can_reach_ending(scenario)
    for state, escapes in zip(graph.states, ok, strict=True):
        node = scenario.nodes[state.node]
        if node.id in reported or node.is_ending:
            continue
        if not state.edges:
            reported.add(node.id)
            problems.append(
                Problem(
                    node.location,
                    f"at node '{node.id}', when {_describe(state.values)}, every choice is "
                    "hidden by its condition; loosen a condition or add a choice without one",
                )
            )
        elif not escapes:
            reported.add(node.id)
            problems.append(
                Problem(
                    node.location,
                    f"from node '{node.id}', when {_describe(state.values)}, no ending can be "
                    "reached; check the conditions on the way out",
                )
            )
    shown = {s.node for s in graph.states}
    for node in scenario.nodes.values():
        if node.id not in shown:
            problems.append(
                Problem(
                    node.location,
                    f"node '{node.id}' is never shown: the conditions of the choices that lead "
                    "to it never hold; loosen them or remove the node",
                )
            )
    return problems


def _warnings(scenario: Scenario) -> list[Problem]:
    problems: list[Problem] = []
    used: set[str] = set()
    for node in scenario.nodes.values():
        for number, choice in enumerate(node.choices, 1):
            used.update(e.variable for e in choice.effects)
            if choice.condition:
                used.update(t.variable for t in choice.condition.terms)
            if node.prompt and not choice.feedback:
                problems.append(
                    Problem(
                        choice.location,
                        f"choice {number} of node '{node.id}' has no feedback, though the node "
                        "asks the group a question; a sentence of feedback helps the debrief",
                        Severity.WARNING,
                    )
                )
        if node.ending and not node.ending.messages:
            problems.append(
                Problem(
                    node.ending.location,
                    f"the ending of node '{node.id}' has no key messages; add one or two under "
                    "'messages:'",
                    Severity.WARNING,
                )
            )
    for var in scenario.variables.values():
        if var.name not in used:
            problems.append(
                Problem(
                    var.location,
                    f"variable '{var.name}' is declared but no choice changes or tests it",
                    Severity.WARNING,
                )
            )
    return problems


def check_help_for_characters(scenario: Scenario, services: Mapping[str, Service]) -> list[Problem]:
    """Every ending of a story offers each of its characters a service that serves them.

    A woman, man or child is served by a service for that person or for everyone; someone abroad
    or a migrant worker needs a service for exactly that situation (police 110 serves everyone
    but cannot help a worker held abroad). So a man's story never ends with only SAPA 129.
    """
    if scenario.is_check:
        return []
    if not scenario.characters:
        return [
            Problem(
                scenario.location,
                "the scenario does not say who it is about; add 'characters: [...]' naming the "
                f"people at risk, from: {', '.join(CHARACTERS)} (e.g. characters: [man, abroad])",
            )
        ]
    needs = [
        (who, (who, EVERYONE) if who in PERSONS else (who,))
        for who in (*PERSONS, *SITUATIONS)
        if who in scenario.characters
    ]
    problems: list[Problem] = []
    for node in scenario.endings():
        assert node.ending is not None
        offered = [services[h] for h in node.ending.help if h in services]
        if not offered:
            continue  # an unknown or missing help id is reported by the loader
        for who, accepted in needs:
            if any(service.serves_any(accepted) for service in offered):
                continue
            serving = [s.id for s in services.values() if s.serves_any(accepted)]
            add = (
                f"add {', '.join(serving[:2])} or another service whose serves: includes {who}"
                if serving
                else f"add a service to help.yml whose serves: includes {who}"
            )
            problems.append(
                Problem(
                    node.ending.help_location,
                    f"ending '{node.id}' offers no service for {_FOR[who]} "
                    f"({'; '.join(_serves(s) for s in offered)}); {add}",
                )
            )
    return problems


def _serves(service: Service) -> str:
    groups = [_GROUP[value] for value in service.serves]
    if not groups:
        return f"{service.id} says nothing of whom it serves"
    listed = ", ".join(groups[:-1]) + " and " + groups[-1] if len(groups) > 1 else groups[0]
    return f"{service.id} serves {listed}"
