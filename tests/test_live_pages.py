"""The live session's join and control pages (issue 16): in the asked language, escaped, small,
same-origin, and scripts that can only put the API's text into the page as text."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import waspada.live.pages as pages
from waspada.i18n import translator
from waspada.i18n.ui import APP_MESSAGES, UI_MESSAGES
from waspada.live.pages import (
    MESSAGES,
    PHONE_UI,
    STATIC,
    STATIC_FILES,
    control_page,
    join_page,
    live_ui,
)

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
SCRIPTS = {name: path.read_text(encoding="utf-8") for name, path in STATIC_FILES.items()}
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)> & "q"'


def _code(source: str) -> str:
    """A script without its comments and string literals (what the ES5 rules look at)."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    source = re.sub(r"^\s*//.*$", "", source, flags=re.M)
    source = re.sub(r'"(?:\\.|[^"\\])*"', '""', source)
    return re.sub(r"/(?:\\.|[^/\\\n])+/[gimsuy]*", "/re/", source)


def _ui_json(page: str) -> dict[str, str]:
    match = re.search(r'<script type="application/json" id="wl-ui">(.*?)</script>', page)
    assert match
    return json.loads(match.group(1))


def test_the_join_page_is_in_javanese_when_asked():
    page = join_page("4821", "jv", LOCALES, found=True)
    javanese = live_ui(translator(LOCALES, "jv"))
    assert javanese["live_title"] != UI_MESSAGES["live_title"]
    assert '<html lang="jv">' in page
    assert f'<h1 class="wl-h1">{html.escape(javanese["live_title"])} ' in page
    assert 'data-room="4821" data-lang="jv"' in page
    assert '<a href="?lang=jv" lang="jv" hreflang="jv" aria-current="true">Basa Jawa</a>' in page
    assert '<a href="?lang=id" lang="id" hreflang="id">Bahasa Indonesia</a>' in page
    assert _ui_json(page)["live_vote_counted"] == javanese["live_vote_counted"]
    assert 'class="wsp-quick-exit-page" href="about:blank"' in page
    assert page.index('id="wl-ui"') < page.index('<script src="/live/static/join.js">')


def test_an_unknown_language_is_english_and_without_catalogs_there_is_no_switch():
    page = join_page("4821", "xx", LOCALES, found=True)
    assert '<html lang="en">' in page and "Live session" in page
    alone = join_page("4821", "jv", None, found=True)
    assert '<html lang="en">' in alone and "wl-langs" not in alone


def test_without_a_room_the_page_asks_for_the_code_and_says_when_there_is_none():
    box = join_page(None, "id", LOCALES, found=False)
    assert 'id="wl-code"' in box and 'inputmode="numeric"' in box
    assert "data-room" not in box and 'role="alert"' not in box
    assert '<input type="hidden" name="lang" value="id">' in box
    unknown = join_page("0123", "en", LOCALES, found=False)
    message = APP_MESSAGES["live_unknown_room"].format(code="0123")
    assert f'<p class="wl-problem" role="alert">{html.escape(message)}</p>' in unknown
    assert 'id="wl-code"' in unknown and "data-room" not in unknown


def test_the_control_page_carries_no_secret_and_loads_the_shared_helpers_first():
    page = control_page("4821", "id", LOCALES)
    assert 'id="wl-control"' in page and 'data-room="4821"' in page
    assert "key=" not in page
    assert page.index("/live/static/join.js") < page.index("/live/static/control.js")
    assert "wsp-quick-exit-page" not in page  # the facilitator's page, not a learner's


def test_a_hostile_translation_cannot_inject_markup(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pages, "translator", lambda locales, lang: lambda ctx, msg: HOSTILE)
    for page in (
        join_page("4821", "en", None, found=True),
        join_page("4821", "en", None, found=False),
        join_page(None, "en", None, found=False),
        control_page("4821", "en", None),
    ):
        assert "<script>alert" not in page and "<img" not in page
        assert page.count("<script") == page.count("</script>")
        assert all(value == HOSTILE for value in _ui_json(page).values())  # read back intact
    hostile_code = join_page('1"><b>x</b>', "en", None, found=False)
    assert "<b>x</b>" not in hostile_code


