"""Import: a Twee 3 story read into scenario data, with every problem and gap located.

Stories exported by :mod:`.write` come back exactly (their blocks carry what Twine cannot show);
stories written in Twine become nodes and choices, and what cannot be carried over is reported
with its line and passage name (see the package docstring).
"""

from __future__ import annotations

import bisect
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, ScalarNode
from yaml.nodes import Node as YamlNode

from ...scenario._yaml import SLUG, compose_text
from ...scenario.model import AUDIENCES, CHARACTERS, ENDING_KINDS, MODI
from ...scenario.problems import Location, Problem, Severity, sort_problems, suggest
from .block import (
    BLOCK_CLOSE,
    BLOCK_OPEN,
    CHOICE_BLOCK_KEYS,
    ENDING_BLOCK_KEYS,
    ENDING_TAG,
    MAX_BLOCK_DEPTH,
    META_PASSAGE,
    NODE_BLOCK_KEYS,
    SCENARIO_BLOCK_KEYS,
    SPECIAL_PASSAGES,
    SPECIAL_TAGS,
    KeyPath,
    _display_text,
    _plain,
    _safe_label,
    _unescape_line,
    block_hazard,
    emit_yaml,
    flow_depth,
    slugify,
)

# Every pattern here runs on a stranger's lines, so none may take quadratic time: a lazy ".*?"
# that finds no end scans to the end of the line from each start, so those stop at the next start.
_QUOTED = r"""("[^"\\\n]*"|'[^'\\\n]*')"""
_HARLOWE_LINK = re.compile(rf"\(link-?goto:\s*{_QUOTED}\s*(?:,\s*{_QUOTED}\s*)?\)", re.I)
_SUGARCUBE_LINK = re.compile(
    rf"<<(?:link|button)\s+{_QUOTED}\s+{_QUOTED}\s*>>(?:\s*<</(?:link|button)>>)?"
)
_CODE = re.compile(
    r"\((?:[a-z][a-z0-9-]*):"  # Harlowe macro
    r"|<<(?:(?!<<).)*?>>"  # SugarCube macro
    r"|<%.*?%>|<%.*"  # Snowman template
    r"|<script\b[^>]*>?"  # HTML script
    r"|\[img\[(?:(?!\[img\[).)*?\]\]"  # SugarCube image link
    r"|\{[a-z][^{}\n]*\}"  # Chapbook insert
)
_NAVIGATION = re.compile(
    r"\((?:go-?to|link-?goto|click-goto|link-reveal-goto|link-undo|undo|redirect|display|"
    r"link-show|link-rerun|click-replace|link-replace)\s*:"
    r"|<<\s*/?\s*(?:goto|link|button|include|display|actions|choice|back|return|click|linkreplace)"
    r"\b|\{\s*(?:link to|back link|restart link|embed passage|reveal link|cycling link)\b"
    r"|\[img\[[^\]]*\]\[",
    re.I,
)
_VARIABLE = re.compile(r"(?<![\w$])\$[A-Za-z_][\w]*")
_URL = re.compile(r"^[A-Za-z][\w+.-]*://")
_COMPUTED = re.compile(r"^\s*[$_][A-Za-z]|[()`]|^\s*[\"']")
_LINK_LINE = re.compile(r"[\s|•·*,-]*")
_CHAPBOOK_VAR = re.compile(r"^\s*[A-Za-z_][\w.]*\s*(?:\([^)]*\))?\s*:")


@dataclass
class _Passage:
    name: str
    tags: list[str]
    line: int
    column: int  # where the name starts
    body: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Value:
    """A value from a waspada block: plain data, its line in the Twee file, and its YAML node."""

    value: Any
    line: int
    node: YamlNode
    first: int  # the Twee line of the block's first line (YAML marks count from there)


@dataclass(frozen=True)
class Gap:
    """A value the scenario needs that the Twine story did not give."""

    path: KeyPath  # where in the scenario data (and so in the written YAML)
    where: Location  # the passage (or file) in the Twee source it comes from
    message: str
    comment: str  # written on the YAML line as "# comment"


