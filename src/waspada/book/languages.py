"""Per-language book chrome: the language switcher, the draft notice, translated theme text."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..assets import BOOK_CSS, QUICK_EXIT_CSS, QUICK_EXIT_JS, quick_exit_link
from ..i18n.catalogs import ENGLISH, Language, load_languages, lookup_chain
from ..i18n.review import Share, page_messages, payload_services, reviews_path, unreviewed_share
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT, UI_MESSAGES
from .directive import scenario_node, static_dir

CSS_FILE = "waspada/book.css"
QUICK_EXIT_FILE = "waspada/quickexit.js"


def _locales(app: Sphinx) -> Path:
    return Path(app.srcdir, app.config.waspada_locales)


def _languages(app: Sphinx) -> dict[str, Language]:
    return load_languages(_locales(app))


def _current(app: Sphinx) -> Language:
    return _languages(app).get(app.config.language or "en", ENGLISH)


def _translate(app: Sphinx, message: str, context: str = UI_CONTEXT) -> str:
    lang = _current(app)
    if lang.code == "en":
        return message
    return lookup_chain(_locales(app), lang, ("ui",))(context, message)


# Every page may load only its own files: no script, style, font, image or connection from
# another host, even if a theme or an extension were to add one later. No inline script runs
# either (the pages have none; scenario and translated text is data, and this stops it should
# escaping ever fail); blob: lets the scenario player import itself from disk. Inline styles
# stay allowed (docutils writes a few). A learning platform's frame (SCORM) or Kolibri serve the
# same files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.format != "html":
        return
    context["metatags"] = (
        context.get("metatags", "")
        + f'\n<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        + '\n<meta name="referrer" content="no-referrer">'
    )
    title = app.config.waspada_profile_title
    if title:  # the course this build is (profiles.yml), in the page's language
        context["course_title"] = _translate(app, title, f"profile:{app.config.waspada_profile}")
    district = app.config.waspada_district_name
    if district:  # waspada build --district: the header names the district too
        course = context.get("course_title")
        context["course_title"] = f"{course} · {district}" if course else district
    if "body" not in context:
        return
    languages = _languages(app)
    current = _current(app)
    parts = []
    if len(languages) > 1:
        up = "../" * (pagename.count("/") + 1)
        links = []
        for code, lang in languages.items():
            name = html.escape(lang.native)
            if code == current.code:
                links.append(f'<a href="#" aria-current="page" lang="{code}">{name}</a>')
            else:
                links.append(
                    f'<a href="{up}{code}/{pagename}.html" hreflang="{code}" '
                    f'lang="{code}">{name}</a>'
                )
        label = html.escape(_translate(app, APP_MESSAGES["languages"]))
        parts.append(
            f'<nav class="wsp-languages" aria-label="{label}">'
            f'<span class="wsp-languages-label">{label}:</span> {" ".join(links)}</nav>'
        )
    parts.insert(
        0,
        quick_exit_link(
            _translate(app, UI_MESSAGES["quick_exit"]),
            app.config.waspada_quick_exit,
            _translate(app, APP_MESSAGES["quick_exit_hint"]),
        ),
    )
    notice = page_notice(app, pagename, doctree)
    if notice:
        parts.append(f'<p class="wsp-draft-notice" role="note">{html.escape(notice)}</p>')
    context["body"] = "".join(parts) + context["body"]


def page_share(app: Sphinx, pagename: str, doctree: Any) -> Share:
    """How much of a page no native speaker has approved: the messages of its chapter catalog
    that come from this page, and every message of the scenarios it embeds and of the help
    entries their endings list (see :func:`waspada.i18n.review.page_messages`)."""
    from sphinx.util.i18n import docname_to_domain

    scenarios: list[str] = []
    services: list[str] = []
    for node in doctree.findall(scenario_node) if doctree is not None else ():
        payload = node.get("payload") or {}
        if isinstance(payload.get("id"), str):
            scenarios.append(payload["id"])
            services += payload_services(payload)
    domain = docname_to_domain(pagename, app.config.gettext_compact)
    page = f"{Path(app.srcdir).name}/{pagename}"
    messages = page_messages(_locales(app), page, domain, scenarios, services)
    return unreviewed_share(_locales(app), _current(app), messages)


def page_notice(app: Sphinx, pagename: str, doctree: Any) -> str:
    """The draft notice of a page in a draft language, naming the share not yet reviewed;
    "" for a page whose text native speakers have approved throughout (or that has none)."""
    if not _current(app).is_draft:
        return ""
    share = page_share(app, pagename, doctree)
    if not share.unreviewed:
        return ""
    text = _translate(app, APP_MESSAGES["draft_notice_page"])
    return text.replace("{percent}", str(share.percent))


def _reviews_stamp(app: Sphinx) -> tuple[tuple[str, int, int], ...]:
    out = []
    for code in _current(app).chain:
        path = reviews_path(_locales(app), code)
        if path.is_file():
            info = path.stat()
            out.append((code, info.st_mtime_ns, info.st_size))
    return tuple(out)


def _reviews_outdated(app: Sphinx, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """Every page, once the review records of the page's languages change: the draft notices
    (the page's and its scenarios') depend on them."""
    stamp = _reviews_stamp(app)
    if getattr(env, "waspada_reviews", None) == stamp:
        return []
    env.waspada_reviews = stamp
    return sorted(env.found_docs)


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file(CSS_FILE)
        app.add_js_file(QUICK_EXIT_FILE)  # in the head, before any widget mounts


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = static_dir(app)
        # Quick exit's rules go with the book's own, so a page asks for one file, not two.
        (target / "book.css").write_text(
            BOOK_CSS.read_text(encoding="utf-8") + QUICK_EXIT_CSS.read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        shutil.copyfile(QUICK_EXIT_JS, target / "quickexit.js")


def setup_languages(app: Sphinx) -> None:
    # Where Quick exit goes. A blank page by default: it names nothing and loads nothing.
    app.add_config_value("waspada_quick_exit", "about:blank", "html", [str])
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.connect("env-get-outdated", _reviews_outdated)
    app.connect("build-finished", _write_css)
