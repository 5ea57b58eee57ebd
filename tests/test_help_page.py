"""The "Getting help" chapter against the help directory: every service listed, dates that agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from waspada.scenario.help import load_help

ROOT = Path(__file__).resolve().parents[1]
HELP_PAGE = ROOT / "book" / "help.md"
SERVICES = load_help(ROOT / "help.yml")[0]

# The situations a reader looks for first (issue 13): each must exist as a labelled section.
SITUATIONS = (
    "help-child-danger",
    "help-woman-child",
    "help-man",
    "help-abroad",
    "help-before-leaving",
    "help-health-worker",
)


def sections(text: str) -> dict[str, str]:
    """The page cut at each ``(label)=`` line: label -> the text up to the next label."""
    parts = re.split(r"^\((help-[a-z0-9-]+)\)=$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.fixture(scope="module")
def page() -> dict[str, str]:
    return sections(HELP_PAGE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("sid", sorted(SERVICES))
def test_every_service_has_a_directory_entry_with_its_source_checked_date(
    page: dict[str, str], sid: str
) -> None:
    """A reader finds every service of help.yml, its numbers (from help.yml) and the same date."""
    entry = page.get(f"help-{sid}")
    assert entry is not None, f"book/help.md has no '(help-{sid})=' entry"
    assert re.search(rf"^```{{help-services}} {re.escape(sid)}$", entry, flags=re.M)
    assert f"**Source checked:** {SERVICES[sid].checked}." in entry


@pytest.mark.parametrize("label", SITUATIONS)
def test_each_situation_says_whom_to_contact_first(page: dict[str, str], label: str) -> None:
    """Each situation ends in a box of known services, never in typed numbers alone."""
    entry = page[label]
    boxes = re.findall(r"^```\{help-services\} (.+)$", entry, flags=re.M)
    assert boxes, f"'{label}' shows no services"
    assert all(sid in SERVICES for box in boxes for sid in box.split())


def test_an_adult_man_is_sent_to_services_that_serve_men(page: dict[str, str]) -> None:
    """SAPA 129 and the UPTD PPA are for women and children; a man needs other doors."""
    (box,) = re.findall(r"^```\{help-services\} (.+)$", page["help-man"], flags=re.M)
    assert not {"sapa-129", "uptd-ppa"} & set(box.split())
    assert {"police-110", "lpsk", "kemensos-171", "legal-aid"} <= set(box.split())


def test_no_page_says_a_number_was_last_checked() -> None:
    """A date next to a number means the source was compared ("Source checked"), not a call."""
    pages = [*(ROOT / "book").rglob("*.md"), ROOT / "help.yml"]
    offenders = [str(p.relative_to(ROOT)) for p in pages if "Last checked" in p.read_text()]
    assert offenders == []
