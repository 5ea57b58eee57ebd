"""Export: a scenario as a Twee 3 story that Twine 2 can open (see the package docstring)."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from ...scenario.model import Scenario
from .block import (
    ENDING_TAG,
    GRID,
    META_PASSAGE,
    META_TAG,
    PASSAGE_SIZE,
    STORY_FORMAT,
    STORY_FORMAT_VERSION,
    TAG_COLORS,
    _block,
    _display_text,
    _effect_value,
    _needs_override,
    _safe_label,
    escape_header,
    escape_text,
    story_ifid,
)


def _layout(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """Passage positions: one column per number of choices from the start, one row per node."""
    depth = {scenario.start: 0} if scenario.start in scenario.nodes else {}
    queue = deque(depth)
    while queue:
        here = queue.popleft()
        for choice in scenario.nodes[here].choices:
            if choice.target in scenario.nodes and choice.target not in depth:
                depth[choice.target] = depth[here] + 1
                queue.append(choice.target)
    last = max(depth.values(), default=-1) + 1
    rows: dict[int, int] = {}
    left, top, column, row = GRID
    out = {}
    for nid in scenario.nodes:
        col = depth.get(nid, last)
        out[nid] = (left + column * (col + 1), top + row * rows.get(col, 0))
        rows[col] = rows.get(col, 0) + 1
    return out


def _header(name: str, tags: list[str], position: tuple[int, int]) -> str:
    meta = json.dumps(
        {"position": f"{position[0]},{position[1]}", "size": PASSAGE_SIZE}, separators=(",", ":")
    )
    tag_block = f" [{' '.join(escape_header(t) for t in tags)}]" if tags else ""
    return f":: {escape_header(name)}{tag_block} {meta}"


def scenario_to_twee(scenario: Scenario, *, ifid: str | None = None) -> str:
    """The scenario as a Twee 3 story that Twine 2 can open (see the package docstring)."""
    if getattr(scenario, "is_check", False):
        raise ValueError(
            f"'{scenario.id}' is a knowledge check, not a branching story; only stories can be "
            "exported to Twine"
        )
    positions = _layout(scenario)
    story_data = {
        "ifid": ifid or story_ifid(scenario.id),
        "format": STORY_FORMAT,
        "format-version": STORY_FORMAT_VERSION,
        "start": scenario.start,
        "tag-colors": TAG_COLORS,
        "zoom": 1,
    }
    parts = [
        f":: StoryTitle\n{escape_text(scenario.title)}",
        f":: StoryData\n{json.dumps(story_data, indent=2, ensure_ascii=False)}",
    ]
    meta: dict[str, Any] = {"id": scenario.id}
    if scenario.summary:
        meta["summary"] = scenario.summary
    meta["audiences"] = list(scenario.audiences)
    meta["modi"] = list(scenario.modi)
    meta["characters"] = list(scenario.characters)
    if scenario.variables:
        meta["variables"] = {
            var.name: {
                "initial": str(var.initial),
                "min": str(var.minimum),
                "max": str(var.maximum),
                **({"description": var.description} if var.description else {}),
            }
            for var in scenario.variables.values()
        }
    corner = (GRID[0], GRID[1])
    parts.append(_header(META_PASSAGE, [META_TAG], corner) + "\n" + escape_text(_block(meta)))

    for node in scenario.nodes.values():
        extra: dict[str, Any] = {}
        text = node.text
        if _needs_override(text, label=False):
            extra["text"] = text
            text = _display_text(text)
        if node.notes:
            extra["notes"] = node.notes
        if node.prompt:
            extra["prompt"] = node.prompt
        body = [text]
        tags: list[str] = []
        if node.choices:
            shared = {
                c.target
                for c in node.choices
                if [x.target for x in node.choices].count(c.target) > 1
            }
            links, entries = [], []
            for choice in node.choices:
                override = _needs_override(choice.label, label=True)
                shown = _safe_label(choice.label) if override else choice.label
                links.append(f"[[{shown}->{choice.target}]]")
                entry: dict[str, Any] = {"target": choice.target}
                if choice.id != choice.target:
                    entry["id"] = choice.id
                if override:
                    entry["label"] = choice.label
                if choice.feedback:
                    entry["feedback"] = choice.feedback
                if choice.effects:
                    entry["effects"] = {e.variable: _effect_value(e) for e in choice.effects}
                if choice.condition is not None:
                    entry["condition"] = str(choice.condition)
                if len(entry) > 1 or choice.target in shared:
                    entries.append(entry)
            body.append("\n".join(links))
            if entries:
                extra["choices"] = entries
        elif node.ending is not None:
            end = node.ending
            tags.append(ENDING_TAG + end.kind)
            ending: dict[str, Any] = {}
            if end.title:
                ending["title"] = end.title
            ending["debrief"] = end.debrief
            if end.messages:
                ending["messages"] = list(end.messages)
            ending["help"] = list(end.help)
            extra["ending"] = ending
        if extra:
            body.append(_block(extra))
        header = _header(node.id, tags, positions[node.id])
        parts.append(header + "\n" + escape_text("\n\n".join(body)))
    return "\n\n\n".join(parts) + "\n"
