"""Scenario + language -> payload: one JSON document the browser plays without further logic.

The payload carries every string already translated and marked up as data (see :mod:`markup`),
and the expanded state graph (see :mod:`graph`): the front end shows a state's texts and, when a
choice is made, moves to the state index stored on that edge. Bump ``PAYLOAD_FORMAT`` whenever
the shape changes; the front end refuses formats it does not know.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from .graph import DEFAULT_STATE_LIMIT, expand
from .help import Service
from .markup import render_blocks, render_inline
from .model import SCORE, Scenario

PAYLOAD_FORMAT = 1

Translate = Callable[[str, str], str]
"""``translate(context, message)``: gettext's ``pgettext`` shape."""


def no_translation(context: str, message: str) -> str:
    return message


def message_context(
    scenario_id: str, node_id: str | None = None, choice_id: str | None = None
) -> str:
    """The gettext context of a scenario message: ``scenario[:node[:choice]]``."""
    return ":".join(part for part in (scenario_id, node_id, choice_id) if part)


def compile_scenario(
    scenario: Scenario,
    *,
    services: Mapping[str, Service],
    ui: Mapping[str, str] | None = None,
    translate: Translate = no_translation,
    lang: str = "en",
    course: Mapping[str, str] | None = None,
    state_limit: int = DEFAULT_STATE_LIMIT,
) -> dict[str, Any]:
    """Compile a validated scenario for one language.

    ``ui`` holds the front end's own strings, already translated; ``step_label`` may contain
    ``{number}``, which is filled in here so the browser formats nothing.
    """
    ui = dict(ui or {})
    sid = scenario.id
    graph = expand(scenario, state_limit)
    remaining = graph.steps_to_ending(scenario)

    def tr(context: str, text: str) -> str:
        return translate(context, text) if text else ""

    def blocks(context: str, text: str) -> list[Any] | None:
        return render_blocks(tr(context, text)) if text else None

    nodes: dict[str, Any] = {}
    for node in scenario.nodes.values():
        ctx = message_context(sid, node.id)
        entry: dict[str, Any] = {
            "text": blocks(ctx, node.text),
            "notes": blocks(ctx, node.notes),
            "prompt": blocks(ctx, node.prompt),
            "choices": {
                c.id: {
                    "label": render_inline(tr(message_context(sid, node.id, c.id), c.label)),
                    "feedback": blocks(message_context(sid, node.id, c.id), c.feedback),
                    **(
                        {
                            "verdict": ui.get("correct" if c.correct else "not_correct", ""),
                            "correct": c.correct,
                        }
                        if c.correct is not None
                        else {}
                    ),
                }
                for c in node.choices
            },
        }
        if node.ending:
            e = node.ending
            entry["ending"] = {
                "kind": e.kind,
                "kindLabel": ui.get(f"ending_{e.kind}", e.kind),
                "title": tr(ctx, e.title) or ui.get(f"ending_{e.kind}", e.kind),
                "debrief": blocks(ctx, e.debrief),
                "messages": [render_inline(tr(ctx, m)) for m in e.messages],
                "help": [service_payload(services[h], translate) for h in e.help if h in services],
            }
        nodes[node.id] = entry

    step_label = ui.pop("step_label", "Decision {number}")
    if scenario.is_check:
        step_label = ui.get("question_label", "Question {number} of {total}")
        ui["choose"] = ui.get("choose_answer", ui.get("choose", ""))
    total = scenario.question_count
    states = []
    for index, state in enumerate(graph.states):
        left = remaining[index] or 0
        extra: dict[str, Any] = {}
        if scenario.is_check and not state.edges:
            score = state.values.get(SCORE, 0)
            passed = score >= scenario.pass_mark
            extra["result"] = {
                "score": score,
                "total": total,
                "passed": passed,
                "label": ui.get("check_passed" if passed else "check_review", ""),
                "text": ui.get("score_line", "{score}/{total}").format(score=score, total=total),
            }
        states.append(
            {
                **extra,
                "node": state.node,
                "values": state.values,
                "choices": [[cid, target] for cid, target in state.edges],
                "label": step_label.format(number=state.depth + 1, total=total)
                if state.edges
                else "",
                # Share of the shortest way to an ending already behind the group (progress bar).
                "progress": round(state.depth / (state.depth + left), 3)
                if state.depth + left
                else 1,
            }
        )

    structure = json.dumps([sid, [[s["node"], s["choices"]] for s in states]], sort_keys=True)
    return {
        "format": PAYLOAD_FORMAT,
        "lang": lang,
        "course": dict(course or {}),
        "id": sid,
        # Saved progress names states by index, so it is only valid for the same graph.
        "digest": hashlib.sha256(structure.encode()).hexdigest()[:16],
        "title": tr(sid, scenario.title),
        "summary": tr(sid, scenario.summary),
        "kind": scenario.kind,
        "module": scenario.module,
        "audiences": list(scenario.audiences),
        "modi": list(scenario.modi),
        "variables": {
            name: {"min": v.minimum, "max": v.maximum} for name, v in scenario.variables.items()
        },
        "nodes": nodes,
        "states": states,
        "ui": ui,
    }


