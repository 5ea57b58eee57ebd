"""The course itself: coverage of methods and audiences, sources, table of contents, build."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from waspada.cli import main
from waspada.i18n.catalogs import coverage, load_languages
from waspada.i18n.ui import THEME_MESSAGES
from waspada.project import Project
from waspada.scenario import AUDIENCES, MODI

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


@pytest.fixture(scope="module")
def course() -> object:
    collection = Project(ROOT).load()
    assert collection.errors == []
    return collection


def test_every_recruitment_method_is_taught_by_a_scenario(course) -> None:
    """Each method in the fixed vocabulary appears in at least one scenario."""
    taught = {modus for s in course.stories.values() for modus in s.modi}
    assert set(MODI) - taught == set()


def test_each_audience_has_at_least_three_scenarios(course) -> None:
    """Village, health and school groups each have three or more scenarios to choose from."""
    for audience in AUDIENCES:
        count = sum(audience in s.audiences for s in course.stories.values())
        assert count >= 3, f"{audience} has only {count} scenarios"


def test_every_scenario_has_a_safe_and_a_harder_ending(course) -> None:
    """At least twelve scenarios; each shows a safe outcome and a harmed or mixed one."""
    assert len(course.stories) >= 12
    for scenario in course.stories.values():
        kinds = {node.ending.kind for node in scenario.endings()}
        assert "safe" in kinds, scenario.id
        assert kinds & {"harmed", "mixed"}, scenario.id
        assert all(node.ending.help for node in scenario.endings()), scenario.id


def test_every_scenario_guides_the_facilitator(course) -> None:
    """Each scenario has facilitator notes and discussion prompts, and feedback on its choices."""
    for scenario in course.stories.values():
        nodes = list(scenario.nodes.values())
        assert any(n.notes for n in nodes), scenario.id
        assert any(n.prompt for n in nodes), scenario.id
        choices = [c for n in nodes for c in n.choices]
        assert sum(bool(c.feedback) for c in choices) >= 0.8 * len(choices), scenario.id


def _texts(scenario) -> list[str]:
    out = [scenario.title, scenario.summary]
    for node in scenario.nodes.values():
        out += [node.text, node.notes, node.prompt]
        out += [t for c in node.choices for t in (c.label, c.feedback)]
        if node.ending:
            out += [node.ending.debrief, node.ending.title, *node.ending.messages]
    return out


def test_no_phone_number_is_written_into_a_scenario(course) -> None:
    """Numbers live in help.yml only, so a corrected number is corrected everywhere."""
    numbers = {c.value for s in course.services.values() for c in s.contacts}
    phone_like = re.compile(r"(?:\+62|\b0)\d[\d -]{5,}\d|\b(?:129|110|112)\b")
    for scenario in course.scenarios.values():
        for text in _texts(scenario):
            assert not any(number in text for number in numbers), (scenario.id, text)
            assert not phone_like.search(text), (scenario.id, text)


@pytest.mark.parametrize("sid", sorted(p.stem for p in (ROOT / "scenarios").glob("*.yml")))
def test_random_play_reaches_every_ending(sid: str) -> None:
    """`waspada play --random` reaches every ending of every scenario."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            ["--project", str(ROOT), "play", sid, "--random", "3000", "--seed", "1", "--json"]
        )
    assert code == 0
    result = json.loads(out.getvalue())
    assert result["unreached"] == [] and result["stopped"] == 0


def _toc_files() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {toc["root"]}
    stack = list(toc.get("chapters", []))
    while stack:
        entry = stack.pop()
        if "file" in entry:
            files.add(entry["file"])
        if "glob" in entry:
            files.update(
                str(p.relative_to(BOOK).with_suffix("")) for p in BOOK.glob(entry["glob"] + ".md")
            )
        stack += entry.get("sections", [])
    return files


def test_every_chapter_is_in_the_table_of_contents() -> None:
    """No page of book/ is left out of the full course, and the hand-run _toc.yml lists the
    same pages as the "full" profile that `waspada build` uses."""
    pages = {str(p.relative_to(BOOK).with_suffix("")) for p in BOOK.rglob("*.md")}
    assert pages == _toc_files()
    project = Project(ROOT)
    full = project.profiles()["full"]
    assert set(full.documents(project.load().stories)) == pages
    for required in (
        "index",
        "what-is-trafficking",
        "recruitment",
        "smuggling",
        "health",
        "health-workers",
        "prevention",
        "help",
        "glossary",
        "references",
    ):
        assert required in _toc_files()


def test_every_cited_source_is_in_the_references() -> None:
    """Each [S#](src-s#) citation in a chapter points at an entry of the References page."""
    defined = set(re.findall(r"^\((src-s\d+)\)=", (BOOK / "references.md").read_text(), re.M))
    cited: set[str] = set()
    for page in BOOK.rglob("*.md"):
        cited |= set(re.findall(r"\]\((src-s\d+)\)", page.read_text()))
    assert cited, "the chapters cite no source"
    assert cited - defined == set()


