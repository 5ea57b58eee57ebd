"""Loading and checking a set of scenario files together with the help directory."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .help import Service, load_help
from .loader import load_scenario
from .model import Scenario
from .problems import Location, Problem, Severity, sort_problems
from .validate import check_help_for_characters, validate

# A knowledge check with ``module: session`` is the session page's before/after check
# ({session-report}): it closes no chapter, so the progress dashboard and SCORM leave it out.
SESSION_MODULE = "session"


@dataclass
class Collection:
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Scenarios that loaded but have errors: listed by `waspada check`, never shown to learners.
    broken: set[str] = field(default_factory=set)

    @property
    def stories(self) -> dict[str, Scenario]:
        """The branching stories, without the knowledge checks."""
        return {sid: s for sid, s in self.scenarios.items() if not s.is_check}

    @property
    def checks(self) -> dict[str, Scenario]:
        """The knowledge checks of modules, without the session's before/after check."""
        return {
            sid: s for sid, s in self.scenarios.items() if s.is_check and s.module != SESSION_MODULE
        }

    @property
    def session_checks(self) -> dict[str, Scenario]:
        """The before/after checks of the session page (``module: session``)."""
        return {
            sid: s for sid, s in self.scenarios.items() if s.is_check and s.module == SESSION_MODULE
        }

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_session_check(scenario: Scenario) -> list[Problem]:
    """The before/after check of a session counts the hands on one right answer per question,
    and is short enough to ask twice in a session: 5 to 8 questions (a warning otherwise)."""
    if not scenario.is_check or scenario.module != SESSION_MODULE:
        return []
    problems = []
    questions = [node for node in scenario.nodes.values() if not node.is_ending]
    for node in questions:
        right = sum(1 for choice in node.choices if choice.correct)
        if right != 1:
            problems.append(
                Problem(
                    node.location,
                    f"question '{node.id}' of the session check has {right} right answers; "
                    "hands are counted against one, so mark exactly one option 'correct: true'",
                )
            )
    if not 5 <= len(questions) <= 8:
        problems.append(
            Problem(
                scenario.location,
                f"the session check has {len(questions)} questions; ask 5 to 8, so that it fits "
                "twice into one session",
                severity=Severity.WARNING,
            )
        )
    return problems


def load_collection(
    files: Iterable[Path], help_file: Path | None, *, display_root: Path | None = None
) -> Collection:
    """Load, validate and cross-check scenario files; every problem of every file is kept."""

    def shown(path: Path) -> str:
        if display_root is not None:
            try:
                return str(path.resolve().relative_to(display_root.resolve()))
            except ValueError:
                pass
        return str(path)

    # Parsing allocates many small, short-lived objects that reference counting frees anyway;
    # the cyclic collector's passes over them took about a third of the time on a large course.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(files, help_file, shown)
    finally:
        if enabled:
            gc.enable()


def _load(
    files: Iterable[Path], help_file: Path | None, shown: Callable[[Path], str]
) -> Collection:
    result = Collection()
    help_ids: set[str] | None = None
    if help_file is not None:
        result.services, problems = load_help(help_file, shown(help_file))
        result.problems += problems
        help_ids = set(result.services)
    for path in files:
        scenario, problems = load_scenario(path, help_ids=help_ids, display=shown(path))
        result.problems += problems
        if scenario is None:
            continue
        if not any(p.is_error for p in problems):
            problems = validate(scenario)
            if help_ids is not None:
                problems += check_help_for_characters(scenario, result.services)
            problems += check_session_check(scenario)
            result.problems += problems
        if any(p.is_error for p in problems):
            result.broken.add(scenario.id)
        if scenario.id in result.scenarios:
            first = result.files[scenario.id]
            result.problems.append(
                Problem(
                    Location(shown(path), scenario.location.line, scenario.location.column),
                    f"scenario id '{scenario.id}' is already used by {shown(first)}; ids must be "
                    "unique, so rename one",
                )
            )
            continue
        if path.stem != scenario.id:
            result.problems.append(
                Problem(
                    scenario.location,
                    f"the file is named '{path.name}' but the scenario id is "
                    f"'{scenario.id}'; name the file '{scenario.id}{path.suffix}'",
                    severity=Severity.WARNING,
                )
            )
        result.scenarios[scenario.id] = scenario
        result.files[scenario.id] = path
    result.problems = sort_problems(result.problems)
    return result
