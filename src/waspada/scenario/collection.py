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
        return {sid: s for sid, s in self.scenarios.items() if s.is_check}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


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
