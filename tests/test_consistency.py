"""`waspada check` holds translations consistent with the rest of the course (issue 15, item 2):
labels that link to a heading (in a chapter or the gallery) are that heading, a scenario has one
title, numbers, phone numbers and fixed acronyms are the source's, and a jv or su prohibition
reads as one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, make_project
from waspada.cli import main
from waspada.i18n.catalogs import load_languages
from waspada.i18n.consistency import (
    Entry,
    catalog_entries,
    check_project,
    fixed_acronyms,
    is_prohibition,
    negation_problems,
    number_problems,
    page_headings,
    scenario_title_problems,
)
from waspada.i18n.terms import read_termbase

TERMS = """\
key,section,en,en_match,jv,jv_variants,jv_forbidden,su,su_variants,su_forbidden,definition
tppo,laws,Crime of trafficking in persons,TPPO,TPPO (*tindak pidana perdagangan orang*),,,\
TPPO (*tindak pidana perdagangan orang*),,,The legal name of the crime.
sti,,Sexually transmitted infection,STI,IMS,,,IMS,,,An infection.
"""

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: Waspada test\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Last-Translator: Test <test@example.org>\\n"
"Language: {lang}\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""

HELP_MD = """\
# Getting help

Whom to call.

(help-child)=
## A child is in danger

Call the police.
"""

JV = {
    "recruitment": """
#: ../../book/recruitment.md:4
msgid "Entrapment"
msgstr "Jebakan"
""",
    "ui": """
msgctxt "modus"
msgid "Entrapment"
msgstr "Jiret"
""",
    "help": """
#: ../../book/help.md:1
msgid "Getting help"
msgstr "Pados pitulungan"

#: ../../book/help.md:6
msgid "A child is in danger"
msgstr "Lare wonten ing bebaya"
""",
    "scenarios": """
#. scenario title
#: scenarios/cafe-singer.yml:2
msgctxt "cafe-singer"
msgid "A singing job in the city"
msgstr "Padamelan nyanyi ing kitha"
""",
    "index": """
#: ../../book/index.md:3
msgid "See [Getting help](help.md)."
msgstr "Mangga pirsani [Nyuwun pitulungan](help.md)."

#: ../../book/index.md:5
msgid "Read [A child is in danger](help-child) and [the help page](help.md)."
msgstr "Waosaken [Lare wonten ing bebaya](help-child) lan [kaca pitulungan](help.md)."

#: ../../book/index.md:7
msgid "Play [A singing job in the city](practice/cafe-singer.md)."
msgstr "Gladhen [Nyanyi ing kitha](practice/cafe-singer.md)."

#: ../../book/index.md:9
msgid "Call 110 or SAPA 129, open 24 hours; 3,703 cases and 2.5 million."
msgstr "Telpon 110 utawi SAPA 129, bikak 24 jam; 3.703 perkawis lan 2,5 yuta."

#: ../../book/index.md:11
msgid "In 2025 it worked in 141 districts."
msgstr "Ing taun 2025 namung wonten ing 114 kabupaten."

#: ../../book/index.md:13
msgid "Call +62 21 5795 1275 today."
msgstr "Telpon +62 21-5795-1275 dinten punika."

#: ../../book/index.md:15
msgid "TPPO is a crime, and STI care is free."
msgstr "Tindak pidana perdagangan orang punika kadurjanan, lan perawatan IMS gratis."

#: ../../book/index.md:17
msgid "Wait 3 days."
msgstr "Entosi tigang dinten."

#: ../../book/index.md:19
msgid "Do not type names."
msgstr "Sampun ngetik nama."

#: ../../book/index.md:21
msgid "No one should leave in a hurry."
msgstr "Sampun wonten ingkang kesah kanthi kesesa."

#: ../../book/index.md:23
msgid "Never share your password. He has not been paid for three months."
msgstr "Sampun ngantos nyukani sandhi. Sampun tigang wulan piyambakipun mboten dipunbayar."
""",
}

SU = {
    "index": """
#: ../../book/index.md:21
msgid "No one should leave in a hurry."
msgstr "Teu aya anu kedah angkat rurusuhan."

#: ../../book/index.md:25
msgid "Do not wait."
msgstr "Ulah ngantosan."

