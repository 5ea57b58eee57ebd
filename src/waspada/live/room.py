"""The live room's rules, free of storage and of the network: where a route stands in a
scenario's compiled state graph, which choices may be voted for, and what the room shows.

A room follows the same compiled graph the player follows (``payload["states"]``): the route
(the choice ids the room followed) leads from state 0 to the current state, whose choices are
the only ones a phone may vote for.

>>> payload = {"states": [
...     {"node": "a", "choices": [["go", 1], ["stay", 2]], "label": "Decision 1"},
...     {"node": "b", "choices": [], "label": ""},
...     {"node": "c", "choices": [], "label": ""}]}
>>> decision_at(payload, ["go"]).node
'b'
>>> decision_at(payload, []).choices
('go', 'stay')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The phases of a room (see ARCHITECTURE.md, "Live classroom").
VOTING = "voting"  # the current node is a decision; phones vote
REVEALED = "revealed"  # voting closed; the totals are shown; the facilitator follows a choice
ENDED = "ended"  # the route reached an ending
CLOSED = "closed"  # the facilitator ended the session: no more votes
PHASES = (VOTING, REVEALED, ENDED, CLOSED)

# A room lasts this long after the facilitator last moved it on; then every row is deleted.
ROOM_HOURS = 3.0
# Phones per room at most (a class of 60, with room for reloads on new devices).
MAX_DEVICES = 300
# Hands typed for one choice at most.
MAX_HANDS = 999
# A phone's random token: what `join.js` makes with crypto.getRandomValues.
DEVICE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ROOM_CODE = re.compile(r"^[0-9]{4,6}$")


class LiveError(ValueError):
    """A request the room refuses: ``status`` is the HTTP status, ``code`` a short name."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Position:
    """Where a route stands: the state's index in the graph, its node, the choices offered."""

    index: int
    node: str
    choices: tuple[str, ...]
    label: str = ""

    @property
    def is_ending(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Room:
    """One live room as stored. ``version`` changes with every change (votes included: the
    facilitator's views wait on it); ``stage`` only when the room moves on (the phones wait on
    it, so that 60 votes do not wake 60 phones 60 times)."""

    code: str
    scenario: str
    lang: str
    digest: str
    kind: str
    route: tuple[str, ...]
    phase: str
    version: int
    stage: int
    created: float
    expires: float
    # For each step followed: the totals when it was followed (the facilitator's tallies).
    history: tuple[Mapping[str, int], ...] = field(default=())

    @property
    def step(self) -> int:
        return len(self.route)


def decision_at(payload: Mapping[str, Any], route: Sequence[str]) -> Position:
    """The position the ``route`` leads to in the payload's state graph; LiveError (409) when a
    choice of the route is not offered where it was taken (the scenario changed under the room)."""
    states = payload["states"]
    index = 0
    for choice in route:
        edges = dict((cid, target) for cid, target in states[index]["choices"])
        if choice not in edges:
            raise LiveError(409, "scenario_changed", "the scenario changed during the session")
        index = edges[choice]
    state = states[index]
    return Position(
        index=index,
        node=state["node"],
        choices=tuple(cid for cid, _ in state["choices"]),
        label=state.get("label", ""),
    )


def add_counts(*counts: Mapping[str, int]) -> dict[str, int]:
    """Votes and hands added per choice."""
    total: dict[str, int] = {}
    for mapping in counts:
        for choice, count in mapping.items():
            total[choice] = total.get(choice, 0) + int(count)
    return total


def most_voted(totals: Mapping[str, int], offered: Sequence[str]) -> str | None:
    """The choice with the most votes (the first offered on a tie); None when nobody voted."""
    best = None
    for choice in offered:
        if totals.get(choice, 0) > 0 and (best is None or totals[choice] > totals[best]):
            best = choice
    return best


def correct_choices(payload: Mapping[str, Any], node: str) -> list[str]:
    """A knowledge check's right answers at ``node`` (empty for a story)."""
    choices = payload["nodes"][node].get("choices", {})
    return [cid for cid, choice in choices.items() if choice.get("correct")]


def share_right(totals: Mapping[str, int], correct: Sequence[str]) -> tuple[int, int]:
    """(answers right, answers) at one question: a share of the room, never who."""
    answers = sum(totals.values())
    return sum(totals.get(cid, 0) for cid in correct), answers


def valid_device(token: str | None) -> str:
    if not token or not DEVICE_TOKEN.match(token):
        raise LiveError(400, "bad_device", "the device token is missing or malformed")
    return token


def paired_items(
    before: Mapping[str, Mapping[int, str]],
    after: Mapping[str, Mapping[int, str]],
    items: Sequence[tuple[str, Sequence[str]]],
) -> tuple[int, dict[str, dict[str, Any]]]:
    """A before/after check answered on phones, paired by device: only the devices that
    answered an item both times count for it, so that the change is the same people's.
    ``items`` are (item id, right choices) in step order. Returns the devices paired on at least
    one item and, per item, the counts per option ``before`` and ``after`` and
    ``before_right``, ``before_total``, ``after_right``, ``after_total`` (the two totals are
    equal: the pairs).

    >>> paired, items = paired_items({"p": {0: "a"}, "q": {0: "b"}, "r": {0: "a"}},
    ...                              {"p": {0: "a"}, "q": {0: "a"}}, [("one", ["a"])])
    >>> paired, items["one"]["before"], items["one"]["after_right"]
    (2, {'a': 1, 'b': 1}, 2)
    """
    counts: dict[str, dict[str, Any]] = {}
    paired: set[str] = set()
    for step, (item, right) in enumerate(items):
        figures: dict[str, Any] = {"before": {}, "after": {}}
        for device, answers in before.items():
            if step in answers and step in after.get(device, {}):
                paired.add(device)
                for side, choice in (("before", answers[step]), ("after", after[device][step])):
                    figures[side][choice] = figures[side].get(choice, 0) + 1
        for side in ("before", "after"):
            figures[f"{side}_right"] = sum(figures[side].get(cid, 0) for cid in right)
            figures[f"{side}_total"] = sum(figures[side].values())
        counts[item] = figures
    return len(paired), counts
