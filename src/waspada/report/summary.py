"""Adding sessions up, hiding small counts, and writing the summary as HTML and CSV.

Sessions are added up for all of them and by district, month, language and scenario (a session
that played three scenarios counts once under each of them, so the scenario rows add up to more
than the total). Districts typed differently only in case or spaces ("Kupang", "kupang ") are
one district, shown as first written.

Small counts: every count of people in a merged summary (participants, each sex, each age band,
each face of the vote, asked for help, each referral) that is below 5 -- 0 included -- is shown
as "<5", in the HTML and in the CSV. So that a hidden count cannot be worked out by subtraction,
a second count is hidden too -- shown as "x" -- where exactly one is hidden among counts whose
total is shown: the three sexes (their total is the participants) and the districts, months or
languages of one column (their total is the row of all sessions). Shares are not part of this:
a district's share right could be estimated from the others' and the total's. Shares right
before and after are shown only when computed from 5 answers or more ("<5" otherwise), and the
change only when both are shown.
The number of sessions is not a count of people and is always shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import __version__
from .records import Session
from .schema import AGE, SEX, VOTE, SessionSpec

SMALL = 5
HIDDEN = "<5"
ALSO_HIDDEN = "x"  # 5 or more, hidden so that a count below 5 cannot be worked out
DIMENSIONS = ("district", "month", "language", "scenario")
# Dimensions whose groups split the sessions (each session in exactly one group).
PARTITIONS = ("district", "month", "language")
PEOPLE = ("participants", *SEX, *AGE, *VOTE, "asked_for_help")
LABELS = {
    "participants": "Participants",
    "women": "Women",
    "men": "Men",
    "other_or_unsaid": "Other / not said",
    "age_under_18": "Under 18",
    "age_18_25": "18-25",
    "age_26_45": "26-45",
    "age_over_45": "Over 45",
    "satisfied": "Satisfied",
    "neutral": "Neutral",
    "unsatisfied": "Unsatisfied",
    "asked_for_help": "Asked for help",
}
Key = tuple[str, str]  # (dimension, group) -- ("all", "") for every session


@dataclass
class Group:
    label: str
    sessions: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, session: Session, names: Iterable[str]) -> None:
        self.sessions += 1
        for name in names:
            self.counts[name] = self.counts.get(name, 0) + session.count(name)
        self.counts["participants"] = sum(self.counts.get(name, 0) for name in SEX)


@dataclass
class Summary:
    spec: SessionSpec
    groups: dict[Key, Group]
    hidden: set[tuple[Key, str]]
    files_merged: int = 0
    files_skipped: int = 0
    first: str = ""
    last: str = ""

    @property
    def total(self) -> Group:
        return self.groups[("all", "")]

    def keys(self, dimension: str) -> list[Key]:
        return sorted(
            (key for key in self.groups if key[0] == dimension),
            key=lambda key: self.groups[key].label.casefold(),
        )

    def count(self, key: Key, name: str) -> str:
        """A count of people as shown: the number, "<5", or "x" (hidden to protect another)."""
        value = self.groups[key].counts.get(name, 0)
        if (key, name) not in self.hidden:
            return str(value)
        return HIDDEN if value < SMALL else ALSO_HIDDEN

    def share(self, key: Key, item: str, phase: str) -> float | None:
        """The share right (0-1) of ``phase`` answers to ``item``; None below 5 answers."""
        counts = self.groups[key].counts
        total = counts.get(f"q_{item}_{phase}_total", 0)
        if total < SMALL:
            return None
        return counts.get(f"q_{item}_{phase}_right", 0) / total


def summarise(
    sessions: list[Session], spec: SessionSpec, files_merged: int = 0, files_skipped: int = 0
) -> Summary:
    """Add the sessions up in every group and decide which counts are hidden."""
    names = [column.name for column in spec.columns if not column.text]
    groups: dict[Key, Group] = {("all", ""): Group("All sessions")}
    for session in sessions:
        keys: list[tuple[Key, str]] = [(("all", ""), "All sessions")]
        district = " ".join(session.text("district").split())
        keys.append((("district", district.casefold()), district or "(not given)"))
        keys.append((("month", session.text("date")[:7]), session.text("date")[:7]))
        keys.append((("language", session.text("language")), session.text("language")))
        for scenario in dict.fromkeys(session.text("scenarios").split()):
            keys.append((("scenario", scenario), scenario))
        for key, label in keys:
            groups.setdefault(key, Group(label)).add(session, names)
    dates = sorted(session.text("date") for session in sessions)
    summary = Summary(
        spec,
        groups,
        set(),
        files_merged,
        files_skipped,
        dates[0] if dates else "",
        dates[-1] if dates else "",
    )
    people = [*PEOPLE, *(f"referred_{sid}" for sid in spec.services)]
    values = {
        (key, name): group.counts.get(name, 0) for key, group in groups.items() for name in people
    }
    constraints: list[tuple[tuple[Key, str], list[tuple[Key, str]]]] = []
    for key in groups:
        constraints.append(((key, "participants"), [(key, name) for name in SEX]))
    for dimension in PARTITIONS:
        members = [key for key in groups if key[0] == dimension]
        for name in people:
            constraints.append(((("all", ""), name), [(key, name) for key in members]))
    summary.hidden = hidden_cells(values, constraints)
    return summary


def hidden_cells(
    values: dict[tuple[Key, str], int],
    constraints: list[tuple[tuple[Key, str], list[tuple[Key, str]]]],
) -> set[tuple[Key, str]]:
    """The cells to show as "<5": each below 5, and then, for every total that is shown, a
    second cell of its members when exactly one is hidden (the smallest other one), until no
    hidden count can be worked out by subtracting the shown ones from a shown total.

    >>> sorted(c for _, c in hidden_cells({(("a", ""), "t"): 12, (("a", ""), "x"): 3,
    ...     (("a", ""), "y"): 9}, [((("a", ""), "t"), [(("a", ""), "x"), (("a", ""), "y")])]))
    ['x', 'y']
    """
    hidden = {cell for cell, value in values.items() if value < SMALL}
    changed = True
    while changed:
        changed = False
        for total, members in constraints:
            if total in hidden or len(members) < 2:
                continue
            covered = [cell for cell in members if cell in hidden]
            if len(covered) != 1:
                continue
            shown = [cell for cell in members if cell not in hidden]
            if shown:
                hidden.add(min(shown, key=lambda cell: (values[cell], cell)))
                changed = True
    return hidden


# ---------------------------------------------------------------------------------------- CSV


def csv_columns(spec: SessionSpec) -> list[str]:
    """The columns of the summary CSV: the group, then figures named after the record's."""
    columns = ["group", "value", "sessions", *PEOPLE]
    columns += [f"referred_{sid}" for sid in spec.services]
    for item in spec.items:
        columns += [
            f"q_{item.id}_before_answers",
            f"q_{item.id}_before_share",
            f"q_{item.id}_after_answers",
            f"q_{item.id}_after_share",
            f"q_{item.id}_change",
        ]
    return columns


