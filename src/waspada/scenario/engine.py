"""Playing a scenario: a small immutable play state and two pure functions.

>>> from waspada.scenario.loader import load_scenario_text
>>> story, _ = load_scenario_text('''
... id: tiny
... title: Tiny
... audiences: [village]
... modi: [deception]
... start: a
... nodes:
...   a: {text: Hello, choices: [{label: Go, target: b}]}
...   b: {text: Bye, ending: {kind: safe, debrief: Done, help: [sapa-129]}}
... ''')
>>> state = start(story)
>>> [c.label for c in available_choices(story, state)]
['Go']
>>> choose(story, state, "b").node
'b'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .model import Choice, Ending, Scenario

STATE_FORMAT = 1


class PlayError(ValueError):
    """A choice or saved state that does not fit the scenario."""


@dataclass(frozen=True)
class PlayState:
    """Where one play of a scenario stands: the node, the variable values and the route so far."""

    scenario: str
    node: str
    values: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    route: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def key(self) -> tuple[str, tuple[tuple[str, int], ...]]:
        """What makes two plays equivalent from here on: the node and the values."""
        return self.node, tuple(sorted(self.values.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "scenario": self.scenario,
            "node": self.node,
            "values": dict(self.values),
            "route": list(self.route),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlayState:
        if data.get("format") != STATE_FORMAT:
            raise PlayError(
                f"saved progress has format {data.get('format')!r}; this version of "
                f"waspada reads format {STATE_FORMAT}"
            )
        try:
            return cls(
                str(data["scenario"]),
                str(data["node"]),
                {str(k): int(v) for k, v in dict(data.get("values", {})).items()},
                tuple(str(c) for c in data.get("route", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlayError(f"saved progress is damaged: {exc}") from exc

    def __hash__(self) -> int:
        return hash((self.scenario, self.key, self.route))


def start(scenario: Scenario) -> PlayState:
    return PlayState(scenario.id, scenario.start, scenario.initial_values)


def available_choices(scenario: Scenario, state: PlayState) -> list[Choice]:
    """The choices offered in ``state``, in the author's order (conditions applied)."""
    node = scenario.nodes[state.node]
    return [c for c in node.choices if c.condition is None or c.condition.holds(state.values)]


def choose(scenario: Scenario, state: PlayState, choice: Choice | str) -> PlayState:
    """Take a choice (the object or its id) and return the next state."""
    cid = choice if isinstance(choice, str) else choice.id
    for option in available_choices(scenario, state):
        if option.id == cid:
            break
    else:
        offered = ", ".join(c.id for c in available_choices(scenario, state)) or "none"
        raise PlayError(
            f"choice '{cid}' is not available at node '{state.node}' (available: {offered})"
        )
    values = dict(state.values)
    for effect in option.effects:
        values[effect.variable] = scenario.variables[effect.variable].clamp(
            effect.apply(values[effect.variable])
        )
    return PlayState(state.scenario, option.target, values, (*state.route, option.id))


def choose_number(scenario: Scenario, state: PlayState, number: int) -> PlayState:
    """Take the ``number``-th available choice, counting from 1 (what a player sees)."""
    options = available_choices(scenario, state)
    if not 1 <= number <= len(options):
        raise PlayError(
            f"there is no choice {number} at node '{state.node}'; choose 1 to {len(options)}"
        )
    return choose(scenario, state, options[number - 1])


def ending(scenario: Scenario, state: PlayState) -> Ending | None:
    return scenario.nodes[state.node].ending


def play_route(scenario: Scenario, numbers: list[int]) -> PlayState:
    """Play a route of choice numbers from the start."""
    state = start(scenario)
    for number in numbers:
        state = choose_number(scenario, state, number)
    return state
