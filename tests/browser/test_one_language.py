"""One language per screen and no English on translated pages (issue 15, items 6 and 7), in
Chromium: every page of the Indonesian, Javanese, Sundanese and Sasak school courses, with
JavaScript on (the player mounted) and off (the text version), and the Sasak scenario pages
against the Indonesian catalogs; and in the full course in every language, each chapter shown
in a fallback language against that language's own page, link texts included."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from .conftest import ROOT

pytestmark = pytest.mark.browser

LANGS = ("id", "jv", "su", "sas")
PROFILE = "school"  # the smallest profile with chapters, handouts, a glossary and scenarios

# English that is no word of Indonesian, Javanese, Sundanese or Sasak ("to" is one: Sasak
# "leq to", there). Case matters for the capitalised ones ("Skenario" is right; "Scenario" is
# English), not for the small words.
ENGLISH = re.compile(
    r"\b(?:(?i:the|and|of|with|your|you|this|that|is|are|from|what|which|will|not)|"
    r"Link to|Interactive scenario|Scenario|Search|Back|Start again|Choice|Quick exit|"
    r"Large text|Contents|previous|next|Languages|Facilitator|Key messages|Source checked|"
    r"ending|Decision|Skip to)\b"
)

# Every text node and the attributes a reader (or a screen reader) meets, with where it is.
# Text marked lang="en" is English on purpose (the language switcher's "English"); the
# glossary's English column and the titles of English sources in the references are quoted.
COLLECT = """() => {
  const out = [];
  const quoted = (el) => el.closest(
    'script, style, code, [lang="en"], [id^="src-"], .wsp-glossary-en') ||
    (location.pathname.endsWith('/glossary.html') && el.closest('td:first-child'));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.replace(/\\s+/g, ' ').trim();
    if (text && el && !quoted(el)) out.push(['text', el.tagName.toLowerCase(), text]);
  }
  for (const el of document.querySelectorAll('*')) {
    if (quoted(el)) continue;
    for (const name of ['title', 'aria-label', 'alt', 'placeholder', 'aria-description']) {
      const value = el.getAttribute(name);
      if (value) out.push([name, el.tagName.toLowerCase(), value]);
    }
  }
  out.push(['title', 'document', document.title]);
  return out;
}"""


@pytest.fixture(scope="session")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The school course built in Indonesian, Javanese, Sundanese and Sasak."""
    out = tmp_path_factory.mktemp("translated")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", PROFILE, "--lang", ",".join(LANGS), "--output", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def pages(course: Path) -> list[Path]:
    """Every page, but the one-line redirect of index.html to the profile's first page."""
    return sorted(
        p
        for p in course.rglob("*.html")
        if "_static" not in p.parts and "<body" in p.read_text(encoding="utf-8")
    )


def english_on(page, path: Path, script: bool = True) -> list[str]:
    page.goto(path.as_uri())
    if script and page.locator(".wsp-scenario").count():  # wait for every player
        page.wait_for_function(
            "[...document.querySelectorAll('.wsp-scenario')].every(e => e.dataset.wspReady)"
        )
        page.wait_for_selector(".wsp-scenario .wsp-title")
    found = []
    seen = page.evaluate(COLLECT)
    if not script:  # every node, choice, feedback and ending of the page's scenarios
        for data in page.locator("script.wsp-payload").all_text_contents():
            payload = json.loads(data)
            for text in strings_of([payload["title"], payload["summary"], payload["ui"]]):
                seen.append(["payload", "script", text])
            for text in strings_of(payload["nodes"]):
                seen.append(["payload", "script", text])
    for kind, tag, text in seen:
        for match in ENGLISH.finditer(text):
            found.append(f"{path.name}: {kind} on <{tag}>: ...{match.group(0)}... in {text!r}")
            break
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_text_or_attribute_on_any_page(browser, translated: Path, lang: str) -> None:
    """Titles ("Link to this heading"), aria-labels, alt texts, placeholders and the text of
    every page, the mounted player's and the no-JavaScript version's, are in the course's
    languages. The page title, the switcher's "English" and quoted English sources aside."""
    course = translated / PROFILE / lang
    found: list[str] = []
    for script in (True, False):
        context = browser.new_context(java_script_enabled=script)
        page = context.new_page()
        page.set_default_timeout(20_000)
        for path in pages(course):
            found += english_on(page, path, script)
        context.close()
    assert len(pages(course)) > 20
    assert not found, "\n".join(found[:40])


