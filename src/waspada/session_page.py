"""The session page's data (issue 17), shared by the book (``{session-report}``) and Voila
(``widgets/session.ipynb``): what ``widget/session.js`` needs to draw the trainer's form and
report, in every course language. No Sphinx and no widget imports, so that a Voila kernel does
not load Sphinx and the book does not load ipywidgets.

The data carries every course language (interface strings, check items, scenario titles and
service names), so the report is printed in the session's language whatever the page's is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import COURSE_ID, __version__
from .assets import PACKAGE
from .i18n import load_languages, translator
from .i18n.ui import APP_MESSAGES, UI_CONTEXT
from .scenario import Collection, Translate
from .session import KITS, SCHEMA, check_items, record_columns, session_check

SESSION_JS = PACKAGE / "widget" / "session.js"  # the session page's one front end
SESSION_CSS = PACKAGE / "widget" / "session.css"


def session_ui(translate: Translate) -> dict[str, str]:
    """The session page's interface strings (``session_*`` of APP_MESSAGES), translated."""
    return {
        key: translate(UI_CONTEXT, text)
        for key, text in APP_MESSAGES.items()
        if key.startswith("session_")
    }


def session_languages(locales_dir: Path) -> dict[str, str]:
    """Each course language's code and own name (English always among them)."""
    languages = {code: lang.native for code, lang in load_languages(locales_dir).items()}
    languages.setdefault("en", "English")
    return languages


def session_data(
    collection: Collection,
    *,
    lang: str,
    kit: str,
    scenario_ids: list[str],
    languages: dict[str, str],
    translators: dict[str, Translate],
) -> dict[str, Any]:
    """What the session page's script needs, in every language of ``languages``.

    ``scenario_ids`` are the kit's scenarios (the checkboxes); ``languages`` maps each course
    language code to its own name; ``translators`` gives each one's translate function.
    ``live`` is false here: only Voila's page under ``waspada serve --live`` sets it (then the
    check can be filled from the phones' answers, see ``apps.session``); the book never does.
    """
    check = session_check(collection)
    items = check_items(check) if check else []
    services = list(collection.services)
    stories = collection.stories
    scenarios = [sid for sid in scenario_ids if sid in stories and sid not in collection.broken]
    by_lang = {}
    for code in languages:
        tr = translators[code]
        by_lang[code] = {
            "ui": session_ui(tr),
            "items": check_items(check, tr) if check else [],
            "scenarios": {sid: tr(sid, stories[sid].title) for sid in scenarios},
            "services": {
                sid: tr(service.message_context, service.name)
                for sid, service in collection.services.items()
            },
        }
    return {
        "schema": SCHEMA,
        "course": {"id": COURSE_ID, "version": __version__},
        "lang": lang if lang in languages else "en",
        "kit": kit if kit in KITS else "full",
        "kits": list(KITS),
        "check": check.id if check else "",  # the check's scenario id (its live rooms carry it)
        "live": False,
        "languages": languages,
        "scenarios": scenarios,
        "services": services,
        "items": [
            {"id": i["id"], "correct": [o["id"] for o in i["options"] if o["correct"]]}
            for i in items
        ],
        "columns": record_columns([i["id"] for i in items], services),
        "text": by_lang,
    }


def course_session_data(
    collection: Collection,
    locales_dir: Path,
    *,
    lang: str,
    kit: str,
    scenario_ids: list[str],
) -> dict[str, Any]:
    """:func:`session_data` for a course: every language of its ``locales/``, each translated
    from its catalogs (with their fallback chains)."""
    languages = session_languages(locales_dir)
    return session_data(
        collection,
        lang=lang,
        kit=kit,
        scenario_ids=scenario_ids,
        languages=languages,
        translators={code: translator(locales_dir, code) for code in languages},
    )
