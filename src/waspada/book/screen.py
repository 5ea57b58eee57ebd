"""One language per screen in the book: a chapter not yet translated whole is shown whole in
the fallback language (``i18n/screen.py`` decides which), marked ``lang`` for screen readers,
under a one-line note in the reader's language that says so.

``compile_book_catalogs`` already merged that chapter's catalog from the fallback language
alone; here the page says so: the body goes in ``<div lang="id">``, links in the contents and
the pager that lead to such a chapter carry its ``lang`` too.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..i18n.catalogs import ENGLISH, Language, load_languages, lookup_chain
from ..i18n.languages import SOURCE
from ..i18n.screen import chapter_language, scenario_language
from ..i18n.ui import APP_MESSAGES, THEME_MESSAGES, UI_CONTEXT

NOTE_CLASS = "wsp-language-note"


def _state(app: Sphinx) -> dict[str, Any]:
    return app.__dict__.setdefault("_waspada_screen", {})


def _languages(locales: Path, app: Sphinx) -> dict[str, Language]:
    state = _state(app)
    if "languages" not in state:
        state["languages"] = load_languages(locales)
    return state["languages"]


def _locales(app: Sphinx) -> Path:
    return Path(app.srcdir, app.config.waspada_locales).resolve()


def reader_language(app: Sphinx) -> Language:
    """The language this build is for."""
    code = app.config.language or "en"
    return _languages(_locales(app), app).get(code, ENGLISH)


def page_code(app: Sphinx, docname: str) -> str:
    """The language ``docname`` is shown in: the build's, or a fallback for a chapter not yet
    translated whole into it."""
    reader = reader_language(app)
    if reader.code == SOURCE:
        return SOURCE
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(docname, app.config.gettext_compact)
    cache = _state(app).setdefault("pages", {})
    if domain not in cache:
        cache[domain] = chapter_language(_locales(app), reader, domain)
    return cache[domain]


def scenario_code(app: Sphinx, docname: str, scenario_id: str) -> str:
    """The language a scenario in ``docname`` is played in: its page's language if the
    scenario is translated whole into it, else the next language of the chain that is."""
    code = page_code(app, docname)
    if code == SOURCE:
        return SOURCE
    languages = _languages(_locales(app), app)
    return scenario_language(_locales(app), languages.get(code, ENGLISH), scenario_id)


def native_name(app: Sphinx, code: str) -> str:
    return _languages(_locales(app), app).get(code, ENGLISH).native


def fallback_note(app: Sphinx, key: str, shown: str) -> str:
    """``APP_MESSAGES[key]`` in the reader's language, naming both languages by their own
    names. Placeholders are replaced, never ``format``-ted: the text comes from a catalog."""
    reader = reader_language(app)
    message = lookup_chain(_locales(app), reader, ("ui",))(UI_CONTEXT, APP_MESSAGES[key])
    return message.replace("{language}", reader.native).replace(
        "{fallback}", native_name(app, shown)
    )


_LINK = re.compile(r'<a class="([^"]*\breference internal\b[^"]*)" href="([^"#]*)(#[^"]*)?"')


def mark_links(app: Sphinx, pagename: str, text: str) -> str:
    """Give each internal link in ``text`` (HTML) to a page shown in another language than the
    reader's that page's ``lang``."""
    reader = reader_language(app).code
    suffix = app.builder.out_suffix if hasattr(app.builder, "out_suffix") else ".html"
    base = posixpath.dirname(pagename)
    docs = app.env.all_docs

    def mark(match: re.Match[str]) -> str:
        href = match.group(2)
        if not href:
            target = pagename
        elif href.endswith(suffix) and "://" not in href:
            target = posixpath.normpath(posixpath.join(base, href[: -len(suffix)]))
        else:
            return match.group(0)
        if target not in docs:
            return match.group(0)
        code = page_code(app, target)
        return match.group(0) if code == reader else f'{match.group(0)} lang="{code}"'

    return _LINK.sub(mark, text)


def _body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Before the language bar and notices go on top: the note, and the body marked."""
    if app.builder.format != "html" or "body" not in context:
        return
    if pagename not in app.env.all_docs or reader_language(app).code == SOURCE:
        return
    shown = page_code(app, pagename)
    if shown == reader_language(app).code:
        return
    note = html.escape(fallback_note(app, "chapter_fallback", shown))
    context["body"] = (
        f'<p class="{NOTE_CLASS}" role="note">{note}</p>'
        f'<div class="wsp-shown-in" lang="{shown}">{_retitle(app, context["body"], shown)}</div>'
    )


def _retitle(app: Sphinx, body: str, shown: str) -> str:
    """The "¶" links' titles (Sphinx's "Link to this heading"...) in the body's language."""
    locales = _locales(app)
    languages = _languages(locales, app)
    reader = lookup_chain(locales, reader_language(app), ("sphinx",))
    body_language = languages.get(shown, ENGLISH)
    own = lookup_chain(locales, body_language, ("sphinx",)) if shown != SOURCE else None
    for message in THEME_MESSAGES["sphinx"]:
        if message.startswith("Link to this "):
            before = html.escape(reader("", message))
            after = html.escape(own("", message) if own else message)
            body = body.replace(f'title="{before}"', f'title="{after}"')
    return body


def _navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """After the theme's own: the contents, the pager and the home link carry ``lang``."""
    if app.builder.format != "html" or reader_language(app).code == SOURCE:
        return
    reader = reader_language(app).code
    toctree = context.get("toctree")
    if callable(toctree):
        context["toctree"] = lambda **kw: mark_links(app, pagename, toctree(**kw))
    for key in ("prev", "next"):
        link = context.get(key)
        if not link or not link.get("link"):
            continue
        marked = mark_links(app, pagename, f'<a class="reference internal" href="{link["link"]}"')
        found = re.search(r'lang="([^"]+)"', marked)
        if found:
            context[key] = {**link, "title": f'<span lang="{found[1]}">{link["title"]}</span>'}
    root = app.config.root_doc
    if context.get("root_title") and root in app.env.all_docs:
        code = page_code(app, root)
        if code != reader:
            context["root_title"] = (
                f'<span lang="{code}">{html.escape(str(context["root_title"]))}</span>'
            )


def setup_screen(app: Sphinx) -> None:
    from .linktext import setup_link_text

    setup_link_text(app)
    app.connect("html-page-context", _body, priority=450)
    app.connect("html-page-context", _navigation, priority=600)