def test_the_english_detector_finds_what_was_left_before(browser, tmp_path: Path) -> None:
    """The check fails on the kind of page the course had before: English attributes, the
    English no-JavaScript note, and the English the language switcher does not mark."""
    page_file = tmp_path / "old.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="sas"><head><title>Isi</title></head><body>'
        '<h1>Bagaimana orang direkrut<a class="headerlink" href="#x" '
        'title="Link to this heading">¶</a></h1>'
        "<p>(Interactive scenario: open the web version of the course to play it.)</p>"
        '<nav><a href="#" lang="en">English</a></nav>'
        '<script type="application/json" class="wsp-payload">{"title": "Judul", "summary": "",'
        ' "ui": {"back": "Kembali"}, "nodes": {"a": {"id": "the-end", "text": [{"p": [["",'
        ' "Sari pulang."]]}], "ending": {"kind": "safe", "title": "You are safe"}}}}</script>'
        "</body></html>",
        encoding="utf-8",
    )
    context = browser.new_context(java_script_enabled=False)
    found = english_on(context.new_page(), page_file, script=False)
    context.close()
    assert len(found) == 3, found
    assert "title on <a>: ...Link to..." in " ".join(found)
    assert "text on <p>: ...Interactive scenario..." in " ".join(found)
    assert "payload on <script>: ...You... in 'You are safe'" in " ".join(found)


