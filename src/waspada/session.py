"""The book side of the session record (waspada-session/1): the before/after check's items.

The record itself (its columns, their order and rules, the JSON Schema) is defined once, in
:mod:`waspada.report.schema`; the session page (``{session-report}``, ``widget/session.js``)
takes its columns from there, so the page exports exactly what ``waspada report`` reads. This
module finds the before/after check in a loaded course and lists its items, translated.

>>> record_columns(["job-offer"], ["sapa-129"])[:3]
['schema', 'session', 'course_version']
>>> [c for c in record_columns(["job-offer"], ["sapa-129"]) if c.startswith(("q_", "ref"))]
... # doctest: +NORMALIZE_WHITESPACE
['referred_sapa-129', 'q_job-offer_before_right', 'q_job-offer_before_total',
 'q_job-offer_after_right', 'q_job-offer_after_total']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .report.schema import SCHEMA_TAG, Item, SessionSpec
from .scenario import Collection, Scenario, Translate, no_translation

SCHEMA = SCHEMA_TAG
KITS = ("village", "school", "health", "full")


def record_columns(item_ids: Iterable[str], service_ids: Iterable[str]) -> list[str]:
    """Every column of a session record, in the order of the CSV header."""
    spec = SessionSpec(tuple(service_ids), tuple(Item(item) for item in item_ids))
    return list(spec.names)


def session_check(collection: Collection) -> Scenario | None:
    """The before/after check: scenarios/session-check.yml (``module: session``), which
    ``waspada report`` reads too; else the first such check by id."""
    checks = collection.session_checks
    if "session-check" in checks:
        return checks["session-check"]
    return checks[sorted(checks)[0]] if checks else None


def check_items(check: Scenario, translate: Translate = no_translation) -> list[dict[str, Any]]:
    """The check's items in order, translated: id, text and options (id, label, correct)."""
    items = []
    node_id: str | None = check.start
    while node_id is not None and not check.nodes[node_id].is_ending:
        node = check.nodes[node_id]
        items.append(
            {
                "id": node.id,
                "text": translate(f"{check.id}:{node.id}", node.text),
                "options": [
                    {
                        "id": choice.id,
                        "label": translate(f"{check.id}:{node.id}:{choice.id}", choice.label),
                        "correct": choice.correct,
                    }
                    for choice in node.choices
                ],
            }
        )
        node_id = node.choices[0].target if node.choices else None
    return items


def expected_columns(collection: Collection) -> list[str]:
    """The columns a session record of this course has (the check's items, help.yml's
    services)."""
    check = session_check(collection)
    items = [item["id"] for item in check_items(check)] if check else []
    return record_columns(items, collection.services)
