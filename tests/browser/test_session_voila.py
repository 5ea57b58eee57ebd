"""The session page in Voila (`waspada serve`, issue 17), in Chromium: reached from the
gallery's link, a whole session typed (date, place, hands before and after, the room) is kept
in the browser over a reload, never sent to the kernel, printed and exported as a JSON of the
session record's schema; nothing is asked of another host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from waspada.report.schema import SCHEMA_FILE

from .conftest import ROOT, axe_violations, running_voila
from .test_session import DATE, ROOM, course, download, expected_figures, type_session

pytestmark = pytest.mark.browser

__all__ = ["course"]  # the fixture, shared with the book's session test


@pytest.fixture(scope="module")
def course_voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`waspada serve`'s Voila on the real course (its kits and its before/after check)."""
    log_path = tmp_path_factory.mktemp("voila-session") / "voila.log"
    with running_voila(ROOT, log_path) as (base, _pid):
        yield base


def sent_frames(page) -> list[str]:
    """Every websocket message the page sends (to the kernel), from now on."""
    frames: list[str] = []

    def watch(socket) -> None:
        socket.on("framesent", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    return frames


def test_a_session_typed_in_voila_is_kept_printed_and_exported(
    page, course_voila: str, course: dict, requests_seen
) -> None:
    from .test_kits import pdf_pages

    frames = sent_frames(page)
    page.goto(f"{course_voila}/voila/render/gallery.ipynb?profile=village", timeout=60_000)
    page.get_by_role("link", name="Session report", exact=True).click(timeout=60_000)
    page.locator(".wsp-session-form").wait_for(timeout=60_000)
    assert page.url.endswith("/voila/render/session.ipynb?lang=en&profile=village")
    assert page.get_by_role("heading", name="Session report", level=1).is_visible()
    assert page.locator("a.wsp-quick-exit-page").is_visible()
    back = page.get_by_role("link", name="← Scenarios")
    assert back.get_attribute("href") == "gallery.ipynb?lang=en&profile=village"
    assert page.get_by_label("Kit", exact=True).input_value() == "village"
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator(".wsp-session-form").wait_for(timeout=60_000)
    played = ["cafe-singer", "palm-oil-abroad"]
    type_session(page, course, played)
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys and all(k.startswith("waspada:session:") for k in keys)

    # A reload (a new kernel) finds the session as typed: it was kept in this browser.
    page.reload()
    page.locator(".wsp-session-form").wait_for(timeout=60_000)
    assert page.get_by_label("Date", exact=True).input_value() == DATE
    assert page.get_by_label("Village or school", exact=True).input_value() == "Desa Sukamaju"
    assert page.get_by_role("spinbutton", name="Women", exact=True).input_value() == "14"
    assert page.get_by_role("spinbutton", name="Over 45", exact=True).input_value() == "4"
    first = course["items"][0]
    right = next(o["id"] for o in first["options"] if o["correct"])
    box = page.locator(f'.wsp-session-item[data-wsp-item="{first["id"]}"]')
    for phase, hands in (("before", "3"), ("after", "11")):
        cell = box.locator(f'input[data-wsp-phase="{phase}"][data-wsp-option="{right}"]')
        assert cell.input_value() == hands
    # ... and never sent to the kernel: no frame to it holds a typed place or figure.
    assert frames, "the page did talk to its kernel"
    assert not [f for f in frames if "Desa Sukamaju" in f or "Lombok Timur" in f]
    assert not [f for f in frames if "waspada:session" in f]

    # Print: the report alone, in the session's language (Indonesian), with the figures.
    figures = expected_figures(course)
    page.evaluate("window.print = () => {}")  # the dialog itself cannot be driven headless
    page.get_by_role("button", name="Print the report").click()
    texts = pdf_pages(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    text = " ".join(" ".join(texts).split())
    assert len(texts) == 1, f"the report prints on {len(texts)} pages"
    assert "Laporan sesi" in text and "Desa Sukamaju" in text and DATE in text
    assert f"Peserta: {sum(ROOM.values())}" in text and "Perempuan: 14" in text
    assert "Download CSV" not in text and "Quick exit" not in text and "← Scenarios" not in text
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")

    # The JSON export: the record's schema, holding what was typed.
    name, raw = download(page, "Download JSON")
    session_id = next(k for k in keys if k != "waspada:session:current").split(":")[-1]
    assert name == f"waspada-session-{DATE}-{session_id}.json"
    record = json.loads(raw)
    schema = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(record)
    assert list(record) == course["columns"]
    assert record["kit"] == "village" and record["language"] == "id" and record["date"] == DATE
    assert record["place"] == "Desa Sukamaju" and sorted(record["scenarios"].split()) == played
    for key, value in figures.items():
        assert record[key] == value, key
    name, raw = download(page, "Download CSV")
    assert name.endswith(".csv") and raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0].split(",") == course["columns"]
    assert requests_seen.external() == []
    assert axe_violations(page, ".wsp-session") == []


def test_the_session_page_in_indonesian_from_the_indonesian_gallery(
    page, course_voila: str, tmp_path: Path
) -> None:
    page.goto(f"{course_voila}/voila/render/gallery.ipynb?lang=id&profile=school", timeout=60_000)
    page.get_by_role("link", name="Laporan sesi", exact=True).click(timeout=60_000)
    page.locator(".wsp-session-form").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="Laporan sesi", level=1).is_visible()
    assert page.get_by_label("Paket", exact=True).input_value() == "school"
    assert page.get_by_role("button", name="Hapus sesi ini").is_visible()
    page.get_by_role("link", name="← Skenario").click()
    page.get_by_role("link", name="Laporan sesi", exact=True).wait_for(timeout=60_000)
    assert page.url.endswith("gallery.ipynb?lang=id&profile=school")
