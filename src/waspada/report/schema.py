"""The session record, version 1: one flat record per session, defined here once.

The book's session page exports it (CSV with one row per session, or JSON); ``waspada report``
reads it. The columns after the fixed ones depend on the course: one ``referred_<service-id>``
per service of help.yml (in its order) and four ``q_<item-id>_...`` per item of the
before/after check ``scenarios/session-check.yml`` (in its order). :func:`json_schema` turns
the definition into a JSON Schema (draft 2020-12); ``schemas/waspada-session-1.schema.json`` is
that schema for this course, and a test keeps the two equal.

What a JSON Schema cannot say is checked by :mod:`waspada.report.records` only: a date that
does not exist (2026-02-30) and answers right greater than answers given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..scenario._yaml import compose_file
from ..scenario.help import load_help
from ..scenario.problems import Location, Problem

if TYPE_CHECKING:
    from ..project import Project

SCHEMA_TAG = "waspada-session/1"
SCHEMA_FILE = "schemas/waspada-session-1.schema.json"
CHECK_FILE = "scenarios/session-check.yml"
MAX_COUNT = 100_000  # people in one session; more is a typing error, not a session
MAX_SESSIONS = 10_000  # in one file

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]*$"
DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
COUNT_TEXT = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class Column:
    """One column of the record: its name, whether it holds text or a count, and the rules."""

    name: str
    meaning: str
    text: bool = False
    pattern: str | None = None
    max_length: int | None = None
    const: str | None = None

    def json(self) -> dict[str, Any]:
        """This column's JSON Schema."""
        if not self.text:
            return {"$ref": "#/$defs/count", "description": self.meaning}
        out: dict[str, Any] = {"type": "string", "description": self.meaning}
        if self.const is not None:
            out["const"] = self.const
        if self.pattern is not None:
            out["pattern"] = self.pattern
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        return out


FIXED: tuple[Column, ...] = (
    Column("schema", "the format and its version", True, const=SCHEMA_TAG),
    Column(
        "session",
        "a random id made when the session is created (not derived from anything)",
        True,
        pattern="^[a-z0-9-]{8,32}$",
    ),
    Column(
        "course_version",
        "waspada.__version__ of the course that recorded it",
        True,
        pattern="^[0-9A-Za-z][0-9A-Za-z.+!-]{0,39}$",
    ),
    Column(
        "language",
        "the course language code (en, id, jv, su, sas, ...)",
        True,
        pattern="^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        max_length=35,
    ),
    Column(
        "kit",
        "the profile: village, school, health, full",
        True,
        pattern=f"^{SLUG}$",
        max_length=40,
    ),
    Column("date", "the session's date, YYYY-MM-DD", True, pattern=DATE),
    Column(
        "district",
        "typed by the trainer (a place, never a person)",
        True,
        pattern=NO_CONTROLS,
        max_length=80,
    ),
    Column(
        "place",
        "village or school, typed (a place, never a person)",
        True,
        pattern=NO_CONTROLS,
        max_length=80,
    ),
    Column(
        "scenarios",
        "the scenario ids played, separated by spaces",
        True,
        pattern=f"^({SLUG}( {SLUG})*)?$",
        max_length=2000,
    ),
    Column("women", "participants: women"),
    Column("men", "participants: men"),
    Column("other_or_unsaid", "participants: other or not said"),
    Column("age_under_18", "participants under 18"),
    Column("age_18_25", "participants aged 18 to 25"),
    Column("age_26_45", "participants aged 26 to 45"),
    Column("age_over_45", "participants over 45"),
    Column("satisfied", "the three-face vote: satisfied"),
    Column("neutral", "the three-face vote: neutral"),
    Column("unsatisfied", "the three-face vote: unsatisfied"),
    Column("asked_for_help", "people who asked for help or were referred, in all"),
)
SEX = ("women", "men", "other_or_unsaid")
AGE = ("age_under_18", "age_18_25", "age_26_45", "age_over_45")
VOTE = ("satisfied", "neutral", "unsatisfied")
PHASES = ("before_right", "before_total", "after_right", "after_total")


@dataclass(frozen=True)
class Item:
    """One item of the before/after check: its id and its question (for the summary)."""

    id: str
    text: str = ""


