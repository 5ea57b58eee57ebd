"""``{session-report}``: the trainer's session page (issue 17).

The page holds a form for one session (date, place, language, kit, scenarios played, the
before/after check counted by hands, the room, the satisfaction vote and referrals), kept in
this browser's localStorage under ``waspada:session:*`` keys, a one-page printable report and
CSV/JSON exports of the session record (:mod:`waspada.session`). Everything the browser needs is
written into the page as JSON; ``widget/session.js`` draws the form from it.

The data carries every course language (interface strings, check items, scenario titles and
service names), so the report is printed in the session's language whatever the page's is.
"""

from __future__ import annotations

import shutil
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import COURSE_ID, __version__
from ..assets import PACKAGE, script_json
from ..i18n import load_languages, translator
from ..i18n.catalogs import CODE_DOMAINS, po_path
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT
from ..scenario import Collection, Translate
from ..session import KITS, SCHEMA, check_items, record_columns, session_check
from .directive import static_dir
from .kit import _all_scenarios, _locales
from .screen import page_code

logger = logging.getLogger(__name__)
SESSION_JS = PACKAGE / "widget" / "session.js"
SESSION_CSS = PACKAGE / "widget" / "session.css"
SESSION_JS_FILE = "waspada/session.js"
SESSION_CSS_FILE = "waspada/session.css"


def session_ui(translate: Translate) -> dict[str, str]:
    """The session page's interface strings (``session_*`` of APP_MESSAGES), translated."""
    return {
        key: translate(UI_CONTEXT, text)
        for key, text in APP_MESSAGES.items()
        if key.startswith("session_")
    }


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


class SessionReportDirective(SphinxDirective):
    """``{session-report}``: the session form, its report and its exports."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.env
        locales = _locales(env)
        collection = _all_scenarios(env)
        if session_check(collection) is None:
            logger.warning(
                "no before/after check: add scenarios/session-check.yml (a knowledge check "
                "with 'module: session', see scenarios/README.md)",
                location=self.get_location(),
            )
        languages = {code: lang.native for code, lang in load_languages(locales).items()}
        languages.setdefault("en", "English")
        for code in languages:  # the page shows every language's text: rebuild on any change
            for domain in CODE_DOMAINS:
                catalog = po_path(locales, code, domain)
                if catalog.is_file():
                    env.note_dependency(str(catalog))
        scenario_ids = list(env.config.waspada_profile_scenarios or []) or sorted(
            collection.stories
        )
        data = session_data(
            collection,
            # The language the page is shown in (a fallback when the chapter is not yet whole
            # in the build's language): one language per screen.
            lang=page_code(env.app, env.docname),
            kit=env.config.waspada_profile,
            scenario_ids=scenario_ids,
            languages=languages,
            translators={code: translator(locales, code) for code in languages},
        )
        return [session_html(data)]


def session_html(data: dict[str, Any]) -> nodes.Node:
    """The widget's box: its data as JSON (never run as script) and a line for readers
    without JavaScript."""
    fallback = data["text"][data["lang"]]["ui"]["session_no_js"]
    return nodes.raw(
        "",
        f'<div class="wsp-session"><script type="application/json" class="wsp-session-data">'
        f'{script_json(data)}</script><p class="wsp-fallback">{escape(fallback)}</p></div>',
        format="html",
    )


def _note_session_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remember the pages that hold a session form (also when read from a cached doctree)."""
    if any('class="wsp-session"' in node.astext() for node in doctree.findall(nodes.raw)):
        app.__dict__.setdefault("_waspada_sessions", set()).add(docname)


def _session_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename in app.__dict__.get("_waspada_sessions", set()):
        app.add_js_file(SESSION_JS_FILE, loading_method="defer")
        app.add_css_file(SESSION_CSS_FILE)


def _write_session(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = static_dir(app)
    shutil.copyfile(SESSION_JS, target / "session.js")
    shutil.copyfile(SESSION_CSS, target / "session.css")


def setup_session(app: Sphinx) -> None:
    app.add_directive("session-report", SessionReportDirective)
    app.connect("doctree-resolved", _note_session_page)
    app.connect("html-page-context", _session_assets)
    app.connect("build-finished", _write_session)
