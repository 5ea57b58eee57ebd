"""The scenario definition: what an author wrote, as immutable values.

Play state (where a group is in a story) lives in :mod:`waspada.scenario.engine`; the compiled form
a browser plays lives in :mod:`waspada.scenario.compile`. Keeping the three apart (as ink keeps
story content, story state and choice instances apart) means a definition can be shared by many
plays and compiled for many languages.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .problems import Location

AUDIENCES: tuple[str, ...] = ("village", "health", "school")

# The recruitment methods (modi operandi) a scenario can teach. They match the sections of the
# chapter book/recruitment.md, which carries a label `modus-<value>` for each.
MODI: tuple[str, ...] = (
    "seduction",
    "deception",
    "entrapment",
    "threats",
    "abuse-of-authority",
    "debt-bondage",
    "marriage",
    "kidnapping",
    "confinement",
    "fake-job",
    "baby-sale",
    "child-grooming",
    "online-scam",
    "smuggling",
)

# How the methods are named to people (English source; translated with the UI strings).
MODUS_NAMES: dict[str, str] = {
    "seduction": "Seduction and promises of luxury",
    "deception": "Deception and false promises",
    "entrapment": "Entrapment",
    "threats": "Threats",
    "abuse-of-authority": "Abuse of authority",
    "debt-bondage": "Debt bondage",
    "marriage": "Marriage or dating",
    "kidnapping": "Kidnapping",
    "confinement": "Confinement and sexual violence",
    "fake-job": "Fake jobs",
    "baby-sale": "Baby sale disguised as adoption",
    "child-grooming": "Luring children",
    "online-scam": "Online job offers and scam compounds",
    "smuggling": "Smuggling or trafficking",
}

ENDING_KINDS: tuple[str, ...] = ("safe", "mixed", "harmed")

# Who a story is about (`characters:`) and whom a help service serves (`serves:` in help.yml).
# `waspada check` matches the two, so that every ending gives each person in the story somewhere
# to go: SAPA 129 and the UPTD PPA serve women and children, so a man needs another service.
PERSONS: tuple[str, ...] = ("woman", "man", "child")
SITUATIONS: tuple[str, ...] = ("abroad", "migrant-worker")
CHARACTERS: tuple[str, ...] = (*PERSONS, *SITUATIONS)
EVERYONE = "everyone"  # serves every person, but is no service for someone abroad
SERVES: tuple[str, ...] = (EVERYONE, *CHARACTERS)

# What a file describes: a branching story, or a knowledge check (questions with one result
# ending, written in a shorter form and loaded into the same nodes and choices).
SCENARIO_KINDS: tuple[str, ...] = ("story", "check")
CHECK_ENDING = "check"  # the kind of a knowledge check's result ending
SCORE = "score"  # the variable a knowledge check counts correct answers in

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


@dataclass(frozen=True)
class Variable:
    """A whole-number variable kept within ``minimum..maximum``."""

    name: str
    initial: int
    minimum: int
    maximum: int
    description: str = ""
    location: Location = field(default=Location(""), compare=False, repr=False)

    def clamp(self, value: int) -> int:
        return max(self.minimum, min(self.maximum, value))


@dataclass(frozen=True)
class Comparison:
    variable: str
    op: str
    value: int

    def holds(self, values: Mapping[str, int]) -> bool:
        return OPERATORS[self.op](values[self.variable], self.value)

    def __str__(self) -> str:
        return f"{self.variable} {self.op} {self.value}"


@dataclass(frozen=True)
class Condition:
    """Comparisons joined by ``and``; a choice is offered only when all hold."""

    terms: tuple[Comparison, ...]
    location: Location = field(default=Location(""), compare=False, repr=False)

    def holds(self, values: Mapping[str, int]) -> bool:
        return all(term.holds(values) for term in self.terms)

    def __str__(self) -> str:
        return " and ".join(str(t) for t in self.terms)


@dataclass(frozen=True)
class Effect:
    """``relative``: add ``value``; otherwise set the variable to ``value``."""

    variable: str
    value: int
    relative: bool = True
    location: Location = field(default=Location(""), compare=False, repr=False)

    def apply(self, current: int) -> int:
        return current + self.value if self.relative else self.value

    def __str__(self) -> str:
        return (
            f"{self.variable} {'+' if self.value >= 0 else '-'}= {abs(self.value)}"
            if self.relative
            else f"{self.variable} = {self.value}"
        )


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    target: str
    feedback: str = ""
    effects: tuple[Effect, ...] = ()
    condition: Condition | None = None
    correct: bool | None = None  # knowledge checks only: whether this answer is right
    location: Location = field(default=Location(""), compare=False, repr=False)
    target_location: Location = field(default=Location(""), compare=False, repr=False)


@dataclass(frozen=True)
class Ending:
    kind: str
    debrief: str
    messages: tuple[str, ...]
    help: tuple[str, ...]
    title: str = ""
    location: Location = field(default=Location(""), compare=False, repr=False)
    # The `help:` value, where a missing service for a character is reported.
    help_location: Location = field(default=Location(""), compare=False, repr=False)


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    notes: str = ""
    prompt: str = ""
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None
    location: Location = field(default=Location(""), compare=False, repr=False)

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    audiences: tuple[str, ...]
    modi: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    variables: Mapping[str, Variable] = field(default_factory=dict)
    location: Location = field(default=Location(""), compare=False, repr=False)
    kind: str = "story"
    module: str = ""  # checks: the chapter (book/<module>.md) the check follows
    pass_mark: int = 0  # checks: correct answers needed to pass
    characters: tuple[str, ...] = ()  # stories: who the story is about (CHARACTERS)

    @property
    def is_check(self) -> bool:
        return self.kind == "check"

    @property
    def question_count(self) -> int:
        return sum(1 for node in self.nodes.values() if not node.is_ending) if self.is_check else 0

    @property
    def initial_values(self) -> dict[str, int]:
        return {name: var.initial for name, var in self.variables.items()}

    def endings(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.is_ending]