@dataclass(frozen=True)
class SessionSpec:
    """The columns a course's session records have: fixed, then per service, then per item."""

    services: tuple[str, ...]
    items: tuple[Item, ...]
    service_names: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        referred = tuple(
            Column(f"referred_{sid}", f"people referred to the service '{sid}' of help.yml")
            for sid in self.services
        )
        answers = tuple(
            Column(
                f"q_{item.id}_{phase}",
                f"check item '{item.id}': answers "
                + ("right" if phase.endswith("right") else "given")
                + (" before" if phase.startswith("before") else " after"),
            )
            for item in self.items
            for phase in PHASES
        )
        return FIXED + referred + answers

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def service_name(self, sid: str) -> str:
        names = dict(zip(self.services, self.service_names, strict=False))
        return names.get(sid) or sid


def json_schema(spec: SessionSpec) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one session record or of ``{"sessions": [...]}``."""
    session = {
        "type": "object",
        "description": "One session: counts only, never a name, a phone number or free text "
        "about a participant.",
        "properties": {column.name: column.json() for column in spec.columns},
        "required": list(spec.names),
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Waspada session record ({SCHEMA_TAG})",
        "description": "A session exported by the Waspada course's session page: one record, "
        'or {"sessions": [...]} for several. Also checked by waspada report (not expressible '
        "here): the date exists, and q_<item>_<phase>_right <= q_<item>_<phase>_total.",
        "$defs": {
            "count": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
            "session": session,
        },
        "anyOf": [
            {"$ref": "#/$defs/session"},
            {
                "type": "object",
                "properties": {
                    "sessions": {
                        "type": "array",
                        "items": {"$ref": "#/$defs/session"},
                        "maxItems": MAX_SESSIONS,
                    }
                },
                "required": ["sessions"],
                "additionalProperties": False,
            },
        ],
    }


def spec_for_project(project: Project) -> SessionSpec:
    """The session columns of this course: help.yml's services and the check's items.

    Raises :class:`~waspada.project.ProjectError` if help.yml or the check cannot be read.
    """
    from ..project import ProjectError

    services, problems = load_help(project.help_file, "help.yml")
    items, more = read_check_items(project.root / CHECK_FILE, CHECK_FILE)
    errors = [p for p in [*problems, *more] if p.is_error]
    if errors:
        raise ProjectError(f"{errors[0]} (run 'waspada check' for every problem)")
    return SessionSpec(tuple(services), tuple(items), tuple(s.name for s in services.values()))


def read_check_items(path: Path, display: str) -> tuple[list[Item], list[Problem]]:
    """The item ids (and question texts) of the before/after check, in order.

    Only what the record needs is read: ``questions:``, each with an ``id`` (a slug). A course
    without the file has no ``q_`` columns.
    """
    if not path.exists() and not path.is_symlink():
        return [], []
    tree, problems = compose_file(path, display)
    if tree is None or any(p.is_error for p in problems):
        return [], problems
    items: list[Item] = []
    top = dict(_pairs(tree))
    questions = top.get("questions")
    if questions is None or not isinstance(questions.value, list):
        return [], [Problem(Location(display, 1, 1), "the check has no 'questions:' list")]
    for number, question in enumerate(questions.value, 1):
        fields = dict(_pairs(question))
        node = fields.get("id")
        qid = node.value if node is not None and isinstance(node.value, str) else ""
        line = (node or question).start_mark.line + 1
        if not re.fullmatch(SLUG, qid) or any(qid == i.id for i in items):
            problems.append(
                Problem(
                    Location(display, line, 1),
                    f"question {number} needs its own id (lower-case letters, digits and "
                    "hyphens), which names its columns q_<id>_...",
                )
            )
            continue
        text = fields.get("text")
        items.append(Item(qid, text.value if text and isinstance(text.value, str) else ""))
    return items, problems


def _pairs(node: Any) -> list[tuple[str, Any]]:
    if not isinstance(getattr(node, "value", None), list):
        return []
    return [
        (key.value, value)
        for pair in node.value
        if isinstance(pair, tuple)
        for key, value in [pair]
        if isinstance(key.value, str)
    ]