#: ../../book/index.md:27
msgid "Then Rizal says, \\"Don't worry about me.\\""
msgstr "Teras Rizal nyarios, \\"Teu kedah hariwang ku abdi.\\""
""",
}


def _project(tmp_path: Path, jv: dict[str, str], su: dict[str, str]) -> Path:
    root = make_project(tmp_path)
    (root / "book").mkdir()
    (root / "book" / "help.md").write_text(HELP_MD, encoding="utf-8")
    (root / "book" / "index.md").write_text("# Welcome\n", encoding="utf-8")
    recruitment = "# How people are recruited\n\n(modus-entrapment)=\n## Entrapment\n"
    (root / "book" / "recruitment.md").write_text(recruitment, encoding="utf-8")
    locales = root / "locales"
    locales.mkdir()
    shutil.copyfile(ROOT / "locales" / "languages.yml", locales / "languages.yml")
    (locales / "terms.csv").write_text(TERMS, encoding="utf-8")
    for lang, catalogs in (("jv", jv), ("su", su)):
        folder = locales / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for domain, body in catalogs.items():
            text = HEADER.format(lang=lang) + body
            (folder / f"{domain}.po").write_text(text, encoding="utf-8")
    return root


def _line(text: str, needle: str) -> int:
    lines = (HEADER + text).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_check_fails_on_each_kind_of_defect_with_file_and_line(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path, JV, SU)
    assert main(["--project", str(root), "check"]) == 1
    err = capsys.readouterr().err
    jv, su = "locales/jv/LC_MESSAGES/index.po", "locales/su/LC_MESSAGES/index.po"
    index = JV["index"]

    def at(needle: str, text: str = index, po: str = jv) -> str:
        return f"{po}:{_line(text, needle)}:1: error: "

    expected = [
        at("Nyuwun pitulungan")
        + "the link to help.md reads 'Nyuwun pitulungan', but the title it links to, 'Getting "
        "help', is translated 'Pados pitulungan' in locales/jv/LC_MESSAGES/help.po:",
        at("Nyanyi ing kitha")
        + "the scenario title 'A singing job in the city' reads 'Nyanyi ing kitha' in the link "
        "to practice/cafe-singer.md, but 'Padamelan nyanyi ing kitha' in the scenario",
        at("114 kabupaten") + "the translation lacks 141 and adds 114",
        at("+62 21-5795-1275") + "the phone number '+62 21 5795 1275' is not written as in",
        at("Tindak pidana") + "the translation lacks TPPO, an acronym every language keeps",
        at("tigang dinten") + "the translation lacks 3 (numbers",
        at("Sampun ngetik") + "'Sampun ngetik' can read as 'already' (done) where the English",
        at("Sampun wonten ingkang") + "'Sampun wonten ingkang' reads 'already' where the English",
        at('msgstr "Jiret"', JV["ui"], "locales/jv/LC_MESSAGES/ui.po")
        + "this label links to the heading 'Entrapment' (modus-entrapment), translated "
        "'Jebakan' in locales/jv/LC_MESSAGES/recruitment.po:",
        at("Teu aya anu kedah", SU["index"], su)
        + "the English forbids, but the translation has no prohibitive ('ulah'",
    ]
    for line in expected:
        assert line in err, f"missing: {line}\n{err}"
    # Nothing else: the heading behind a label, a link whose English is not the title, the
    # language's own number marks, an English STI that is IMS, "sampun ngantos", "sampun"
    # before a number, "ulah" and "Don't worry" all pass.
    assert sum(": error: " in line for line in err.splitlines()) == len(expected), err


def test_the_fixed_catalogs_pass(tmp_path: Path, capsys) -> None:
    jv = dict(JV, ui=JV["ui"].replace('"Jiret"', '"Jebakan"'))
    jv["index"] = (
        JV["index"]
        .replace("[Nyuwun pitulungan]", "[Pados pitulungan]")
        .replace("[Nyanyi ing kitha]", "[Padamelan nyanyi ing kitha]")
        .replace("114 kabupaten", "141 kabupaten")
        .replace("+62 21-5795-1275", "+62 21 5795 1275")
        .replace("Tindak pidana perdagangan orang punika", "TPPO punika")
        .replace("tigang dinten", "3 dinten")
        .replace("Sampun ngetik", "Sampun ngantos ngetik")
        .replace("Sampun wonten ingkang kesah", "Sampun ngantos wonten tiyang ingkang kesah")
    )
    su = {"index": SU["index"].replace("Teu aya anu kedah angkat", "Ulah aya anu angkat")}
    root = _project(tmp_path, jv, su)
    assert main(["--project", str(root), "check"]) == 0, capsys.readouterr().err


def test_the_course_catalogs_pass() -> None:
    problems = check_project(ROOT / "locales", load_languages(ROOT / "locales"), ROOT)
    assert [str(p) for p in problems] == []


def test_the_rules_see_the_messages_they_are_about() -> None:
    """Guard against a rule that passes because it sees nothing."""
    termbase = read_termbase(ROOT / "locales" / "terms.csv")[0]
    acronyms = fixed_acronyms(termbase)
    assert {"TPPO", "SAPA", "PPT", "UPTD PPA", "LPSK", "KP2MI"} <= set(acronyms)
    assert "STI" not in acronyms and "IMS" not in acronyms
    folder = ROOT / "locales" / "jv" / "LC_MESSAGES"
    entries = [e for po in sorted(folder.glob("*.po")) for e in catalog_entries(po, "jv", po.name)]
    assert sum(is_prohibition(e.source) for e in entries) > 40
    assert sum("sampun ngantos" in e.translation.lower() for e in entries) > 100
    assert sum("](help.md)" in e.source and bool(e.origins) for e in entries) >= 15
    assert sum("scenario title" in e.comments for e in entries) >= 15
    assert sum(e.context == "modus" for e in entries) == 14


def _e(lang: str, english: str, text: str, **kw: object) -> Entry:
    return Entry(lang, kw.pop("domain", "guides"), "x.po", 1, None, english, text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("english", "prohibition"),
    [
        ("Do not wait.", True),
        ("**Never** pay a fee.", True),
        ("- Never pay a fee to get a job.", True),
        ("Keep copies. Don't give your passport away.", True),
        ("Nobody should push them.", True),
        ("Don't worry, we will take care of the bill.", False),
        ('"Don\'t you trust me?"', False),
        ("Never too late to tell", False),
        ("If you do not know, ask.", False),
        ("It is never the victim's fault.", False),
    ],
)
def test_a_prohibition_is_an_imperative_or_no_one_should(english: str, prohibition: bool) -> None:
    assert is_prohibition(english) is prohibition


def test_negation_catches_and_spares() -> None:
    bad = [
        _e("jv", "Do not say which answer is right.", "Sampun matur wangsulan ingkang leres."),
        _e("jv", "Do not wait.", "Sampun ngentosi idin."),
        _e("su", "Never go alone.", "Henteu kantos angkat nyalira."),
    ]
    good = [
        _e("jv", "Do not wait.", "Sampun ngantos ngentosi."),
        _e("jv", "Do not wait.", "Mboten kenging ngentosi."),
        _e("jv", "She has already left.", "Piyambakipun sampun kesah."),  # no prohibition
        _e("su", "Never go alone.", "Ulah angkat nyalira."),
        _e("su", "Do not sign.", "Entong nandatanganan."),
        _e("su", "No one may keep your passport.", "Teu kenging aya anu nyepeng paspor."),
    ]
    assert len(negation_problems(bad)) == 3
    assert negation_problems(good) == []


def test_numbers_allow_the_languages_marks_but_not_words() -> None:
    assert number_problems([_e("id", "3,703 cases, 2.5%", "3.703 kasus, 2,5%")]) == []
    assert number_problems([_e("id", "KP2MI (formerly BP2MI)", "KP2MI (dahulu BP2MI)")]) == []
    assert number_problems([_e("id", "See [S12](src-s12).", "Lihat [S12](src-s12).")]) == []
    assert len(number_problems([_e("id", "within 72 hours", "dalam tiga hari")])) == 1
    assert len(number_problems([_e("id", "in her last year", "di kelas 6")])) == 1


def test_a_scenario_title_as_a_whole_message_is_its_title() -> None:
    title = _e(
        "id", "A singing job", "Kerja menyanyi", domain="scenarios", comments=("scenario title",)
    )
    same = _e("id", "A singing job", "Kerja menyanyi", domain="practice")
    other = _e("id", "A singing job", "Pekerjaan menyanyi", domain="practice")
    assert scenario_title_problems([title, same]) == []
    (problem,) = scenario_title_problems([title, same, other])
    assert "reads 'Pekerjaan menyanyi' in this message, but 'Kerja menyanyi'" in problem.message


def test_headings_are_read_with_labels_and_without_code() -> None:
    page, labels = page_headings(
        "# Title\n\n```\n# not a heading\n```\n\n(lab)=\n## Section *one*\n"
    )
    assert page.title == "Title"
    assert labels == {"lab": "Section *one*"}
    assert page.anchors["section-one"] == "Section *one*"


def test_an_edit_is_seen_by_the_next_check(tmp_path: Path) -> None:
    """`waspada preview` checks again and again: a remembered result never hides an edit."""
    su = {"index": SU["index"].replace("Teu aya anu kedah angkat", "Ulah aya anu angkat")}
    root = _project(tmp_path, {}, su)
    languages = load_languages(root / "locales")
    assert check_project(root / "locales", languages, root) == []
    po = root / "locales" / "su" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Ulah aya", "Teu aya"), encoding="utf-8")
    (problem,) = check_project(root / "locales", languages, root)
    assert problem.location.file == "locales/su/LC_MESSAGES/index.po"