def summary_csv(summary: Summary) -> str:
    """The summary as CSV (UTF-8 with BOM, for spreadsheets), one row per group."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_columns(summary.spec))
    for dimension in ("all", *DIMENSIONS):
        keys = [("all", "")] if dimension == "all" else summary.keys(dimension)
        for key in keys:
            group = summary.groups[key]
            row = [dimension, "" if dimension == "all" else group.label, str(group.sessions)]
            row += [summary.count(key, name) for name in PEOPLE]
            row += [summary.count(key, f"referred_{sid}") for sid in summary.spec.services]
            for item in summary.spec.items:
                before = summary.share(key, item.id, "before")
                after = summary.share(key, item.id, "after")
                row += [
                    _answers(group, item.id, "before"),
                    _percent(before),
                    _answers(group, item.id, "after"),
                    _percent(after),
                    _change(before, after),
                ]
            writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: text beginning with = + - @ (or a tab
    or carriage return) gets a leading apostrophe; numbers we wrote ourselves stay numbers."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def _answers(group: Group, item: str, phase: str) -> str:
    total = group.counts.get(f"q_{item}_{phase}_total", 0)
    return HIDDEN if total < SMALL else str(total)


def _percent(share: float | None) -> str:
    return HIDDEN if share is None else f"{share * 100:.1f}"


def _change(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return HIDDEN
    return f"{(after - before) * 100:.1f}"


# --------------------------------------------------------------------------------------- HTML

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
CSS = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:2rem auto;max-width:72rem;
padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;
border-bottom:2px solid #0b6e4f;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
.lead{color:#444}.note{background:#f3f7f5;border-left:4px solid #0b6e4f;padding:.5rem .8rem}
.skipped{background:#fff4f0;border-left:4px solid #b3261e;padding:.5rem .8rem}
table{border-collapse:collapse;margin:.3rem 0 1rem;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:right;vertical-align:middle}
td{white-space:nowrap}td:first-child{white-space:normal}
th{background:#eef2f0}td:first-child,th:first-child{text-align:left}
.hidden{color:#666;font-style:italic}.wrap{overflow-x:auto}
svg text{font:12px system-ui,sans-serif}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:avoid}}
"""