def service_payload(
    service: Service, translate: Translate, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A help service as an ending shows it. A district's entry (``service.local``) keeps its
    name as written and shows its address and opening hours first, as lines labelled with
    ``labels["address"]`` and ``labels["hours"]``."""
    ctx = service.message_context
    contacts = [
        {
            "kind": c.kind,
            "label": contact_label(service, c.label, translate),
            "value": c.value,
            "href": c.href,
        }
        for c in service.contacts
    ]
    labels = labels or {}
    for kind, value in (("hours", service.hours), ("address", service.address)):
        if value:
            contacts.insert(
                0, {"kind": kind, "label": labels.get(kind, kind), "value": value, "href": ""}
            )
    return {
        "id": service.id,
        "name": service.name if service.local else translate(ctx, service.name),
        "description": translate(ctx, service.description) if service.description else "",
        "contacts": contacts,
        "checked": service.checked,
    }


def translate_scenario(scenario: Scenario, translate: Translate) -> Scenario:
    """The same scenario with every text translated (for views that show the model directly,
    such as the terminal player); ids, targets and rules are untouched."""
    sid = scenario.id

    def tr(context: str, text: str) -> str:
        return translate(context, text) if text else text

    nodes = {}
    for node in scenario.nodes.values():
        ctx = message_context(sid, node.id)
        choices = tuple(
            replace(
                c,
                label=tr(message_context(sid, node.id, c.id), c.label),
                feedback=tr(message_context(sid, node.id, c.id), c.feedback),
            )
            for c in node.choices
        )
        ending = node.ending and replace(
            node.ending,
            title=tr(ctx, node.ending.title),
            debrief=tr(ctx, node.ending.debrief),
            messages=tuple(tr(ctx, m) for m in node.ending.messages),
        )
        nodes[node.id] = replace(
            node,
            text=tr(ctx, node.text),
            notes=tr(ctx, node.notes),
            prompt=tr(ctx, node.prompt),
            choices=choices,
            ending=ending,
        )
    return replace(
        scenario, title=tr(sid, scenario.title), summary=tr(sid, scenario.summary), nodes=nodes
    )


# help.yml's contact labels, extracted once more in this context (see i18n.ui.CONTACT_CONTEXT).
CONTACT_CONTEXT = "contact"


def contact_label(service: Service, label: str, translate: Translate) -> str:
    """A contact's label, translated; a district's label without a translation of its own
    borrows help.yml's ("Call" is "Telepon" wherever it is written)."""
    text = translate(service.message_context, label)
    if service.local and text == label:
        text = translate(CONTACT_CONTEXT, label)
    return text


def translate_service(service: Service, translate: Translate) -> Service:
    ctx = service.message_context
    return replace(
        service,
        name=service.name if service.local else translate(ctx, service.name),
        description=translate(ctx, service.description) if service.description else "",
        contacts=tuple(
            replace(c, label=contact_label(service, c.label, translate)) for c in service.contacts
        ),
    )