@dataclass
class TweeImport:
    """What :func:`read_twee` found: the scenario as plain data, problems, and gaps to fill."""

    file: str
    data: dict[str, Any] | None
    problems: list[Problem]
    gaps: list[Gap]

    def yaml(self, output: str) -> tuple[str, list[Problem]]:
        """The scenario YAML and one warning per gap, located at the line to edit in ``output``."""
        if self.data is None:
            raise ValueError("the Twee file has errors; there is no scenario to write")
        text, where = emit_yaml(
            self.data,
            comments={gap.path: gap.comment for gap in self.gaps},
            header=(
                f"Imported from {self.file} by 'waspada import twee'.",
                "Check it with 'waspada check' and see scenarios/README.md for every field.",
            ),
        )
        problems = []
        for gap in self.gaps:
            line, column = where.get(gap.path, (0, 0))
            problems.append(
                Problem(
                    Location(output, line, column),
                    f"{gap.message} (from {gap.where})",
                    Severity.WARNING,
                )
            )
        return text, problems


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


def read_twee(text: str, file: str) -> TweeImport:
    """Read a Twee 3 story. ``data`` is None when there is any error."""
    return _Importer(file).run(text)


def parse_twee(text: str, file: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The scenario as plain data (the shape of a scenario YAML file) and every problem found.

    The data is None if there is any error. Gaps (values to fill in) are warnings at their place
    in the Twee file.
    """
    result = read_twee(text, file)
    problems = result.problems + [
        Problem(gap.where, gap.message, Severity.WARNING) for gap in result.gaps
    ]
    return result.data, sort_problems(problems)


def import_twee(text: str, file: str, output: str) -> tuple[str | None, list[Problem]]:
    """Scenario YAML text for ``output`` (None on errors) and the problems, sorted.

    Problems about the story point into ``file``; warnings about values to fill in point to
    their line in ``output``.
    """
    result = read_twee(text, file)
    if result.data is None:
        return None, sort_problems(result.problems)
    yaml_text, gaps = result.yaml(output)
    return yaml_text, sort_problems(result.problems) + sort_problems(gaps)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Importer:
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

    # -- the whole story

    def run(self, text: str) -> TweeImport:
        if len(text) > MAX_BYTES:
            self.error(
                1,
                1,
                f"the story is larger than {MAX_BYTES // (1024 * 1024)} MB, the limit for a Twee "
                "file; a course scenario is some kilobytes: split the story",
            )
            return self.result(None)
        lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
        if lines > MAX_LINES:
            self.error(
                MAX_LINES + 1,
                1,
                f"the story has {lines:,} lines, more than {MAX_LINES:,}, the limit for a Twee "
                "file; split the story",
            )
            return self.result(None)
        passages = self.split(text)
        if len(passages) > MAX_PASSAGES:
            self.error(
                passages[MAX_PASSAGES].line,
                1,
                f"the story has {len(passages):,} passages, more than {MAX_PASSAGES:,}, the limit "
                "for a Twee file; split the story",
            )
            return self.result(None)
        if not passages:
            self.error(
                1,
                1,
                "no passages found: a Twee file is made of passages, each starting with a line "
                "':: Name'",
            )
            return self.result(None)
        by_name: dict[str, _Passage] = {}
        for passage in passages:
            first = by_name.get(passage.name)
            if first is not None:
                self.error(
                    passage.line,
                    passage.column,
                    f"the passage name '{passage.name}' is used twice (first on line "
                    f"{first.line}); rename one, since links find passages by name",
                )
                continue
            by_name[passage.name] = passage

        story: list[_Passage] = []
        skipped: set[str] = set()
        for passage in by_name.values():
            if passage.name in ("StoryTitle", "StoryData", META_PASSAGE):
                continue
            reason = self.special(passage)
            if reason:
                self.warn(
                    passage.line,
                    1,
                    f"passage '{passage.name}' {reason}; it is not carried over, since a "
                    "scenario has no story-format code",
                )
                skipped.add(passage.name)
            else:
                story.append(passage)

        title = self.title(by_name.get("StoryTitle"))
        story_data = self.story_data(by_name.get("StoryData"))
        meta = self.meta(by_name.get(META_PASSAGE))
        names = {p.name for p in story}
        start = self.start(story_data, by_name.get("StoryData"), names, skipped)
        if not story:
            self.error(1, 1, "the story has no passages that can become nodes")
        ids = self.ids(story)
        nodes = {ids[p.name]: self.node(p, ids, skipped) for p in story}
        if self.failed or start is None:
            return self.result(None)

        data: dict[str, Any] = {}
        data["id"] = meta.get("id") or slugify(title or "") or slugify(self.stem()) or "story"
        if title is None:
            title = self.stem().replace("-", " ").replace("_", " ").strip() or "Untitled story"
            self.gap(
                ("title",),
                1,
                "the story has no StoryTitle passage, so the title is taken from the file name; "
                "write the real title",
                "taken from the file name",
            )
        data["title"] = title
        if meta.get("summary"):
            data["summary"] = meta["summary"]
        for key, vocabulary, what in (
            ("audiences", AUDIENCES, "audiences"),
            ("modi", MODI, "recruitment methods"),
            ("characters", CHARACTERS, "characters (who the story is about)"),
        ):
            data[key] = meta.get(key) or []
            if not data[key]:
                line = by_name[META_PASSAGE].line if META_PASSAGE in by_name else 1
                self.gap(
                    (key,),
                    line,
                    f"a Twine story names no {what}; list one or more under '{key}:'",
                    "one or more of: " + ", ".join(vocabulary)
                    if len(vocabulary) <= len(CHARACTERS)
                    else "one or more from the list in scenarios/README.md",
                )
        data["start"] = ids[start]
        if meta.get("variables"):
            data["variables"] = meta["variables"]
        data["nodes"] = nodes
        return self.result(data)

    def result(self, data: dict[str, Any] | None) -> TweeImport:
        gaps = self.gaps if data is not None else []  # no file is written, so nothing to fill in
        problems = sort_problems(self.problems)
        if self.hidden:
            problems.append(
                Problem(
                    Location(self.file),
                    f"{self.hidden:,} more problems are not shown; fix those above first",
                    Severity.ERROR if self.failed else Severity.WARNING,
                )
            )
        return TweeImport(self.file, data, problems, gaps)

    def stem(self) -> str:
        name = re.split(r"[\\/]", self.file)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    # -- passages

    def split(self, text: str) -> list[_Passage]:
        passages: list[_Passage] = []
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

    def header(self, line: str, number: int) -> _Passage | None:
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
                f"'{_quote(rest[index:].strip())}' after the header of passage '{name}' is not "
                "part of Twee 3 and is ignored",
            )
        column = 3 + len(rest) - len(rest.lstrip())
        return _Passage(name, tags, number, column)

    def special(self, passage: _Passage) -> str:
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

    def title(self, passage: _Passage | None) -> str | None:
        if passage is None:
            return None
        title = " ".join(" ".join(line for _, line in passage.body).split())
        if not title:
            self.warn(passage.line, 1, "the StoryTitle passage is empty")
            return None
        return title

    def story_data(self, passage: _Passage | None) -> dict[str, Any] | None:
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
        data_passage: _Passage | None,
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

    def ids(self, story: list[_Passage]) -> dict[str, str]:
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

    # -- waspada blocks

    def take_block(
        self, passage: _Passage
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str]], int]:
        """Split a passage body into (other lines, block lines, line of the block opener)."""
        rest: list[tuple[int, str]] = []
        block: list[tuple[int, str]] = []
        opened = 0
        inside = False
        for number, line in passage.body:
            if inside:
                if line.rstrip() == BLOCK_CLOSE:
                    inside = False
                else:
                    block.append((number, line))
            elif line.rstrip() == BLOCK_OPEN:
                if opened:
                    self.error(
                        number,
                        1,
                        f"passage '{passage.name}' has a second '{BLOCK_OPEN}' block (the first "
                        f"is on line {opened}); merge them into one",
                    )
                    continue
                opened = number
                inside = True
            else:
                rest.append((number, line))
        if inside:
            self.error(
                opened,
                1,
                f"the '{BLOCK_OPEN}' block of passage '{passage.name}' is not closed; end it with "
                f"a line '{BLOCK_CLOSE}'",
            )
        return rest, block, opened

    def read_block(
        self, passage: _Passage, lines: list[tuple[int, str]], opened: int, allowed: tuple[str, ...]
    ) -> dict[str, _Value]:
        """The block's top-level keys as plain values with their lines; unknown keys reported."""
        if not lines:
            return {}
        first = lines[0][0]
        source = "\n".join(line for _, line in lines)
        depth, offset = flow_depth(source)
        if depth > MAX_BLOCK_DEPTH:
            before = source[:offset]
            self.error(
                first + before.count("\n"),
                offset - (before.rfind("\n") + 1) + 1,
                f"passage '{passage.name}': the waspada block nests brackets more than "
                f"{MAX_BLOCK_DEPTH} levels deep; a waspada block needs at most 5",
            )
            return {}
        tree, problem = compose_text(source, self.file)
        if problem is not None:
            line = first + problem.location.line - 1 if problem.location.line else opened
            line = min(line, lines[-1][0])  # PyYAML may point past the end of the block
            self.error(
                line, problem.location.column, f"passage '{passage.name}': {problem.message}"
            )
            return {}
        if tree is None:
            return {}
        hazard = block_hazard(tree)
        if hazard is not None:
            node, why = hazard
            self.error(
                first + node.start_mark.line,
                node.start_mark.column + 1,
                f"the waspada block of passage '{passage.name}' {why}",
            )
            return {}
        if not isinstance(tree, MappingNode):
            self.error(
                opened,
                1,
                f"the waspada block of passage '{passage.name}' must hold 'key: value' lines",
            )
            return {}
        out: dict[str, _Value] = {}
        for key_node, value_node in tree.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else "?"
            line = first + key_node.start_mark.line
            if key not in allowed:
                self.warn(
                    line,
                    key_node.start_mark.column + 1,
                    f"passage '{passage.name}': unknown key '{key}' in the waspada block"
                    f"{suggest(key, allowed)}; it is not carried over (allowed: "
                    f"{', '.join(allowed)})",
                )
                continue
            if key in out:
                self.warn(
                    line,
                    1,
                    f"passage '{passage.name}': '{key}' appears twice in the waspada block; the "
                    "second is used",
                )
            out[key] = _Value(_plain(value_node), line, value_node, first)
        return out

    def meta(self, passage: _Passage | None) -> dict[str, Any]:
        if passage is None:
            return {}
        rest, block, opened = self.take_block(passage)
        for number, line in rest:
            if line.strip():
                self.warn(
                    number,
                    1,
                    f"text outside the waspada block of {META_PASSAGE} is not carried over",
                )
                break
        found = self.read_block(passage, block, opened, SCENARIO_BLOCK_KEYS)
        if "id" in found and not _valid_id(found["id"].value):
            # The id names the file the scenario is written to: "../help" must never get there.
            start = found["id"].node.start_mark
            self.error(
                found["id"].first + start.line,
                start.column + 1,
                f"passage '{passage.name}': the scenario id '{_shown_value(found['id'].value)}' "
                "is not a valid id; use lower-case letters, digits and single hyphens, such as "
                "'bus-stop' (the id names the scenario file)",
            )
            del found["id"]
        return {key: entry.value for key, entry in found.items()}

    # -- one node

    def node(self, passage: _Passage, ids: dict[str, str], skipped: set[str]) -> dict[str, Any]:
        nid = ids[passage.name]
        rest, block_lines, opened = self.take_block(passage)
        block = self.read_block(passage, block_lines, opened, NODE_BLOCK_KEYS)
        text, links, navigates = self.scan(passage, rest, ids, skipped)

        kind = None
        for tag in passage.tags:
            if tag.startswith(ENDING_TAG) and tag[len(ENDING_TAG) :] in ENDING_KINDS:
                kind = tag[len(ENDING_TAG) :]
            else:
                hint = (
                    f"; use one of: {', '.join(ENDING_TAG + k for k in ENDING_KINDS)}"
                    if tag.startswith(ENDING_TAG)
                    else " (a scenario node has no tags)"
                )
                self.warn(
                    passage.line,
                    1,
                    f"passage '{passage.name}': the tag '{tag}' is not carried over{hint}",
                )

        node: dict[str, Any] = {}
        if "text" in block:
            if isinstance(block["text"].value, str) and text != _display_text(block["text"].value):
                self.warn(
                    block["text"].line,
                    1,
                    f"passage '{passage.name}': the passage text differs from the exact copy in "
                    "its waspada block ('text:'), which is used; make the change there",
                )
            text = block["text"].value
        node["text"] = text
        if not text:
            self.gap(
                ("nodes", nid, "text"),
                passage.line,
                f"passage '{passage.name}' has no text besides its links; write the node's text",
                "write the text",
            )
        for key in ("notes", "prompt"):
            if key in block and block[key].value:
                node[key] = block[key].value

        entries = self.choice_entries(passage, block.get("choices"))
        ending = block.get("ending")
        if links:
            if kind or ending:
                why = f"the tag '{ENDING_TAG}{kind}'" if kind else "an 'ending:' in its block"
                self.error(
                    passage.line,
                    1,
                    f"passage '{passage.name}' has links and is also an ending ({why}); a node "
                    "has choices or an ending, never both: remove the links or the ending",
                )
            node["choices"] = self.choices(passage, links, entries)
        else:
            for entry, line in entries:
                self.warn(
                    line,
                    1,
                    f"passage '{passage.name}' has no links, so the data for a choice to "
                    f"'{entry.get('target', '?')}' in its waspada block is not carried over",
                )
            if navigates:
                node["choices"] = []
                self.gap(
                    ("nodes", nid, "choices"),
                    passage.line,
                    f"passage '{passage.name}' moves on only through story-format code; write "
                    "its choices (label and target) by hand",
                    "add the choices",
                )
            else:
                node["ending"] = self.ending(passage, nid, kind, ending)
        return node

    def scan(
        self,
        passage: _Passage,
        lines: list[tuple[int, str]],
        ids: dict[str, str],
        skipped: set[str],
    ) -> tuple[str, list[dict[str, Any]], bool]:
        """The node text, the links in order, and whether code moves the reader on."""
        name = passage.name
        kept: list[str] = []
        links: list[dict[str, Any]] = []
        navigates = False
        dropped = False
        self.chapbook_vars(passage, lines)
        for number, line in lines:
            if len(line) > MAX_LINE_CHARS:
                self.error(
                    number,
                    MAX_LINE_CHARS + 1,
                    f"passage '{name}': this line has {len(line):,} characters, more than "
                    f"{MAX_LINE_CHARS:,}, the limit for a line of text; break it into paragraphs",
                )
                continue
            spans: list[tuple[int, int, str, bool]] = []  # start, end, label, became a choice
            for start, end, content in _links(line):
                column = start + 1
                if "][" in content:
                    content, setter = content.split("][", 1)
                    self.warn(
                        number,
                        column,
                        f"passage '{name}': the setter '[{_quote(setter)}]' of this link is "
                        "ignored; a scenario changes variables through a choice's 'effects:'",
                    )
                label, target = _link_parts(content)
                kind = self.link(passage, links, label, target, number, column, ids, skipped)
                spans.append((start, end, label.strip() or target.strip(), kind == "choice"))
                navigates |= kind == "computed"
            link_spans = [(s, e) for s, e, *_ in spans]
            for pattern in (_HARLOWE_LINK, _SUGARCUBE_LINK):
                for match in pattern.finditer(line):
                    if _overlaps(link_spans, match.start(), match.end()):
                        continue
                    first, second = match.group(1)[1:-1], (match.group(2) or "")[1:-1]
                    label, target = (first, second) if match.group(2) else (first, first)
                    column = match.start() + 1
                    self.warn(
                        number,
                        column,
                        f"passage '{name}': the macro '{_quote(match.group(0))}' is imported as "
                        f"a choice '{label}' leading to '{target}'; check it",
                    )
                    kind = self.link(passage, links, label, target, number, column, ids, skipped)
                    spans.append((match.start(), match.end(), label, kind == "choice"))
                    navigates |= kind == "computed"
            spans.sort()
            pieces, last = [], 0
            for start, end, *_ in spans:
                pieces += [line[last:start], " " * (end - start)]
                last = end
            masked = "".join([*pieces, line[last:]])
            navigates |= self.code(passage, number, masked)
            # A line of nothing but links that became choices is the choice list: drop it.
            if spans and all(span[3] for span in spans) and _LINK_LINE.fullmatch(masked):
                dropped = True
                continue
            out, last = [], 0
            for start, end, label, _ in spans:
                out.append(line[last:start] + label)
                last = end
            out.append(line[last:])
            line = "".join(out)
            if not line.strip() and dropped and (not kept or not kept[-1].strip()):
                continue
            dropped = dropped and not line.strip()
            kept.append(line)
        return "\n".join(kept).strip(), links, navigates

    def link(
        self,
        passage: _Passage,
        links: list[dict[str, Any]],
        label: str,
        target: str,
        number: int,
        column: int,
        ids: dict[str, str],
        skipped: set[str],
    ) -> str:
        """Record one link as a choice if it can be one.

        Returns "choice", "computed" (code decides the target) or "text" (only the label stays).
        """
        name = passage.name
        self.links_seen += 1
        if self.links_seen == MAX_LINKS + 1:
            self.error(
                number,
                column,
                f"passage '{name}': this is link number {MAX_LINKS + 1:,} of the story, more than "
                f"{MAX_LINKS:,}, the limit for a Twee file; a course scenario has tens of choices",
            )
        if self.links_seen > MAX_LINKS:
            return "text"
        found = target if target in ids else target.strip() if target.strip() in ids else None
        label = label.strip() or (found or target.strip())
        if found is not None:
            links.append({"label": label, "target": ids[found], "line": number})
            return "choice"
        if target.strip() in skipped or target.strip() in ("StoryTitle", "StoryData"):
            self.warn(
                number,
                column,
                f"passage '{name}': the link to the special passage '{target.strip()}' is not "
                "carried over; only its label stays in the text",
            )
        elif _URL.match(target.strip()):
            self.warn(
                number,
                column,
                f"passage '{name}': the link to the web page '{_quote(target.strip())}' is not a "
                "choice; only its label stays in the text",
            )
        elif not target.strip():
            self.warn(number, column, f"passage '{name}': an empty link '[[]]' is ignored")
        elif _COMPUTED.search(target):
            self.warn(
                number,
                column,
                f"passage '{name}': the link target '{_quote(target.strip())}' is computed by "
                "story-format code, so it cannot become a choice; add the choice by hand",
            )
            return "computed"
        else:
            slug = slugify(target) or "missing"
            self.warn(
                number,
                column,
                f"passage '{name}': the link goes to '{target.strip()}', which is not a passage "
                f"in the story{self.suggest(target.strip(), list(ids))}; the choice still points "
                f"to '{slug}': add that node or change the target",
            )
            links.append({"label": label, "target": slug, "line": number})
            return "choice"
        return "text"

    def code(self, passage: _Passage, number: int, line: str) -> bool:
        """Report story-format code on a line; True if some of it moves the reader on."""
        navigates = False
        spans: list[tuple[int, int]] = []
        for match in _CODE.finditer(line):
            start, end = match.start(), match.end()
            if spans and start < spans[-1][1]:  # inside the code before (spans come in order)
                continue
            if line[start] == "(":
                depth = 0
                for index in range(start, len(line)):
                    depth += {"(": 1, ")": -1}.get(line[index], 0)
                    if depth == 0:
                        end = index + 1
                        break
                else:
                    end = len(line)
            spans.append((start, end))
            snippet = line[start:end]
            if _NAVIGATION.match(snippet):
                navigates = True
                self.warn(
                    number,
                    start + 1,
                    f"passage '{passage.name}': '{_quote(snippet)}' chooses where to go by "
                    "story-format code, which cannot become a choice; add the choice by hand",
                )
            else:
                self.warn(
                    number,
                    start + 1,
                    f"passage '{passage.name}': the story-format code '{_quote(snippet)}' cannot "
                    "be carried over; it stays in the text as written: remove it, or use the "
                    "scenario's variables, effects and conditions",
                )
        for match in _VARIABLE.finditer(line):
            if not _overlaps(spans, match.start(), match.start() + 1):
                self.warn(
                    number,
                    match.start() + 1,
                    f"passage '{passage.name}': the story-format variable '{match.group(0)}' "
                    "cannot be carried over; it stays in the text as written",
                )
        return navigates

    def chapbook_vars(self, passage: _Passage, lines: list[tuple[int, str]]) -> None:
        for index, (number, line) in enumerate(lines):
            if line.strip() == "--":
                before = [text for _, text in lines[:index] if text.strip()]
                if before and all(_CHAPBOOK_VAR.match(text) for text in before):
                    self.warn(
                        lines[0][0],
                        1,
                        f"passage '{passage.name}' starts with a Chapbook vars section (up to "
                        f"line {number}), which sets story-format variables; it cannot be "
                        "carried over and stays in the text as written",
                    )
                return

    def choice_entries(
        self, passage: _Passage, found: _Value | None
    ) -> list[tuple[dict[str, Any], int]]:
        if found is None:
            return []
        items = found.value
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.error(
                found.line,
                1,
                f"passage '{passage.name}': 'choices' in the waspada block must be a list of "
                "'- target: …' entries",
            )
            return []
        entries = []
        for item, item_node in zip(items, found.node.value, strict=True):
            entry_line = found.first + item_node.start_mark.line
            for key in list(item):
                if key not in CHOICE_BLOCK_KEYS:
                    self.warn(
                        entry_line,
                        1,
                        f"passage '{passage.name}': unknown key '{key}' in a choice of the "
                        f"waspada block{suggest(key, CHOICE_BLOCK_KEYS)}; it is not carried over",
                    )
                    del item[key]
            if not item.get("target"):
                self.warn(
                    entry_line,
                    1,
                    f"passage '{passage.name}': a choice in the waspada block has no 'target', "
                    "so it matches no link and is not carried over",
                )
                continue
            entries.append((item, entry_line))
        return entries

    def choices(
        self,
        passage: _Passage,
        links: list[dict[str, Any]],
        entries: list[tuple[dict[str, Any], int]],
    ) -> list[dict[str, Any]]:
        used = [False] * len(entries)
        # The block's entries by target, in order: each link takes the first unused one.
        waiting: dict[str, deque[int]] = {}
        for index, (entry, _line) in enumerate(entries):
            waiting.setdefault(slugify(str(entry["target"])), deque()).append(index)
        out: list[dict[str, Any]] = []
        for link in links:
            choice: dict[str, Any] = {"label": link["label"], "target": link["target"]}
            if waiting.get(link["target"]):
                index = waiting[link["target"]].popleft()
                entry = entries[index][0]
                used[index] = True
                for key in ("id", "label", "feedback", "effects", "condition"):
                    if key in entry:
                        choice[key] = entry[key]
                label = entry.get("label")
                if isinstance(label, str) and _safe_label(label) != link["label"]:
                    self.warn(
                        link["line"],
                        1,
                        f"passage '{passage.name}': the link label '{_quote(link['label'])}' "
                        "differs from the exact label in the waspada block, which is used; "
                        "make the change there",
                    )
            out.append(choice)
        for index, (entry, line) in enumerate(entries):
            if not used[index]:
                self.warn(
                    line,
                    1,
                    f"passage '{passage.name}': the waspada block has data for a choice to "
                    f"'{_shown_value(entry['target'])}', but the passage has no (more) links to "
                    "it; the data is not carried over",
                )
        # Ids from the block may be anything a stranger wrote; only texts can be taken.
        taken = {c["id"] for c in out if isinstance(c.get("id"), str)}
        last: dict[str, int] = {}  # the number each target's ids have reached, so this is linear
        for choice in out:
            if choice.get("id"):
                continue
            number = last.get(choice["target"], 1)
            cid = choice["target"] if number == 1 else f"{choice['target']}-{number}"
            while cid in taken:
                number += 1
                cid = f"{choice['target']}-{number}"
            last[choice["target"]] = number
            taken.add(cid)
            if cid != choice["target"]:
                choice["id"] = cid
        order = ("id", "label", "target", "feedback", "effects", "condition")
        return [{key: c[key] for key in order if key in c} for c in out]

    def ending(
        self, passage: _Passage, nid: str, kind: str | None, found: _Value | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        line = found.line if found else passage.line
        if found is not None:
            if isinstance(found.value, dict):
                data = found.value
            else:
                self.error(
                    found.line,
                    1,
                    f"passage '{passage.name}': 'ending' in the waspada block must hold "
                    "'key: value' lines (title, debrief, messages, help)",
                )
        for key in list(data):
            if key not in ENDING_BLOCK_KEYS:
                self.warn(
                    line,
                    1,
                    f"passage '{passage.name}': unknown key '{key}' in the ending of the "
                    f"waspada block{suggest(key, ENDING_BLOCK_KEYS)}; it is not carried over",
                )
        path = ("nodes", nid, "ending")
        out: dict[str, Any] = {}
        block_kind = data.get("kind")
        if kind and block_kind and block_kind != kind:
            self.warn(
                passage.line,
                1,
                f"passage '{passage.name}' is tagged '{ENDING_TAG}{kind}' but its block says "
                f"kind '{block_kind}'; the tag is used",
            )
        if block_kind and block_kind not in ENDING_KINDS:
            self.warn(
                line,
                1,
                f"passage '{passage.name}': unknown ending kind '{block_kind}'"
                f"{suggest(str(block_kind), ENDING_KINDS)}; use one of: {', '.join(ENDING_KINDS)}",
            )
            block_kind = None
        kind = kind or block_kind
        if kind is None:
            kind = "mixed"
            self.gap(
                (*path, "kind"),
                passage.line,
                f"passage '{passage.name}' has no links, so it becomes an ending; its kind is "
                "set to 'mixed': set safe, harmed or mixed",
                "set the kind: safe, harmed or mixed",
            )
        out["kind"] = kind
        if data.get("title"):
            out["title"] = data["title"]
        out["debrief"] = data.get("debrief") or ""
        if not out["debrief"]:
            self.gap(
                (*path, "debrief"),
                passage.line,
                f"the ending '{passage.name}' has no debrief; write what the group should take "
                "from it",
                "write the debrief",
            )
        if data.get("messages"):
            out["messages"] = data["messages"]
        out["help"] = data.get("help") or []
        if not out["help"]:
            self.gap(
                (*path, "help"),
                passage.line,
                f"the ending '{passage.name}' points to no help; name one or more services "
                "from help.yml, such as sapa-129",
                "services from help.yml",
            )
        return out


def _link_parts(content: str) -> tuple[str, str]:
    """(label, target) of a link's inside, read as Twine does: the rightmost '->', else the
    leftmost '<-', else the rightmost '|', else the whole text is both."""
    if "->" in content:
        index = content.rfind("->")
        return content[:index], content[index + 2 :]
    if "<-" in content:
        index = content.find("<-")
        return content[index + 2 :], content[:index]
    if "|" in content:
        index = content.rfind("|")
        return content[:index], content[index + 1 :]
    return content, content


def _valid_id(value: Any) -> bool:
    """Whether a value is a scenario id by the loader's own rule (a slug)."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def _shown_value(value: Any, limit: int = 60) -> str:
    """A value from a stranger's file, safe to print on one line: control characters escaped."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _links(line: str) -> Iterator[tuple[int, int, str]]:
    """Each ``[[…]]`` of a line as (start, end, inside), read as the regex ``\\[\\[(.*?)\\]\\]``
    would, in linear time: once no ``]]`` follows a ``[[``, none follows any later one."""
    position = 0
    while (start := line.find("[[", position)) >= 0:
        close = line.find("]]", start + 2)
        if close < 0:
            return
        yield start, close + 2, line[start + 2 : close]
        position = close + 2


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, not overlapping each other)."""
    index = bisect.bisect_right(spans, (start, float("inf")))
    before = spans[index - 1] if index else None
    after = spans[index] if index < len(spans) else None
    return bool((before and before[1] > start) or (after and after[0] < end))
