"""The state graph: every (node, variable values) a play can reach, and the edges between them.

Expanding a scenario once gives validation and the browser the same facts: what is offered where,
where each choice leads, what the variables hold. The browser then only follows edges, so the
rules of play are written once, here and in :mod:`engine`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .engine import PlayState, available_choices, choose, start
from .model import Scenario

DEFAULT_STATE_LIMIT = 5000


class StateLimitError(ValueError):
    """The scenario has more distinct situations than a browser should be handed."""


@dataclass
class GraphState:
    node: str
    values: dict[str, int]
    edges: list[tuple[str, int]] = field(default_factory=list)  # (choice id, target state index)
    depth: int = 0  # fewest choices from the start


@dataclass
class StateGraph:
    states: list[GraphState]

    def can_reach_ending(self, scenario: Scenario) -> list[bool]:
        """For each state: can some route from it reach an ending?"""
        return [steps is not None for steps in self.steps_to_ending(scenario)]

    def steps_to_ending(self, scenario: Scenario) -> list[int | None]:
        """For each state, the fewest choices to any ending (None where none is reachable)."""
        incoming: list[list[int]] = [[] for _ in self.states]
        for index, state in enumerate(self.states):
            for _, target in state.edges:
                incoming[target].append(index)
        dist: list[int | None] = [
            0 if scenario.nodes[s.node].is_ending else None for s in self.states
        ]
        queue = deque(i for i, d in enumerate(dist) if d == 0)
        while queue:
            current = queue.popleft()
            for source in incoming[current]:
                if dist[source] is None:
                    dist[source] = dist[current] + 1  # type: ignore[operator]
                    queue.append(source)
        return dist


def expand(scenario: Scenario, limit: int = DEFAULT_STATE_LIMIT) -> StateGraph:
    """Breadth-first expansion from the start; state 0 is the start.

    Assumes every choice target exists (validation checks that first).
    """
    first = start(scenario)
    index: dict[tuple[object, ...], int] = {first.key: 0}
    states = [GraphState(first.node, dict(first.values))]
    queue: deque[int] = deque([0])
    while queue:
        current = queue.popleft()
        here = states[current]
        play = PlayState(scenario.id, here.node, here.values)
        for choice in available_choices(scenario, play):
            nxt = choose(scenario, play, choice)
            target = index.get(nxt.key)
            if target is None:
                if len(states) >= limit:
                    raise StateLimitError(
                        f"the scenario has more than {limit} distinct situations (node plus "
                        "variable values); use fewer variables or narrower ranges"
                    )
                target = index[nxt.key] = len(states)
                states.append(GraphState(nxt.node, dict(nxt.values), depth=here.depth + 1))
                queue.append(target)
            here.edges.append((choice.id, target))
    return StateGraph(states)
