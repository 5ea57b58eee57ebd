"""The Voila gallery's draft notice follows the book's rule (issue 15, item 3): shown only when
what the gallery shows (its own words, the course's name, the scenarios' titles, summaries and
methods) holds messages no native speaker has approved, naming that share; never just because
the language is marked draft."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from waspada import apps
from waspada.i18n import translator
from waspada.i18n.review import REVIEWS_COLUMNS, fingerprint
from waspada.i18n.ui import APP_MESSAGES, UI_CONTEXT
from waspada.project import Project

ROOT = Path(__file__).resolve().parents[1]
LANG = "sas"  # a draft language whose school scenarios are translated whole; falls back to id
NOTICE = re.compile(r'<p class="wsp-draft" role="note">([^<]*)</p>')


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course (scenarios, book, help, profiles, catalogs), to record reviews in."""
    root = tmp_path_factory.mktemp("course")
    for name in ("_config.yml", "help.yml", "profiles.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    shutil.copytree(ROOT / "book", root / "book")  # profiles.yml names its pages
    shutil.copytree(ROOT / "locales", root / "locales")
    for path in (root / "locales").glob("*/reviews.csv"):
        path.unlink()
    return root


def approve_all(root: Path, codes: tuple[str, ...], but: set[tuple[str, str]]) -> None:
    """A reviewer approves every translated message of the apps' catalogs in ``codes`` but
    those in ``but`` ((context, English) pairs), as `waspada i18n review --apply` records it."""
    for code in codes:
        rows = [",".join(REVIEWS_COLUMNS)]
        for domain in ("ui", "scenarios"):
            with (root / "locales" / code / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
                for message in read_po(handle):
                    if not message.id or not message.string or message.fuzzy:
                        continue
                    if (message.context or "", message.id) in but:
                        continue
                    context = (message.context or "").replace('"', '""')
                    rows.append(
                        f'{domain},"{context}",{fingerprint(message.id)},'
                        f"{fingerprint(message.string)},Test reviewer,2026-12-01"
                    )
        (root / "locales" / code / "reviews.csv").write_text("\n".join(rows) + "\n", "utf-8")


def gallery_page(monkeypatch, root: Path, query: str) -> str:
    shown: list[object] = []
    monkeypatch.setattr(apps, "display", lambda *items: shown.extend(items))
    monkeypatch.setenv("QUERY_STRING", query)
    monkeypatch.delenv(apps.ENV_DB, raising=False)
    apps.gallery(Project(root))
    return " ".join(str(getattr(item, "value", "")) for item in shown)


def notice_for(root: Path, percent: int) -> str:
    text = translator(root / "locales", LANG)(UI_CONTEXT, APP_MESSAGES["draft_notice_page"])
    return html.escape(text.replace("{percent}", str(percent)))


def shown_messages(page: str) -> int:
    """How many messages the gallery page shows, counted on the page: its title, language
    label, session link, Quick exit, "Facilitator mode" and the course's name; each scenario's
    title and summary; each method named once."""
    items = page.count('<li><a href="player.ipynb')
    methods = {
        name
        for line in re.findall(r'<p class="wsp-gallery-modi">([^<]*)</p>', page)
        for name in line.split(", ")
    }
    return 6 + 2 * items + len(methods)


def test_no_notice_when_all_the_gallery_shows_is_reviewed(monkeypatch, course: Path) -> None:
    """Everything approved in Sasak and Indonesian: the Sasak gallery has no draft notice,
    although Sasak is still marked draft (the old gallery showed one all the same)."""
    approve_all(course, (LANG, "id"), set())
    page = gallery_page(monkeypatch, course, f"lang={LANG}&profile=school")
    assert '<h1 class="wsp-app-heading" lang="sas">' in page
    assert page.count('<li><a href="player.ipynb') >= 5
    assert not NOTICE.findall(page)


def test_a_message_the_gallery_does_not_show_brings_no_notice(monkeypatch, course: Path) -> None:
    """A story line of a listed scenario left unreviewed: the player's notice counts it, the
    gallery, which shows no story, does not."""
    project = Project(course)
    stories = project.load().stories
    first = project.profiles()["school"].scenario_ids(stories)[0]
    with (course / "locales" / LANG / "LC_MESSAGES" / "scenarios.po").open("rb") as handle:
        story = next(
            (m.context, str(m.id))
            for m in read_po(handle)
            if m.string and str(m.context or "").startswith(f"{first}:")
        )
    approve_all(course, (LANG, "id"), {story})
    assert not NOTICE.findall(gallery_page(monkeypatch, course, f"lang={LANG}&profile=school"))
    approve_all(course, (LANG, "id"), set())


def test_the_notice_names_the_unreviewed_share_of_the_gallery(monkeypatch, course: Path) -> None:
    """One of the gallery's words ("Facilitator mode") unreviewed: the notice, in Sasak,
    names its share of what the page shows; with every scenario title unreviewed too, a
    larger one."""
    facilitator = (UI_CONTEXT, APP_MESSAGES["facilitator_mode"])
    approve_all(course, (LANG, "id"), {facilitator})
    page = gallery_page(monkeypatch, course, f"lang={LANG}&profile=school")
    total = shown_messages(page)
    assert total > 20
    assert NOTICE.findall(page) == [notice_for(course, round(100 / total))]
    profile = Project(course).profiles()["school"]
    stories = Project(course).load().stories
    titles = {(sid, stories[sid].title) for sid in profile.scenario_ids(stories)}
    approve_all(course, (LANG, "id"), {facilitator, *titles})
    page = gallery_page(monkeypatch, course, f"lang={LANG}&profile=school")
    assert NOTICE.findall(page) == [notice_for(course, round(100 * (1 + len(titles)) / total))]


def test_with_nothing_reviewed_the_notice_names_all_of_the_gallery(
    monkeypatch, course: Path
) -> None:
    """Nothing reviewed (the course as it is today): every gallery in Sasak, with or without
    a course profile, says all of it is unreviewed; the English one says nothing."""
    for path in (course / "locales").glob("*/reviews.csv"):
        path.unlink()
    for query in (f"lang={LANG}", f"lang={LANG}&profile=school"):
        page = gallery_page(monkeypatch, course, query)
        assert NOTICE.findall(page) == [notice_for(course, 100)], query
    english = gallery_page(monkeypatch, course, "lang=en")
    assert not NOTICE.findall(english)
