"""The termbase (locales/terms.csv): what `waspada check` enforces with it, and the glossary
chapter generated from it."""

from __future__ import annotations

import html
import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from sphinx.application import Sphinx

from conftest import ROOT, make_project
from waspada.cli import main
from waspada.i18n.catalogs import compile_book_catalogs, load_languages
from waspada.i18n.terms import (
    Message,
    TermbaseError,
    check_project,
    consistency_problems,
    find,
    parse_termbase,
    parts,
    read_termbase,
    term_problems,
    to_tbx,
)

TERMS = """\
# A note for the people who edit the file.
key,section,en,en_match,id,id_variants,id_forbidden,jv,jv_variants,jv_forbidden,definition
debt-bondage,crimes,Debt bondage,,*penjeratan utang*,,jeratan utang,*penjeratan utang*,,\
jiratan utang,"Trapping a person with a debt. See [Home](index.md)."
kurungan,crimes,Light detention,light detention|kurungan,*kurungan*,pidana kurungan,penahanan,\
*kurungan*,,penahanan,A short time in detention.
confinement,crimes,Confinement,confinement|!confinement (kurungan),*penyekapan*,disekap,,\
*penyekapan*,,,Keeping a person locked in.
patient-companion,,Companion of a patient,companion who|the companion,\
*orang yang ikut datang*,orang yang mendampingi,pendamping,*tiyang ingkang ngrencangi*,,\
pendamping,The person who brings a patient.
tppo,laws,Crime of trafficking in persons,TPPO,TPPO (*tindak pidana perdagangan orang*),,,\
TPPO (*tindak pidana perdagangan orang*),,,The legal name of the crime.
"""

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: Waspada test\\n"
"Report-Msgid-Bugs-To: \\n"
"POT-Creation-Date: 2026-01-01 00:00+0000\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Last-Translator: Test <test@example.org>\\n"
"Language: id\\n"
"Language-Team: id <LL@li.org>\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""

# One catalog seeded with each kind of defect, and with faithful translations around them.
SEEDED = (
    HEADER
    + """
msgid "Debt bondage keeps a worker trapped."
msgstr "Utang membuat pekerja terjebak."

msgid "If restitution is not paid, the court can order light detention."
msgstr "Jika restitusi tidak dibayar, pengadilan dapat menjatuhkan penahanan."

msgctxt "a"
msgid "Getting help"
msgstr "Mencari bantuan"

msgctxt "b"
msgid "Getting help"
msgstr "Mendapatkan bantuan"

msgid "Her debt bondage ended."
msgstr "Penjeratan utangnya berakhir."

msgid "Unpaid restitution becomes confinement (kurungan)."
msgstr "Restitusi yang tidak dibayar diganti pidana kurungan."

msgid "A companion who answers for the patient is a warning sign."
msgstr "Orang yang mendampingi pasien dan menjawab untuknya adalah tanda bahaya."
"""
)


