"""The two pages of a live session the server hands out as they are (issue 16).

- the **join page** (``GET /j`` and ``GET /j/<code>``) for the room's phones: a box for the room
  code, or the current decision's choices as big buttons, drawn by ``static/join.js`` from the
  room's API; small, plain ES5 JavaScript for old Android browsers, no framework;
- the **control page** (``GET /live/control/<code>``) for the facilitator's own phone or second
  window: notes, discussion prompt, live votes, hands typed in, and the controls. The room's
  secret travels in the URL fragment (``#key=...``), which browsers never send to a server;
  ``static/control.js`` reads it and sends it as the ``X-Waspada-Secret`` header.

The pages hold no text from a scenario or a translation that a script could run: the few
server-side strings are escaped here, and the scripts put everything the API returns into the
page with ``textContent`` only. Everything is same-origin: no CDN, no font, no cookie.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..assets import quick_exit_link, script_json
from ..i18n import available_languages, translator
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT, UI_MESSAGES
from ..scenario import Translate, no_translation

STATIC = Path(__file__).parent / "static"
# What GET /live/static/<name> may serve: these three files, nothing else.
STATIC_FILES: dict[str, Path] = {
    name: STATIC / name for name in ("join.js", "join.css", "control.js")
}
STATIC_URL = "/live/static/"

# Every string is a gettext message of the UI catalog: the live_* ones of the join and control
# pages (APP_MESSAGES), those they share with the projector (UI_MESSAGES, live_*) and a few of the
# scenario player's and the apps' own ("Key messages", "Quick exit").
MESSAGES = {**UI_MESSAGES, **APP_MESSAGES}
# The strings join.js uses, carried in the join page itself (the API's answers bring them too).
PHONE_UI = (
    "live_unknown_room",
    "live_reconnecting",
    "live_vote_now",
    "live_vote_counted",
    "live_vote_failed",
    "live_vote_closed",
    "live_result",
    "live_share",
    "live_your_vote",
    "live_right_answer",
    "live_wait",
    "live_ended",
    "live_closed",
    "key_messages",
    "get_help",
    "last_checked",
    "large_text",
)
# What control.js adds (it shows an ending too, through join.js).
CONTROL_UI = (
    "live_joined",
    "live_join_at",
    "live_votes",
    "live_total",
    "live_phase_voting",
    "live_phase_revealed",
    "live_reveal",
    "live_reopen",
    "live_follow_label",
    "live_most_votes",
    "live_follow",
    "live_back",
    "live_end",
    "live_end_confirm",
    "live_end_yes",
    "live_cancel",
    "live_failed",
    "live_wrong_key",
    "hands",
    "notes",
    "discuss",
)
# What the pages themselves say (pages.py).
PAGE_UI = (
    "live_title",
    "live_room",
    "live_join_heading",
    "live_code_label",
    "live_code_hint",
    "live_join",
    "live_no_js",
    "live_private",
    "live_connecting",
    "live_control_title",
    "live_control_private",
    "quick_exit",
    "quick_exit_hint",
    "languages",
)
LIVE_UI = tuple(dict.fromkeys((*PAGE_UI, *PHONE_UI, *CONTROL_UI)))


def live_ui(translate: Translate = no_translation) -> dict[str, str]:
    """The join and control pages' strings in one language (the API's ``"ui"`` field)."""
    return {key: translate(UI_CONTEXT, MESSAGES[key]) for key in LIVE_UI}


def _languages(locales_dir: Path | None) -> list[tuple[str, str]]:
    return available_languages(locales_dir) if locales_dir is not None else [("en", "English")]


def _language_switch(languages: list[tuple[str, str]], lang: str, label: str) -> str:
    """Links ``?lang=<code>`` to this same page in every course language (none if only one)."""
    if len(languages) < 2:
        return ""
    items = []
    for code, native in languages:
        current = ' aria-current="true"' if code == lang else ""
        code_attr = html.escape(code, quote=True)
        items.append(
            f'<li><a href="?lang={code_attr}" lang="{code_attr}" hreflang="{code_attr}"'
            f"{current}>{html.escape(native)}</a></li>"
        )
    return (
        f'<nav class="wl-langs" aria-label="{html.escape(label, quote=True)}">'
        f"<ul>{''.join(items)}</ul></nav>"
    )


def _page(lang: str, title: str, head_extra: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="stylesheet" href="{STATIC_URL}join.css">{head_extra}</head>'
        f'<body class="wl">{body}</body></html>'
    )


def _resolve(lang: str, languages: list[tuple[str, str]]) -> str:
    return lang if lang in {code for code, _ in languages} else "en"


def _ui_json(ui: dict[str, str]) -> str:
    return f'<script type="application/json" id="wl-ui">{script_json(ui)}</script>'


def join_page(code: str | None, lang: str, locales_dir: Path | None, *, found: bool) -> str:
    """The whole HTML page for ``GET /j`` (``code`` None: a box to type the room code) and
    ``GET /j/<code>`` (``found`` False: the same box, saying that no such room is open)."""
    languages = _languages(locales_dir)
    lang = _resolve(lang, languages)
    tr = translator(locales_dir, lang)
    ui = live_ui(tr)
    switch = _language_switch(languages, lang, ui["languages"])
    if code is not None and found:
        title = f"{ui['live_title']} · {ui['live_room'].format(code=code)}"
        room = html.escape(code, quote=True)
        main = (
            f'<main id="wl-room" class="wl-main" data-room="{room}" '
            f'data-lang="{html.escape(lang, quote=True)}">'
            f'<h1 class="wl-h1">{html.escape(ui["live_title"])} '
            f'<span class="wl-code">{html.escape(ui["live_room"].format(code=code))}'
            "</span></h1>"
            f'<p class="wl-private">{html.escape(ui["live_private"])}</p>'
            '<p id="wl-status" class="wl-status" role="status" aria-live="polite">'
            f"{html.escape(ui['live_connecting'])}</p>"
            '<div id="wl-view" class="wl-view"></div>'
            f'<noscript><p class="wl-problem">{html.escape(ui["live_no_js"])}</p></noscript>'
            "</main>"
        )
    else:
        title = ui["live_join_heading"]
        problem = ""
        if code is not None:
            problem = (
                f'<p class="wl-problem" role="alert">'
                f"{html.escape(ui['live_unknown_room'].format(code=code))}</p>"
            )
        main = (
            f'<main class="wl-main"><h1 class="wl-h1">'
            f"{html.escape(ui['live_join_heading'])}</h1>{problem}"
            '<form id="wl-code-form" class="wl-form" action="/j" method="get">'
            f'<label for="wl-code">{html.escape(ui["live_code_label"])}</label>'
            f'<p id="wl-code-hint" class="wl-hint">'
            f"{html.escape(ui['live_code_hint'])}</p>"
            '<input id="wl-code" name="code" type="text" inputmode="numeric" '
            'pattern="[0-9]*" maxlength="8" autocomplete="off" required '
            'aria-describedby="wl-code-hint">'
            f'<input type="hidden" name="lang" value="{html.escape(lang, quote=True)}">'
            f'<button type="submit" class="wl-button">{html.escape(ui["live_join"])}'
            "</button></form>"
            f'<p class="wl-private">{html.escape(ui["live_private"])}</p></main>'
        )
    phone_ui = {key: ui[key] for key in PHONE_UI}
    body = (
        f'<header class="wl-head">{switch}</header>{main}{_ui_json(phone_ui)}'
        f"{quick_exit_link(ui['quick_exit'], hint=ui['quick_exit_hint'])}"
        f'<script src="{STATIC_URL}join.js"></script>'
    )
    return _page(lang, title, "", body)


def control_page(code: str, lang: str, locales_dir: Path | None) -> str:
    """The whole HTML page for ``GET /live/control/<code>``: the secret is in the URL fragment
    (``#key=...``), which control.js moves to sessionStorage and sends as a header."""
    languages = _languages(locales_dir)
    lang = _resolve(lang, languages)
    ui = live_ui(translator(locales_dir, lang))
    switch = _language_switch(languages, lang, ui["languages"])
    room_label = ui["live_room"].format(code=code)
    main = (
        f'<main id="wl-control" class="wl-main wl-control" '
        f'data-room="{html.escape(code, quote=True)}" data-lang="{html.escape(lang, quote=True)}">'
        f'<h1 class="wl-h1">{html.escape(ui["live_control_title"])} '
        f'<span class="wl-code">{html.escape(room_label)}</span></h1>'
        f'<p class="wl-private">{html.escape(ui["live_control_private"])}</p>'
        '<p id="wl-status" class="wl-status" role="status" aria-live="polite">'
        f"{html.escape(ui['live_connecting'])}</p>"
        '<div id="wl-view" class="wl-view"></div>'
        f'<noscript><p class="wl-problem">{html.escape(ui["live_no_js"])}</p></noscript>'
        "</main>"
    )
    body = (
        f'<header class="wl-head">{switch}</header>{main}{_ui_json(ui)}'
        f'<script src="{STATIC_URL}join.js"></script>'
        f'<script src="{STATIC_URL}control.js"></script>'
    )
    title = f"{ui['live_control_title']} · {room_label}"
    return _page(lang, title, "", body)