def summary_html(summary: Summary, skipped: list[str] | None = None) -> str:
    """The summary as one self-contained page: no script, no request to any host."""
    e = html.escape
    spec = summary.spec
    total = summary.total
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        "<title>Waspada sessions: summary</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Waspada sessions: summary</h1>",
        f'<p class="lead">{total.sessions} session{_s(total.sessions)}'
        + (f" from {e(summary.first)} to {e(summary.last)}" if summary.first else "")
        + f". Files merged: <strong>{summary.files_merged}</strong>; files skipped: "
        f"<strong>{summary.files_skipped}</strong>. Made by waspada {e(__version__)} on "
        f"{dt.date.today().isoformat()}.</p>",
    ]
    if skipped:
        parts.append(
            '<div class="skipped"><p><strong>Skipped files</strong> (not counted at all; the '
            "merge command printed what is wrong; fix them and merge again):</p><ul>"
            + "".join(f"<li><code>{e(line)}</code></li>" for line in skipped)
            + "</ul></div>"
        )
    parts.append(
        '<p class="note">Counts only: no names, no phone numbers, no free text. Every count of '
        "people below 5 (0 included) is shown as <strong>&lt;5</strong>; <strong>x</strong> is "
        "a count of 5 or more hidden as well, where the hidden one could otherwise be worked "
        "out from a total. Shares right are shown only when 5 answers or more were given."
        "</p>"
    )
    parts.append("<h2>All sessions</h2>")
    parts.append(_people_table(summary, [("all", "")], ""))
    parts.append("<h3>Before and after the session, per item</h3>")
    parts.append(_items_table(summary))
    parts.append("<h3>Referrals by service</h3>")
    parts.append(_referral_table(summary, [("all", "")], ""))
    for dimension in DIMENSIONS:
        keys = summary.keys(dimension)
        title = dimension.capitalize()
        parts.append(f"<h2>By {dimension}</h2>")
        if dimension == "scenario":
            parts.append(
                "<p>A session counts once under each scenario it played, so these rows add up "
                "to more than all sessions.</p>"
            )
        parts.append(_people_table(summary, keys, title))
        if spec.items:
            parts.append("<h3>Share right, before → after</h3>")
            parts.append(_items_by_group(summary, keys, title))
        if spec.services:
            parts.append("<h3>Referrals by service</h3>")
            parts.append(_referral_table(summary, keys, title))
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _cell(text: str) -> str:
    if text in (HIDDEN, ALSO_HIDDEN):
        return f'<td class="hidden">{html.escape(text)}</td>'
    return f"<td>{html.escape(text)}</td>"


def _label(summary: Summary, key: Key) -> str:
    return f"<td><bdi>{html.escape(summary.groups[key].label)}</bdi></td>"