def _project(tmp_path: Path, catalog: str) -> Path:
    root = make_project(tmp_path)
    locales = root / "locales"
    (locales / "id" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copyfile(ROOT / "locales" / "languages.yml", locales / "languages.yml")
    (locales / "terms.csv").write_text(TERMS, encoding="utf-8")
    (locales / "id" / "LC_MESSAGES" / "test.po").write_text(catalog, encoding="utf-8")
    return root


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_check_fails_on_each_kind_of_defect_with_file_and_line(tmp_path: Path, capsys) -> None:
    """A missing target term and a forbidden form are errors, one English text translated two
    ways a warning naming both places: each at the msgstr's line of the catalog."""
    root = _project(tmp_path, SEEDED)
    assert main(["--project", str(root), "check"]) == 1
    err = capsys.readouterr().err
    po = "locales/id/LC_MESSAGES/test.po"
    missing = _line(SEEDED, '"Utang membuat pekerja terjebak."')
    assert (
        f"{po}:{missing}:1: error: the English has 'Debt bondage' (term 'debt-bondage'), "
        "which is 'penjeratan utang' in id, but the translation has none of "
        "'penjeratan utang'; use the term, or add the form used here to id_variants of "
        "'debt-bondage' in locales/terms.csv (line 3) if it is right"
    ) in err
    forbidden = _line(SEEDED, "menjatuhkan penahanan")
    assert (
        f"{po}:{forbidden}:1: error: 'penahanan' is a forbidden id form for 'light detention' "
        "(term 'kurungan', locales/terms.csv line 4); use 'kurungan'"
    ) in err
    first, second = _line(SEEDED, '"Mencari bantuan"'), _line(SEEDED, '"Mendapatkan bantuan"')
    assert (
        f"{po}:{second}:1: warning: 'Getting help' is translated here as 'Mendapatkan bantuan' "
        f"but as 'Mencari bantuan' in {po}:{first}"
    ) in err
    # Nothing else: an enclitic (-nya), an allowed variant and an excluded use all pass.
    assert sum(line.startswith(f"{po}:") for line in err.splitlines()) == 3


def test_a_faithful_catalog_passes(tmp_path: Path, capsys) -> None:
    fixed = (
        SEEDED.replace("Utang membuat", "Penjeratan utang membuat")
        .replace("menjatuhkan penahanan", "menjatuhkan pidana kurungan")
        .replace("Mendapatkan bantuan", "Mencari bantuan")
    )
    root = _project(tmp_path, fixed)
    assert main(["--project", str(root), "check"]) == 0, capsys.readouterr().err


def test_the_course_catalogs_pass_the_termbase() -> None:
    """The real repository: every catalog of every language uses the termbase's terms, and no
    short text is translated two ways."""
    languages = load_languages(ROOT / "locales")
    problems = check_project(ROOT / "locales", languages, ROOT)
    assert [str(p) for p in problems] == []


def test_the_termbase_covers_the_course() -> None:
    """At least 80 terms, each with a term in every language and a definition; every recruitment
    method and every help service is named in it."""
    from waspada.scenario.help import load_help
    from waspada.scenario.model import MODUS_NAMES

    termbase, problems = read_termbase(ROOT / "locales" / "terms.csv")
    assert problems == []
    assert len(termbase.terms) >= 80
    for term in termbase.terms:
        assert term.definition, term.key
        for lang in ("id", "jv", "su", "sas"):
            assert term.name(lang), (term.key, lang)
    english = {t.english.casefold() for t in termbase.terms}
    matched = {f.casefold() for t in termbase.terms for f in t.match}
    for name in MODUS_NAMES.values():
        assert name.casefold() in english | matched, name
    # Each service of help.yml and its term; a new service needs a term (and a line here).
    service_terms = {
        "sapa-129": "sapa-129",
        "police-110": "police",
        "emergency-112": "emergency-112",
        "uptd-ppa": "uptd-ppa",
        "ppt-hospital": "ppt",
        "bp2mi": "kp2mi",
        "disnaker": "disnaker",
        "lpsk": "lpsk",
        "kemensos-171": "kemensos",
        "safe-travel": "safe-travel",
        "legal-aid": "lbh",
        "iom": "iom",
    }
    services, _ = load_help(ROOT / "help.yml")
    assert set(services) == set(service_terms)
    keys = {t.key for t in termbase.terms}
    assert set(service_terms.values()) <= keys


def test_matching_is_by_whole_words_with_enclitics_and_acronyms_in_capitals() -> None:
    assert find(["korban"], "korbannya dirugikan", "id") == "korbannya"
    assert find(["korban"], "dikorbankan", "id") is None
    assert find(["pendamping"], "orang yang mendampingi pasien", "id") is None
    assert find(["pendamping"], "Pendampingnya datang", "id") == "Pendampingnya"
    assert find(["SAPA"], "sapa dia dengan ramah", "id") is None
    assert find(["SAPA"], "hubungi SAPA 129", "id") == "SAPA"
    assert find(["perdagangan orang"], "perdagangan\norang", "id") == "perdagangan\norang"
    assert parts("TPPO (*tindak pidana perdagangan orang*)") == (
        "TPPO",
        "tindak pidana perdagangan orang",
    )
    assert parts("*perekrut, calo*") == ("perekrut", "calo")


def test_an_excluded_use_and_markup_do_not_call_for_the_term() -> None:
    termbase, _ = parse_termbase(TERMS, "terms.csv")

    def problems(source: str, translation: str) -> list[str]:
        message = Message("id", "x.po", 7, None, source, translation)
        return [p.message for p in term_problems(termbase, [message], "terms.csv")]

    assert problems("Unpaid restitution becomes confinement (kurungan).", "diganti kurungan") == []
    assert problems("Say **Debt bondage**.", "Katakan *penjeratan utang*.") == []
    # Code, roles and link targets are not text: no term there, none needed.
    assert problems("See {doc}`debt-bondage` and [x](debt-bondage.md).", "Lihat x.") == []
    # A citation keeps its source's title.
    assert problems("**[S1]** ILO, Debt bondage report.", "**[S1]** ILO, laporan.") == []
    assert problems("Debt bondage.", "Utang.")[0].startswith("the English has 'Debt bondage'")
    # A forbidden form is named once, as such (not also as a missing term).
    assert problems("Debt bondage.", "Jeratan utang.") == [
        "'Jeratan utang' is a forbidden id form for 'Debt bondage' (term 'debt-bondage', "
        "terms.csv line 3); use 'penjeratan utang'"
    ]


def test_one_english_text_translated_two_ways_is_warned_once_per_place() -> None:
    """The second wording is named with the first one's place; other languages, other English,
    and differences of whitespace, case or emphasis marks are no second wording."""
    summary = "Sari sings at weddings.\nA woman offers her a job."
    messages = [
        Message("id", "a.po", 3, "cafe-singer", summary, "Sari menyanyi di pernikahan."),
        Message(
            "id", "b.po", 5, None, " ".join(summary.split()), "Sari  *menyanyi* di pernikahan."
        ),
        Message("id", "a.po", 9, None, "Key points", "Poin-poin penting"),
        Message("id", "b.po", 11, None, "Key points", "Pokok-pokok penting"),
        Message("jv", "c.po", 4, None, "Key points", "Pokok-pokok wigatos"),
        Message("id", "c.po", 7, None, "Key point", "Pokok penting"),
        Message("id", "c.po", 8, None, "Key points", "Key points"),  # kept in English: a name
    ]
    found = [str(p) for p in consistency_problems(messages)]
    assert found == [
        "b.po:11:1: warning: 'Key points' is translated here as 'Pokok-pokok penting' but as "
        "'Poin-poin penting' in a.po:9; use one translation (or give the messages different "
        "English if they mean different things)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key,en\nx,y\n", "the termbase has no column section, en_match, definition"),
        (
            TERMS + "debt-bondage,crimes,Debt bondage,,x,,,x,,,d\n",
            "terms.csv:8:1: error: the key 'debt-bondage' is already used on line 3",
        ),
        (TERMS + "extra,,E,,a,,,b,,,d,one too many\n", "more cells than the header"),
        (
            TERMS + "html,crimes,Html,,<script>x</script>,,,[x](y.md),,,d\n",
            "terms.csv:8:1: error: the term 'html' has markup in id, jv; a term is plain text",
        ),
    ],
)
def test_a_broken_termbase_is_named_with_its_line(text: str, expected: str) -> None:
    try:
        _, problems = parse_termbase(text, "terms.csv")
    except TermbaseError as exc:
        problems = [exc.problem]
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]


