"""The tiny Markdown subset scenario texts may use, turned into data rather than HTML.

The browser builds DOM nodes from this data with ``textContent``, so nothing an author or a
translator writes can become live HTML.

>>> render_blocks("Hello *you*.\\n\\n- one\\n- **two**")
[{'p': [['', 'Hello '], ['em', 'you'], ['', '.']]}, {'ul': [[['', 'one']], [['strong', 'two']]]}]
>>> plain("Hello *you*")
'Hello you'
"""

from __future__ import annotations

import re
from typing import Any

Inline = list[str]  # [style, text]; style is "", "em", "strong" or "br"
Block = dict[str, Any]  # {"p": [Inline, ...]} or {"ul": [[Inline, ...], ...]}

_INLINE = re.compile(r"\*\*(?P<strong>.+?)\*\*|\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")


def render_inline(text: str) -> list[Inline]:
    """Split one paragraph's text into styled runs; a line ending in a backslash breaks the line."""
    runs: list[Inline] = []
    lines = text.split("\n")
    for number, line in enumerate(lines):
        hard = line.endswith("\\")
        line = line[:-1] if hard else line
        position = 0
        for match in _INLINE.finditer(line):
            if match.start() > position:
                runs.append(["", line[position : match.start()]])
            style = "strong" if match.group("strong") is not None else "em"
            runs.append([style, match.group(style)])
            position = match.end()
        if position < len(line):
            runs.append(["", line[position:]])
        if number < len(lines) - 1:
            runs.append(["br", ""] if hard else ["", " "])
    return _merge(runs)


def _merge(runs: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for style, text in runs:
        if out and style == "" and out[-1][0] == "":
            out[-1] = ["", out[-1][1] + text]
        elif style == "br" or text:
            out.append([style, text])
    return out


def render_blocks(text: str) -> list[Block]:
    """Paragraphs (separated by blank lines) and lists (lines starting with '- ')."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        # Consecutive lines of one kind form one block: ("p", lines) or ("ul", items).
        runs: list[tuple[str, list[str]]] = []
        for raw in chunk.split("\n"):
            line = raw.strip()
            match = _ITEM.match(line)
            if match:
                if not runs or runs[-1][0] != "ul":
                    runs.append(("ul", []))
                runs[-1][1].append(match.group(1))
            elif runs and runs[-1][0] == "ul" and raw.startswith((" ", "\t")) and line:
                runs[-1][1][-1] += "\n" + line  # a wrapped list item
            else:
                if not runs or runs[-1][0] != "p":
                    runs.append(("p", []))
                runs[-1][1].append(line)
        for kind, lines in runs:
            if kind == "p":
                blocks.append({"p": render_inline("\n".join(lines))})
            else:
                blocks.append({"ul": [render_inline(item) for item in lines]})
    return blocks


def plain(text: str) -> str:
    """The text without markup, for terminals and non-HTML output."""
    return _INLINE.sub(lambda m: m.group("strong") or m.group("em"), text).replace("\\\n", "\n")