def catalog_strings(lang: str) -> dict[tuple[str, str | None], str]:
    strings = {}
    for path in (ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    strings[(str(message.id), message.context)] = str(message.string)
    return strings


# Payload fields that hold no words for a reader: ids, kinds, numbers, links, styles.
NOT_WORDS = {"id", "kind", "target", "numbers", "number", "tel", "url", "href", "lastChecked"}


def strings_of(value: object) -> list[str]:
    """The strings of a payload (or part of one) that a reader may see."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in NOT_WORDS for s in strings_of(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_of(v)]
    return []


def test_a_sasak_scenario_page_is_all_sasak(browser, translated: Path) -> None:
    """Each Sasak practice page (its text, the player, every node and ending in its payload)
    holds no Indonesian sentence of the catalogs that Sasak translates differently."""
    indonesian = catalog_strings("id")
    sasak = catalog_strings("sas")
    # Sentences, not names: plain text (no markup to render differently), long enough to be
    # a sentence, translated differently into Sasak.
    sentences = {
        " ".join(text.split())
        for key, text in indonesian.items()
        if len(text) >= 30
        and not re.search(r"[*`\[\]{}<>|_]", text)
        and " ".join(text.split()) != " ".join(sasak.get(key, "").split())
    }
    assert len(sentences) > 1000
    course = translated / PROFILE / "sas"
    scenario_pages = [p for p in pages(course / "practice") if p.name != "index.html"]
    assert len(scenario_pages) >= 5
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    mixed = []
    for path in scenario_pages:
        payload = json.loads(
            re.search(
                r'<script type="application/json" class="wsp-payload">(.*?)</script>',
                path.read_text(encoding="utf-8"),
                re.S,
            )[1]
        )
        assert payload["lang"] == "sas"
        page.goto(path.as_uri())
        page.wait_for_selector(".wsp-scenario[data-wsp-ready] .wsp-title")
        text = " ".join(
            (page.inner_text("main") + " " + " ".join(strings_of(payload["nodes"]))).split()
        )
        mixed += [f"{path.name}: {s!r}" for s in sentences if s in text]
        assert page.locator(".wsp-language-note").count() == 0
    context.close()
    assert not mixed, "\n".join(mixed[:20])


def test_a_chapter_not_yet_in_sasak_is_shown_whole_in_indonesian(browser, translated: Path) -> None:
    """recruitment (not yet translated into Sasak): one Sasak line says so, the whole body is
    Indonesian and marked lang="id", and the contents mark the link to it the same way."""
    indonesian = (translated / PROFILE / "id" / "recruitment.html").read_text(encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto((translated / PROFILE / "sas" / "recruitment.html").as_uri())
    note = page.locator(".wsp-language-note")
    assert note.inner_text() == (
        "Bab sine ndeqman araq leq Base Sasak; bab sine tetampilang leq Bahasa Indonesia."
    )
    body = page.locator(".wsp-shown-in")
    assert body.get_attribute("lang") == "id"
    assert page.locator("html").get_attribute("lang") == "sas"
    heading = body.locator("h1").first.inner_text().rstrip("¶").strip()
    assert f"<h1>{heading}<a" in indonesian
    assert page.locator('#wsp-contents a[aria-current="page"]').get_attribute("lang") == "id"
    assert page.locator('#wsp-contents a[href="help.html"]').get_attribute("lang") is None
    # A chapter with a scenario and help numbers: the body reads exactly as the Indonesian
    # page does, the player and the help box included.
    for name in ("online-safety.html", "safe-migration.html"):
        bodies = []
        for lang, selector in (("sas", ".wsp-shown-in > section"), ("id", "article > section")):
            page.goto((translated / PROFILE / lang / name).as_uri())
            if page.locator(".wsp-scenario").count():
                page.wait_for_selector(".wsp-scenario[data-wsp-ready] .wsp-title")
                payload = json.loads(page.locator("script.wsp-payload").first.text_content() or "")
                assert payload["lang"] == "id"
            bodies.append(page.locator(selector).first.inner_text())
        assert bodies[0] == bodies[1], name
    context.close()


def test_the_chooser_describes_each_course_in_each_language(browser, translated: Path) -> None:
    """The course chooser names and describes the course in each language it was built in,
    not in English only; each entry is marked with its language."""
    profile = yaml.safe_load((ROOT / "profiles.yml").read_text(encoding="utf-8"))["profiles"]
    english = " ".join(profile[PROFILE]["description"].split())
    context = browser.new_context()
    page = context.new_page()
    page.goto((translated / "index.html").as_uri())
    for lang in LANGS:
        entry = page.locator(f'li[lang="{lang}"]:has(a[href="{PROFILE}/{lang}/index.html"])')
        about = " ".join(entry.locator(".about").inner_text().split())
        key = (english, f"profile:{PROFILE}")
        assert about == " ".join(catalog_strings(lang)[key].split()) != english, lang
    context.close()


# -- every course, every language: a chapter in a fallback language reads as in that language --

FULL = "full"  # every chapter, guide, handout, glossary and scenario: every link of the book
ALL_LANGS = tuple(
    yaml.safe_load((ROOT / "locales" / "languages.yml").read_text(encoding="utf-8"))["languages"]
)

# The article as a reader meets its text: the chrome every page has around the body (Quick
# exit, the language switcher, the draft notice and the fallback note) taken away.
ARTICLE_TEXT = """() => {
  const article = document.querySelector('article');
  for (const el of article.querySelectorAll(
      '.wsp-quick-exit-page, nav.wsp-languages, .wsp-draft-notice, .wsp-language-note')) {
    el.remove();
  }
  return article.innerText;
}"""


@pytest.fixture(scope="module")
def every_language(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full course built in every language locales/languages.yml declares."""
    out = tmp_path_factory.mktemp("every-language")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", FULL, "--output", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def expected_fallbacks(lang: str, course: Path) -> dict[str, str]:
    """Each chapter page of ``course`` that i18n/screen.py shows in another language than
    ``lang`` (page -> that language), from the catalogs, not from the built pages."""
    from sphinx.util.i18n import docname_to_domain

    from waspada.i18n.catalogs import load_languages
    from waspada.i18n.screen import chapter_language

    locales = ROOT / "locales"
    language = load_languages(locales)[lang]
    out = {}
    for path in pages(course):
        page = path.relative_to(course).with_suffix("").as_posix()
        if not (ROOT / "book" / f"{page}.md").is_file():
            continue  # Sphinx's own pages (search): no chapter
        shown = chapter_language(locales, language, docname_to_domain(page, True))
        if shown != lang:
            out[page] = shown
    return out


@pytest.mark.parametrize("lang", ALL_LANGS)
def test_a_chapter_in_a_fallback_language_reads_exactly_as_in_that_language(
    browser, every_language: Path, lang: str
) -> None:
    """In the full course in each language, every chapter shown whole in a fallback language
    is marked with that language and reads exactly as that language's own page: every word,
    the text version of its scenarios, and the text of each link, including the links that
    Sphinx fills with the title of a page that is translated (the safe-migration chapter's
    link to the Sasak checklist handout is named by its Indonesian title)."""
    course = every_language / FULL / lang
    expected = expected_fallbacks(lang, course)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    found: dict[str, str] = {}
    differ = []
    for path in pages(course):
        name = path.relative_to(course).with_suffix("").as_posix()
        page.goto(path.as_uri())
        marked = page.locator("article .wsp-shown-in")
        if not marked.count():
            continue
        shown = marked.get_attribute("lang") or ""
        found[name] = shown
        text = page.evaluate(ARTICLE_TEXT)
        page.goto((every_language / FULL / shown / f"{name}.html").as_uri())
        own = page.evaluate(ARTICLE_TEXT)
        if text != own:
            pairs = zip(text.splitlines(), own.splitlines(), strict=False)
            lines = [(mine, theirs) for mine, theirs in pairs if mine != theirs]
            differ.append(f"{name} ({lang} page shown in {shown}): {lines[:3]}")
    context.close()
    assert found == expected
    assert not differ, "\n".join(differ)


def test_sasak_has_chapters_in_indonesian_that_link_to_sasak_pages(every_language: Path) -> None:
    """The comparison above has something to compare: in the full Sasak course, chapters shown
    in Indonesian link, without text of their own, to pages that are in Sasak; each such link
    reads the Indonesian title, never the Sasak one."""
    sasak = expected_fallbacks("sas", every_language / FULL / "sas")
    assert len(sasak) >= 10 and set(sasak.values()) == {"id"}
    chapter = (every_language / FULL / "sas" / "safe-migration.html").read_text(encoding="utf-8")
    handout = every_language / FULL / "sas" / "handouts" / "safe-migration-checklist.html"
    sasak_title = re.search(r"<h1>([^<]+)<a", handout.read_text(encoding="utf-8"))[1]
    indonesian = every_language / FULL / "id" / "handouts" / "safe-migration-checklist.html"
    indonesian_title = re.search(r"<h1>([^<]+)<a", indonesian.read_text(encoding="utf-8"))[1]
    assert sasak_title != indonesian_title
    link = re.search(
        r'href="handouts/safe-migration-checklist.html"><span class="doc">([^<]+)</span>', chapter
    )
    assert link and link[1] == indonesian_title
