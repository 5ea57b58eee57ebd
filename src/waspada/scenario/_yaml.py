"""Reading YAML while keeping where every value came from.

PyYAML's composer gives a node tree whose nodes carry start marks; walking that tree (instead of
the plain objects ``safe_load`` returns) lets every problem name its file, line and column, and
lets us see duplicate keys, which ``safe_load`` silently merges.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..textsafety import bidi_controls, bidi_message
from .problems import Location, Problem, Severity, suggest

# The base loader resolves no implicit tags: every scalar stays a string with its style, and we
# decide what a number or an empty value is ourselves. That keeps `label: No` the word "No" and
# is several times faster than the safe loader's Python tag resolver on large courses.
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Tags a composer gives plain text, lists and mappings: the only ones a course file may spell out.
_PLAIN_TAGS = {
    yaml.ScalarEvent: "tag:yaml.org,2002:str",
    yaml.SequenceStartEvent: "tag:yaml.org,2002:seq",
    yaml.MappingStartEvent: "tag:yaml.org,2002:map",
}
MAX_DEPTH = 32
# Where a tag (!), an anchor (&) or a directive (%) could start; see _may_need_screening.
_MARKERS = re.compile(r"(?:^|[\s\[{,])[!&]|^%", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_DEPTH},}}\S", re.MULTILINE)
MAX_FILE_BYTES = 2_000_000
# Whole numbers in course files are small (variable values, bounds, pass marks); a limit keeps
# a number of thousands of digits from reaching int(), which refuses it with an exception.
MAX_DIGITS = 9


def is_plain(node: Node) -> bool:
    """An unquoted scalar (libyaml says '' for the plain style, pure-Python PyYAML says None)."""
    return isinstance(node, ScalarNode) and not node.style


def is_null(node: Node) -> bool:
    return is_plain(node) and node.value in _NULLS


def compose_text(text: str, file: str) -> tuple[Node | None, Problem | None]:
    """Parse YAML text into a located node tree, or return one syntax problem.

    The text is screened first (:func:`_screen`): tags, aliases and deep nesting are refused
    before the composer sees them, since an alias can multiply a small file into a huge tree and
    deep nesting slows libyaml down quadratically and then overflows its stack.
    """
    try:
        problem = _screen(text, file) if _may_need_screening(text) else None
        if problem:
            return None, problem
        return yaml.compose(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "unreadable YAML"
        return None, Problem(
            Location(file, line, col),
            f"YAML syntax: {what}; check the indentation and quoting on this line and the one "
            "above",
        )
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        # libyaml counts bytes of the UTF-8 text, PyYAML's pure-Python reader counts characters.
        if _Loader is not yaml.BaseLoader:
            before = text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore")
        else:
            before = text[: exc.position]
        exc.position = len(before)
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, Problem(
            Location(file, line, col),
            f"the invisible character U+{code:04X} is not allowed in YAML; delete it or retype "
            "the text around it",
        )
    except yaml.YAMLError as exc:  # pragma: no cover - every other PyYAML error is marked
        return None, Problem(Location(file), f"YAML syntax: {exc}")


def _may_need_screening(text: str) -> bool:
    """Whether ``text`` could hold a tag, an anchor, a directive or deep nesting.

    Screening walks every parser event in Python and would double the time of a large check, so
    it runs only when a cheap look finds what could be one of those: a ``!`` or ``&`` where a
    value starts, a ``%`` directive, brackets that could nest deeply (counted without regard to
    quotes, so never fewer than the real depth) or indentation of more than ``MAX_DEPTH`` levels.
    """
    if _MARKERS.search(text):
        return True
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest > MAX_DEPTH or _DEEP_INDENT.search(text) is not None


def _screen(text: str, file: str) -> Problem | None:
    """The first tag, alias or over-deep nesting in ``text``, as a problem; None if there is none.

    Course files are plain text, lists and ``key: value`` lines. A tag (``!!binary``, ``!foo``)
    would otherwise be ignored silently, and an alias (``*name``) repeats a value by reference,
    which is how a few lines grow into billions of values.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark
        where = Location(file, mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.AliasEvent):
            return Problem(
                where,
                f"'*{event.anchor}' repeats the value marked '&{event.anchor}'; anchors and "
                "aliases are not allowed in course files: write the value out in full",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != _PLAIN_TAGS.get(type(event)):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            return Problem(
                where,
                f"the YAML tag '{shown}' is not allowed in course files; remove it and write "
                "plain text, a list or 'key: value' lines",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(
                    where,
                    f"the lists and mappings here are nested more than {MAX_DEPTH} levels deep; "
                    "a course file never needs that many: check the brackets and indentation",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def compose_file(path: Path, display: str | None = None) -> tuple[Node | None, list[Problem]]:
    """Read and parse one YAML file (UTF-8, a regular file of at most ``MAX_FILE_BYTES``).

    Returns the tree (None when unusable) and the problems: at most one error, and a warning
    for each bidirectional control character, which can disguise a label or a number.
    """
    name = display or str(path)
    problem = regular_file_problem(path, name)
    if problem:
        return None, [problem]
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(Location(name), f"cannot read the file: {exc.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                Location(name),
                f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, far more than a "
                "course file needs; split it or check that it is the right file",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(Location(name), f"the file is not UTF-8 ({exc.reason}); save it as UTF-8")
        ]
    tree, problem = compose_text(text, name)
    problems = [problem] if problem else []
    problems += [
        Problem(Location(name, line, col), bidi_message(char), Severity.WARNING)
        for line, col, char in bidi_controls(text)
    ]
    if "\\u" in text or "\\U" in text:  # only an escape can hide a bidi control from the scan
        problems += _escaped_bidi(tree, text, name)
    return tree, problems


def _escaped_bidi(tree: Node | None, text: str, file: str) -> list[Problem]:
    """Bidi controls written as escapes (``"\\u202e"``), which the raw text does not show.

    A Twine import writes such characters this way, so a scan of the file's characters alone
    would pass them. Each is reported at the start of its value.
    """
    out: list[Problem] = []
    lines = text.splitlines()
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            # Lines, not character offsets: libyaml's offsets count bytes on some builds.
            raw = "\n".join(lines[node.start_mark.line : node.end_mark.line + 1])
            for _line, _col, char in bidi_controls(node.value):
                if char not in raw:
                    out.append(
                        Problem(Reader(file).loc(node), bidi_message(char), Severity.WARNING)
                    )
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(value for pair in node.value for value in pair)
    return out


def regular_file_problem(path: Path, display: str) -> Problem | None:
    """Why ``path`` must not be read as a course file (a FIFO, a device, a folder), or None.

    Opening a FIFO blocks until something writes to it, and a device can be endless, so only
    regular files are read; a symbolic link counts as what it points to.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return Problem(
            Location(display), "the file does not exist (or is a link to nothing); restore it"
        )
    except OSError as exc:
        return Problem(Location(display), f"cannot read the file: {exc.strerror}")
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a pipe, device or socket"
        return Problem(
            Location(display),
            f"this is {what}, not a file; a course file must be a plain text file",
        )
    return None


def read_entries(
    path: Path, display: str, what: str, key: str
) -> tuple[Reader, dict[str, tuple[ScalarNode, Node]]]:
    """Read a file whose top level is one ``key:`` holding named entries (help.yml's
    ``services:``, profiles.yml's ``profiles:``). Problems so far are in the Reader's list."""
    r = Reader(display)
    tree, problems = compose_file(path, display)
    r.problems += problems
    if any(p.is_error for p in problems):
        return r, {}
    if tree is None:
        r.problems.append(Problem(Location(display, 1, 1), f"{what} is empty; add '{key}:'"))
        return r, {}
    top = r.mapping(tree, what, allowed=(key,), required=(key,))
    entries = r.mapping(top[key][1], key) if top and key in top else None
    return r, entries or {}


class Reader:
    """Walks a located node tree, turning it into plain values and collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def loc(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.loc(node), message))

    def warn(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.loc(node), message, Severity.WARNING))

    def mapping(
        self,
        node: Node,
        what: str,
        *,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """Return ``{key: (key_node, value_node)}``; report type, duplicate, unknown and missing
        keys."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of 'key: value' lines, not {kind(node)}")
            return None
        out: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, f"a key in {what} must be a plain word")
                continue
            key = key_node.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(
                    key_node,
                    f"'{key}' appears twice in {what} (first on line {first}); "
                    "remove or rename one",
                )
                continue
            if allowed is not None and key not in allowed:
                self.error(
                    key_node,
                    f"unknown key '{excerpt(key)}' in {what}{suggest(key, allowed)}; "
                    f"allowed keys: {', '.join(allowed)}",
                )
                continue
            out[key] = (key_node, value_node)
        for key in required:
            if key not in out:
                self.error(node, f"{what} has no '{key}'; add '{key}:'")
        return out

    def text(self, node: Node, what: str) -> str | None:
        """A human text: any scalar (so ``label: No`` stays the word "No"), never empty."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, not {kind(node)}")
            return None
        value = node.value.strip()
        if not value or is_null(node):
            self.error(node, f"{what} is empty; write the text or remove the key")
            return None
        return value

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not SLUG.match(value):
            self.error(
                node,
                f"{what} '{value}' is not a valid id; use lower-case letters, digits "
                "and single hyphens, such as 'bus-stop'",
            )
            return None
        return value

    def integer(self, node: Node, what: str) -> int | None:
        if is_plain(node) and _INT.match(node.value):
            digits = node.value.lstrip("+-").replace("_", "")
            if len(digits) <= MAX_DIGITS:
                return int(node.value.replace("_", ""))
            self.error(
                node,
                f"{what} has {len(digits)} digits; use a whole number of at most {MAX_DIGITS} "
                "digits",
            )
            return None
        shown = excerpt(node.value) if isinstance(node, ScalarNode) else kind(node)
        self.error(node, f"{what} must be a whole number such as 3, not '{shown}'")
        return None

    def sequence(self, node: Node, what: str, *, allow_scalar: bool = False) -> list[Node] | None:
        """A list; with ``allow_scalar`` a single value stands for a list of one."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if allow_scalar and isinstance(node, ScalarNode) and not is_null(node):
            return [node]
        self.error(
            node, f"{what} must be a list (lines starting with '- ' or [a, b]), not {kind(node)}"
        )
        return None


def kind(node: Node) -> str:
    """Name a node's type the way an author would."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    if "\n" in node.value.strip() or len(node.value) > 40 or " " in node.value.strip():
        return "a text"  # quote a word, never a passage (or a file that is not YAML at all)
    return f"'{node.value}'"


def excerpt(value: str, limit: int = 40) -> str:
    """The start of a value for a message: one line, at most ``limit`` characters.

    A message may quote what an author wrote, but never a whole file: a scenario path that
    points at some other file must not print that file's contents.
    """
    line = value.strip().split("\n", 1)[0]
    return line if len(line) <= limit and "\n" not in value.strip() else line[: limit - 1] + "…"
