"""The Twee 3 notation: a story split into passages, their headers, StoryTitle and StoryData.

:class:`TweeParser` reads what every Twee file has, whatever its story format; it reports each
problem at its line through :class:`Reporter`, which :mod:`.read` and :mod:`.links` share.
A story comes from a stranger, so what reading it may cost is bounded (the ``MAX_`` limits).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ...scenario.problems import Location, Problem, Severity, suggest
from .block import (
    SPECIAL_PASSAGES,
    SPECIAL_TAGS,
    KeyPath,
    _unescape_line,
    slugify,
)


@dataclass
class Passage:
    name: str
    tags: list[str]
    line: int
    column: int  # where the name starts
    body: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    """A value the scenario needs that the Twine story did not give."""

    path: KeyPath  # where in the scenario data (and so in the written YAML)
    where: Location  # the passage (or file) in the Twee source it comes from
    message: str
    comment: str  # written on the YAML line as "# comment"


# A story comes from a stranger, so what it may cost is bounded. Twine stories for a course are
# some kilobytes; these limits are far above any real story and far below what hurts a laptop.
# They are documented in 'waspada import twee --help' and scenarios/README.md.
MAX_BYTES = 2 * 1024 * 1024  # the size of a Twee file
MAX_LINES = 100_000
MAX_PASSAGES = 2_000
MAX_LINE_CHARS = 10_000  # one line of a passage that becomes a node
MAX_LINKS = 5_000  # links in the whole story (each becomes a choice)
MAX_PROBLEMS = 200  # shown; the rest are counted
MAX_SUGGESTIONS = 20  # "did you mean" compares with every passage name, so only for the first


def quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Reporter:
    """Problems and gaps found while reading one story, each at its line in the file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.gaps: list[Gap] = []
        self.failed = False  # an error was found (shown or not)
        self.hidden = 0  # problems beyond MAX_PROBLEMS, counted but not kept
        self.suggested = 0
        self.links_seen = 0

    # -- reporting

    def loc(self, line: int, column: int = 1) -> Location:
        return Location(self.file, line, column)

    def error(self, line: int, column: int, message: str) -> None:
        self.failed = True
        self.report(Problem(self.loc(line, column), message))

    def warn(self, line: int, column: int, message: str) -> None:
        self.report(Problem(self.loc(line, column), message, Severity.WARNING))

    def report(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.hidden += 1

    def suggest(self, word: str, candidates: list[str]) -> str:
        """ " (did you mean 'x'?)" for the first few unknown names only (each costs a pass over
        every name, so a story of unknown links must not cost their square)."""
        self.suggested += 1
        return suggest(word, candidates) if self.suggested <= MAX_SUGGESTIONS else ""

    def gap(self, path: KeyPath, line: int, message: str, comment: str) -> None:
        self.gaps.append(Gap(path, self.loc(line), message, comment))


class TweeParser(Reporter):
    """Passages, headers, title, StoryData and the start passage (Twee 3 notation)."""

    # -- passages

    def split(self, text: str) -> list[Passage]:
        passages: list[Passage] = []
        preamble = 0
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), 1):
            if line.startswith("::"):
                passage = self.header(line, number)
                if passage is not None:
                    passages.append(passage)
                continue
            if passages:
                passages[-1].body.append((number, _unescape_line(line)))
            elif line.strip() and not preamble:
                preamble = number
        if preamble:
            self.warn(
                preamble,
                1,
                "text before the first passage header belongs to no passage; it is not carried "
                "over",
            )
        for passage in passages:
            while passage.body and not passage.body[-1][1].strip():
                passage.body.pop()
        return passages

    def header(self, line: str, number: int) -> Passage | None:
        rest = line[2:]
        index = 0

        def read(stops: str) -> list[tuple[str, bool]]:
            nonlocal index
            chars: list[tuple[str, bool]] = []
            while index < len(rest):
                ch = rest[index]
                if ch == "\\" and index + 1 < len(rest):
                    chars.append((rest[index + 1], True))
                    index += 2
                    continue
                if ch in stops:
                    break
                chars.append((ch, False))
                index += 1
            return chars

        def strip(chars: list[tuple[str, bool]]) -> str:
            while chars and chars[0][0].isspace() and not chars[0][1]:
                chars = chars[1:]
            while chars and chars[-1][0].isspace() and not chars[-1][1]:
                chars = chars[:-1]
            return "".join(ch for ch, _ in chars)

        name = strip(read("[{"))
        if not name:
            self.error(
                number,
                1,
                "a passage header without a name; write ':: Name' (a line starting with '::' "
                "starts a passage; write '\\::' for a text line that begins with '::')",
            )
            return None
        tags: list[str] = []
        if index < len(rest) and rest[index] == "[":
            index += 1
            chars = read("]")
            if index < len(rest):
                index += 1
            else:
                self.warn(number, 3 + index, f"the tag block of passage '{name}' is not closed")
            tag: list[tuple[str, bool]] = []
            for ch, escaped in [*chars, (" ", False)]:
                if ch.isspace() and not escaped:
                    if tag:
                        tags.append("".join(c for c, _ in tag))
                    tag = []
                else:
                    tag.append((ch, escaped))
        while index < len(rest) and rest[index].isspace():
            index += 1
        if index < len(rest) and rest[index] == "{":
            try:
                _meta, end = json.JSONDecoder().raw_decode(rest, index)
                index = end
            except RecursionError:
                self.warn(
                    number,
                    3 + index,
                    f"the metadata of passage '{name}' nests too deeply to read; it is ignored (it "
                    "only holds the position in Twine's story map)",
                )
                index = len(rest)
            except json.JSONDecodeError as exc:
                self.warn(
                    number,
                    3 + exc.pos,
                    f"the metadata of passage '{name}' is not valid JSON ({exc.msg}); it is "
                    "ignored (it only holds the position in Twine's story map)",
                )
                index = len(rest)
        if rest[index:].strip():
            self.warn(
                number,
                3 + index,
                f"'{quote(rest[index:].strip())}' after the header of passage '{name}' is not "
                "part of Twee 3 and is ignored",
            )
        column = 3 + len(rest) - len(rest.lstrip())
        return Passage(name, tags, number, column)

    def special(self, passage: Passage) -> str:
        tags = set(passage.tags)
        if "script" in tags:
            return "is a script (JavaScript for the story format)"
        if "stylesheet" in tags:
            return "is a stylesheet (CSS for the story format)"
        if passage.name in SPECIAL_PASSAGES:
            return f"is the story format's special passage {passage.name}"
        for tag in sorted(tags & SPECIAL_TAGS):
            return f"has the special tag '{tag}', which the story format runs around other passages"
        return ""

    def title(self, passage: Passage | None) -> str | None:
        if passage is None:
            return None
        title = " ".join(" ".join(line for _, line in passage.body).split())
        if not title:
            self.warn(passage.line, 1, "the StoryTitle passage is empty")
            return None
        return title

    def story_data(self, passage: Passage | None) -> dict[str, Any] | None:
        """StoryData's JSON object ({} when there is none; None when it is broken)."""
        if passage is None:
            return {}
        source = "\n".join(line for _, line in passage.body)
        if not source.strip():
            self.error(
                passage.line,
                1,
                'the StoryData passage is empty; it must hold a JSON object such as {"ifid": '
                '"…", "start": "First passage"}',
            )
            return None
        try:
            data = json.loads(source)
        except RecursionError:
            self.error(
                passage.line,
                1,
                "StoryData nests brackets too deeply to read; Twine writes it as a flat JSON "
                'object such as {"ifid": "…", "start": "First passage"}',
            )
            return None
        except json.JSONDecodeError as exc:
            line = passage.body[exc.lineno - 1][0] if exc.lineno <= len(passage.body) else 0
            self.error(
                line or passage.line,
                exc.colno,
                f"StoryData is not valid JSON: {exc.msg}; fix it (Twine writes it as a JSON "
                'object such as {"ifid": "…", "start": "First passage"})',
            )
            return None
        if not isinstance(data, dict):
            self.error(passage.line, 1, "StoryData must be a JSON object ({…})")
            return None
        if "start" in data and not isinstance(data["start"], str):
            self.error(passage.line, 1, "the 'start' of StoryData must be a passage name")
            return None
        return data

    def start(
        self,
        story_data: dict[str, Any] | None,
        data_passage: Passage | None,
        names: set[str],
        skipped: set[str],
    ) -> str | None:
        line = data_passage.line if data_passage else 1
        if story_data and "start" in story_data:
            name = story_data["start"]
            if name in names:
                return name
            why = (
                "a special passage that is not carried over"
                if name in skipped
                else f"which does not exist{suggest(name, names)}"
            )
            self.error(line, 1, f"StoryData names the start passage '{name}', {why}")
            return None
        if "Start" in names:
            return "Start"
        if story_data is not None:
            self.error(
                line,
                1,
                'the story has no start: StoryData names no "start" passage and no passage is '
                'called Start; add "start": "<passage name>" to StoryData',
            )
        return None

    def ids(self, story: list[Passage]) -> dict[str, str]:
        ids: dict[str, str] = {}
        taken: dict[str, str] = {}
        for passage in story:
            base = slugify(passage.name) or "passage"
            nid, number = base, 1
            while nid in taken:
                number += 1
                nid = f"{base}-{number}"
            if nid != base:
                self.warn(
                    passage.line,
                    1,
                    f"passages '{taken[base]}' and '{passage.name}' would both become node "
                    f"'{base}'; '{passage.name}' becomes node '{nid}'",
                )
            taken[nid] = passage.name
            ids[passage.name] = nid
        return ids
