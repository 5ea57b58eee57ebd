"""One scenario in one language, ready for the front end: the seam every view uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import COURSE_ID, __version__
from .i18n import language, translator
from .i18n.ui import APP_MESSAGES, UI_CONTEXT, serves_text, ui_strings
from .scenario import Scenario, Service, compile_scenario
from .scenario.compile import Translate, message_context, no_translation, service_payload
from .scenario.district import District
from .scenario.markup import plain


def scenario_payload(
    scenario: Scenario,
    services: dict[str, Service],
    *,
    lang: str = "en",
    locales_dir: Path | None = None,
    exit_url: str = "about:blank",
    author: bool = False,
    district: District | None = None,
) -> dict[str, Any]:
    """``exit_url``: where Quick exit goes (a neutral page; the default leaves a blank tab).

    With a ``district``, each ending lists that district's entries for it first (its offices of
    the services the ending names, and its own services for the story's characters).

    ``author``: add the author view's data (see :func:`author_data`); only `waspada preview`
    asks for it, so a published payload never names source files.
    """
    translate = translator(locales_dir, lang)
    ui = ui_strings(translate)
    payload = compile_scenario(
        scenario,
        services=services,
        ui=ui,
        translate=translate,
        lang=lang,
        course={"id": COURSE_ID, "version": __version__, "exit": exit_url},
    )
    everything = dict(services)
    if district is not None:
        everything.update(district.lookup())
        labels = local_labels(translate)
        for nid, node in payload["nodes"].items():
            if "ending" in node:
                ending = scenario.nodes[nid].ending
                local = district.for_ending(ending.help, scenario.characters)
                node["ending"]["help"][:0] = [service_payload(s, translate, labels) for s in local]
    # Whom each service serves, as one translated line the front end shows as text.
    for node in payload["nodes"].values():
        for entry in node.get("ending", {}).get("help", []):
            entry["serves"] = serves_text(everything[entry["id"]].serves, translate)
    notice = draft_notice(payload, lang, locales_dir, translate)
    if notice:
        payload["ui"]["draft_notice"] = notice
    if author:
        payload["author"] = author_data(scenario, translate)
    return payload


def draft_notice(
    payload: dict[str, Any], lang: str, locales_dir: Path | None, translate: Translate
) -> str:
    """The player's draft notice, naming the share of the scenario no native speaker has
    approved (its own messages and the help entries its endings list); "" when everything it
    shows is reviewed, or the language is not a draft."""
    if locales_dir is None or not language(locales_dir, lang).is_draft:
        return ""
    from .i18n.review import payload_services, scenario_messages, unreviewed_share

    messages = scenario_messages(locales_dir, [payload["id"]], payload_services(payload))
    share = unreviewed_share(locales_dir, language(locales_dir, lang), messages)
    if not share.unreviewed:
        return ""
    text = translate(UI_CONTEXT, APP_MESSAGES["draft_notice_scenario"])
    return text.replace("{percent}", str(share.percent))


def author_data(scenario: Scenario, translate: Translate = no_translation) -> dict[str, Any]:
    """What the author view shows next to the player: the scenario's file (relative to the
    course, as the loader records it) and its map, node by node in the order and columns of the
    printed map (:func:`waspada.book.scenario_map.layout`), each with its source line, a short
    summary, its ending kind and where its choices lead."""
    from .book.scenario_map import layout  # lazily: waspada.book loads Sphinx

    placed = layout(scenario)
    sid = scenario.id
    nodes = []
    for nid in sorted(placed, key=lambda n: placed[n].number):
        node = scenario.nodes[nid]
        ctx = message_context(sid, nid)
        if node.ending and node.ending.title:
            summary = translate(ctx, node.ending.title)
        else:
            summary = translate(ctx, node.text) if node.text else ""
        nodes.append(
            {
                "id": nid,
                "number": placed[nid].number,
                "column": placed[nid].column,
                "line": node.location.line,
                "summary": _excerpt(plain(summary)),
                "ending": node.ending.kind if node.ending else "",
                # Where its choices lead (each node once): the map's arrows.
                "targets": list(
                    dict.fromkeys(c.target for c in node.choices if c.target in placed)
                ),
            }
        )
    return {"file": scenario.location.file, "nodes": nodes}


def _excerpt(text: str, limit: int = 90) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def local_labels(translate: Translate) -> dict[str, str]:
    """The labels of a district entry's address and opening hours, translated."""
    return {
        "address": translate(UI_CONTEXT, APP_MESSAGES["address"]),
        "hours": translate(UI_CONTEXT, APP_MESSAGES["hours"]),
    }
