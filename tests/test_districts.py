"""District overlays (districts/<id>.yml): read, checked, and shown first where help is listed."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import HELP_FILE, MINIMAL, ROOT, write_scenario
from test_cli import waspada
from waspada.payload import scenario_payload
from waspada.project import Project, ProjectError
from waspada.scenario import load_help
from waspada.scenario.district import load_district, read_district

FIXTURE = ROOT / "tests" / "districts" / "contoh.yml"
NATIONAL = load_help(HELP_FILE)[0]
TODAY = dt.date(2026, 12, 7)


def district_text(body: str) -> str:
    return "district:\n  name: Kabupaten Contoh\n" + textwrap.dedent(body)


def problems_of(body: str, today: dt.date = TODAY) -> list[str]:
    _, problems = read_district(
        district_text(body), "contoh", NATIONAL, display="districts/contoh.yml", today=today
    )
    # "file:line:col: error: message" -> "file:line:col: message", to compare with less noise
    return [str(p).replace(" error: ", " ", 1) for p in problems]


OFFICE = """\
offices:
  uptd-ppa:
    name: UPTD PPA Kabupaten Contoh
    address: Jalan Contoh 1
    contacts: [{kind: phone, label: Call, value: "0376-555-0101"}]
    source: Leaflet
    checked: 2026-11-20
    checked_by: Yayasan Contoh