def _people_table(summary: Summary, keys: list[Key], title: str) -> str:
    head = "".join(f"<th>{html.escape(LABELS[name])}</th>" for name in PEOPLE)
    rows = [
        f"<tr>{_label(summary, key)}<td>{summary.groups[key].sessions}</td>"
        + "".join(_cell(summary.count(key, name)) for name in PEOPLE)
        + "</tr>"
        for key in keys
    ]
    return (
        f'<div class="wrap"><table><thead><tr><th>{html.escape(title)}</th><th>Sessions</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _referral_table(summary: Summary, keys: list[Key], title: str) -> str:
    spec = summary.spec
    if not spec.services:
        return "<p>The course's help directory lists no service.</p>"
    head = "".join(
        f'<th title="{html.escape(spec.service_name(sid))}">{html.escape(sid)}</th>'
        for sid in spec.services
    )
    rows = [
        f"<tr>{_label(summary, key)}"
        + "".join(_cell(summary.count(key, f"referred_{sid}")) for sid in spec.services)
        + "</tr>"
        for key in keys
    ]
    return (
        f'<div class="wrap"><table><thead><tr><th>{html.escape(title)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _items_table(summary: Summary) -> str:
    spec = summary.spec
    if not spec.items:
        return "<p>The course has no before/after check (scenarios/session-check.yml).</p>"
    key = ("all", "")
    group = summary.total
    rows = []
    for item in spec.items:
        before = summary.share(key, item.id, "before")
        after = summary.share(key, item.id, "after")
        question = " ".join(item.text.split())
        if len(question) > 140:
            question = question[:139] + "…"
        rows.append(
            f"<tr><td><strong>{html.escape(item.id)}</strong><br><small>{html.escape(question)}"
            f"</small></td>{_cell(_answers(group, item.id, 'before'))}"
            f"{_cell(_percent_text(before))}{_cell(_answers(group, item.id, 'after'))}"
            f"{_cell(_percent_text(after))}{_cell(_change_text(before, after))}"
            f"<td>{item_chart(item.id, before, after)}</td></tr>"
        )
    return (
        '<div class="wrap"><table><thead><tr><th>Item</th><th>Answers before</th>'
        "<th>Right before</th><th>Answers after</th><th>Right after</th><th>Change</th>"
        f"<th>Chart</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _items_by_group(summary: Summary, keys: list[Key], title: str) -> str:
    spec = summary.spec
    head = "".join(f"<th>{html.escape(item.id)}</th>" for item in spec.items)
    rows = []
    for key in keys:
        cells = []
        for item in spec.items:
            before = summary.share(key, item.id, "before")
            after = summary.share(key, item.id, "after")
            if before is None and after is None:
                cells.append(_cell(HIDDEN))
            else:
                cells.append(
                    f"<td>{html.escape(_percent_text(before))} → "
                    f"{html.escape(_percent_text(after))}</td>"
                )
        rows.append(f"<tr>{_label(summary, key)}{''.join(cells)}</tr>")
    return (
        f'<div class="wrap"><table><thead><tr><th>{html.escape(title)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def item_chart(item: str, before: float | None, after: float | None) -> str:
    """Two bars, before and after, as inline SVG (no script, nothing fetched)."""
    width, bar = 200, 14
    rows = []
    for index, (label, share, colour) in enumerate(
        (("before", before, "#9aa5a0"), ("after", after, "#0b6e4f"))
    ):
        y = 4 + index * (bar + 6)
        rows.append(f'<text x="0" y="{y + bar - 3}">{label}</text>')
        rows.append(f'<rect x="48" y="{y}" width="{width}" height="{bar}" fill="#eef2f0"></rect>')
        if share is not None:
            rows.append(
                f'<rect x="48" y="{y}" width="{round(share * width, 1)}" height="{bar}" '
                f'fill="{colour}"></rect>'
            )
        rows.append(
            f'<text x="{width + 54}" y="{y + bar - 3}">{html.escape(_percent_text(share))}</text>'
        )
    description = f"{item}: right before {_percent_text(before)}, after {_percent_text(after)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 100}" height="44" '
        f'viewBox="0 0 {width + 100} 44" role="img" aria-label="{html.escape(description)}">'
        f"<title>{html.escape(description)}</title>{''.join(rows)}</svg>"
    )


def _percent_text(share: float | None) -> str:
    return HIDDEN if share is None else f"{_percent(share)}%"


def _change_text(before: float | None, after: float | None) -> str:
    change = _change(before, after)
    if change == HIDDEN:
        return change
    return f"{'+' if not change.startswith('-') and change != '0.0' else ''}{change} points"


def _s(number: int) -> str:
    return "" if number == 1 else "s"
