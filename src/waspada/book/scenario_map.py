"""A scenario drawn as a map: every node, every choice between them, as an inline SVG picture.

Trainers look at it before a session to see all routes at once. Nodes are placed in columns by
their distance from the start; each arrow carries the number of the choice, as on the buttons.
All text is escaped: the picture holds no markup from a scenario or a translation.
"""

from __future__ import annotations

import textwrap
from collections import deque
from dataclasses import dataclass
from html import escape

from ..scenario.compile import Translate, message_context, no_translation
from ..scenario.markup import plain
from ..scenario.model import Scenario

BOX_W, BOX_H = 190, 70
GAP_X, GAP_Y = 70, 24
PAD = 16
KIND_COLOURS = {  # (border, fill): text stays #1b1b1b on the light fills (WCAG AA)
    "safe": ("#1e6b34", "#e6f4ea"),
    "mixed": ("#7a5200", "#fff4d6"),
    "harmed": ("#a3161a", "#fde8e8"),
    "check": ("#0b5394", "#e8f0fa"),
}
STEP_COLOURS = ("#0b5394", "#ffffff")


@dataclass(frozen=True)
class Placed:
    node: str
    number: int
    column: int
    row: int

    @property
    def x(self) -> int:
        return PAD + self.column * (BOX_W + GAP_X)

    @property
    def y(self) -> int:
        return PAD + self.row * (BOX_H + GAP_Y)


def layout(scenario: Scenario) -> dict[str, Placed]:
    """Columns by breadth-first distance from the start; rows in order of discovery."""
    depth = {scenario.start: 0}
    order = [scenario.start]
    queue = deque([scenario.start])
    while queue:
        current = queue.popleft()
        for choice in scenario.nodes[current].choices:
            if choice.target not in depth and choice.target in scenario.nodes:
                depth[choice.target] = depth[current] + 1
                order.append(choice.target)
                queue.append(choice.target)
    # Nodes no route reaches (validation warns about them) still appear, in a last column.
    last = max(depth.values(), default=0) + 1
    for nid in scenario.nodes:
        if nid not in depth:
            depth[nid] = last
            order.append(nid)
    rows: dict[int, int] = {}
    placed = {}
    for number, nid in enumerate(order, 1):
        column = depth[nid]
        placed[nid] = Placed(nid, number, column, rows.get(column, 0))
        rows[column] = rows.get(column, 0) + 1
    return placed


def _snippet(text: str, width: int = 26, lines: int = 3) -> list[str]:
    words = " ".join(plain(text).split())
    wrapped = textwrap.wrap(words, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return wrapped


def draw_svg(scenario: Scenario, translate: Translate = no_translation, title: str = "") -> str:
    """The map as one ``<svg>`` element (role img, with a title naming the scenario)."""
    placed = layout(scenario)
    columns = max(p.column for p in placed.values()) + 1
    rows = max(p.row for p in placed.values()) + 1
    width = 2 * PAD + columns * BOX_W + (columns - 1) * GAP_X
    height = 2 * PAD + rows * BOX_H + (rows - 1) * GAP_Y
    sid = scenario.id
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wsp-map-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="wsp-map-title-{sid}">',
        f'<title id="wsp-map-title-{sid}">{escape(title or scenario.title)}</title>',
        f'<defs><marker id="wsp-arrow-{sid}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#4a4a4a"/></marker></defs>',
    ]
    for node in scenario.nodes.values():
        here = placed[node.id]
        for number, choice in enumerate(node.choices, 1):
            there = placed.get(choice.target)
            if there is None:
                continue
            x1, y1 = here.x + BOX_W, here.y + BOX_H / 2
            x2, y2 = there.x, there.y + BOX_H / 2
            if there.column > here.column:
                mid = (x1 + x2) / 2
                path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
                lx, ly = mid, (y1 + y2) / 2  # the curve's midpoint: apart for each target
            else:  # back to an earlier column (or the same): loop over the top
                top = min(here.y, there.y) - GAP_Y / 2
                x1, x2 = here.x + BOX_W / 2, there.x + BOX_W / 2 + 12
                y1, y2 = here.y, there.y
                path = f"M{x1},{y1} C{x1},{top} {x2},{top} {x2},{y2}"
                lx, ly = (x1 + x2) / 2, top + 4
            parts.append(
                f'<path d="{path}" fill="none" stroke="#4a4a4a" stroke-width="1.5" '
                f'marker-end="url(#wsp-arrow-{sid})"/>'
            )
            parts.append(
                f'<circle cx="{lx:.0f}" cy="{ly:.0f}" r="8" fill="#ffffff" stroke="#4a4a4a"/>'
                f'<text x="{lx:.0f}" y="{ly + 4:.0f}" font-size="11" font-weight="700" '
                f'text-anchor="middle" fill="#1b1b1b">{number}</text>'
            )
    for node in scenario.nodes.values():
        here = placed[node.id]
        if node.ending:
            border, fill = KIND_COLOURS.get(node.ending.kind, STEP_COLOURS)
            ctx = message_context(sid, node.id)
            label = translate(ctx, node.ending.title) if node.ending.title else node.id
        else:
            border, fill = STEP_COLOURS
            label = translate(message_context(sid, node.id), node.text) if node.text else node.id
        parts.append(
            f'<rect x="{here.x}" y="{here.y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="{fill}" stroke="{border}" stroke-width="{3 if node.ending else 2}"/>'
        )
        parts.append(
            f'<text x="{here.x + 8}" y="{here.y + 17}" font-size="13" font-weight="700" '
            f'fill="#1b1b1b">{here.number}</text>'
        )
        for line_no, line in enumerate(_snippet(label)):
            parts.append(
                f'<text x="{here.x + 28}" y="{here.y + 18 + line_no * 16}" font-size="12.5" '
                f'fill="#1b1b1b">{escape(line)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def route_list(
    scenario: Scenario, translate: Translate = no_translation
) -> list[tuple[int, str, list[tuple[int, str, int]]]]:
    """The map as text: (node number, summary, [(choice number, label, target number)])."""
    placed = layout(scenario)
    sid = scenario.id
    out = []
    for nid in sorted(placed, key=lambda n: placed[n].number):
        node = scenario.nodes[nid]
        ctx = message_context(sid, nid)
        if node.ending:
            summary = translate(ctx, node.ending.title) if node.ending.title else nid
        else:
            summary = " ".join(_snippet(translate(ctx, node.text), 60, 2)) if node.text else nid
        choices = [
            (
                number,
                plain(translate(message_context(sid, nid, c.id), c.label)),
                placed[c.target].number,
            )
            for number, c in enumerate(node.choices, 1)
            if c.target in placed
        ]
        out.append((placed[nid].number, summary, choices))
    return out
