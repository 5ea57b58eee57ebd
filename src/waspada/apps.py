"""The Voila apps' Python side: thin views over the core, called from the notebooks in widgets/.

Each notebook is one line (``from waspada.apps import player; player()``) so that authors never
need to touch code, and Voila's preheated kernels have done the imports before a visitor arrives.
"""

from __future__ import annotations

import html
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

import ipywidgets as w
from IPython.display import display

from .assets import quick_exit_link
from .i18n import available_languages, language, translator
from .i18n.screen import scenario_language
from .i18n.ui import APP_MESSAGES, AUDIENCE_NAMES, UI_CONTEXT, UI_MESSAGES
from .live import ENV_DB
from .project import Project
from .scenario import Scenario, Translate
from .scenario.model import MODUS_NAMES
from .session_page import course_session_data
from .widget import LiveRooms, ScenarioWidget
from .widget.session_widget import SessionWidget

if TYPE_CHECKING:
    from .i18n.languages import Language
    from .i18n.review import Shown
    from .profiles import Profile


def _query() -> dict[str, str]:
    """The page's query string: Voila puts it in the kernel's environment, or, for a preheated
    kernel, sends it when a visitor arrives (see ``_wait_for_visitor``). Empty outside Voila."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False" and "VOILA_KERNEL_ID" in os.environ:
        _wait_for_visitor()
    raw = os.environ.get("QUERY_STRING", "")
    return {key: values[0] for key, values in parse_qs(raw).items() if values}


def _wait_for_visitor() -> None:
    """Voila 0.5's hand-over to a preheated kernel, as ``voila.utils.wait_for_request`` does it:
    read one JSON message of request variables from ``/voila/query/<kernel id>`` and put them
    in the environment. Done here because importing ``voila.utils`` loads Jupyter Server,
    JupyterLab Server and jsonschema into every kernel: 90 MB more per classroom seat."""
    import asyncio

    import websockets

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env['VOILA_KERNEL_ID']}"
    )

    async def receive() -> str | bytes | None:
        try:
            async with websockets.connect(url, open_timeout=5) as socket:
                return await socket.recv()
        except (OSError, TimeoutError, websockets.WebSocketException):
            return None

    info: list[str | bytes | None] = []
    # In a thread with its own event loop: the kernel's loop is already running.
    worker = threading.Thread(target=lambda: info.append(asyncio.run(receive())))
    worker.start()
    worker.join()
    if info and info[0]:
        for key, value in json.loads(info[0]).items():
            env[key] = value


def player(
    scenario: str | None = None,
    lang: str | None = None,
    mode: str | None = None,
    project: Project | None = None,
    live: bool | None = None,
) -> None:
    """Show one scenario with a language selector. Arguments default to the URL's query string
    (``?scenario=ID&lang=LANG&mode=facilitator&live=1``). ``live``: a live classroom in
    facilitator mode, the room's phones voting, when `waspada serve --live` runs (it names the
    room store in ``WASPADA_LIVE_DB``); otherwise facilitator mode with a note saying so."""
    query = _query()
    project = project or Project.discover(Path.cwd())
    sid = scenario or query.get("scenario", "")
    collection = project.load()
    languages = available_languages(project.locales_dir)
    codes = [code for code, _ in languages]
    code = lang or query.get("lang", "en")
    code = code if code in codes else "en"
    tr = translator(project.locales_dir, code)
    back = {"lang": code, **({"profile": query["profile"]} if query.get("profile") else {})}
    if sid in collection.broken:
        # Never the problems themselves (file names, lines) to a learner: they are for authors.
        text = tr(UI_CONTEXT, APP_MESSAGES["broken_scenario"]).replace("{id}", sid)
        display(_dead_end(text, tr, back))
        return
    if sid not in collection.scenarios:
        key = "unknown_scenario" if sid else "choose_scenario"
        display(_dead_end(tr(UI_CONTEXT, APP_MESSAGES[key]).replace("{id}", sid), tr, back))
        return
    live = query.get("live") == "1" if live is None else live
    facilitate = live or (mode or query.get("mode")) == "facilitator"
    widget = ScenarioWidget(
        collection.scenarios[sid],
        collection.services,
        lang=code,
        locales_dir=project.locales_dir,
        mode="facilitator" if facilitate else "learner",
    )
    note = ""
    if live:
        rooms = _live_rooms()
        if rooms is None:
            text = html.escape(tr(UI_CONTEXT, APP_MESSAGES["open_live_needs_serve"]))
            note = f'<p class="wsp-app-note" role="note">{text}</p>'
        else:
            widget.enable_live(rooms)
    chooser = w.Dropdown(
        options=[(name, c) for c, name in languages],
        value=code,
        description=translator(project.locales_dir, code)(UI_CONTEXT, APP_MESSAGES["languages"]),
        style={"description_width": "initial"},
        layout=w.Layout(width="18rem"),
    )

    def switch(change: dict) -> None:
        widget.language = change["new"]

    chooser.observe(switch, names="value")
    links = w.HTML(APP_CSS + _gallery_link(tr, back) + _quick_exit(tr))
    display(w.HTML(_heading(tr, code, "scenario")))
    top = w.HBox([links, chooser]) if len(languages) > 1 else links
    display(top, *([w.HTML(note)] if note else []), widget)


def _live_rooms() -> LiveRooms | None:
    """The room store `waspada serve --live` named (``WASPADA_LIVE_DB``), or None. Imported
    only for a live page: every other kernel stays as small as before."""
    if not os.environ.get(ENV_DB):
        return None
    from .live.store import open_store

    return open_store()


APP_CSS = """
<style>
  .wsp-app-links { font: 1rem system-ui, sans-serif; margin: 0.4rem 1.5rem 0.4rem 0; }
  .wsp-app-links a { color: #0b5394; font-weight: 700; }
  .wsp-app-note { font: 1rem system-ui, sans-serif; background: #fff4d6; border: 1px solid #b07d00;
    border-radius: 6px; padding: 0.4rem 0.7rem; max-width: 48rem; }
</style>
"""


def _heading(tr: Translate, lang: str, key: str) -> str:
    """The page's heading, in the page's language (the notebooks have none of their own)."""
    text = html.escape(tr(UI_CONTEXT, APP_MESSAGES[key]))
    return f'<h1 class="wsp-app-heading" lang="{html.escape(lang)}">{text}</h1>'


def _gallery_link(tr: Translate, query: dict[str, str]) -> str:
    """The way back to the gallery, in the same language (and course profile)."""
    return (
        '<p class="wsp-app-links">'
        f'<a href="gallery.ipynb?{html.escape(urlencode(query))}">'
        f"← {html.escape(tr(UI_CONTEXT, APP_MESSAGES['gallery_title']))}</a></p>"
    )


def _dead_end(text: str, tr: Translate, query: dict[str, str]) -> w.HTML:
    """A player page that cannot show a scenario: the message, the way back to the gallery
    and the Quick exit, so that no page leaves a learner stuck."""
    return w.HTML(
        APP_CSS
        + _heading(tr, query.get("lang", "en"), "scenario")
        + f'<p class="wsp-app-message">{html.escape(text)}</p>'
        + _gallery_link(tr, query)
        + _quick_exit(tr)
    )


def _quick_exit(tr: Translate) -> str:
    """The page's Quick exit link; the template's script makes it replace the page."""
    return quick_exit_link(tr(UI_CONTEXT, UI_MESSAGES["quick_exit"]))


def session(lang: str | None = None, project: Project | None = None) -> None:
    """The trainer's session page (issue 17), as in the book: the form, the report and the
    exports, drawn by the book's own session.js (:class:`SessionWidget`), in the language of
    ``?lang=`` and for the kit of ``?profile=`` (village, school, ...). What the trainer types
    stays in the browser's localStorage; the kernel only sends the page's data."""
    query = _query()
    project = project or Project.discover(Path.cwd())
    collection = project.load()
    codes = [code for code, _ in available_languages(project.locales_dir)]
    code = lang or query.get("lang", "en")
    code = code if code in codes else "en"
    tr = translator(project.locales_dir, code)
    profile = project.profiles().get(query.get("profile", ""))
    back = {"lang": code, **({"profile": profile.name} if profile is not None else {})}
    # The kit's scenarios, as its book lists them; without a kit, every scenario of the course.
    stories = collection.stories
    scenario_ids = profile.scenario_ids(stories) if profile is not None else sorted(stories)
    data = course_session_data(
        collection,
        project.locales_dir,
        lang=code,
        kit=profile.name if profile is not None else "full",
        scenario_ids=scenario_ids,
    )
    # Under `waspada serve --live` the check can be filled in from the phones' answers.
    data["live"] = bool(os.environ.get(ENV_DB))
    display(w.HTML(_heading(tr, code, "session_report")))
    display(w.HTML(APP_CSS + _gallery_link(tr, back) + _quick_exit(tr)), SessionWidget(data))


GALLERY_CSS = """
<style>
  .wsp-gallery { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 52rem; }
  .wsp-gallery h2 { font-size: 1.4rem; margin: 1.5rem 0 0.5rem; }
  .wsp-gallery ul { list-style: none; padding: 0; display: grid; gap: 0.7rem; }
  .wsp-gallery li { border: 1px solid #c9ced4; border-radius: 8px; padding: 0.8rem 1rem; }
  .wsp-gallery a { color: #0b5394; font-weight: 700; font-size: 1.15rem; }
  .wsp-gallery a.wsp-gallery-facilitate { font-size: 0.95rem; font-weight: 400;
    margin-left: 0.6rem; }
  .wsp-gallery p { margin: 0.3rem 0 0; line-height: 1.5; }
  .wsp-gallery .wsp-gallery-modi { color: #4a4a4a; font-size: 0.9rem; }
  .wsp-gallery nav a { font-size: 1rem; margin-right: 0.8rem; }
  .wsp-gallery nav a[aria-current="page"] { color: #1b1b1b; text-decoration: none; }
  .wsp-gallery .wsp-draft { background: #fff4d6; border: 1px solid #b07d00; border-radius: 6px;
    padding: 0.4rem 0.7rem; }
</style>
"""


def _session_link(tr: Translate, query: dict[str, str]) -> str:
    """The gallery's link to the trainer's session page, for the same language and kit."""
    return (
        f'<p class="wsp-gallery-session"><a href="session.ipynb?{html.escape(urlencode(query))}">'
        f"{html.escape(tr(UI_CONTEXT, APP_MESSAGES['session_report']))}</a></p>"
    )


def gallery(project: Project | None = None) -> None:
    """List every scenario by audience, each linking to the player (and its facilitator mode),
    in the language of the URL (``?lang=id``)."""
    project = project or Project.discover(Path.cwd())
    collection = project.load()
    query = _query()
    languages = available_languages(project.locales_dir)
    lang = query.get("lang", "en")
    lang = lang if lang in dict(languages) else "en"
    tr = translator(project.locales_dir, lang)
    reader = language(project.locales_dir, lang)
    sections = []
    # With ?profile=school the gallery shows that course's scenarios only, opening each in the
    # profile's mode (a school lesson: facilitator mode, for the class to decide together).
    profile = project.profiles().get(query.get("profile", ""))
    # A scenario with errors is for `waspada check`, never for learners.
    shown = {sid: s for sid, s in collection.stories.items() if sid not in collection.broken}
    groups: list[tuple[str, list[str]]]
    if profile is not None:
        groups = [(tr(f"profile:{profile.name}", profile.title), profile.scenario_ids(shown))]
    else:
        groups = [
            (tr("audience", name), [sid for sid, s in shown.items() if audience in s.audiences])
            for audience, name in AUDIENCE_NAMES.items()
        ]
    extra = {"profile": profile.name} if profile is not None else {}
    for heading_text, ids in groups:
        items = []
        chosen = [shown[sid] for sid in ids]
        for scenario in sorted(chosen, key=lambda s: tr(s.id, s.title)):
            # Named as the player will show it: whole in one language (i18n/screen.py).
            played_in = scenario_language(project.locales_dir, reader, scenario.id)
            own = translator(project.locales_dir, played_in)
            mark = f' lang="{played_in}"' if played_in != lang else ""
            link = "player.ipynb?" + urlencode({"scenario": scenario.id, "lang": lang, **extra})
            facilitate = link + "&mode=facilitator"
            if profile is not None and profile.mode == "facilitator":
                link = facilitate
            modi = ", ".join(tr("modus", MODUS_NAMES[m]) for m in scenario.modi)
            items.append(
                f'<li><a href="{html.escape(link)}"{mark}>'
                f"{html.escape(own(scenario.id, scenario.title))}"
                f'</a><a class="wsp-gallery-facilitate" href="{html.escape(facilitate)}">'
                f"{html.escape(tr(UI_CONTEXT, APP_MESSAGES['facilitator_mode']))}</a>"
                f"{_live_link(tr, facilitate)}"
                f"<p{mark}>{html.escape(own(scenario.id, scenario.summary))}</p>"
                f'<p class="wsp-gallery-modi">{html.escape(modi)}</p></li>'
            )
        sections.append(f"<h2>{html.escape(heading_text)}</h2><ul>{''.join(items)}</ul>")
    checks = {k: c for k, c in collection.checks.items() if k not in collection.broken}
    live = bool(os.environ.get(ENV_DB))
    if live:
        sections.append(_live_checks(checks, tr, {"lang": lang, **extra}))
    listed = [shown[sid] for _, ids in groups for sid in ids]
    messages = _gallery_messages(profile, listed, list(checks.values()) if live else [], live)
    notice = _gallery_notice(project.locales_dir, reader, tr, messages)
    if notice:
        sections.insert(0, f'<p class="wsp-draft" role="note">{html.escape(notice)}</p>')
    current = ' aria-current="page"'
    picker = " ".join(
        f'<a href="gallery.ipynb?{html.escape(urlencode({"lang": code, **extra}))}" lang="{code}"'
        f"{current if code == lang else ''}>{html.escape(name)}</a>"
        for code, name in languages
    )
    label = html.escape(tr(UI_CONTEXT, APP_MESSAGES["languages"]))
    display(w.HTML(_heading(tr, lang, "gallery_title")))
    display(
        w.HTML(
            GALLERY_CSS + f'<div class="wsp-gallery" lang="{lang}">'
            f'<nav aria-label="{label}">{picker}</nav>'
            + _session_link(tr, {"lang": lang, **extra})
            + "".join(sections)
            + "</div>"
            + _quick_exit(tr)
        )
    )


def _live_link(tr: Translate, facilitate: str) -> str:
    """The gallery's "Open live" link of a scenario, when `waspada serve --live` runs."""
    if not os.environ.get(ENV_DB):
        return ""
    return (
        f'<a class="wsp-gallery-facilitate wsp-gallery-live" href="{html.escape(facilitate)}'
        f'&amp;live=1">{html.escape(tr(UI_CONTEXT, APP_MESSAGES["open_live"]))}</a>'
    )


def _live_checks(checks: dict[str, Scenario], tr: Translate, query: dict[str, str]) -> str:
    """The knowledge checks, each to be opened live (a live room's share right per question)."""
    items = "".join(
        f"<li>{html.escape(tr(check.id, check.title))}"
        + _live_link(
            tr, "player.ipynb?" + urlencode({"scenario": check.id, **query, "mode": "facilitator"})
        )
        + "</li>"
        for check in sorted(checks.values(), key=lambda c: tr(c.id, c.title))
    )
    heading = html.escape(tr(UI_CONTEXT, APP_MESSAGES["open_live_checks"]))
    return f"<h2>{heading}</h2><ul>{items}</ul>" if items else ""


def _gallery_messages(
    profile: Profile | None, scenarios: list[Scenario], checks: list[Scenario], live: bool
) -> list[Shown]:
    """What the gallery shows a reader, as (catalog, context, English), each once: its own
    words, the group headings, and each listed scenario's title, summary and methods."""
    words = ["gallery_title", "languages", "session_report"]
    words += ["facilitator_mode"] * bool(scenarios) + ["open_live"] * (live and bool(scenarios))
    words += ["open_live_checks"] * bool(checks)
    out = [("ui", UI_CONTEXT, APP_MESSAGES[key]) for key in words]
    out.append(("ui", UI_CONTEXT, UI_MESSAGES["quick_exit"]))
    if profile is not None:
        out.append(("ui", f"profile:{profile.name}", profile.title))
    else:
        out += [("ui", "audience", name) for name in AUDIENCE_NAMES.values()]
    for scenario in scenarios:
        out += [
            ("scenarios", scenario.id, scenario.title),
            ("scenarios", scenario.id, scenario.summary),
        ]
        out += [("ui", "modus", MODUS_NAMES[m]) for m in scenario.modi]
    out += [("scenarios", check.id, check.title) for check in checks]
    return [m for m in dict.fromkeys(out) if m[2]]


def _gallery_notice(
    locales_dir: Path, reader: Language, tr: Translate, messages: list[Shown]
) -> str:
    """The gallery's draft notice, by the book's rule (``book/languages.py``, ``page_notice``):
    only in a draft language, only when some of ``messages`` (what the page shows) reach the
    reader unreviewed, naming that share; "" otherwise."""
    from .i18n.review import unreviewed_share

    if not reader.is_draft:
        return ""
    share = unreviewed_share(locales_dir, reader, messages)
    if not share.unreviewed:
        return ""
    return tr(UI_CONTEXT, APP_MESSAGES["draft_notice_page"]).replace(
        "{percent}", str(share.percent)
    )
