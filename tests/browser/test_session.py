"""The session page in Chromium (issue 17): a whole session typed as hands and counts, kept over
a reload, printed on one A4 page, exported as CSV and JSON in the session record's schema, and
deleted without a trace."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from waspada import __version__
from waspada.project import Project
from waspada.report.records import read_session_file
from waspada.report.schema import SCHEMA_FILE, spec_for_project
from waspada.session import SCHEMA, expected_columns

from .conftest import ROOT, axe_violations, watch_failed_requests

pytestmark = pytest.mark.browser

DATE = "2026-11-20"
ROOM = {"women": 14, "men": 9, "other_or_unsaid": 1}
AGES = {"age_under_18": 3, "age_18_25": 8, "age_26_45": 9, "age_over_45": 4}
VOTE = {"satisfied": 15, "neutral": 6, "unsatisfied": 3}
REFERRED = {"sapa-129": 2, "police-110": 1}


@pytest.fixture(scope="session")
def session_kits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course's village and school kits, in English and Indonesian."""
    out = tmp_path_factory.mktemp("session-kits")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build", "--strict",
            "--profile", "village,school", "--lang", "en,id", "--output", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def course() -> dict:
    """The check's items (with the right option) and the record's columns, from the sources."""
    collection = Project(ROOT).load()
    from waspada.session import check_items, session_check

    check = session_check(collection)
    assert check is not None
    return {
        "items": check_items(check),
        "columns": expected_columns(collection),
        "stories": collection.stories,
    }


def hands(course: dict) -> dict[str, dict[str, dict[str, int]]]:
    """The hands typed for each item: before, the right answer gets 3 + position and every
    other answer 5; after, the right answer 11 + position and every other answer 1."""
    typed: dict[str, dict[str, dict[str, int]]] = {}
    for position, item in enumerate(course["items"]):
        typed[item["id"]] = {
            phase: {o["id"]: (right + position if o["correct"] else other) for o in item["options"]}
            for phase, right, other in (("before", 3, 5), ("after", 11, 1))
        }
    return typed


def expected_figures(course: dict) -> dict[str, int]:
    figures: dict[str, int] = {**ROOM, **AGES, **VOTE, "asked_for_help": 3}
    for sid in course["columns"]:
        if sid.startswith("referred_"):
            figures[sid] = REFERRED.get(sid.removeprefix("referred_"), 0)
    for item in course["items"]:
        for phase, counts in hands(course)[item["id"]].items():
            right = sum(n for oid, n in counts.items() if _correct(item, oid))
            figures[f"q_{item['id']}_{phase}_right"] = right
            figures[f"q_{item['id']}_{phase}_total"] = sum(counts.values())
    return figures


def percent(right: int, total: int) -> int:
    """A share as the report rounds it (halves up, as JavaScript's Math.round)."""
    return int(100 * right / total + 0.5)


def _correct(item: dict, oid: str) -> bool:
    return next(o["correct"] for o in item["options"] if o["id"] == oid)


def fill_count(page, label: str, value: int) -> None:
    page.get_by_role("spinbutton", name=label, exact=True).fill(str(value))


def type_session(page, course: dict, played: list[str]) -> None:
    """Everything a trainer types, by keyboard, into fields found by their labels."""
    page.get_by_label("Date", exact=True).fill(DATE)
    page.get_by_label("District", exact=True).fill("Lombok Timur")
    page.get_by_label("Village or school", exact=True).fill("Desa Sukamaju")
    page.get_by_label("Language of the report").select_option("id")
    for sid in played:
        title = course["stories"][sid].title
        page.get_by_role("checkbox", name=title, exact=True).check()
    for item in course["items"]:
        for phase, counts in hands(course)[item["id"]].items():
            box = page.locator(f'.wsp-session-item[data-wsp-item="{item["id"]}"]')
            for oid, n in counts.items():
                box.locator(f'input[data-wsp-phase="{phase}"][data-wsp-option="{oid}"]').fill(
                    str(n)
                )
    for label, key in (
        ("Women", "women"),
        ("Men", "men"),
        ("Other or not said", "other_or_unsaid"),
    ):
        fill_count(page, label, ROOM[key])
    for label, key in (
        ("Under 18", "age_under_18"),
        ("18 to 25", "age_18_25"),
        ("26 to 45", "age_26_45"),
        ("Over 45", "age_over_45"),
    ):
        fill_count(page, label, AGES[key])
    for label, key in (("Satisfied", "satisfied"), ("In between", "neutral")):
        fill_count(page, label, VOTE[key])
    fill_count(page, "Not satisfied", VOTE["unsatisfied"])
    fill_count(page, "People who asked for help or were referred, in all", 3)
    page.locator(".wsp-session-referred").first.fill(str(REFERRED["sapa-129"]))
    page.locator(".wsp-session-referred").nth(1).fill(str(REFERRED["police-110"]))


