"""The conventions of an exported story and the hidden ``<!-- waspada`` block.

What Twine cannot express travels in a YAML block at the end of a passage, between a line
``<!-- waspada`` and a line ``-->`` (an HTML comment, hidden when played). This module holds
the names both directions share (passage and tag names, the keys a block may hold), the Twee 3
escaping, the YAML writer that lays a block out as an author would, and how exact texts and
labels that a passage cannot show are carried in the block.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YamlNode

from ...scenario._yaml import is_null

# -- the conventions of an exported story ---------------------------------------------------------

STORY_FORMAT = "Harlowe"  # Twine 2's default format; every format reads [[label->target]] links
STORY_FORMAT_VERSION = "3.3.9"
META_PASSAGE = "WaspadaScenario"
META_TAG = "waspada"
ENDING_TAG = "ending-"
BLOCK_OPEN = "<!-- waspada"
BLOCK_CLOSE = "-->"
TAG_COLORS = {"ending-safe": "green", "ending-mixed": "yellow", "ending-harmed": "red"}
TAG_COLORS |= {META_TAG: "purple"}
PASSAGE_SIZE = "100,100"
GRID = (100, 100, 200, 150)  # left, top, column width, row height (Twine's default tile: 100x100)

SCENARIO_BLOCK_KEYS = ("id", "summary", "audiences", "modi", "characters", "variables")
NODE_BLOCK_KEYS = ("text", "notes", "prompt", "choices", "ending")
CHOICE_BLOCK_KEYS = ("target", "id", "label", "feedback", "effects", "condition")
ENDING_BLOCK_KEYS = ("kind", "title", "debrief", "messages", "help")

# Passages and tags with a special meaning to Harlowe, SugarCube, Chapbook or Twine 1.
SPECIAL_PASSAGES = frozenset(
    {
        "StoryInit",
        "StoryMenu",
        "StoryCaption",
        "StoryBanner",
        "StorySubtitle",
        "StoryAuthor",
        "StoryInterface",
        "StoryShare",
        "StoryDisplayTitle",
        "StorySettings",
        "StoryIncludes",
        "PassageReady",
        "PassageDone",
        "PassageHeader",
        "PassageFooter",
    }
)
SPECIAL_TAGS = frozenset(
    {
        "header",
        "footer",
        "startup",
        "debug-header",
        "debug-footer",
        "debug-startup",
        "widget",
        "init",
        "Twine.image",
        "Twine.audio",
        "Twine.video",
        "Twine.vtt",
    }
)

# -- escaping -------------------------------------------------------------------------------------


def escape_header(value: str) -> str:
    """Escape a passage or tag name for a Twee header: ``\\`` first, then ``[ ] { }``."""
    return re.sub(r"([\[\]{}])", r"\\\1", value.replace("\\", "\\\\"))


def escape_text(text: str) -> str:
    """Escape content lines that begin with ``::`` (they would start a passage) as Twine does."""
    return re.sub(r"(?m)^::", r"\\::", text)


def _unescape_line(line: str) -> str:
    # Twine 2.6 writes "\::", some older tools "\:\:"; both mean a literal "::".
    if line.startswith("\\:\\:"):
        return "::" + line[4:]
    if line.startswith("\\::"):
        return line[1:]
    return line


def slugify(name: str) -> str:
    """A node id for a passage name: "The Bus Stop!" -> "the-bus-stop" ("" if nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def story_ifid(scenario_id: str) -> str:
    """A version-4-form IFID in capitals, derived from the scenario id.

    The same scenario always gets the same IFID, so Twine sees a re-export as the same story and
    an exported file does not change when the scenario has not.
    """
    digest = hashlib.sha256(f"waspada-scenario:{scenario_id}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4)).upper()


# -- a small YAML writer --------------------------------------------------------------------------
#
# yaml.dump cannot write block scalars for multi-line text without custom representers, and it
# folds long lines in ways authors find hard to read. This writer produces the layout of the
# hand-written scenarios: block mappings, `|` for texts with line breaks, `>-` for long one-line
# texts, [a, b] for short lists of ids, {k: v} for effects and variables, and quotes only where
# YAML needs them. Every scalar is written so that the scenario loader (which resolves no
# implicit types) reads back exactly the same string; whole numbers stay plain, since the loader
# reads numbers only from plain scalars.

WIDTH = 100
_INTEGER = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_FLOW_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_BREAK = re.compile(r"(?<=\S) (?=\S)")

KeyPath = tuple[str | int, ...]


def _plain_ok(text: str, *, flow: bool = False) -> bool:
    if not text or text != text.strip() or text in _NULL_WORDS or not text.isprintable():
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in text or " #" in text or text.endswith(":"):
        return False
    return not (flow and any(c in text for c in ",[]{}:#"))


def _double_quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _literal_ok(text: str) -> bool:
    if not text or text[0].isspace() or text[-1].isspace():
        return False
    return all(
        line == line.rstrip() and (line.replace("\t", " ").isprintable())
        for line in text.split("\n")
    )


def _fold(text: str, width: int) -> list[str] | None:
    """Lines of a ``>-`` scalar that reads back as ``text``; None if it cannot be written so."""
    words = _BREAK.split(text)
    if not text.replace("\t", " ").isprintable() or text != text.strip():
        return None
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _flow_scalar(value: Any) -> str:
    text = _text(value)
    if _INTEGER.match(text) or _plain_ok(text, flow=True):
        return text
    return _double_quoted(text)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class _Writer:
    def __init__(self, comments: Mapping[KeyPath, str]) -> None:
        self.out: list[str] = []
        self.where: dict[KeyPath, tuple[int, int]] = {}
        self.comments = comments

    def line(self, text: str, path: KeyPath | None = None, column: int = 1) -> None:
        if path is not None:
            self.where[path] = (len(self.out) + 1, column)
            if path in self.comments:
                text += "  # " + self.comments[path]
        self.out.append(text)

    @staticmethod
    def key(key: Any) -> str:
        text = _text(key)
        return text if _KEY.match(text) and text not in _NULL_WORDS else _double_quoted(text)

    def mapping(self, data: Mapping[Any, Any], indent: int, path: KeyPath) -> None:
        for number, (key, value) in enumerate(data.items()):
            if number and (path == ("nodes",) or (not path and key == "nodes")):
                self.out.append("")  # a blank line before the nodes and between them
            self.value(" " * indent + self.key(key) + ":", value, indent, (*path, key), indent + 1)

    def sequence(self, items: list[Any], indent: int, path: KeyPath) -> None:
        for index, item in enumerate(items):
            here = (*path, index)
            dash = " " * indent + "-"
            if isinstance(item, Mapping) and item:
                self.where[here] = (len(self.out) + 1, indent + 1)
                for number, (key, value) in enumerate(item.items()):
                    lead = dash + " " if number == 0 else " " * (indent + 2)
                    self.value(
                        lead + self.key(key) + ":", value, indent + 2, (*here, key), indent + 3
                    )
            elif isinstance(item, list) and item:
                self.line(dash, here, indent + 1)
                self.sequence(item, indent + 2, here)
            else:
                self.value(dash, item, indent, here, indent + 1)

    def value(self, prefix: str, value: Any, indent: int, path: KeyPath, column: int) -> None:
        if isinstance(value, Mapping):
            flow = "{" + ", ".join(f"{self.key(k)}: {_flow_scalar(v)}" for k, v in value.items())
            flow += "}"
            if not value:
                self.line(prefix + " {}", path, column)
            elif self._flow_mapping(path, value) and len(prefix) + 1 + len(flow) <= WIDTH:
                self.line(prefix + " " + flow, path, column)
            else:
                self.line(prefix, path, column)
                self.mapping(value, indent + 2, path)
        elif isinstance(value, list):
            flow = "[" + ", ".join(_flow_scalar(v) for v in value) + "]"
            if not value:
                self.line(prefix + " []", path, column)
            elif (
                all(_FLOW_WORD.match(_text(v)) for v in value)
                and len(prefix) + 1 + len(flow) <= WIDTH
            ):
                self.line(prefix + " " + flow, path, column)
            else:
                self.line(prefix, path, column)
                self.sequence(value, indent + 2, path)
        else:
            first, *rest = self.scalar(_text(value), indent + 2, len(prefix) + 1)
            self.line(prefix + " " + first, path, column)
            self.out.extend(rest)

    @staticmethod
    def _flow_mapping(path: KeyPath, value: Mapping[Any, Any]) -> bool:
        flat = not any(isinstance(v, Mapping | list) for v in value.values())
        return flat and (path[-1:] == ("effects",) or (len(path) >= 2 and path[-2] == "variables"))

    @staticmethod
    def scalar(text: str, indent: int, used: int) -> list[str]:
        pad = " " * indent
        if _INTEGER.match(text):
            return [text]
        if text in _NULL_WORDS:
            return [_double_quoted(text)]
        if "\n" in text:
            if _literal_ok(text):
                return ["|", *[pad + line if line else "" for line in text.split("\n")]]
            return [_double_quoted(text)]
        plain = _plain_ok(text)
        if (plain and used + len(text) <= WIDTH) or (not plain and used + len(text) + 2 <= WIDTH):
            return [text if plain else _double_quoted(text)]
        folded = _fold(text, max(WIDTH - indent, 40))
        if folded:
            return [">-", *[pad + line for line in folded]]
        return [text if plain else _double_quoted(text)]


def emit_yaml(
    data: Mapping[str, Any],
    *,
    comments: Mapping[KeyPath, str] | None = None,
    header: tuple[str, ...] = (),
) -> tuple[str, dict[KeyPath, tuple[int, int]]]:
    """Write ``data`` (dicts, lists and strings) as readable block YAML.

    Returns the text and, for every key and list item, its (line, column), so a message can
    point at the line to edit. ``comments`` adds ``# comment`` to the lines of those paths.
    """
    writer = _Writer(comments or {})
    for line in header:
        writer.line(f"# {line}" if line else "#")
    writer.mapping(data, 0, ())
    return "\n".join(writer.out) + "\n", writer.where


# -- texts the block carries -------------------------------------------------------------------


def _block(data: Mapping[str, Any]) -> str:
    return f"{BLOCK_OPEN}\n{emit_yaml(data)[0]}{BLOCK_CLOSE}"


def _needs_override(text: str, *, label: bool) -> bool:
    """Whether a text would not read back from the passage itself (so the block carries it)."""
    if "[[" in text or "]]" in text:
        return True
    if label:
        return "][" in text or "\n" in text or text != text.strip()
    return any(
        line.rstrip() in (BLOCK_OPEN, BLOCK_CLOSE) or line.startswith(("\\::", "\\:\\:"))
        for line in text.split("\n")
    )


def _safe_label(label: str) -> str:
    """A label as shown in its link when the block carries the exact one."""
    cleaned = re.sub(r"\[(?=\[)|\](?=[\]\[])", lambda m: m.group(0) + " ", label)
    return " ".join(cleaned.split()) or "…"


def _display_text(text: str) -> str:
    """A node text as shown in its passage when the block carries the exact one."""
    text = re.sub(r"\[(?=\[)|\](?=\])", lambda m: m.group(0) + " ", text)
    lines = []
    for line in text.split("\n"):
        if line.rstrip() in (BLOCK_OPEN, BLOCK_CLOSE):
            line = ""
        elif line.startswith(("\\::", "\\:\\:")):
            line = line[1:]
        lines.append(line)
    return "\n".join(lines).strip() or "…"


def _effect_value(effect: Any) -> str:
    return f"{effect.value:+d}" if effect.relative else str(effect.value)


def _plain(node: YamlNode) -> Any:
    """A YAML node as plain data: dicts, lists and stripped strings (null becomes "")."""
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            out[key.value if isinstance(key, ScalarNode) else str(key.value)] = _plain(value)
        return out
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    if is_null(node):
        return ""
    return node.value.strip()
