"""``{session-report}``: the trainer's session page (issue 17).

The page holds a form for one session (date, place, language, kit, scenarios played, the
before/after check counted by hands, the room, the satisfaction vote and referrals), kept in
this browser's localStorage under ``waspada:session:*`` keys, a one-page printable report and
CSV/JSON exports of the session record (:mod:`waspada.session`). Everything the browser needs
(:mod:`waspada.session_page`, which Voila's session page uses too) is written into the page as
JSON; ``widget/session.js`` draws the form from it.
"""

from __future__ import annotations

import shutil
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..assets import script_json
from ..i18n.catalogs import CODE_DOMAINS, po_path
from ..session import session_check
from ..session_page import (
    SESSION_CSS,
    SESSION_JS,
    course_session_data,
    session_data,
    session_languages,
    session_ui,
)
from .directive import static_dir
from .kit import _all_scenarios, _locales
from .screen import page_code

__all__ = ["session_data", "session_html", "session_ui", "setup_session"]

logger = logging.getLogger(__name__)
SESSION_JS_FILE = "waspada/session.js"
SESSION_CSS_FILE = "waspada/session.css"


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
        languages = session_languages(locales)
        for code in languages:  # the page shows every language's text: rebuild on any change
            for domain in CODE_DOMAINS:
                catalog = po_path(locales, code, domain)
                if catalog.is_file():
                    env.note_dependency(str(catalog))
        scenario_ids = list(env.config.waspada_profile_scenarios or []) or sorted(
            collection.stories
        )
        data = course_session_data(
            collection,
            locales,
            # The language the page is shown in (a fallback when the chapter is not yet whole
            # in the build's language): one language per screen.
            lang=page_code(env.app, env.docname),
            kit=env.config.waspada_profile,
            scenario_ids=scenario_ids,
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
