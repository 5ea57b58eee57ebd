"""Problems found in course sources, each with a location a person can open."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column count from 1, as editors do."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True)
class Problem:
    """One finding: where, how bad, and a sentence that says what to change."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Order problems by file and position, so output reads top to bottom."""
    return sorted(problems, key=lambda p: (p.location.file, p.location.line, p.location.column))


def suggest(word: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str:
    """Return " (did you mean 'x'?)" for the closest candidate, or "" if none is close.

    >>> suggest("bus", ["bus-stop", "market"])
    " (did you mean 'bus-stop'?)"
    >>> suggest("zzz", ["market"])
    ''
    """
    import difflib

    ranked = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    if not ranked:
        # A prefix or contained match is common with slugs ("bus" for "bus-stop").
        ranked = [c for c in sorted(candidates) if c.startswith(word) or word in c][:1]
    return f" (did you mean '{ranked[0]}'?)" if ranked else ""


def shown_path(path: Path, root: Path) -> str:
    """How a problem names a file: relative to the course folder when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
