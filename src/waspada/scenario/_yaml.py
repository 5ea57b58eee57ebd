"""Reading YAML while keeping where every value came from.

PyYAML's composer gives a node tree whose nodes carry start marks; walking that tree (instead of
the plain objects ``safe_load`` returns) lets every problem name its file, line and column, and
lets us see duplicate keys, which ``safe_load`` silently merges.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Location, Problem, Severity, suggest

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"


def compose_text(text: str, file: str) -> tuple[Node | None, Problem | None]:
    """Parse YAML text into a located node tree, or return one syntax problem."""
    try:
        return yaml.compose(text, Loader=_Loader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or exc.context or "unreadable YAML"
        return None, Problem(
            Location(file, line, col),
            f"YAML syntax: {what}; check the indentation and quoting on this line and the one above",
        )
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, Problem(
            Location(file, line, col),
            f"the invisible character U+{code:04X} is not allowed in YAML; delete it or retype "
            "the text around it")
    except yaml.YAMLError as exc:  # pragma: no cover - every other PyYAML error is marked
        return None, Problem(Location(file), f"YAML syntax: {exc}")


def compose_file(path: Path, display: str | None = None) -> tuple[Node | None, Problem | None]:
    """Read and parse one YAML file (UTF-8)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, Problem(
            Location(name), f"the file is not UTF-8 ({exc.reason}); save it as UTF-8"
        )
    except OSError as exc:
        return None, Problem(Location(name), f"cannot read the file: {exc.strerror}")
    return compose_text(text, name)


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
        """Return ``{key: (key_node, value_node)}``; report type, duplicate, unknown, missing keys."""
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
                self.error(key_node, f"'{key}' appears twice in {what} (first on line {first}); "
                           "remove or rename one")
                continue
            if allowed is not None and key not in allowed:
                self.error(key_node, f"unknown key '{key}' in {what}{suggest(key, allowed)}; "
                           f"allowed keys: {', '.join(allowed)}")
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
        if not value:
            self.error(node, f"{what} is empty; write the text or remove the key")
            return None
        return value

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not SLUG.match(value):
            self.error(node, f"{what} '{value}' is not a valid id; use lower-case letters, digits "
                       "and single hyphens, such as 'bus-stop'")
            return None
        return value

    def integer(self, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != _INT_TAG:
            shown = node.value if isinstance(node, ScalarNode) else kind(node)
            self.error(node, f"{what} must be a whole number, not '{shown}'")
            return None
        raw = node.value.replace("_", "")
        try:
            return int(raw)
        except ValueError:
            pass
        try:  # 0x1F, 0o17 and friends, which YAML 1.1 also calls integers
            return int(raw, 0)
        except ValueError:  # YAML 1.1 "sexagesimal" numbers such as 1:30
            self.error(node, f"{what} must be a plain whole number such as 3, not '{node.value}'")
            return None

    def sequence(self, node: Node, what: str, *, allow_scalar: bool = False) -> list[Node] | None:
        """A list; with ``allow_scalar`` a single value stands for a list of one."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if allow_scalar and isinstance(node, ScalarNode) and node.tag != _NULL_TAG:
            return [node]
        self.error(node, f"{what} must be a list (lines starting with '- ' or [a, b]), "
                   f"not {kind(node)}")
        return None


def kind(node: Node) -> str:
    """Name a node's type the way an author would."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing"
    return f"'{node.value}'"