def test_a_termbase_that_is_no_text_or_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_bytes(b"key,section\n\xff\xfe\n")
    with pytest.raises(TermbaseError, match="not UTF-8"):
        read_termbase(path)
    path.write_bytes(b"#" * (3 << 20))
    with pytest.raises(TermbaseError, match="more than the limit"):
        read_termbase(path)


def test_weblate_tbx_carries_definition_variants_and_forbidden_terms() -> None:
    import xml.etree.ElementTree as ET

    termbase, _ = parse_termbase(TERMS, "terms.csv")
    root = ET.fromstring(to_tbx(termbase, "jv").encode())
    entry = root.find(".//termEntry[@id='debt-bondage']")
    assert entry.find("descrip").text.startswith("Trapping a person")
    terms = {
        tig.find("term").text: tig.find("termNote").text
        for tig in entry.findall("langSet[@{http://www.w3.org/XML/1998/namespace}lang='jv']/tig")
    }
    assert terms == {
        "penjeratan utang": "preferredTerm-admn-sts",
        "jiratan utang": "deprecatedTerm-admn-sts",
    }


# -- the glossary chapter -------------------------------------------------------------------------


def _catalog(messages: dict[str, str], lang: str | None = None) -> Catalog:
    catalog = Catalog(locale=lang, project="t", charset="utf-8")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    return catalog


