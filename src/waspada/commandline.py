"""What every ``waspada`` sub-command shares: its error type, the project it works on, the one
scenario it was asked for and how problems are printed.

``waspada.cli`` (check, play, build, serve, i18n) and ``waspada.interop.commands`` (import,
export) both import from here, so neither needs the other.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .project import Project, ProjectError
from .scenario import Problem, Scenario, Service


class CommandError(Exception):
    """A failure to report as one line, without a traceback."""


def project_of(args: argparse.Namespace) -> Project:
    """The course named by ``--project`` (or found above the working folder)."""
    return Project.discover(args.project)


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def load_one(args: argparse.Namespace) -> tuple[Scenario, dict[str, Service]]:
    """The scenario ``args.scenario`` names (an id or a YAML file) and the help services.

    Raises :class:`CommandError` after printing the scenario's errors, if it has any.
    """
    path = Path(args.scenario)
    if path.suffix in (".yml", ".yaml") or path.exists():
        if not (path.exists() or path.is_symlink()):
            raise CommandError(f"{path}: no such file")
        project = None
        for where in (args.project, path.resolve().parent, None):
            try:
                project = Project.discover(where)
                break
            except ProjectError:
                continue
        if project is None:
            from .scenario import load_collection

            collection = load_collection([path], None)
        else:
            collection = project.load([path])
    else:
        project = project_of(args)
        # Load just that file when it is named after the id, so a broken draft elsewhere in the
        # project does not stop anyone playing a finished scenario.
        named = [p for p in project.scenario_files() if p.stem == args.scenario]
        collection = project.load(named or None)
    if collection.errors:
        print_problems(collection.errors)
        raise CommandError("the scenario has errors; fix them first (see above)")
    if path.suffix in (".yml", ".yaml"):
        if not collection.scenarios:
            raise CommandError(f"{path}: no scenario could be loaded")
        return next(iter(collection.scenarios.values())), collection.services
    if args.scenario not in collection.scenarios:
        from .scenario.problems import suggest

        raise CommandError(
            f"no scenario with id '{args.scenario}'"
            f"{suggest(args.scenario, list(collection.scenarios))}"
        )
    return collection.scenarios[args.scenario], collection.services
