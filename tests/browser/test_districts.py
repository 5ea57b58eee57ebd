"""A course built for a district (`waspada build --district`): its services come first on
endings and handouts, the header names it, its contact card prints; without the option the
course is the national one, to the byte."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_kits import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.build]
FIXTURE = ROOT / "tests" / "districts" / "contoh.yml"
SOURCES = ("book", "scenarios", "locales", "help.yml", "profiles.yml", "_config.yml", "_toc.yml")


def copy_course(target: Path, *, district: bool) -> Path:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    if district:
        (target / "districts").mkdir()
        shutil.copy(FIXTURE, target / "districts" / "contoh.yml")
    return target


def build(course: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "waspada", "--project", str(course), "build", "--strict", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def district_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = copy_course(tmp_path_factory.mktemp("district"), district=True)
    build(course, "--district", "contoh", "--profile", "village", "--lang", "id,jv")
    return course


@pytest.fixture(scope="module")
def site(district_course: Path) -> Path:
    return district_course / "_build" / "html-contoh"


def to_safe_birth(page) -> None:
    """delivery-debt: accept the help, then go to the clinic (an ending naming the UPTD PPA)."""
    for _ in range(2):
        page.locator(".wsp-choice").first.click()
    page.locator(".wsp-ending").wait_for()


@pytest.mark.parametrize(("lang", "address"), [("id", "Alamat"), ("jv", "Alamat")])
def test_an_ending_lists_the_district_first(page, site: Path, lang: str, address: str) -> None:
    page.goto((site / "village" / lang / "practice" / "delivery-debt.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    to_safe_birth(page)
    names = page.locator(".wsp-ending .wsp-service-name").all_text_contents()
    assert names[:2] == ["UPTD PPA Kabupaten Contoh", "Rumah Aman Contoh"]
    assert any("SAPA 129" in name for name in names[2:]), names
    first = page.locator(".wsp-ending .wsp-service").first
    assert first.locator(".wsp-contact").first.text_content() == (
        f"{address}: Jalan Contoh 1, Kota Contoh"
    )
    assert first.locator("a[href='tel:03765550101']").text_content() == "0376-555-0101"


def test_the_header_and_the_handout_name_the_district(page, site: Path) -> None:
    page.goto((site / "village" / "id" / "handouts" / "getting-help.html").as_uri())
    assert "Kabupaten Contoh" in page.locator(".wsp-course").text_content()
    names = page.locator(".wsp-help-name").all_text_contents()
    office = names.index("UPTD PPA Kabupaten Contoh")
    national = next(i for i, name in enumerate(names) if name.startswith("UPTD PPA ("))
    assert office < national  # the local office before the national entry
    text = page.locator("main").text_content()
    assert "Diperiksa oleh Yayasan Contoh pada 2026-11-20" in text
    # The handout still prints on one or two A4 sheets, with the district's numbers on them.
    printed = pdf_pages(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    assert 1 <= len(printed) <= 2
    assert "0376-555-0101" in " ".join(printed)


def test_the_chooser_names_the_district_and_its_contact_card_prints_twice_on_a4(
    page, site: Path
) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").text_content() == "Waspada · Kabupaten Contoh (Nusa Tenggara Barat)"
    page.locator("a[href='cards/id.html']").click()
    assert page.locator("html").get_attribute("lang") == "id"
    cards = page.locator(".card")
    assert cards.count() == 2
    # Five numbers: police and SAPA 129 first, then the district's own.
    names = cards.first.locator(".name").all_text_contents()
    assert len(names) == 5
    assert names[0].startswith("Polisi") and names[1].startswith("SAPA 129")
    assert names[2:] == ["UPTD PPA Kabupaten Contoh", "PPT RSUD Contoh", "Rumah Aman Contoh"]
    (text,) = pdf_pages(page.pdf(prefer_css_page_size=True))  # one A4 sheet
    assert text.count("0376-555-0101") == 2 and text.count("0812-5550-0103") == 2
    assert "Telepon" in text and "Call" not in text


def test_without_district_the_course_is_byte_identical_to_a_course_with_no_district_files(
    district_course: Path, tmp_path: Path
) -> None:
    # The district's own course has its own doctrees, so this national build reads afresh.
    build(district_course, "--profile", "village", "--lang", "id")
    plain = copy_course(tmp_path / "plain", district=False)
    build(plain, "--profile", "village", "--lang", "id")
    ours = district_course / "_build" / "html" / "village" / "id"
    theirs = plain / "_build" / "html" / "village" / "id"
    files = sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(ours, theirs, files, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert len(match) > 40
    # ("Contoh" alone is Indonesian for "example": look for the district's own words.)
    assert not any(
        "Kabupaten Contoh" in (ours / f).read_text(errors="replace")
        or "555-01" in (ours / f).read_text(errors="replace")
        for f in files
    )


def test_kolibri_and_scorm_packages_take_the_district(
    district_course: Path, tmp_path: Path
) -> None:
    import zipfile

    from waspada.cli import main

    project = ["--project", str(district_course)]
    out = ["-o", str(tmp_path), "--district", "contoh"]
    assert main([*project, "export", "kolibri", "--profile", "school", "--lang", "jv", *out]) == 0
    assert main([*project, "export", "scorm", "--profile", "health", "--lang", "id", *out]) == 0
    for name, page in (
        ("waspada-school-jv-contoh.zip", "guides/school-lessons.html"),
        ("waspada-health-id-contoh-scorm12.zip", "practice/clinic-patient.html"),
    ):
        with zipfile.ZipFile(tmp_path / name) as archive:
            text = archive.read(page).decode()
        assert "Kabupaten Contoh" in text  # the header names the district
    # The health course's clinic scenario offers the district's PPT on its endings.
    assert "PPT RSUD Contoh" in text
