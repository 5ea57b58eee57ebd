"""One scenario in one language, ready for the front end: the seam every view uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import COURSE_ID, __version__
from .i18n import language, translator
from .i18n.ui import APP_MESSAGES, UI_CONTEXT, serves_text, ui_strings
from .scenario import Scenario, Service, compile_scenario


def scenario_payload(
    scenario: Scenario,
    services: dict[str, Service],
    *,
    lang: str = "en",
    locales_dir: Path | None = None,
    exit_url: str = "about:blank",
) -> dict[str, Any]:
    """``exit_url``: where Quick exit goes (a neutral page; the default leaves a blank tab)."""
    translate = translator(locales_dir, lang)
    ui = ui_strings(translate)
    if language(locales_dir, lang).is_draft:
        ui["draft_notice"] = translate(UI_CONTEXT, APP_MESSAGES["draft_notice"])
    payload = compile_scenario(
        scenario,
        services=services,
        ui=ui,
        translate=translate,
        lang=lang,
        course={"id": COURSE_ID, "version": __version__, "exit": exit_url},
    )
    # Whom each service serves, as one translated line the front end shows as text.
    for node in payload["nodes"].values():
        for entry in node.get("ending", {}).get("help", []):
            entry["serves"] = serves_text(services[entry["id"]].serves, translate)
    return payload
