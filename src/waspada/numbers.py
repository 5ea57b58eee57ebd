"""`waspada check`: phone numbers typed by hand, and ``{help-contact}`` roles that name nothing.

The finding is pure (:mod:`waspada.scenario.phones`); this module only reads the project's files:
the book's pages, the scenario files, help.yml (its names and descriptions, not its contacts)
and the translation catalogs.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .project import Project
from .scenario import Location, Problem, Service
from .scenario.help import find_contact
from .scenario.phones import find_phone_numbers

# A MyST role in a page: {help-contact}`sapa-129/whatsapp`.
_ROLE = re.compile(r"\{help-contact\}`([^`]*)`")
# How to fix a typed number, by where it is; a number is then corrected once, in help.yml.
_PAGE_FIX = "write {role} instead, so the number comes from help.yml"
_NEW_FIX = "add the service to help.yml and write {help-contact}`its-id` instead"
_SCENARIO_FIX = "write no number in a scenario: name the service in the ending's help: list"
_HELP_FIX = "put the number under the service's contacts: and leave it out of the text"
_CATALOG_FIX = "translate the English as it is: numbers come from help.yml"


def check_numbers(project: Project, services: Mapping[str, Service]) -> list[Problem]:
    """Every typed phone number and every unknown ``{help-contact}`` in the project."""
    problems: list[Problem] = []
    for path in sorted(project.book_dir.rglob("*.md")):
        if not _readable(project, path):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += _typed(text, _shown(project, path), "the page", _page_fix(services))
        problems += _roles(text, _shown(project, path), services)
    for path in project.scenario_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += _typed(text, _shown(project, path), "the scenario", _SCENARIO_FIX)
    if _readable(project, project.help_file):
        # The contacts are where numbers belong; names and descriptions are not.
        lines = project.help_file.read_text(encoding="utf-8", errors="replace").splitlines()
        text = "\n".join("" if "value:" in line else line for line in lines)
        problems += _typed(text, _shown(project, project.help_file), "the help text", _HELP_FIX)
    for path in project.district_files():  # the same for a district's names and descriptions
        if _readable(project, path):
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            skip = ("value:", "hours:", "checked:")  # numbers, opening hours and dates
            text = "\n".join("" if any(k in line for k in skip) else line for line in lines)
            problems += _typed(text, _shown(project, path), "the district's text", _HELP_FIX)
    problems += _catalogs(project)
    return problems


MAX_BYTES = 8 << 20  # no page or catalog is this large; a larger file is not read here


def _readable(project: Project, path: Path) -> bool:
    """A regular file inside the course, of a sane size. Anything else (a FIFO would block, a
    link may point at a system file) is not read here; the other checks report it."""
    try:
        if not path.resolve().is_relative_to(project.root.resolve()):
            return False
        info = path.stat()
    except (OSError, RuntimeError):
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES


def _shown(project: Project, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.root.resolve()))
    except ValueError:
        return str(path)


def _typed(text: str, file: str, what: str, fix: str | Callable[[str], str]) -> list[Problem]:
    return [
        Problem(
            Location(file, found.line, found.column),
            f"{what} has the phone number '{found.text}' typed in; "
            f"{fix(found.text) if callable(fix) else fix}",
        )
        for found in find_phone_numbers(text)
    ]


def _page_fix(services: Mapping[str, Service]) -> Callable[[str], str]:
    """The role that gives a typed number from help.yml, if help.yml has that number."""
    refs: dict[str, str] = {}
    for sid, service in services.items():
        seen: dict[str, int] = {}
        for contact in service.contacts:
            seen[contact.kind] = seen.get(contact.kind, 0) + 1
            ref = sid if contact.kind == "phone" else f"{sid}/{contact.kind}"
            if seen[contact.kind] > 1:
                ref = f"{sid}/{contact.kind}{seen[contact.kind]}"
            refs.setdefault(_digits(contact.value), ref)

    def fix(number: str) -> str:
        ref = refs.get(_digits(number))
        return _PAGE_FIX.format(role=f"{{help-contact}}`{ref}`") if ref else _NEW_FIX

    return fix


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _roles(text: str, file: str, services: Mapping[str, Service]) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _ROLE.finditer(line):
            contact, why = find_contact(services, match.group(1))
            if contact is None:
                problems.append(Problem(Location(file, number, match.start() + 1), why))
    return problems


def _catalogs(project: Project) -> list[Problem]:
    """Numbers a translator typed where the English has none.

    A translation of English that still has the number typed in is left alone: the English page
    is reported, and once it uses {help-contact} the new message reaches the catalog with the
    next extraction. A translation of a message with a role is left alone too (the lead updates
    those catalogs), and so is a fuzzy one, which no reader sees.
    """
    # Only the whole-project check needs Babel. read_catalog reads regular UTF-8 files only
    # (never a FIFO, nor a link to a file outside) and gives None for one check_catalogs reports.
    from .i18n.catalogs import read_catalog

    problems: list[Problem] = []
    for path in sorted(project.locales_dir.glob("*/LC_MESSAGES/*.po")):
        catalog = read_catalog(path)
        if catalog is None:
            continue
        # read_catalog gives the same object while the file is unchanged: so do we (a process
        # that checks again and again, `waspada preview`, scans only the catalogs edited).
        key = (str(path), _shown(project, path))
        if key not in _typed_in or _typed_in[key][0] is not catalog:
            _typed_in[key] = (catalog, _catalog_numbers(catalog, key[1]))
        problems += _typed_in[key][1]
    return problems


_typed_in: dict[tuple[str, str], tuple[object, list[Problem]]] = {}


def _catalog_numbers(catalog: Any, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if any("{help-contact}" in i or any(find_phone_numbers(i)) for i in ids):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            for found in find_phone_numbers(text or ""):
                problems.append(
                    Problem(
                        Location(shown, message.lineno, 1),
                        f"the translation has the phone number '{found.text}' typed in, "
                        f"though the English has none; {_CATALOG_FIX}",
                    )
                )
    return problems
