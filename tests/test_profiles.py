"""Course profiles: one set of sources, four courses, each built with exactly its pages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import make_project
from waspada.cli import main
from waspada.profiles import load_profiles
from waspada.project import Project

ROOT = Path(__file__).parents[1]
PROJECT = Project(ROOT)


def test_the_course_declares_four_profiles_without_problems():
    profiles, problems = load_profiles(PROJECT.profiles_file, book_dir=PROJECT.book_dir)
    assert problems == []
    assert list(profiles) == ["full", "village", "health", "school"]
    assert profiles["village"].root == "guides/village-session"
    assert profiles["health"].root == "guides/health-course"
    assert profiles["school"].root == "guides/school-lessons"


@pytest.mark.parametrize("audience", ["village", "health", "school"])
def test_each_audience_profile_offers_only_its_scenarios(audience):
    """A school build offers only scenarios written for schools (age-appropriate), and so on."""
    stories = PROJECT.load().stories
    profile = PROJECT.profiles()[audience]
    chosen = profile.scenario_ids(stories)
    assert len(chosen) >= 3
    assert all(audience in stories[sid].audiences for sid in chosen)
    assert set(chosen) == {sid for sid, s in stories.items() if audience in s.audiences}


def test_profile_toc_lists_root_chapters_and_practice_pages():
    stories = PROJECT.load().stories
    toc = PROJECT.profiles()["village"].toc(stories)
    assert toc["root"] == "guides/village-session"
    files = [c["file"] for c in toc["chapters"]]
    assert "handouts/red-flags" in files and "health-workers" not in files
    practice = toc["chapters"][-1]
    assert practice["file"] == "practice/index"
    assert {"file": "practice/cafe-singer"} in practice["sections"]
    assert {"file": "practice/clinic-patient"} not in practice["sections"]


def _project_with_profiles(tmp_path: Path, text: str) -> Path:
    root = make_project(tmp_path)
    (root / "book").mkdir()
    for page in ("index", "help", "guides/kit"):
        (root / "book" / f"{page}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / "book" / f"{page}.md").write_text(f"# {page}\n")
    (root / "profiles.yml").write_text(text, encoding="utf-8")
    return root


def test_check_reports_missing_pages_repeats_and_unknown_scenarios(tmp_path, capsys):
    """`waspada check` names profiles.yml, the line and the fix for each problem."""
    root = _project_with_profiles(
        tmp_path,
        "profiles:\n"
        "  kit:\n"
        "    title: Kit\n"
        "    root: guides/kit\n"
        "    chapters: [help, helps, help]\n"
        "    scenarios: [no-such-story]\n",
    )
    assert main(["--project", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert (
        "profiles.yml:5:22: error: a chapter of profile 'kit': there is no book/helps.md "
        "(did you mean 'help'?); name a page under book/ without '.md'"
    ) in err
    assert "profiles.yml:5:29: error: 'help' is listed twice in profile 'kit'; remove one" in err
    assert (
        "profiles.yml:2:3: error: profile 'kit' names the unknown scenario 'no-such-story'" in err
    )
    assert "Traceback" not in err


def test_build_refuses_an_unknown_profile(tmp_path, capsys):
    root = _project_with_profiles(
        tmp_path, "profiles:\n  kit:\n    title: Kit\n    root: guides/kit\n    chapters: [help]\n"
    )
    assert main(["--project", str(root), "build", "--profile", "vilage", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "unknown profile vilage; the course has: kit (see profiles.yml)" in err


# -- building the real course ---------------------------------------------------------------


def _built_pages(folder: Path) -> set[str]:
    generated = {"genindex", "search", "index"}
    return {
        str(p.relative_to(folder).with_suffix(""))
        for p in folder.rglob("*.html")
        if str(p.relative_to(folder).with_suffix("")) not in generated and "_static" not in p.parts
    }


@pytest.fixture(scope="module")
def profiles_built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("profiles")
    result = subprocess.run(
        [
            sys.executable, "-m", "waspada", "--project", str(ROOT), "build",
            "--profile", "village,health,school", "--lang", "en", "--strict", "--output", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.mark.build
@pytest.mark.parametrize("name", ["village", "health", "school"])
def test_each_profile_builds_exactly_its_pages(profiles_built: Path, name: str):
    profile = PROJECT.profiles()[name]
    expected = set(profile.documents(PROJECT.load().stories))
    if profile.root != "index":
        expected.discard("index")
    assert _built_pages(profiles_built / name / "en") == expected
    # Jupyter Book's index.html leads to the profile's own first page.
    index = (profiles_built / name / "en" / "index.html").read_text(encoding="utf-8")
    assert f"{profile.root}.html" in index


@pytest.mark.build
def test_chooser_lists_each_built_course(profiles_built: Path):
    chooser = (profiles_built / "index.html").read_text(encoding="utf-8")
    for name in ("village", "health", "school"):
        assert f'href="{name}/en/index.html"' in chooser
    assert "Village session kit" in chooser and 'href="full/' not in chooser


@pytest.mark.build
def test_each_page_names_its_course_in_the_header(profiles_built: Path):
    """A trainer sees which course a page belongs to (the profile's title from profiles.yml)."""
    for name in ("village", "health", "school"):
        profile = PROJECT.profiles()[name]
        title = profile.title
        for page in (f"{profile.root}.html", "glossary.html"):
            path = profiles_built / name / "en" / page
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                assert f'<span class="wsp-course">{title}</span>' in text, (name, page)


@pytest.mark.build
def test_handouts_carry_the_help_numbers_from_help_yml(profiles_built: Path):
    page = (profiles_built / "village" / "en" / "handouts" / "getting-help.html").read_text()
    services = yaml.safe_load((ROOT / "help.yml").read_text())["services"]
    for contact in services["sapa-129"]["contacts"]:
        assert contact["value"] in page
    assert 'href="tel:129"' in page
    # Whom each service serves, from its `serves:` in help.yml.
    assert '<p class="wsp-help-serves">Serves: women, children</p>' in page


@pytest.mark.build
def test_session_plan_draws_a_map_of_each_scenario(profiles_built: Path):
    """The village guide's scenario maps show one box per node of the scenario."""
    page = (profiles_built / "village" / "en" / "guides" / "village-session.html").read_text()
    maps = re.findall(r'<svg [^>]*class="wsp-map-svg".*?</svg>', page, re.S)
    assert len(maps) >= 2
    stories = PROJECT.load().stories
    first = re.search(r'aria-labelledby="wsp-map-title-([a-z0-9-]+)"', maps[0]).group(1)
    assert maps[0].count("<rect") == len(stories[first].nodes)


@pytest.mark.build
def test_health_course_has_a_dashboard_of_its_three_checks(profiles_built: Path):
    page = (profiles_built / "health" / "en" / "guides" / "health-course.html").read_text()
    data = re.search(r'class="wsp-dashboard-data">(.*?)</script>', page, re.S).group(1)
    for check in ("check-what-is-trafficking", "check-health", "check-health-workers"):
        assert f'"id":"{check}"' in data
    assert "dashboard.js" in page


# What each audience's course must teach (issue 13), as the MyST labels of the sections.
NEEDED_SECTIONS = {
    "village": {"safe-migration", "coming-home"},
    "school": {"online-safety"},
    "health": {"time-critical-care"},
    "full": {"safe-migration", "coming-home", "online-safety", "time-critical-care",
             "after-a-report"},
}  # fmt: skip
_LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)


@pytest.mark.parametrize("name", sorted(NEEDED_SECTIONS))
def test_each_profile_contains_the_sections_its_audience_needs(name: str) -> None:
    """A profile contains a section when one of its pages (root or chapters, from profiles.yml)
    has the section's label: village sessions teach safe migration and coming home, school
    lessons online safety, the health course time-critical care."""
    profile = load_profiles(ROOT / "profiles.yml")[0][name]
    labels: set[str] = set()
    for page in (profile.root, *profile.chapters):
        path = ROOT / "book" / f"{page}.md"
        if path.is_file():
            labels.update(_LABEL.findall(path.read_text(encoding="utf-8")))
    assert NEEDED_SECTIONS[name] <= labels, sorted(NEEDED_SECTIONS[name] - labels)