"""


def test_the_fixture_district_reads_without_a_problem():
    district, problems = load_district(FIXTURE, NATIONAL, today=TODAY)
    assert problems == []
    assert district.label == "Kabupaten Contoh (Nusa Tenggara Barat)"
    assert list(district.offices) == ["uptd-ppa", "ppt-hospital"]
    assert list(district.services) == ["rumah-aman-contoh"]
    # Whom an office serves follows its national service unless the district says otherwise.
    assert district.offices["uptd-ppa"].serves == NATIONAL["uptd-ppa"].serves


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            OFFICE.replace("    address:", "    adress:"),
            "districts/contoh.yml:6:5: unknown key 'adress' in the office 'uptd-ppa' "
            "(did you mean 'address'?)",
        ),
        (
            OFFICE.replace("uptd-ppa:", "uptd-ppb:"),
            "districts/contoh.yml:4:3: 'uptd-ppb' is not a national service in help.yml "
            "(did you mean 'uptd-ppa'?)",
        ),
        (
            OFFICE.replace("offices:", "services:"),
            "districts/contoh.yml:4:3: 'uptd-ppa' is a national service in help.yml; list its "
            "local office under 'offices:' instead",
        ),
        (
            OFFICE.replace("0376-555-0101", "call 0376 555"),
            "districts/contoh.yml:7:50: 'call 0376 555' in the office 'uptd-ppa' is not a phone "
            "number; write it as it is dialled in Indonesia",
        ),
        (
            OFFICE.replace("{kind: phone, label: Call", "{kind: whatsapp, label: WhatsApp"),
            "'0376-555-0101' in the office 'uptd-ppa' is not a mobile number, so it has no "
            "WhatsApp",
        ),
        (
            OFFICE.replace("0376-555-0101", "+60-3-555-0101"),
            "'+60-3-555-0101' in the office 'uptd-ppa' is a number abroad",
        ),
        (
            OFFICE.replace("    address: Jalan Contoh 1\n", "").replace(
                '    contacts: [{kind: phone, label: Call, value: "0376-555-0101"}]\n', ""
            ),
            "districts/contoh.yml:4:3: the office 'uptd-ppa' gives no way to reach it; add its "
            "'address:' or 'contacts:'",
        ),
        (
            OFFICE.replace("2026-11-20", "2027-01-01"),
            "districts/contoh.yml:9:14: 'checked' of the office 'uptd-ppa' is in the future",
        ),
        (
            OFFICE.replace("    checked_by: Yayasan Contoh\n", ""),
            "districts/contoh.yml:5:5: the office 'uptd-ppa' has no 'checked_by'; add "
            "'checked_by:'",
        ),
    ],
)
def test_a_broken_entry_is_one_error_naming_file_line_and_fix(body, expected):
    problems = problems_of(body)
    assert any(p.startswith(expected) or expected in p for p in problems), problems
    assert all(p.startswith("districts/contoh.yml:") for p in problems), problems


def test_an_entry_checked_more_than_a_year_ago_is_a_warning_naming_it():
    _, problems = read_district(
        district_text(OFFICE.replace("2026-11-20", "2025-11-01")), "contoh", NATIONAL,
        display="districts/contoh.yml", today=TODAY,
    )  # fmt: skip
    assert [p.is_error for p in problems] == [False]
    assert "the office 'uptd-ppa' was last checked on 2025-11-01, more than 12 months ago" in (
        str(problems[0])
    )
    assert str(problems[0]).startswith("districts/contoh.yml:9:14: warning: ")


def test_alongside_names_national_services_and_only_on_own_services():
    own = """\
    services:
      shelter:
        name: Rumah Aman
        description: A shelter.
        serves: [woman]
        alongside: [uptd-pa]
        address: Jalan 2
        source: Leaflet
        checked: 2026-11-20
        checked_by: Yayasan Contoh
    """
    assert any(
        "'alongside' of 'shelter' names 'uptd-pa', which is not a service in help.yml (did you "
        "mean 'uptd-ppa'?)" in p
        for p in problems_of(own)
    )
    office = OFFICE.replace("    source:", "    alongside: [sapa-129]\n    source:")
    assert any("'alongside:' is for the district's own services" in p for p in problems_of(office))


def test_an_id_that_cannot_name_a_file_is_refused():
    _, problems = read_district(district_text(OFFICE), "Lombok Timur", NATIONAL, today=TODAY)
    assert "cannot name a district" in str(problems[0])


def test_endings_and_lists_show_the_district_first_and_only_where_it_belongs():
    district, _ = load_district(FIXTURE, NATIONAL, today=TODAY)
    shelter = "contoh/rumah-aman-contoh"
    # An ending naming the UPTD PPA: its local office, then the shelter listed alongside it.
    assert [s.id for s in district.for_ending(["sapa-129", "uptd-ppa"], ["woman"])] == [
        "contoh/uptd-ppa",
        shelter,
    ]
    # A story about a man: the shelter (for women and children) is not offered.
    assert [s.id for s in district.for_ending(["uptd-ppa"], ["man"])] == ["contoh/uptd-ppa"]
    # A list of services the shelter is not listed with (danger now): no district entry.
    assert district.for_listing(["police-110", "emergency-112"]) == []
    # The whole directory: every entry.
    assert len(district.for_listing(None)) == 3


def test_an_ending_payload_lists_local_services_first_with_address_and_hours(tmp_path):
    project = Project(ROOT)
    collection = project.load()
    district, _ = load_district(FIXTURE, collection.services, today=TODAY)
    scenario = collection.scenarios["delivery-debt"]
    national = scenario_payload(scenario, collection.services, lang="id", locales_dir=None)
    local = scenario_payload(
        scenario, collection.services, lang="id", locales_dir=project.locales_dir,
        district=district,
    )  # fmt: skip
    ending = next(n["ending"] for n in local["nodes"].values() if "ending" in n)
    names = [h["name"] for h in ending["help"]]
    assert names[:2] == ["UPTD PPA Kabupaten Contoh", "Rumah Aman Contoh"]
    office = ending["help"][0]
    # Names and addresses stay as written; the labels are Indonesian (Alamat, Telepon).
    assert [(c["label"], c["value"]) for c in office["contacts"]][:2] == [
        ("Alamat", "Jalan Contoh 1, Kota Contoh"),
        ("Jam buka", "Senin-Jumat 08.00-15.00"),
    ]
    assert office["contacts"][2]["label"] == "Telepon"  # help.yml's "Call", borrowed
    assert office["contacts"][2]["href"] == "tel:0376555" + "0101"
    assert office["serves"] == "Untuk: perempuan, anak-anak"
    # The national services follow, and the progress key (digest) is the national one.
    assert "SAPA 129" in names[2]
    assert local["digest"] == national["digest"]


def test_a_district_description_is_translated_through_the_catalog_in_its_context(tmp_path):
    from babel.messages.catalog import Catalog

    from waspada.i18n.catalogs import _write

    project = tmp_path / "course"
    shutil.copytree(ROOT / "locales", project / "locales")
    path = project / "locales" / "id" / "LC_MESSAGES" / "ui.po"
    from waspada.i18n.catalogs import _read

    catalog: Catalog = _read(path)
    catalog.add(
        "A shelter for women and children who cannot go home safely.",
        "Rumah aman bagi perempuan dan anak yang belum aman untuk pulang.",
        context="district:contoh:rumah-aman-contoh",
    )
    _write(catalog, path)
    collection = Project(ROOT).load()
    district, _ = load_district(FIXTURE, collection.services, today=TODAY)
    payload = scenario_payload(
        collection.scenarios["delivery-debt"], collection.services, lang="id",
        locales_dir=project / "locales", district=district,
    )  # fmt: skip
    ending = next(n["ending"] for n in payload["nodes"].values() if "ending" in n)
    shelter = next(h for h in ending["help"] if h["id"] == "contoh/rumah-aman-contoh")
    assert shelter["description"] == (
        "Rumah aman bagi perempuan dan anak yang belum aman untuk pulang."
    )
    assert shelter["name"] == "Rumah Aman Contoh"  # as written, never translated


# -- the commands -------------------------------------------------------------------------------


def course_with_district(tmp_path: Path, text: str | None = None) -> Path:
    write_scenario(tmp_path, MINIMAL)
    (tmp_path / "districts").mkdir()
    target = tmp_path / "districts" / "contoh.yml"
    target.write_text(text or FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_check_reads_district_files_and_fails_on_a_broken_one(tmp_path):
    course = course_with_district(tmp_path)
    result = waspada("check", cwd=course)
    assert result.returncode == 0, result.stderr
    assert "1 district file" in result.stdout
    broken = FIXTURE.read_text(encoding="utf-8").replace('"0376-555-0101"', '"0376 55x"')
    (course / "districts" / "contoh.yml").write_text(broken, encoding="utf-8")
    result = waspada("check", cwd=course)
    assert result.returncode == 1
    assert result.stderr.startswith("districts/contoh.yml:12:")
    assert "'0376 55x' in the office 'uptd-ppa' is not a phone number" in result.stderr
    assert "Traceback" not in result.stderr
    # The template is a form to copy, not a district: it is not read.
    shutil.copy(ROOT / "districts" / "_template.yml", course / "districts" / "_template.yml")
    (course / "districts" / "contoh.yml").unlink()
    assert waspada("check", cwd=course).returncode == 0


def test_check_of_a_named_district_file(tmp_path):
    course = course_with_district(tmp_path, district_text(OFFICE.replace("Call", "")))
    result = waspada("check", "districts/contoh.yml", cwd=course)
    assert result.returncode == 1
    assert "districts/contoh.yml:" in result.stderr
    assert "1 district file" in result.stdout


def test_build_with_an_unknown_or_broken_district_says_what_to_do(tmp_path):
    course = course_with_district(tmp_path)
    result = waspada("build", "--district", "kupang", cwd=course)
    assert result.returncode == 1
    assert (
        "unknown district 'kupang': there is no districts/kupang.yml (the course has: contoh)"
        in (result.stderr)
    )
    text = FIXTURE.read_text(encoding="utf-8").replace("    checked_by: Yayasan Contoh\n", "", 1)
    (course / "districts" / "contoh.yml").write_text(text, encoding="utf-8")
    result = waspada("build", "--district", "contoh", cwd=course)
    assert result.returncode == 1
    assert "districts/contoh.yml:8:5: error: the office 'uptd-ppa' has no 'checked_by'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (course / "_build" / "html-contoh").exists()


def test_one_file_export_lists_the_district_first(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "scenarios", course / "scenarios")
    for name in ("help.yml", "_config.yml", "profiles.yml"):
        shutil.copy(ROOT / name, course / name)
    shutil.copytree(ROOT / "locales", course / "locales")
    (course / "districts").mkdir()
    shutil.copy(FIXTURE, course / "districts" / "contoh.yml")
    result = waspada("export", "html", "delivery-debt", "--lang", "id", "--district", "contoh",
                     cwd=course)  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = (course / "delivery-debt.id.contoh.html").read_text(encoding="utf-8")
    assert "UPTD PPA Kabupaten Contoh" in page and "Rumah Aman Contoh" in page
    national = waspada("export", "html", "delivery-debt", "--lang", "id", "-o", "-", cwd=course)
    assert "Kabupaten Contoh" not in national.stdout


def test_unknown_district_without_any_district_files(tmp_path):
    write_scenario(tmp_path, MINIMAL)
    with pytest.raises(ProjectError, match="the course has none yet"):
        Project(tmp_path).district("contoh", NATIONAL)


def test_a_number_typed_into_a_district_description_is_an_error(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "cannot go home safely.", "cannot go home safely. Call 0376-555-0199."
    )
    course = course_with_district(tmp_path, text)
    result = waspada("check", cwd=course)
    assert result.returncode == 1
    assert "districts/contoh.yml:" in result.stderr
    assert "the district's text has the phone number '0376-555-0199' typed in" in result.stderr
