"""A link without text of its own, in a chapter shown whole in the fallback language, is named
in that language (issue 15): never by the reader's-language title of a translated target. A
link from a page in the reader's language to a chapter shown in another is marked with it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import run_waspada
from waspada.book.linktext import plain_title
from waspada.i18n.catalogs import po_path

ROOT = Path(__file__).resolve().parents[1]

GUIDE = """\
# A guide

Read {doc}`handout` first.

Then read {ref}`money`.

The same as a Markdown link: [](handout.md).

And the section: [](#money).

Or {doc}`the handout <handout>`, named by the author.
"""

HANDOUT = """\
# A handout

(money)=
## Money *matters*

Keep your money. See {doc}`guide` too.
"""


def translate(path: Path, strings: dict[str, str]) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            message.string = strings.get(message.id, "")
    with path.open("wb") as handle:
        write_po(handle, catalog)


def translations(path: Path, prefix: str, **special: str) -> dict[str, str]:
    with path.open("rb") as handle:
        ids = [str(m.id) for m in read_po(handle) if m.id]
    return {msgid: special.get(msgid, f"{prefix} {msgid}") for msgid in ids}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course of a guide and a handout: Indonesian complete; Sasak has the handout whole and
    the guide's title only, so its readers get the guide whole in Indonesian."""
    root = tmp_path_factory.mktemp("course")
    (root / "book").mkdir()
    (root / "scenarios").mkdir()
    (root / "locales").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: guide\n  - file: handout\n"
    )
    (root / "book" / "index.md").write_text("# Welcome\n\nStart here.\n")
    (root / "book" / "guide.md").write_text(GUIDE)
    (root / "book" / "handout.md").write_text(HANDOUT)
    (root / "locales" / "languages.yml").write_text(
        "languages:\n"
        "  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: draft}\n"
        "  sas: {english: Sasak, native: Base Sasak, fallback: [id, en], cldr: id,"
        " status: draft}\n"
    )

    run_waspada(root, "i18n", "extract")
    run_waspada(root, "i18n", "update")
    locales = root / "locales"
    explicit = "Or {doc}`the handout <handout>`, named by the author."
    for domain in ("index", "guide", "handout"):
        path = po_path(locales, "id", domain)
        translate(
            path,
            translations(
                path,
                "ID",
                **{
                    "Money *matters*": "Soal *uang*",
                    explicit: "Atau {doc}`lembar itu <handout>`, dinamai penulis.",
                },
            ),
        )
    for domain in ("index", "handout"):
        path = po_path(locales, "sas", domain)
        translate(path, translations(path, "SAS"))
    translate(po_path(locales, "sas", "guide"), {"A guide": "SAS A guide"})
    run_waspada(root, "build", "--lang", "id,sas")
    return root / "_build" / "html" / "full"


def article(text: str) -> str:
    """The page's text, not its contents or pager."""
    return text[text.index("<article") : text.index("</article>")]


def link_texts(page: Path) -> list[str]:
    """The text of each link to the handout in the page's text."""
    found = re.findall(
        r'<a class="reference internal" href="handout\.html[^"]*">(.*?)</a>',
        article(page.read_text(encoding="utf-8")),
        re.S,
    )
    return [re.sub(r"<[^>]+>", "", text) for text in found]


@pytest.mark.build
def test_links_in_a_chapter_shown_in_indonesian_are_named_in_indonesian(built: Path) -> None:
    """{doc}, {ref}, [](file.md) and [](#label) with no text of their own read the handout's
    Indonesian title (plain, as Sphinx fills a link), though the handout is in Sasak; the text
    an author gave a link is the chapter's translation of it."""
    sasak_handout = (built / "sas" / "handout.html").read_text(encoding="utf-8")
    assert "<h1>SAS A handout" in sasak_handout
    sasak_guide = built / "sas" / "guide.html"
    assert 'class="wsp-shown-in" lang="id"' in sasak_guide.read_text(encoding="utf-8")
    expected = ["ID A handout", "Soal uang", "ID A handout", "Soal uang", "lembar itu"]
    assert link_texts(sasak_guide) == expected
    assert link_texts(built / "id" / "guide.html") == expected
    assert "<span lang=" not in article(sasak_guide.read_text(encoding="utf-8"))


@pytest.mark.build
def test_a_link_from_a_sasak_page_to_a_chapter_in_indonesian_is_marked(built: Path) -> None:
    """The Sasak handout names the guide (shown in Indonesian) by the Indonesian heading the
    reader finds there, marked lang="id"; in the Indonesian course nothing is marked."""
    link = (
        '<span lang="id"><a class="reference internal" href="guide.html">'
        '<span class="doc">ID A guide</span></a></span>'
    )
    assert link in (built / "sas" / "handout.html").read_text(encoding="utf-8")
    indonesian = (built / "id" / "handout.html").read_text(encoding="utf-8")
    assert '<span class="doc">ID A guide</span>' in indonesian
    assert "<span lang=" not in article(indonesian)


def test_a_title_is_named_without_its_markup() -> None:
    assert plain_title("The forensic report (*visum et repertum*)") == (
        "The forensic report (visum et repertum)"
    )
    assert plain_title("Call `129` or see {term}`TPPO`") == "Call 129 or see TPPO"
    assert plain_title("Plain") == "Plain"
