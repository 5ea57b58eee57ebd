"""Translations: extractors, catalogs, fallback chains, checks, and a full round trip."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from conftest import run_waspada
from waspada.i18n import language, translator
from waspada.i18n.catalogs import (
    add_language,
    check_catalogs,
    load_languages,
    po_path,
    update_catalogs,
)
from waspada.i18n.extract import extract_help, extract_scenario

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = b"""\
id: demo
title: A demo
summary: Short.
nodes:
  start:
    text: |
      First line
      second line.
    notes: For the trainer.
    choices:
      - label: Go on
        target: end
        feedback: Well done.
      - {id: alt, label: Other way, target: end}
  end:
    text: The end.
    ending:
      kind: safe
      debrief: What we learnt.
      messages: [Ask questions., Tell someone.]
      help: [sapa-129]
"""


def test_scenario_extractor_gives_contexts_lines_and_comments() -> None:
    """Every text comes with scenario:node[:choice] context, its YAML line and what it is."""
    found = list(extract_scenario(io.BytesIO(SCENARIO), (), (), {}))
    got = [(line, ctx, text) for line, _, (ctx, text), _ in found]
    assert got == [
        (2, "demo", "A demo"),
        (3, "demo", "Short."),
        (6, "demo:start", "First line\nsecond line."),
        (9, "demo:start", "For the trainer."),
        (11, "demo:start:end", "Go on"),
        (13, "demo:start:end", "Well done."),
        (14, "demo:start:alt", "Other way"),
        (16, "demo:end", "The end."),
        (19, "demo:end", "What we learnt."),
        (20, "demo:end", "Ask questions."),
        (20, "demo:end", "Tell someone."),
    ]
    assert found[3][3] == ["node 'start': facilitator notes"]


def test_extractor_is_registered_with_babel() -> None:
    """`pybabel extract` finds the extractor by name and keeps the message context."""
    messages = list(extract("waspada_scenario", io.BytesIO(SCENARIO)))
    assert (2, "A demo", ["scenario title"], "demo") in messages


def test_broken_yaml_extracts_nothing_rather_than_crashing() -> None:
    """Extraction skips a file the checker will report; it never raises."""
    assert list(extract_scenario(io.BytesIO(b"id: [broken\n"), (), (), {})) == []


def test_help_extractor_never_extracts_numbers() -> None:
    """Service names, descriptions and labels are translated; the numbers themselves are not."""
    with (ROOT / "help.yml").open("rb") as handle:
        texts = [text for _, _, (_, text), _ in extract_help(handle, (), (), {})]
    assert any("Police emergency line, free of charge, 24 hours." in text for text in texts)
    assert "Call" in texts
    assert not any(text.strip().startswith(("1", "0", "+")) for text in texts)


# -- catalogs in a temporary locales folder ----------------------------------------------------


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
    template = Catalog(domain="ui")
    template.add("Back", context="ui")
    template.add("Start again", context="ui")
    template.add("Decision {number}", context="ui")
    template.add("See [the help page](help.md) and **call**.", context="ui")
    with (locales / "templates" / "ui.pot").open("wb") as handle:
        write_po(handle, template)
    update_catalogs(locales, load_languages(locales))
    return locales


def translate_po(path: Path, strings: dict[str, str]) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in strings:
            message.string = strings[message.id]
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_missing_messages_follow_the_fallback_chain(tmp_path: Path) -> None:
    """Sasak uses its own text, then Indonesian, then English; never an empty string."""
    locales = make_locales(tmp_path)
    translate_po(po_path(locales, "id", "ui"), {"Back": "Kembali", "Start again": "Mulai lagi"})
    translate_po(po_path(locales, "sas", "ui"), {"Back": "Uli"})
    sas = translator(locales, "sas")
    assert sas("ui", "Back") == "Uli"
    assert sas("ui", "Start again") == "Mulai lagi"
    assert sas("ui", "Decision {number}") == "Decision {number}"
    assert language(locales, "sas").chain == ("sas", "id", "en")
    assert language(locales, "sas").is_draft and not language(locales, "id").is_draft


def test_regional_catalogs_carry_the_indonesian_text(tmp_path: Path) -> None:
    """After an update, each Sasak message shows its Indonesian translation as a comment."""
    locales = make_locales(tmp_path)
    translate_po(po_path(locales, "id", "ui"), {"Back": "Kembali"})
    update_catalogs(locales, load_languages(locales), ["sas"])
    text = po_path(locales, "sas", "ui").read_text()
    assert "# Indonesian: Kembali\n" in text
    assert text.count("# Indonesian:") == 1


def test_updating_twice_keeps_a_long_indonesian_comment_once(tmp_path: Path) -> None:
    """An Indonesian text too long for one comment line is wrapped in the .po file; updating
    again must not copy its continuation lines (translators saw them pile up in Poedit)."""
    locales = make_locales(tmp_path)
    long = "Kembali ke halaman sebelumnya, " * 6 + "lalu pilih jawaban yang lain."
    translate_po(po_path(locales, "id", "ui"), {"Back": long})
    update_catalogs(locales, load_languages(locales), ["sas"])
    first = po_path(locales, "sas", "ui").read_text()
    update_catalogs(locales, load_languages(locales), ["sas"])
    update_catalogs(locales, load_languages(locales), ["sas"])
    again = po_path(locales, "sas", "ui").read_text()
    assert again == first
    entry = next(block for block in first.split("\n\n") if 'msgid "Back"' in block)
    comment = [line[2:] for line in entry.splitlines() if line.startswith("# ")]
    assert " ".join(comment) == "Indonesian: " + " ".join(long.split())


def test_add_a_language_babel_does_not_know(tmp_path: Path) -> None:
    """`add` declares a language outside CLDR (Balinese here) with a usable, non-fuzzy catalog."""
    locales = make_locales(tmp_path)
    written = add_language(
        locales, "ban", english="Balinese", native="Basa Bali", fallback=["id"], cldr="id"
    )
    assert written == [po_path(locales, "ban", "ui")]
    assert load_languages(locales)["ban"].chain == ("ban", "id", "en")
    text = written[0].read_text()
    assert '"Language: ban\\n"' in text and "#, fuzzy" not in text.split("msgid")[1]
    with pytest.raises(ValueError, match="already a course language"):
        add_language(locales, "ban", english="x", native="x", fallback=["id"], cldr="id")


def errors(locales: Path, root: Path) -> list[str]:
    return [str(p) for p in check_catalogs(locales, load_languages(locales), root)]


def test_check_finds_placeholder_and_markup_mismatches(tmp_path: Path) -> None:
    """A renamed placeholder or a changed link target is an error with file and line."""
    locales = make_locales(tmp_path)
    translate_po(
        po_path(locales, "id", "ui"),
        {
            "Decision {number}": "Keputusan {nomor}",
            "See [the help page](help.md) and **call**.": "Lihat [halaman bantuan](bantuan.md) dan "
            "**telepon**.",
        },
    )
    found = errors(locales, tmp_path)
    assert len(found) == 2
    assert found[0].startswith("locales/id/LC_MESSAGES/ui.po:") and "placeholders" in found[0]
    assert "adds the link target bantuan.md" in found[1]


def test_check_accepts_a_faithful_translation(tmp_path: Path) -> None:
    """Translated link text with the same target and markers passes."""
    locales = make_locales(tmp_path)
    translate_po(
        po_path(locales, "id", "ui"),
        {
            "Decision {number}": "Keputusan {number}",
            "See [the help page](help.md) and **call**.": "Lihat [halaman bantuan](help.md) dan "
            "**telepon**.",
        },
    )
    assert errors(locales, tmp_path) == []


@pytest.mark.skipif(
    shutil.which("msgfmt") is None and "CI" not in __import__("os").environ,
    reason="msgfmt (Debian package gettext) is not installed",
)
def test_check_finds_a_fuzzy_header_and_broken_syntax(tmp_path: Path) -> None:
    """A fuzzy header (gettext would skip the file) and unreadable syntax are both reported."""
    locales = make_locales(tmp_path)
    path = po_path(locales, "id", "ui")
    path.write_text(
        path.read_text().replace('msgid ""\nmsgstr ""', '#, fuzzy\nmsgid ""\nmsgstr ""', 1)
    )
    broken = po_path(locales, "sas", "ui")
    broken.write_text(broken.read_text() + '\nmsgctxt "ui"\nmsgid "Oops\nmsgstr ""\n')
    found = errors(locales, tmp_path)
    assert any("header is marked fuzzy" in f for f in found)
    assert any(
        f.startswith("locales/sas/LC_MESSAGES/ui.po:") and "cannot be read" in f for f in found
    )


def test_every_catalog_of_the_course_passes_msgfmt_check() -> None:
    """GNU msgfmt --check accepts every .po file (syntax, headers, format strings)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if "CI" in __import__("os").environ:
            pytest.fail("msgfmt (Debian package gettext) is missing")
        pytest.skip("msgfmt is not installed (apt-get install gettext)")
    files = sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))
    assert files
    for path in files:
        result = subprocess.run(
            [msgfmt, "--check", "-o", "/dev/null", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_course_catalogs_pass_waspada_check() -> None:
    """The repository's catalogs have no placeholder, markup or header problems."""
    assert errors(ROOT / "locales", ROOT) == []


def test_status_reports_coverage_per_language() -> None:
    """`waspada i18n status` prints a row per catalog and a total per language."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "waspada",
            "--project",
            str(ROOT),
            "i18n",
            "status",
            "--lang",
            "sas",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "sas   scenarios" in result.stdout
    assert "sas -> id -> en" in result.stdout


@pytest.mark.build
def test_round_trip_extract_translate_build(tmp_path: Path) -> None:
    """extract -> translate -> build: the Indonesian page shows translated paragraphs, scenario
    text, player strings and theme strings, and links to the same page in English."""
    import json
    import re

    root = tmp_path / "course"
    (root / "book").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "locales").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: story\n")
    (root / "book" / "index.md").write_text("# Welcome\n\nThis course is about safety.\n")
    (root / "book" / "story.md").write_text("# A story\n\n```{scenario} demo\n```\n")
    (root / "scenarios" / "demo.yml").write_bytes(
        SCENARIO.replace(
            b"nodes:",
            b"audiences: [village]\nmodi: [deception]\ncharacters: [woman]\nstart: start\nnodes:",
        )
    )
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en],"
        " cldr: id, status: reviewed}\n"
    )

    run_waspada(root, "i18n", "extract")
    run_waspada(root, "i18n", "update")
    translate_po(
        po_path(root / "locales", "id", "index"),
        {"This course is about safety.": "Kursus ini tentang keselamatan.", "Welcome": "Selamat"},
    )
    # A chapter or scenario is shown in Indonesian only when translated whole (one language
    # per screen): the story page, and every message of the demo, two with words looked for.
    translate_po(po_path(root / "locales", "id", "story"), {"A story": "Sebuah cerita"})
    scenarios = po_path(root / "locales", "id", "scenarios")
    with scenarios.open("rb") as handle:
        demo = [m.id for m in read_po(handle) if m.id and (m.context or "").startswith("demo")]
    translate_po(scenarios, {m: f"(id) {m}" for m in demo})
    translate_po(scenarios, {"A demo": "Sebuah contoh", "Go on": "Lanjut"})
    translate_po(po_path(root / "locales", "id", "ui"), {"Back": "Kembali"})
    assert "0 errors" in run_waspada(root, "check")
    run_waspada(root, "build", "--strict")

    index = (root / "_build" / "html" / "full" / "id" / "index.html").read_text()
    assert "Kursus ini tentang keselamatan." in index
    assert '<html lang="id"' in index
    assert 'href="../en/index.html"' in index  # the switcher opens the same page in English
    assert "Pencarian" in index or "Cari" in index  # theme strings from Sphinx's Indonesian
    story = (root / "_build" / "html" / "full" / "id" / "story.html").read_text()
    data = re.search(r'class="wsp-payload">(.*?)</script>', story, re.S).group(1)
    payload = json.loads(data)
    assert payload["lang"] == "id"
    assert payload["title"] == "Sebuah contoh"
    assert payload["nodes"]["start"]["choices"]["end"]["label"] == [["", "Lanjut"]]
    assert payload["ui"]["back"] == "Kembali"
    assert payload["ui"]["restart"] == "Start again"  # untranslated: falls back to English
    english = (root / "_build" / "html" / "full" / "en" / "index.html").read_text()
    assert "This course is about safety." in english
    assert (root / "_build" / "html" / "index.html").read_text().count('hreflang="') == 2


# -- translations and languages.yml are untrusted input (issue 14) ------------------------------


def languages_problems(locales: Path) -> list[str]:
    from waspada.i18n.languages import read_languages

    return [str(p) for p in read_languages(locales)[1]]


def test_a_language_code_that_is_a_path_never_becomes_a_language(tmp_path: Path) -> None:
    """`/tmp/victim:` in languages.yml is an error at its line and column, and no command
    can use it: it is not among the course's languages."""
    locales = make_locales(tmp_path)
    path = locales / "languages.yml"
    path.write_text(
        path.read_text() + "  /tmp/victim: {english: V, native: V, cldr: id, status: draft}\n"
    )
    assert languages_problems(locales) == [
        "locales/languages.yml:4:3: error: '/tmp/victim' is not a language code; use ISO 639 "
        "letters in lower case such as 'jv' or 'sas' (with a region: 'pt_BR'): the code names "
        "the catalog folder"
    ]
    assert list(load_languages(locales)) == ["en", "id", "sas"]


def test_languages_yml_fallbacks_status_and_cldr_are_checked(tmp_path: Path) -> None:
    """Unknown and circular fallbacks, a status that is not one and a locale Babel does not
    know: each is reported where it is, and the languages concerned are left out."""
    locales = make_locales(tmp_path)
    (locales / "languages.yml").write_text(
        "languages:\n"
        "  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: reviewed}\n"
        "  mad: {english: Madurese, native: Basa Madura, fallback: [min], cldr: id,"
        " status: draft}\n"
        "  min: {english: Minang, native: Baso Minang, fallback: [mad], cldr: id,"
        " status: draft}\n"
        "  ban: {english: Balinese, native: Basa Bali, fallback: [idn], cldr: xx,"
        " status: approved}\n"
    )
    found = languages_problems(locales)
    assert any(f.startswith("locales/languages.yml:3:") and "a circle" in f for f in found)
    assert any(f.startswith("locales/languages.yml:4:") and "a circle" in f for f in found)
    assert any(
        "'idn' of language 'ban' is not a course language (did you mean 'id'?)" in f for f in found
    )
    assert any("the cldr locale 'xx' of language 'ban' is not one Babel knows" in f for f in found)
    assert any("the status of language 'ban' is 'approved'" in f for f in found)
    assert list(load_languages(locales)) == ["en", "id"]


def test_a_register_per_addressee_is_read_and_a_single_text_still_works(tmp_path: Path) -> None:
    """languages.yml states how to write for adults, pupils and speech in stories; a language
    that states one register for everyone keeps it for each addressee."""
    locales = make_locales(tmp_path)
    (locales / "languages.yml").write_text(
        "languages:\n"
        "  id:\n"
        "    {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: reviewed, register: Baku; Anda for the reader.}\n"
        "  jv:\n"
        "    english: Javanese\n    native: Basa Jawa\n    fallback: [id, en]\n"
        "    cldr: jv\n    status: draft\n"
        "    register:\n"
        "      adult: Krama, panjenengan.\n"
        "      pupil: Krama, panjenengan and kita.\n"
        "      dialogue: >-\n        Ngoko between peers,\n        krama to elders.\n"
    )
    assert languages_problems(locales) == []
    languages = load_languages(locales)
    jv = languages["jv"]
    assert jv.register_for("pupil") == "Krama, panjenengan and kita."
    assert jv.register_for("dialogue") == "Ngoko between peers, krama to elders."
    assert dict(languages["id"].register) == dict.fromkeys(
        ("adult", "pupil", "dialogue"), "Baku; Anda for the reader."
    )
    assert languages["en"].register_for("adult") == ""


def test_an_unknown_or_missing_addressee_in_a_register_is_named_with_its_line(
    tmp_path: Path,
) -> None:
    """A misspelt addressee is an error at its line, with the allowed keys; so is a missing
    one; the language is left out until the file is fixed, as with the loader's other errors."""
    locales = make_locales(tmp_path)
    (locales / "languages.yml").write_text(
        "languages:\n"
        "  id:\n"
        "    english: Indonesian\n    native: Bahasa Indonesia\n    fallback: [en]\n"
        "    cldr: id\n    status: draft\n"
        "    register:\n"
        "      adult: Baku.\n"
        "      pupils: Baku, kamu.\n"
        "      dialogue: Sehari-hari.\n"
    )
    assert languages_problems(locales) == [
        "locales/languages.yml:10:7: error: unknown key 'pupils' in the register of language "
        "'id' (did you mean 'pupil'?); allowed keys: adult, pupil, dialogue",
        "locales/languages.yml:9:7: error: the register of language 'id' has no 'pupil'; "
        "add 'pupil:'",
    ]
    assert list(load_languages(locales)) == ["en"]


def test_an_empty_or_missing_languages_yml_is_an_error(tmp_path: Path) -> None:
    locales = make_locales(tmp_path)
    (locales / "languages.yml").write_text("")
    assert languages_problems(locales) == [
        "locales/languages.yml:1:1: error: languages.yml is empty; add 'languages:'"
    ]
    (locales / "languages.yml").unlink()
    assert "there is no languages.yml beside the catalogs" in languages_problems(locales)[0]
    # A course without translations at all needs none.
    assert languages_problems(tmp_path / "nothing") == []


def test_a_translation_may_not_add_html_links_roles_or_placeholders(tmp_path: Path) -> None:
    """check names the .po line of the msgstr and what was added."""
    locales = make_locales(tmp_path)
    translate_po(
        po_path(locales, "id", "ui"),
        {
            "Back": 'Kembali <meta http-equiv="refresh" content="0;url=https://evil.example/">',
            "Start again": "Mulai {raw}`<b>x</b>` lagi",
            "Decision {number}": "Keputusan {number:>20000000}",
        },
    )
    text = po_path(locales, "id", "ui").read_text()
    # The msgstr of "Back" is wrapped: its first line is 'msgstr ""'.
    back = text.splitlines().index('"Kembali <meta http-equiv=\\"refresh\\" "')
    found = errors(locales, tmp_path)
    assert f"locales/id/LC_MESSAGES/ui.po:{back}:1: error: the translation adds HTML (<meta>) " in (
        "\n".join(found)
    )
    assert any("adds the link target https://evil.example/" in f for f in found)
    assert any("adds the role or directive {raw}" in f for f in found)
    assert any("'{number:>20000000}' is not a plain placeholder" in f for f in found)


def test_the_player_falls_back_where_a_translation_breaks_the_rules(tmp_path: Path) -> None:
    """Even unchecked, a catalog cannot inject a format string, markup or a link: such a
    message is taken as missing, and the next language of the chain is used."""
    locales = make_locales(tmp_path)
    translate_po(
        po_path(locales, "id", "ui"),
        {"Back": "Kembali", "Decision {number}": "Keputusan {number}"},
    )
    translate_po(
        po_path(locales, "sas", "ui"),
        {
            "Back": "Uli <script>alert(1)</script>",
            "Decision {number}": "{number.__class__.__mro__}",
            "Start again": "Mulai {number:>20000000}",
        },
    )
    sas = translator(locales, "sas")
    assert sas("ui", "Back") == "Kembali"
    assert sas("ui", "Decision {number}").format(number=1) == "Keputusan 1"
    assert sas("ui", "Start again") == "Start again"


def test_the_book_catalog_leaves_out_a_message_that_adds_html(tmp_path: Path) -> None:
    """The .mo files Sphinx reads never carry a translation that adds HTML: the page shows
    the fallback language's text instead."""
    import gettext

    from waspada.i18n.catalogs import compile_book_catalogs

    locales = make_locales(tmp_path)
    chapter = Catalog(domain="intro")
    chapter.add("Learning objectives")
    with (locales / "templates" / "intro.pot").open("wb") as handle:
        write_po(handle, chapter)
    update_catalogs(locales, load_languages(locales))
    translate_po(po_path(locales, "id", "intro"), {"Learning objectives": "Tujuan pembelajaran"})
    translate_po(
        po_path(locales, "sas", "intro"),
        {"Learning objectives": "Tujuan<style>.wsp-quick-exit{display:none}</style>"},
    )
    out = compile_book_catalogs(locales, load_languages(locales)["sas"], tmp_path / "mo")
    with (out / "sas" / "LC_MESSAGES" / "intro.mo").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Learning objectives") == (
            "Tujuan pembelajaran"
        )


def test_a_50_mb_catalog_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A catalog far larger than any translation is an error, and the player does not read it
    (it would hold the whole file, and a page built from it, in memory)."""
    from waspada.i18n.catalogs import read_catalog

    locales = make_locales(tmp_path)
    path = po_path(locales, "sas", "ui")
    with path.open("ab") as handle:
        handle.write(b'\nmsgctxt "ui"\nmsgid "Back"\nmsgstr "' + b"x" * 50_000_000 + b'"\n')
    assert read_catalog(path) is None
    found = errors(locales, tmp_path)
    assert len(found) == 1
    assert found[0].startswith("locales/sas/LC_MESSAGES/ui.po: error: the catalog is ")
    assert "more than the limit of 8,388,608" in found[0]


def test_a_bidi_control_in_a_msgstr_is_a_warning_at_its_column(tmp_path: Path) -> None:
    locales = make_locales(tmp_path)
    translate_po(po_path(locales, "id", "ui"), {"Back": "Kem\u202ebali"})
    lines = po_path(locales, "id", "ui").read_text().splitlines()
    line = lines.index('msgstr "Kem\u202ebali"') + 1
    assert errors(locales, tmp_path) == [
        f"locales/id/LC_MESSAGES/ui.po:{line}:12: warning: invisible direction control U+202E "
        "(RIGHT-TO-LEFT OVERRIDE) can make a label or a number show differently from what it "
        "is; delete it"
    ]


def test_build_refuses_a_language_whose_fallback_has_errors(tmp_path: Path) -> None:
    """`build --lang sas` is refused, before anything is written, when Indonesian (which Sasak
    falls back to) has an error; the problems and the language are named."""
    from waspada.book.build import refuse_broken_translations
    from waspada.project import Project, ProjectError

    make_locales(tmp_path)
    translate_po(po_path(tmp_path / "locales", "id", "ui"), {"Back": "<b>Kembali</b>"})
    with pytest.raises(ProjectError, match="the translations of id have errors"):
        refuse_broken_translations(Project(tmp_path), ["sas"])
    refuse_broken_translations(Project(tmp_path), ["en"])  # English reads no catalog


def test_an_unterminated_string_is_an_error_even_without_msgfmt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Babel's reader accepts a string that never ends; check must not, msgfmt or not, since
    build trusts its verdict."""
    import waspada.i18n.catalogs as catalogs

    monkeypatch.setattr(catalogs.shutil, "which", lambda name: None)
    locales = make_locales(tmp_path)
    path = po_path(locales, "id", "ui")
    path.write_text(path.read_text() + '\nmsgctxt "ui"\nmsgid "Oops"\nmsgstr "<b>evil.example\n')
    line = path.read_text().splitlines().index('msgstr "<b>evil.example') + 1
    assert errors(locales, tmp_path) == [
        f"locales/id/LC_MESSAGES/ui.po:{line}:1: error: the catalog cannot be read (this line is "
        "not a quoted string, a keyword with one, or a comment); fix this entry or open the file "
        "in Poedit, which shows it"
    ]


def test_catalogs_of_an_undeclared_language_are_named(tmp_path: Path) -> None:
    """A folder of catalogs languages.yml does not declare (a typo, or an entry left out for
    an error) is neither checked nor used: check says so rather than nothing."""
    locales = make_locales(tmp_path)
    (locales / "mad" / "LC_MESSAGES").mkdir(parents=True)
    assert errors(locales, tmp_path) == [
        "locales/mad/LC_MESSAGES: warning: these catalogs are neither checked nor used: "
        "languages.yml does not declare 'mad', or declares it with an error; declare it or "
        "remove the folder"
    ]
