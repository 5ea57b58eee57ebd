"""One language per screen (issue 15, item 6): a chapter or scenario not translated whole into
the reader's language is shown whole in the next language of the chain, never mixed."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from waspada.i18n.catalogs import (
    add_language,
    compile_book_catalogs,
    load_languages,
    po_path,
    update_catalogs,
)
from waspada.i18n.screen import chain_from, chapter_language, first_complete, scenario_language

CHAPTER = {
    "Who recruits": "Siapa yang merekrut",
    "A job offer abroad": "Tawaran kerja di luar negeri",
    "Call {number}": "Hubungi {number}",
}


def make_locales(tmp_path: Path) -> Path:
    locales = tmp_path / "locales"
    (locales / "templates").mkdir(parents=True)
    (locales / "languages.yml").write_text(
        "languages:\n"
        "  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: reviewed}\n"
        "  sas: {english: Sasak, native: Base Sasak, fallback: [id, en], cldr: id,"
        " status: draft}\n"
    )
    chapter = Catalog(domain="recruitment")
    for message in CHAPTER:
        chapter.add(message)
    scenarios = Catalog(domain="scenarios")
    for context in ("demo", "demo:start", "other:start"):
        scenarios.add(f"Text of {context}", context=context)
    for catalog in (chapter, scenarios):
        with (locales / "templates" / f"{catalog.domain}.pot").open("wb") as handle:
            write_po(handle, catalog)
    update_catalogs(locales, load_languages(locales))
    translate(po_path(locales, "id", "recruitment"), CHAPTER)
    return locales


def translate(path: Path, strings: dict[str, str], *, fuzzy: tuple[str, ...] = ()) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in strings:
            message.string = strings[message.id]
            if message.id in fuzzy:
                message.flags.add("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog)


def compiled(locales: Path, tmp_path: Path, code: str) -> gettext.GNUTranslations:
    out = compile_book_catalogs(locales, load_languages(locales)[code], tmp_path / "mo")
    with (out / code / "LC_MESSAGES" / "recruitment.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


SASAK = {
    "Who recruits": "Sai saq ngerekrut",
    "A job offer abroad": "Tawaran gawean leq luar negeri",
    "Call {number}": "Telpon {number}",
}


def test_a_chapter_sasak_translates_in_part_is_shown_whole_in_indonesian(tmp_path: Path) -> None:
    """Two of three messages in Sasak: the page shows all three in Indonesian, not two Sasak
    paragraphs around an Indonesian one."""
    locales = make_locales(tmp_path)
    translate(
        po_path(locales, "sas", "recruitment"),
        {k: v for k, v in SASAK.items() if k != "Call {number}"},
    )
    sas = load_languages(locales)["sas"]
    assert chapter_language(locales, sas, "recruitment") == "id"
    mo = compiled(locales, tmp_path, "sas")
    assert [mo.gettext(m) for m in CHAPTER] == list(CHAPTER.values())


def test_a_chapter_translated_whole_is_shown_in_sasak(tmp_path: Path) -> None:
    locales = make_locales(tmp_path)
    translate(po_path(locales, "sas", "recruitment"), SASAK)
    assert chapter_language(locales, load_languages(locales)["sas"], "recruitment") == "sas"
    mo = compiled(locales, tmp_path, "sas")
    assert [mo.gettext(m) for m in CHAPTER] == list(SASAK.values())


def test_a_fuzzy_or_unusable_translation_counts_as_missing(tmp_path: Path) -> None:
    """Fuzzy (a guess Poedit marked for review) or a translation that adds HTML is not a
    translation: the chapter is not complete."""
    locales = make_locales(tmp_path)
    sas = load_languages(locales)["sas"]
    translate(po_path(locales, "sas", "recruitment"), SASAK, fuzzy=("Call {number}",))
    assert chapter_language(locales, sas, "recruitment") == "id"
    translate(po_path(locales, "sas", "recruitment"), {**SASAK, "Call {number}": "Telpon <b>"})
    assert chapter_language(locales, sas, "recruitment") == "id"


def test_no_language_complete_means_english_and_no_template_means_english(
    tmp_path: Path,
) -> None:
    locales = make_locales(tmp_path)
    translate(po_path(locales, "id", "recruitment"), {"Who recruits": ""})
    sas = load_languages(locales)["sas"]
    assert chapter_language(locales, sas, "recruitment") == "en"
    assert compiled(locales, tmp_path, "sas").gettext("A job offer abroad") == "A job offer abroad"
    assert chapter_language(locales, sas, "never-extracted") == "en"


def test_a_language_i18n_add_creates_follows_the_same_rule(tmp_path: Path) -> None:
    """Balinese, added with `waspada i18n add`, translated in part: Indonesian, whole."""
    locales = make_locales(tmp_path)
    add_language(locales, "ban", english="Balinese", native="Basa Bali", fallback=["id"], cldr="id")
    translate(po_path(locales, "ban", "recruitment"), {"Who recruits": "Sira sane ngrekrut"})
    ban = load_languages(locales)["ban"]
    assert chapter_language(locales, ban, "recruitment") == "id"
    mo = compiled(locales, tmp_path, "ban")
    assert mo.gettext("Who recruits") == "Siapa yang merekrut"


def test_a_scenario_is_played_whole_in_one_language(tmp_path: Path) -> None:
    """Only the scenario's own messages count (context ``demo`` and ``demo:...``)."""
    locales = make_locales(tmp_path)
    sas = load_languages(locales)["sas"]
    translate(po_path(locales, "sas", "scenarios"), {"Text of demo": "Teks"})
    translate(po_path(locales, "id", "scenarios"), {"Text of demo": "T", "Text of demo:start": "M"})
    assert scenario_language(locales, sas, "demo") == "id"
    translate(po_path(locales, "sas", "scenarios"), {"Text of demo:start": "Mulai"})
    assert scenario_language(locales, sas, "demo") == "sas"
    assert scenario_language(locales, sas, "other") == "en"


def test_the_pure_rule() -> None:
    assert first_complete(("sas", "id", "en"), lambda code: code == "id") == "id"
    assert first_complete(("sas", "id", "en"), lambda code: False) == "en"
    assert first_complete(("sas", "id"), lambda code: False) == "en"
    sas = load_languages(Path(__file__).resolve().parents[1] / "locales")["sas"]
    assert chain_from(sas, "id") == ("id", "en") and chain_from(sas, "xx") == ("en",)
