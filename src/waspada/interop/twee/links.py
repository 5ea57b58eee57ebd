"""Links and story-format code in passage text: what becomes a choice and what is reported.

:class:`LinkScanner` reads the lines of a passage that becomes a node: ``[[links]]`` and the
link macros with fixed names become choices; Harlowe, SugarCube, Chapbook and Snowman code stays
in the text and is reported with its line and column.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from .block import slugify
from .passages import MAX_LINE_CHARS, MAX_LINKS, Passage, Reporter, quote

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


class LinkScanner(Reporter):
    """The text, links and code of a passage (see the module docstring)."""

    def scan(
        self,
        passage: Passage,
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
                        f"passage '{name}': the setter '[{quote(setter)}]' of this link is "
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
                        f"passage '{name}': the macro '{quote(match.group(0))}' is imported as "
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
        passage: Passage,
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
                f"passage '{name}': the link to the web page '{quote(target.strip())}' is not a "
                "choice; only its label stays in the text",
            )
        elif not target.strip():
            self.warn(number, column, f"passage '{name}': an empty link '[[]]' is ignored")
        elif _COMPUTED.search(target):
            self.warn(
                number,
                column,
                f"passage '{name}': the link target '{quote(target.strip())}' is computed by "
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

    def code(self, passage: Passage, number: int, line: str) -> bool:
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
                    f"passage '{passage.name}': '{quote(snippet)}' chooses where to go by "
                    "story-format code, which cannot become a choice; add the choice by hand",
                )
            else:
                self.warn(
                    number,
                    start + 1,
                    f"passage '{passage.name}': the story-format code '{quote(snippet)}' cannot "
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

    def chapbook_vars(self, passage: Passage, lines: list[tuple[int, str]]) -> None:
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