def test_the_scripts_put_text_only_and_run_on_old_browsers():
    for name in ("join.js", "control.js"):
        source = SCRIPTS[name]
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{name} uses {sink}"
        assert "new Function" not in source
        code = _code(source)
        es2015 = re.findall(
            r"=>|\blet\s|\bconst\s|`|\bclass\s|^\s*(?:import|export)\b|\bfetch\(", code, re.M
        )
        assert es2015 == [], f"{name} is not ES5: {es2015}"
        assert ".append(" not in code and ".closest(" not in code  # missing in old Android
        assert "textContent" in source
        assert "document.cookie" not in source


@pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "acorn").is_dir(),
    reason="node and acorn (npm) are needed",
)
def test_the_scripts_parse_as_ecmascript_5():
    """Old Android browsers read ES5 only: acorn, set to ECMAScript 5, must parse each script
    (and rejects an ES2015 one, so the check is real)."""
    check = (
        "const acorn = require('acorn'); const fs = require('fs');"
        "for (const f of process.argv.slice(1)) {"
        "  try { acorn.parse(fs.readFileSync(f, 'utf8'), {ecmaVersion: 5}); }"
        "  catch (e) { console.log(f + ': ' + e.message); process.exitCode = 1; } }"
    )
    files = [str(STATIC_FILES[name]) for name in ("join.js", "control.js")]
    result = subprocess.run(
        ["node", "-e", check, *files], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    modern = ROOT / "src" / "waspada" / "widget" / "scenario.js"
    result = subprocess.run(
        ["node", "-e", check, str(modern)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "scenario.js" in result.stdout


def test_nothing_is_loaded_from_another_host():
    texts = [*SCRIPTS.values(), join_page("4821", "jv", LOCALES, found=True)]
    texts += [join_page(None, "en", LOCALES, found=False), control_page("4821", "su", LOCALES)]
    for text in texts:
        assert re.findall(r"(?:https?:)?//[\w.-]+\.\w", _code(text)) == []
        assert "@import" not in text and "url(" not in text


def test_static_files_are_exactly_the_three_files():
    assert set(STATIC_FILES) == {"join.js", "join.css", "control.js"}
    for path in STATIC_FILES.values():
        assert path.is_file() and path.parent == STATIC
    assert {p.name for p in STATIC.iterdir()} == set(STATIC_FILES)


def test_the_phone_page_stays_small():
    page = join_page("4821", "jv", LOCALES, found=True).encode("utf-8")
    size = len(page) + sum(STATIC_FILES[n].stat().st_size for n in ("join.js", "join.css"))
    assert size < 30_000, f"the join page with its script and style is {size} bytes"


def test_every_string_a_script_or_page_uses_is_given():
    every = live_ui()
    for name, keys in (("join.js", set(PHONE_UI)), ("control.js", set(every))):
        used = set(re.findall(r"\bui\.(\w+)", SCRIPTS[name]))
        assert used and used <= keys, f"{name} uses {sorted(used - keys)} that nobody gives"
    source = Path(pages.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r"ui\[[\"'](\w+)[\"']\]", source))
    assert used and used <= set(every)
    assert {k for k in APP_MESSAGES if k.startswith("live_")} <= set(every)  # none forgotten
    assert every["live_title"] == UI_MESSAGES["live_title"]  # shared with the projector


@pytest.mark.parametrize("lang", ["id", "jv", "su", "sas"])
def test_translations_keep_the_placeholders(lang: str):
    translated = live_ui(translator(LOCALES, lang))
    for key, text in translated.items():
        if key.startswith("live_"):
            english = MESSAGES[key]
            assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english)), key
