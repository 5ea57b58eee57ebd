"""Phone numbers come from help.yml only: typed numbers are found, {help-contact} gives them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import HELP_FILE, MINIMAL, make_project
from waspada.scenario import load_help
from waspada.scenario.help import find_contact
from waspada.scenario.phones import find_phone_numbers

SERVICES = load_help(HELP_FILE)[0]


@pytest.mark.parametrize(
    "text",
    [
        "From abroad call +62-21-2924-4800.",
        "WhatsApp 08111-129-129 any time.",
        "The free line is 0800-1000.",
        "SAPA 129 (also written 021-129).",
        "Office: (021) 5795 1275.",
        "Call 0812 3456 7890 tonight.",
        "Or 0857.7001.0048.",
    ],
)
def test_a_typed_phone_number_is_found(text: str) -> None:
    """International, mobile, toll-free and area-code numbers, whatever the separators."""
    assert len(list(find_phone_numbers(text))) == 1, text


@pytest.mark.parametrize(
    "text",
    [
        "Call 110, 112, 129, LPSK on 148 or Kemensos on 171.",  # short codes the text explains
        "UU 21/2007, Pasal 2; UU 35/2014 Pasal 76F jo. 83; Kepmenkes 1226/MENKES/SK/XII/2009.",
        "Checked 2026-12-06; opened 22 Aug 2025; the date 06-12-2026 or 06.12.2026.",
        "A fine of Rp 120.000.000 to Rp 600.000.000, or Rp 5,000,000.",
        "2,356 victims; 698 victims: 396 men and 302 women; 141 kabupaten/kota; 0.5 per cent.",
        "doi:10.1016/S2214-109X(15)70016-1, PMC2978168, news.detik.com/berita/d-378712.",
        "Between 2019-2024 and in 2005.",
        "PEP within 72 hours, contraception within 120 hours, 90th percentile, odds ratio 1.45.",
    ],
)
def test_dates_laws_money_and_counts_are_not_phone_numbers(text: str) -> None:
    assert list(find_phone_numbers(text)) == [], text


def test_a_found_number_has_its_line_and_column() -> None:
    found = list(find_phone_numbers("Help:\n- WhatsApp **08111-129-129**.\n"))
    assert [(f.text, f.line, f.column) for f in found] == [("08111-129-129", 2, 14)]


def test_a_contact_reference_names_a_number_of_help_yml() -> None:
    """`sapa-129` is its first phone contact, `sapa-129/whatsapp` its WhatsApp, `bp2mi/phone2`
    the second phone number; an unknown id says which ids exist."""
    assert find_contact(SERVICES, "sapa-129")[0].value == "129"
    assert find_contact(SERVICES, "sapa-129/whatsapp")[0].value == "08111-129-129"
    assert find_contact(SERVICES, "bp2mi/phone2")[0].value == "+62-21-2924-4800"
    contact, why = find_contact(SERVICES, "sapa-192")
    assert contact is None and why.startswith("unknown help service 'sapa-192' (did you mean ")
    contact, why = find_contact(SERVICES, "uptd-ppa")
    assert contact is None and "has no phone contact" in why


def _course(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    (root / "book" / "handouts").mkdir(parents=True)
    (root / "scenarios" / "minimal.yml").write_text(MINIMAL, encoding="utf-8")
    return root


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "waspada", "--project", str(root), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_reports_typed_numbers_with_file_and_line(tmp_path: Path) -> None:
    """A number typed into a handout, a scenario, a help description or a translation is an
    error at its place, and the page's message names the role that gives it from help.yml."""
    root = _course(tmp_path)
    (root / "book" / "handouts" / "card.md").write_text(
        "# Card\n\nCall 129 or WhatsApp 08111-129-129.\n\nUU 21/2007 since 2007.\n"
    )
    (root / "book" / "ok.md").write_text("# Ok\n\nWhatsApp {help-contact}`sapa-129/whatsapp`.\n")
    scenario = root / "scenarios" / "minimal.yml"
    scenario.write_text(
        MINIMAL.replace("tells her mother.", "tells her mother and calls 0800-1000.")
    )
    text = HELP_FILE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    (root / "help.yml").write_text(
        text + "  test-line:\n    name: Test line\n    description: Or call 021-110.\n"
        "    serves: [everyone]\n    sources: [S1]\n    checked: 2026-11-27\n"
    )
    help_line = text.count("\n") + 3
    po = root / "locales" / "id" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en],"
        " cldr: id, status: draft}\n"
    )
    (po / "card.po").write_text(
        textwrap.dedent(
            """\
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"

            msgid "Call the police."
            msgstr "Hubungi polisi di 0812-3456-7890."

            msgid "WhatsApp 08111-129-129."
            msgstr "WhatsApp 08111-129-129."
            """
        )
    )
    result = _check(root)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert (
        "book/handouts/card.md:3:22: error: the page has the phone number '08111-129-129' typed "
        "in; write {help-contact}`sapa-129/whatsapp` instead, so the number comes from help.yml"
    ) in out
    assert (
        "scenarios/minimal.yml:22:58: error: the scenario has the phone number '0800-1000'" in out
    )
    assert "locales/id/LC_MESSAGES/card.po:5:1: error: the translation has the phone number " in out
    assert f"help.yml:{help_line}:26: error: the help text has the phone number '021-110'" in out
    # The translation of English that still has the number typed in is left to the English page.
    assert "card.po:8:" not in out
    assert "ok.md" not in out and "2007" not in out


def test_check_reports_an_unknown_help_contact(tmp_path: Path) -> None:
    root = _course(tmp_path)
    (root / "book" / "page.md").write_text("# Page\n\nCall {help-contact}`sapa-192`.\n")
    result = _check(root)
    assert result.returncode == 1
    assert "book/page.md:3:6: error: unknown help service 'sapa-192'" in result.stdout + (
        result.stderr
    )


def test_the_role_shows_the_number_from_help_yml_and_warns_when_unknown(tmp_path: Path) -> None:
    """In a built page the role becomes the number (a tel: link for a phone); an unknown id is a
    Sphinx warning with the page and line."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'waspada.book']\n"
        "waspada_scenarios = 'scenarios'\nwaspada_help = 'help.yml'\nwaspada_locales = 'locales'\n"
    )
    shutil.copy(HELP_FILE, src / "help.yml")
    (src / "index.md").write_text(
        "# Help\n\nCall {help-contact}`sapa-129` or WhatsApp {help-contact}`sapa-129/whatsapp`."
        "\n\nFrom abroad: {help-contact}`bp2mi/phone2`. Or {help-contact}`nobody`.\n"
    )
    import io

    warnings = io.StringIO()
    app = Sphinx(
        str(src), str(src), str(tmp_path / "out"), str(tmp_path / "dt"), "html",
        status=None, warning=warnings, freshenv=True,
    )  # fmt: skip
    app.build()
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:129"' in html
    assert '<span class="wsp-help-contact">08111-129-129</span>' in html
    assert 'href="tel:+622129244800"' in html
    assert "index.md:5: WARNING: unknown help service 'nobody'" in warnings.getvalue()
