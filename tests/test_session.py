"""The session record (waspada.session) and the data of the ``{session-report}`` directive: the
before/after check, the columns of a record in their order, every language's texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from waspada.book.session import session_data, session_html, session_ui
from waspada.i18n import translator
from waspada.i18n.catalogs import _read
from waspada.i18n.extract import extract_scenario
from waspada.i18n.ui import APP_MESSAGES, UI_CONTEXT
from waspada.project import Project
from waspada.report.schema import spec_for_project
from waspada.scenario import load_collection, no_translation
from waspada.session import (
    SCHEMA,
    check_items,
    expected_columns,
    session_check,
)

ROOT = Path(__file__).parents[1]
LANGS = ("id", "jv", "su", "sas")


@pytest.fixture(scope="module")
def collection():
    return Project(ROOT).load()


@pytest.fixture(scope="module")
def data(collection) -> dict:
    locales = ROOT / "locales"
    languages = {"en": "English", **{code: code for code in LANGS}}
    return session_data(
        collection,
        lang="id",
        kit="village",
        scenario_ids=["cafe-singer", "no-such-story", "palm-oil-abroad"],
        languages=languages,
        translators={code: translator(locales, code) for code in languages},
    )


def test_the_check_has_five_to_eight_items_each_with_one_right_answer(collection) -> None:
    check = session_check(collection)
    assert check is not None and check.id == "session-check"
    items = check_items(check)
    assert 5 <= len(items) <= 8
    for item in items:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item["id"])
        assert len(item["options"]) >= 2
        assert [o["correct"] for o in item["options"]].count(True) == 1, item["id"]


def test_the_check_stays_out_of_the_modules_gallery_and_dashboard(collection) -> None:
    """It is a knowledge check of no chapter: the dashboard and SCORM (collection.checks) and
    the gallery and practice pages (collection.stories) leave it out."""
    assert "session-check" in collection.scenarios
    assert "session-check" not in collection.checks
    assert "session-check" not in collection.stories
    assert set(collection.session_checks) == {"session-check"}
    assert "check-health" in collection.checks  # the modules' checks are still there


def test_record_columns_follow_the_schema_order(collection) -> None:
    columns = expected_columns(collection)
    services = list(yaml.safe_load((ROOT / "help.yml").read_text())["services"])
    items = [i["id"] for i in check_items(session_check(collection))]
    assert columns[:9] == [
        "schema", "session", "course_version", "language", "kit", "date", "district", "place",
        "scenarios",
    ]  # fmt: skip
    assert columns[9:20] == [
        "women", "men", "other_or_unsaid", "age_under_18", "age_18_25", "age_26_45",
        "age_over_45", "satisfied", "neutral", "unsatisfied", "asked_for_help",
    ]  # fmt: skip
    referred = [c for c in columns if c.startswith("referred_")]
    assert referred == [f"referred_{s}" for s in services] and "referred_sapa-129" in referred
    questions = columns[20 + len(services) :]
    assert questions == [
        f"q_{item}_{phase}_{what}"
        for item in items
        for phase in ("before", "after")
        for what in ("right", "total")
    ]
    assert len(columns) == len(set(columns))


def test_the_page_exports_the_columns_waspada_report_reads(collection) -> None:
    """One contract: the page's columns are those of waspada.report.schema for this course."""
    assert expected_columns(collection) == list(spec_for_project(Project(ROOT)).names)


def test_directive_data_carries_every_language_and_the_kit(data, collection) -> None:
    assert data["schema"] == SCHEMA and data["lang"] == "id" and data["kit"] == "village"
    assert data["columns"] == expected_columns(collection)
    # Only the kit's scenarios that exist, in the kit's order.
    assert data["scenarios"] == ["cafe-singer", "palm-oil-abroad"]
    items = [i["id"] for i in check_items(session_check(collection))]
    assert [i["id"] for i in data["items"]] == items
    assert all(len(i["correct"]) == 1 for i in data["items"])
    assert set(data["text"]) == {"en", *LANGS}
    english = data["text"]["en"]
    for code in LANGS:
        text = data["text"][code]
        assert set(text["ui"]) == set(english["ui"])
        assert [i["id"] for i in text["items"]] == items
        assert text["ui"]["session_report"] != english["ui"]["session_report"]
        # Every question and answer is translated (the check is translated like every scenario).
        for ours, theirs in zip(text["items"], english["items"], strict=True):
            assert ours["text"] != theirs["text"], (code, ours["id"])
            assert [o["id"] for o in ours["options"]] == [o["id"] for o in theirs["options"]]
        assert text["scenarios"]["cafe-singer"] != english["scenarios"]["cafe-singer"]
        assert set(text["services"]) == set(collection.services)


def test_every_session_string_is_translated_in_the_four_languages() -> None:
    keys = [k for k in APP_MESSAGES if k.startswith("session_")]
    assert set(session_ui(no_translation)) == set(keys)
    with (ROOT / "scenarios" / "session-check.yml").open("rb") as handle:
        check = [(ctx, msg) for _, _, (ctx, msg), _ in extract_scenario(handle, (), (), {})]
    for code in LANGS:
        ui = _read(ROOT / "locales" / code / "LC_MESSAGES" / "ui.po")
        scenarios = _read(ROOT / "locales" / code / "LC_MESSAGES" / "scenarios.po")
        for key in keys:
            message = ui.get(APP_MESSAGES[key], context=UI_CONTEXT)
            assert message is not None and message.string, (code, key)
            for name in re.findall(r"\{\w+\}", APP_MESSAGES[key]):
                assert name in message.string, (code, key, name)
        for ctx, msg in check:
            message = scenarios.get(msg, context=ctx)
            assert message is not None and message.string, (code, ctx, msg)


def test_page_data_is_json_that_cannot_end_its_script_element(data) -> None:
    hostile = json.loads(json.dumps(data))
    hostile["text"]["id"]["ui"]["session_report"] = "</script><script>alert(1)</script>"
    html = session_html(hostile).astext()
    assert html.count("</script>") == 1  # only the element's own end
    body = html.split('class="wsp-session-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(body)["text"]["id"]["ui"]["session_report"].startswith("</script>")
    assert '<p class="wsp-fallback">' in html


def test_a_session_check_needs_one_right_answer_per_question(tmp_path: Path) -> None:
    """`waspada check` names the question with two right answers, at its line."""
    text = (ROOT / "scenarios" / "session-check.yml").read_text(encoding="utf-8")
    broken = text.replace(
        "      - label: It is normal, employers keep passports to protect their workers\n",
        "      - label: It is normal, employers keep passports to protect their workers\n"
        "        correct: true\n",
    )
    assert broken != text
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "session-check.yml").write_text(broken, encoding="utf-8")
    collection = load_collection(
        [tmp_path / "scenarios" / "session-check.yml"], ROOT / "help.yml", display_root=tmp_path
    )
    errors = [str(p) for p in collection.errors]
    line = broken.splitlines().index("  - id: documents") + 1
    assert errors == [
        f"scenarios/session-check.yml:{line}:9: error: question 'documents' of the session "
        "check has 2 right answers; hands are counted against one, so mark exactly one option "
        "'correct: true'"
    ]
    assert "session-check" in collection.broken