def test_every_section_label_of_a_method_exists() -> None:
    """Scenario pages link methods to `modus-<value>` labels in the recruitment chapter."""
    labels = set(re.findall(r"^\((modus-[a-z-]+)\)=", (BOOK / "recruitment.md").read_text(), re.M))
    assert {f"modus-{m}" for m in MODI if m != "smuggling"} <= labels


def build_course(output: Path, *args: str) -> None:
    """Run `waspada build` on the course into ``output``; fail with its output if it fails."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "waspada",
            "--project",
            str(ROOT),
            "build",
            *args,
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.build
def test_the_course_builds_without_warnings_and_offline(tmp_path: Path) -> None:
    """`waspada build --strict` succeeds and no built page links or loads another host."""
    build_course(tmp_path, "--lang", "en", "--profile", "full", "--strict")
    pages = list((tmp_path / "full" / "en").rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), page.name
    assert (tmp_path / "index.html").exists()


class _VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes plus labels and titles, without scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.texts += [v.strip() for k, v in attrs if k in ("aria-label", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


@pytest.mark.build
def test_translated_books_show_no_english_theme_strings(tmp_path: Path) -> None:
    """Indonesian and Sasak pages carry the theme's words (search, navigation, contents) in a
    translation, never in English; Sasak, lacking some, borrows Indonesian; both say they are
    drafts and offer the other languages."""
    build_course(tmp_path, "--lang", "id,sas", "--profile", "full")
    english = {m for messages in THEME_MESSAGES.values() for m in messages}
    for lang in ("id", "sas"):
        page = (tmp_path / "full" / lang / "health.html").read_text(encoding="utf-8")
        parser = _VisibleText()
        parser.feed(page)
        assert set(parser.texts) & english == set(), lang
        assert f'<html lang="{lang}"' in page
        assert 'class="wsp-draft-notice"' in page
        assert 'hreflang="en"' in page and 'href="../en/health.html"' in page
    indonesian = (tmp_path / "full" / "id" / "health.html").read_text(encoding="utf-8")
    assert "Dampak terhadap kesehatan" in indonesian  # the chapter itself is translated
    # The search page's words come from our catalogs too, without Sphinx's eval-based loader
    # (which the pages' Content-Security-Policy forbids).
    for lang in ("id", "sas"):
        script = (tmp_path / "full" / lang / "_static" / "translations.js").read_text("utf-8")
        assert "addTranslations" not in script and "new Function" not in script
        assert '"Search Results": "' in script
        assert '"Search Results": "Search Results"' not in script


@pytest.mark.parametrize("lang", ["id", "jv", "su"])
def test_complete_languages_translate_every_message(lang: str) -> None:
    """Every message of every catalog (book, scenarios, interface, theme) is translated into
    Indonesian, Javanese and Sundanese (the latter two as drafts awaiting native review)."""
    rows = [
        r for r in coverage(ROOT / "locales", load_languages(ROOT / "locales")) if r.lang == lang
    ]
    assert rows and all(r.translated == r.total for r in rows), [
        (r.domain, r.translated, r.total) for r in rows if r.translated != r.total
    ]


@pytest.mark.parametrize("lang", ["jv", "su", "sas"])
def test_regional_drafts_cover_interface_titles_and_key_messages(lang: str) -> None:
    """Each regional draft has its whole interface and theme, and every scenario title, ending
    title and key message in the language itself (the rest falls back to Indonesian)."""
    from waspada.i18n.catalogs import po_path, read_catalog

    rows = {
        r.domain: r
        for r in coverage(ROOT / "locales", load_languages(ROOT / "locales"))
        if r.lang == lang
    }
    for domain in ("ui", "sphinx"):
        assert rows[domain].translated == rows[domain].total, domain
    catalog = read_catalog(po_path(ROOT / "locales", lang, "scenarios"))
    wanted = {"scenario title", "ending title"}
    missing = [
        m.id
        for m in catalog
        if m.id
        and not m.string
        and (
            wanted & set(m.auto_comments)
            or any(
                c.endswith(": key message") or c.endswith(": ending title") for c in m.auto_comments
            )
        )
    ]
    assert missing == []
    assert load_languages(ROOT / "locales")[lang].chain == (lang, "id", "en")


def test_an_ending_says_whom_each_service_serves(course) -> None:
    """The player's help box names whom a service is for (help.yml `serves:`), as one line of
    text in the payload, so a man reading SAPA 129's entry sees it is for women and children."""
    from waspada.payload import scenario_payload

    payload = scenario_payload(course.scenarios["palm-oil-abroad"], course.services)
    lines = {
        service["id"]: service["serves"]
        for node in payload["nodes"].values()
        if "ending" in node
        for service in node["ending"]["help"]
    }
    assert lines["police-110"] == "Serves: everyone"
    assert lines["bp2mi"] == "Serves: migrant workers, Indonesians abroad"
