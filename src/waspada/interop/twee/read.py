"""Import: a Twee 3 story read into scenario data, with every problem and gap located.

Stories exported by :mod:`.write` come back exactly (their blocks carry what Twine cannot show);
stories written in Twine become nodes and choices, and what cannot be carried over is reported
with its line and passage name (see the package docstring).
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
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
    META_PASSAGE,
    NODE_BLOCK_KEYS,
    SCENARIO_BLOCK_KEYS,
    _display_text,
    _plain,
    _safe_label,
    emit_yaml,
    slugify,
)
from .links import LinkScanner
from .passages import MAX_BYTES, MAX_LINES, MAX_PASSAGES, Gap, Passage, TweeParser, quote


@dataclass
class _Value:
    """A value from a waspada block: plain data, its line in the Twee file, and its YAML node."""

    value: Any
    line: int
    node: YamlNode
    first: int  # the Twee line of the block's first line (YAML marks count from there)


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


class _Importer(TweeParser, LinkScanner):
    """A whole story read into scenario data: passages (:class:`TweeParser`), their text and
    links (:class:`LinkScanner`) and the hidden waspada blocks (here)."""

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
        by_name: dict[str, Passage] = {}
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

        story: list[Passage] = []
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

    # -- waspada blocks

    def take_block(
        self, passage: Passage
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
        self, passage: Passage, lines: list[tuple[int, str]], opened: int, allowed: tuple[str, ...]
    ) -> dict[str, _Value]:
        """The block's top-level keys as plain values with their lines; unknown keys reported."""
        if not lines:
            return {}
        first = lines[0][0]
        # compose_text refuses YAML tags, anchors and aliases and deep nesting (a billion-laughs
        # block), the rule of every course file.
        source = "\n".join(line for _, line in lines)
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

    def meta(self, passage: Passage | None) -> dict[str, Any]:
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

    def node(self, passage: Passage, ids: dict[str, str], skipped: set[str]) -> dict[str, Any]:
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

    def choice_entries(
        self, passage: Passage, found: _Value | None
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
        passage: Passage,
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
                        f"passage '{passage.name}': the link label '{quote(link['label'])}' "
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
        self, passage: Passage, nid: str, kind: str | None, found: _Value | None
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


def _valid_id(value: Any) -> bool:
    """Whether a value is a scenario id by the loader's own rule (a slug)."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def _shown_value(value: Any, limit: int = 60) -> str:
    """A value from a stranger's file, safe to print on one line: control characters escaped."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