JAVANESE = {
    "Glossary": "Glosarium",
    "Words.": "Tembung.",
    "Crimes": "Kadurjanan",
    "English": "Basa Inggris",
    "Indonesian": "Basa Indonesia",
    "What it means": "Tegesipun",
    "Trapping a person with a debt. See [Home](index.md).": (
        "Njebak tiyang kaliyan utang. Pirsani [Ngajeng](index.md)."
    ),
    "A short time in detention.": "Ukuman kurungan ing wekdal ingkang cekak.",
    "Keeping a person locked in.": "Ngurung tiyang.",
}


def _glossary_project(tmp_path: Path, lang: str) -> tuple[Path, str]:
    src = tmp_path / "src"
    locales = src / "locales"
    (locales / "templates").mkdir(parents=True)
    (src / "scenarios").mkdir()
    shutil.copyfile(ROOT / "locales" / "languages.yml", locales / "languages.yml")
    shutil.copyfile(ROOT / "help.yml", src / "help.yml")
    (locales / "terms.csv").write_text(TERMS, encoding="utf-8")
    with (locales / "templates" / "glossary.pot").open("wb") as handle:
        write_po(handle, _catalog(dict.fromkeys(JAVANESE, "")))
    (locales / "jv" / "LC_MESSAGES").mkdir(parents=True)
    with (locales / "jv" / "LC_MESSAGES" / "glossary.po").open("wb") as handle:
        write_po(handle, _catalog(JAVANESE, "jv"))
    conf = (
        "extensions = ['myst_parser', 'waspada.book']\nwaspada_scenarios = 'scenarios'\n"
        "waspada_help = 'help.yml'\nwaspada_locales = 'locales'\n"
        "exclude_patterns = ['scenarios', 'locales', '_compiled']\n"
    )
    if lang != "en":
        compile_book_catalogs(locales, load_languages(locales)[lang], src / "_compiled")
        conf += "locale_dirs = ['_compiled']\ngettext_auto_build = False\n"
    (src / "conf.py").write_text(conf)
    (src / "index.md").write_text("# Home\n\n```{toctree}\nglossary\n```\n")
    (src / "glossary.md").write_text(
        "# Glossary\n\nWords.\n\n## Crimes\n\n```{termbase} crimes\n```\n\n"
        "```{termbase} nowhere\n```\n"
    )
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(tmp_path / "out"),
        str(tmp_path / "doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
        confoverrides={"language": lang},
    )
    app.build()
    return tmp_path / "out" / "glossary.html", warnings.getvalue()


def _rows(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    out = []
    for row in re.findall(r"<tr.*?</tr>", text, re.S):
        cells = re.findall(r"<t[hd].*?</t[hd]>", row, re.S)
        texts = (" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells)
        out.append(" | ".join(texts))
    return out


def test_the_english_glossary_shows_each_term_of_the_section(tmp_path: Path) -> None:
    page, warnings = _glossary_project(tmp_path, "en")
    rows = _rows(page)
    assert rows[0] == "English | Indonesian | What it means"
    assert rows[1] == "Debt bondage | penjeratan utang | Trapping a person with a debt. See Home."
    assert rows[3] == "Confinement | penyekapan | Keeping a person locked in."
    assert len(rows) == 4  # the terms of other sections are in their own tables
    assert "<em>penjeratan utang</em>" in page.read_text(encoding="utf-8")
    assert "glossary.md:10: WARNING: the termbase has no term in section 'nowhere'" in warnings


def test_a_regional_glossary_shows_the_term_in_its_language_and_in_indonesian(
    tmp_path: Path,
) -> None:
    """The Javanese page: headings and definitions from glossary.po, the terms from the
    termbase's jv and id columns."""
    page, _ = _glossary_project(tmp_path, "jv")
    rows = _rows(page)
    assert rows[0] == "Basa Inggris | Basa Jawa | Basa Indonesia | Tegesipun"
    assert rows[1] == (
        "Debt bondage | penjeratan utang | penjeratan utang | "
        "Njebak tiyang kaliyan utang. Pirsani Ngajeng."
    )
    assert 'href="index.html"' in page.read_text(encoding="utf-8")