def session_keys(page) -> list[str]:
    return [k for k in page.evaluate("Object.keys(localStorage)") if "session" in k]


def download(page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    got = info.value
    return got.suggested_filename, Path(got.path()).read_bytes()


def test_a_whole_session_is_kept_printed_exported_and_deleted(
    page, session_kits: Path, course: dict, tmp_path: Path
) -> None:
    from .test_kits import pdf_pages

    url = (session_kits / "village" / "en" / "guides" / "session-report.html").as_uri()
    failures = watch_failed_requests(page)
    page.goto(url)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    assert session_keys(page) == []  # nothing is stored before the trainer types
    played = ["cafe-singer", "palm-oil-abroad"]
    type_session(page, course, played)
    keys = session_keys(page)
    assert keys and all(k.startswith("waspada:session:") for k in keys)
    assert all(k.startswith("waspada:") for k in page.evaluate("Object.keys(localStorage)"))

    # A reload finds the session as it was typed.
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    assert page.get_by_label("Village or school", exact=True).input_value() == "Desa Sukamaju"
    assert page.get_by_role("spinbutton", name="Women", exact=True).input_value() == "14"
    first = course["items"][0]
    right = next(o["id"] for o in first["options"] if o["correct"])
    box = page.locator(f'.wsp-session-item[data-wsp-item="{first["id"]}"]')
    assert (
        box.locator(f'input[data-wsp-phase="after"][data-wsp-option="{right}"]').input_value()
        == "11"
    )
    assert page.get_by_label("Language of the report").input_value() == "id"

    # The report: in the session's language (Indonesian), on one A4 page, with the figures.
    figures = expected_figures(course)
    sheet = page.locator(".wsp-session-sheet")
    assert sheet.get_attribute("lang") == "id"
    page.evaluate("window.print = () => {}")  # the dialog itself cannot be driven headless
    page.get_by_role("button", name="Print the report").click()
    texts = pdf_pages(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    assert len(texts) == 1, f"the report prints on {len(texts)} pages"
    text = " ".join(texts[0].split())
    assert "Desa Sukamaju" in text and "Lombok Timur" in text and DATE in text
    assert "Laporan sesi" in text  # the Indonesian report, from an English page
    assert f"Kursus Waspada, versi {__version__}" in text
    for item in course["items"]:
        before = figures[f"q_{item['id']}_before_right"], figures[f"q_{item['id']}_before_total"]
        after = figures[f"q_{item['id']}_after_right"], figures[f"q_{item['id']}_after_total"]
        assert f"{before[0]} dari {before[1]} ({percent(*before)}%)" in text, item["id"]
        assert f"{after[0]} dari {after[1]} ({percent(*after)}%)" in text, item["id"]
        assert f"+{percent(*after) - percent(*before)} poin" in text, item["id"]
    assert f"Peserta: {sum(ROOM.values())}" in text
    for shown in (
        "Perempuan: 14", "Laki-laki: 9", "Lainnya atau tidak disebutkan: 1", "Di bawah 18: 3",
        "18 sampai 25: 8", "26 sampai 45: 9", "Di atas 45: 4", "Puas: 15 (63%)",
        "Biasa saja: 6 (25%)", "Tidak puas: 3 (13%)", "seluruhnya: 3",
    ):  # fmt: skip
        assert shown in text, shown
    assert re.search(r"Dirujuk ke SAPA 129 \(.*\): 2", text)
    assert re.search(r"Dirujuk ke Polisi \(Polri\) 110: 1", text)
    assert "Quick exit" not in text and "Download CSV" not in text  # the report alone
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")

    # The exports: exactly the schema's fields, in its order, holding what was typed.
    name, raw = download(page, "Download CSV")
    csv_raw = raw
    session_id = next(k for k in keys if k != "waspada:session:current").split(":")[-1]
    assert name == f"waspada-session-{DATE}-{session_id}.csv"
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 2
    assert rows[0] == course["columns"]
    from_csv = dict(zip(rows[0], rows[1], strict=True))
    name, raw = download(page, "Download JSON")
    assert name == f"waspada-session-{DATE}-{session_id}.json"
    record = json.loads(raw)
    assert list(record) == course["columns"]
    schema = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(record)  # no field outside it, none missing
    assert record["schema"] == SCHEMA and record["session"] == session_id
    assert record["language"] == "id" and record["kit"] == "village" and record["date"] == DATE
    assert record["district"] == "Lombok Timur" and record["place"] == "Desa Sukamaju"
    assert sorted(record["scenarios"].split()) == sorted(played)
    for key, value in figures.items():
        assert record[key] == value, key
        assert from_csv[key] == str(value), key
    assert {k: str(v) for k, v in record.items()} == from_csv
    # ... and `waspada report` reads both files as they are, with the same figures.
    spec = spec_for_project(Project(ROOT))
    for ext, content in (("csv", csv_raw), ("json", raw)):
        exported = tmp_path / f"export.{ext}"
        exported.write_bytes(content)
        read = read_session_file(exported, spec)
        assert read.problems == [] and len(read.sessions) == 1, read.problems
        assert read.sessions[0].values == record

    # Delete: nothing of the session is left in this browser.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this session").click()
    assert not [k for k in page.evaluate("Object.keys(localStorage)") if "waspada:session" in k]
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    assert page.get_by_label("Village or school", exact=True).input_value() == ""
    assert not failures


def test_several_sessions_are_kept_and_chosen(page, session_kits: Path) -> None:
    page.goto((session_kits / "school" / "en" / "guides" / "session-report.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    assert page.get_by_label("Kit", exact=True).input_value() == "school"
    page.get_by_label("Village or school", exact=True).fill("SMP Negeri 1")
    fill_count(page, "Women", 20)
    page.get_by_role("button", name="New session").click()
    page.get_by_label("Date", exact=True).fill("2026-12-01")
    page.get_by_label("Village or school", exact=True).fill("SMA Negeri 2")
    fill_count(page, "Women", 7)
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    chooser = page.get_by_label("Saved sessions")
    options = chooser.locator("option")
    assert options.count() == 2
    assert page.get_by_label("Village or school", exact=True).input_value() == "SMA Negeri 2"
    other = options.filter(has_text="SMP Negeri 1").get_attribute("value")
    chooser.select_option(other)
    assert page.get_by_label("Village or school", exact=True).input_value() == "SMP Negeri 1"
    assert page.get_by_role("spinbutton", name="Women", exact=True).input_value() == "20"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this session").click()
    assert page.get_by_label("Village or school", exact=True).input_value() == "SMA Negeri 2"
    assert page.get_by_label("Saved sessions").locator("option").count() == 1


def test_hostile_text_is_shown_as_text_and_kept_out_of_formulas(page, session_kits: Path) -> None:
    page.goto((session_kits / "village" / "en" / "guides" / "session-report.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    page.get_by_label("District", exact=True).fill('=HYPERLINK("x")<img src=x onerror=alert(1)>')
    assert page.locator(".wsp-session-sheet img").count() == 0
    where = page.locator(".wsp-session-where").inner_text()
    assert "<img src=x onerror=alert(1)>" in where and not where.startswith("=")


def test_session_page_is_keyboard_usable_and_passes_axe(page, session_kits: Path) -> None:
    page.goto((session_kits / "village" / "id" / "guides" / "session-report.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-session-form").wait_for()
    assert axe_violations(page, ".wsp-session") == []
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('.wsp-session input, .wsp-session select')]
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-labelledby'))
             .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    # Keyboard only: Tab reaches the first count box of the check, typing stores it.
    page.locator(".wsp-session-choose").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('wsp-session-hand')"):
            break
    else:
        pytest.fail("Tab never reached the hands of the check")
    page.keyboard.type("7")
    assert any(k.startswith("waspada:session:") for k in page.evaluate("Object.keys(localStorage)"))


def test_large_text_reflows_without_sideways_scrolling_of_the_page(
    page, session_kits: Path
) -> None:
    """At twice the text size the page itself never scrolls sideways: fields wrap, and a table
    too wide for the column scrolls in its own box (which the keyboard can reach)."""
    page.goto((session_kits / "village" / "en" / "guides" / "session-report.html").as_uri())
    page.locator(".wsp-session-form").wait_for()
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.wsp-session *')]
             .filter(e => !e.closest('.wsp-session-scroll'))
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
             .map(e => e.tagName + '.' + e.className)"""
    )
    assert outside == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    report = page.locator(".wsp-session-sheet .wsp-session-scroll")
    assert report.get_attribute("tabindex") == "0" and report.get_attribute("aria-label")
