"""``waspada report``: merging session exports, hiding small counts, refusing bad files, the
session record's JSON Schema and the xAPI statements (issue 17)."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, make_project
from waspada.cli import main
from waspada.project import Project
from waspada.report.commands import schema_text
from waspada.report.schema import SCHEMA_FILE, SessionSpec, spec_for_project

CHECK = """\
id: session-check
kind: check
title: Before and after
audiences: [village]
module: session
pass: 2
questions:
  - id: job-offer
    text: A job abroad asks for a fee now. What do you do first?
    options:
      - label: Pay
      - label: Check the offer with Disnaker
        correct: true
  - id: documents
    text: Who may keep your passport?
    options:
      - label: You
        correct: true
      - label: The employer
  - id: who-can-report
    text: Who can call SAPA 129?
    options:
      - label: Anyone
        correct: true
      - label: Only the victim
result:
  debrief: Thank you.
"""
SESSION_SCHEMA = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
XAPI_SCHEMA = json.loads(
    (ROOT / "schemas/xapi-statement-1.0.3-subset.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, SessionSpec]:
    root = make_project(tmp_path / "course")
    (root / "scenarios" / "session-check.yml").write_text(CHECK, encoding="utf-8")
    return root, spec_for_project(Project(root))


def record(spec: SessionSpec, rng: random.Random, number: int, **values: object) -> dict:
    """A valid session record with random counts (5 to 30 people of each sex)."""
    out: dict[str, object] = {
        "schema": "waspada-session/1",
        "session": f"s{number:04d}-{rng.randrange(16**8):08x}",
        "course_version": "0.1.0",
        "language": rng.choice(["id", "jv", "en"]),
        "kit": "village",
        "date": f"2026-{rng.randrange(9, 13):02d}-{rng.randrange(1, 29):02d}",
        "district": rng.choice(["Kupang", "Lombok Timur", "Indramayu"]),
        "place": f"Desa Secret-Place-{number}",
        "scenarios": " ".join(rng.sample(["cafe-singer", "delivery-debt", "palm-oil-abroad"], 2)),
    }
    for column in spec.columns[9:]:
        out[column.name] = rng.randrange(5, 31)
    for item in spec.items:
        for phase in ("before", "after"):
            total = rng.randrange(5, 31)
            out[f"q_{item.id}_{phase}_total"] = total
            out[f"q_{item.id}_{phase}_right"] = rng.randrange(0, total + 1)
    out.update(values)
    return out


def write_csv(path: Path, spec: SessionSpec, records: list[dict]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(spec.names)
    for rec in records:
        writer.writerow([rec[name] for name in spec.names])
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return path


def write_json(path: Path, records: list[dict]) -> Path:
    document = records[0] if len(records) == 1 else {"sessions": records}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def report(root: Path, *args: object) -> int:
    return main(["--project", str(root), "report", *map(str, args)])


def merge(root: Path, *args: object) -> int:
    return report(root, "merge", *args)


def rows_of(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff"), "the summary CSV opens in a spreadsheet as UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def row(rows: list[dict[str, str]], group: str, value: str = "") -> dict[str, str]:
    return next(r for r in rows if r["group"] == group and r["value"] == value)


def test_thirty_session_files_add_up_to_the_sum_of_their_figures(course, tmp_path, capsys):
    root, spec = course
    rng = random.Random(17)
    records, files = [], []
    for number in range(30):
        rec = record(spec, rng, number)
        records.append(rec)
        name = tmp_path / f"session-{number}.{'json' if number % 3 == 0 else 'csv'}"
        files.append(write_json(name, [rec]) if number % 3 == 0 else write_csv(name, spec, [rec]))
    out, table = tmp_path / "summary.html", tmp_path / "summary.csv"

    assert merge(root, *files, "-o", out, "--csv", table) == 0
    assert "merged 30 sessions from 30 files, skipped 0 files" in capsys.readouterr().out

    rows = rows_of(table)
    everything = row(rows, "all")
    assert everything["sessions"] == "30"
    for name in (
        "women",
        "men",
        "other_or_unsaid",
        "age_under_18",
        "age_over_45",
        "satisfied",
        "unsatisfied",
        "asked_for_help",
        *(f"referred_{s}" for s in spec.services),
    ):
        assert everything[name] == str(sum(r[name] for r in records)), name
    assert everything["participants"] == str(
        sum(r["women"] + r["men"] + r["other_or_unsaid"] for r in records)
    )
    for item in spec.items:
        given = sum(r[f"q_{item.id}_after_total"] for r in records)
        right = sum(r[f"q_{item.id}_after_right"] for r in records)
        before = sum(r[f"q_{item.id}_before_right"] for r in records) / sum(
            r[f"q_{item.id}_before_total"] for r in records
        )
        assert everything[f"q_{item.id}_after_answers"] == str(given)
        assert float(everything[f"q_{item.id}_after_share"]) == pytest.approx(
            100 * right / given, abs=0.05
        )
        assert float(everything[f"q_{item.id}_change"]) == pytest.approx(
            100 * (right / given - before), abs=0.1
        )
    for dimension, key in (("district", "district"), ("language", "language")):
        groups = [r for r in rows if r["group"] == dimension]
        assert sum(int(r["sessions"]) for r in groups) == 30
        assert {r["value"] for r in groups} == {rec[key] for rec in records}
    kupang = [rec for rec in records if rec["district"] == "Kupang"]
    assert row(rows, "district", "Kupang")["sessions"] == str(len(kupang))
    page = out.read_text(encoding="utf-8")
    assert "Files merged: <strong>30</strong>; files skipped: <strong>0</strong>" in page
    assert page.count("<svg") == len(spec.items), "one chart per item"


def test_counts_below_five_are_hidden_in_the_html_and_the_csv(course, tmp_path):
    root, spec = course
    rng = random.Random(5)
    big = [record(spec, rng, n, district="Kupang") for n in range(6)]
    small = record(spec, rng, 99, district="Desa Kecil", women=2, men=7, other_or_unsaid=6)
    small["referred_sapa-129"] = 1
    small["q_job-offer_before_total"], small["q_job-offer_before_right"] = 3, 1
    files = [write_csv(tmp_path / "big.csv", spec, big), write_json(tmp_path / "s.json", [small])]
    out, table = tmp_path / "summary.html", tmp_path / "summary.csv"

    assert merge(root, *files, "-o", out, "--csv", table) == 0
    village = row(rows_of(table), "district", "Desa Kecil")
    assert village["women"] == "<5"
    # 2 women of 15: with one sex hidden, the other two would give it away; one more is hidden.
    assert village["participants"] == "15"
    assert village["other_or_unsaid"] == "x" and village["men"] == "7"
    assert village["referred_sapa-129"] == "<5"
    assert village["q_job-offer_before_share"] == "<5" and village["q_job-offer_change"] == "<5"
    # ... and in Kupang, which with the total would give Desa Kecil's 2 women away.
    everything, kupang = row(rows_of(table), "all"), row(rows_of(table), "district", "Kupang")
    assert everything["women"] == str(sum(r["women"] for r in [*big, small]))
    assert kupang["women"] == "x" and kupang["referred_sapa-129"] == "x"

    page = out.read_text(encoding="utf-8")
    table_row = re.search(r"<tr><td><bdi>Desa Kecil</bdi></td><td>1</td>(.*?)</tr>", page)
    assert table_row, "the district's row in the people table"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table_row.group(1))
    assert cells[:4] == ["15", "&lt;5", "7", "x"]
    assert ">2<" not in table_row.group(1) and ">6<" not in table_row.group(1)


def bad_cases(spec: SessionSpec) -> list[tuple[str, dict, str]]:
    return [
        ("wrong-tag", {"schema": "waspada-session/2"}, "not 'waspada-session/1'"),
        ("negative", {"women": -2}, "'women' is '-2'"),
        ("not-whole", {"men": "3.5"}, "'men' is '3.5'"),
        (
            "right-over-total",
            {"q_documents_after_right": 40, "q_documents_after_total": 30},
            "more than the 30 answers given",
        ),
        ("bad-date", {"date": "2026-02-30"}, "not a date of the calendar"),
        ("us-date", {"date": "12/07/2026"}, "not a date written YYYY-MM-DD"),
        ("bad-id", {"session": "Siti Aminah"}, "not a session id"),
        ("long-place", {"district": "x" * 81}, "at most 80"),
    ]


@pytest.mark.parametrize("kind", range(8))
def test_a_bad_csv_file_is_named_with_its_line_and_skipped_whole(course, tmp_path, capsys, kind):
    root, spec = course
    name, change, message = bad_cases(spec)[kind]
    rng = random.Random(kind)
    good = write_csv(tmp_path / "good.csv", spec, [record(spec, rng, 1)])
    rows = [record(spec, rng, 2 + n) for n in range(3)]
    rows[1].update(change)  # the third line of the file (after the header)
    bad = write_csv(tmp_path / f"{name}.csv", spec, rows)
    out, table = tmp_path / "summary.html", tmp_path / "summary.csv"

    assert merge(root, good, bad, "-o", out, "--csv", table) == 1
    err = capsys.readouterr()
    assert f"{bad}:3:1: error: " in err.err and message in err.err
    assert f"{bad}: skipped (not counted)" in err.err
    assert "from 1 file, skipped 1 file" in err.out
    assert row(rows_of(table), "all")["sessions"] == "1", "never half a file"
    page = out.read_text(encoding="utf-8")
    assert "files skipped: <strong>1</strong>" in page
    assert f"{bad}: 1 problem, the first on line 3" in page


def test_json_problems_name_the_line_of_the_field(course, tmp_path, capsys):
    root, spec = course
    rng = random.Random(3)
    records = [record(spec, rng, n) for n in range(3)]
    records[2]["men"] = 4.0
    path = write_json(tmp_path / "three.json", records)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if '"men": 4.0' in text
    )
    other = write_csv(tmp_path / "ok.csv", spec, [record(spec, rng, 9)])
    assert merge(root, path, other, "-o", tmp_path / "s.html") == 1
    assert f"{path}:{line}:1: error: 'men' is '4.0'; a count must be a whole number" in (
        capsys.readouterr().err
    )


def test_spreadsheet_csv_with_semicolons_and_json_with_a_bom_are_read(course, tmp_path, capsys):
    root, spec = course
    rng = random.Random(21)
    first, second = record(spec, rng, 1), record(spec, rng, 2)
    semicolons = tmp_path / "excel-id.csv"
    semicolons.write_text(
        "\ufeff" + ";".join(spec.names) + "\r\n" + ";".join(str(first[n]) for n in spec.names),
        encoding="utf-8",
    )
    bom = tmp_path / "bom.json"
    bom.write_text("\ufeff" + json.dumps(second), encoding="utf-8")
    table = tmp_path / "s.csv"
    assert merge(root, semicolons, bom, "-o", tmp_path / "s.html", "--csv", table) == 0
    assert row(rows_of(table), "all")["men"] == str(first["men"] + second["men"])


def test_a_json_key_given_twice_is_refused_with_its_line(course, tmp_path, capsys):
    root, spec = course
    path = tmp_path / "twice.json"
    text = json.dumps(record(spec, random.Random(22), 1), indent=1)
    path.write_text(text.replace('\n "men"', '\n "women": 900,\n "men"', 1), encoding="utf-8")
    line = path.read_text().splitlines().index(' "women": 900,') + 1
    assert merge(root, path, "-o", tmp_path / "s.html") == 1
    assert f"{path}:{line}:1: error: the key 'women' is given twice" in capsys.readouterr().err


def test_oversized_files_are_refused_before_they_are_read(course, tmp_path, capsys, monkeypatch):
    root, spec = course
    import waspada.report.records as records

    rng = random.Random(23)
    good = write_csv(tmp_path / "good.csv", spec, [record(spec, rng, 1)])
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"schema," + b"x" * records.MAX_FILE_BYTES)
    monkeypatch.setattr(records, "MAX_SESSIONS", 3)
    many = write_csv(tmp_path / "many.csv", spec, [record(spec, rng, 10 + n) for n in range(4)])
    many_json = write_json(tmp_path / "many.json", [record(spec, rng, 20 + n) for n in range(4)])
    table = tmp_path / "s.csv"
    assert merge(root, good, huge, many, many_json, "-o", tmp_path / "s.html", "--csv", table) == 1
    err = capsys.readouterr().err
    assert f"{huge}: error: larger than 5 MB" in err
    assert f"{many}: error: more than 3 sessions in one file" in err
    assert f"{many_json}: error: more than 3 sessions in one file" in err
    assert row(rows_of(table), "all")["sessions"] == "1"


def test_a_session_given_twice_skips_the_second_file(course, tmp_path, capsys):
    root, spec = course
    rec = record(spec, random.Random(1), 1)
    first = write_csv(tmp_path / "a.csv", spec, [rec])
    again = write_json(tmp_path / "b.json", [rec])
    table = tmp_path / "s.csv"
    assert merge(root, first, again, "-o", tmp_path / "s.html", "--csv", table) == 1
    assert f"was read already from {first}:2" in capsys.readouterr().err
    assert row(rows_of(table), "all")["sessions"] == "1"


@pytest.mark.parametrize(
    "header",
    [
        "name,phone,village\nSiti Aminah,0812-3456-7890,Desa Secret\n",
        "Siti Aminah,0812-3456-7890,Desa Secret\n",  # no header: its first row is a person
        "schema,session,name\nwaspada-session/1,abcdefgh12,Siti Aminah\n",
    ],
)
def test_a_foreign_csv_is_refused_and_nothing_of_it_is_written(course, tmp_path, capsys, header):
    root, spec = course
    foreign = tmp_path / "contacts.csv"
    foreign.write_text(header, encoding="utf-8")
    good = write_csv(tmp_path / "good.csv", spec, [record(spec, random.Random(2), 1)])
    out, table = tmp_path / "summary.html", tmp_path / "summary.csv"

    assert merge(root, foreign, good, "-o", out, "--csv", table) == 1
    err = capsys.readouterr().err
    assert f"{foreign}:1:1: error: " in err
    assert "not a Waspada session export" in err or "unknown column 'name'" in err
    # The trainer's terminal says what is wrong; the summary, which is shared, quotes nothing.
    for text in (out.read_text(encoding="utf-8"), table.read_text(encoding="utf-8")):
        assert "Siti" not in text and "0812" not in text
    assert merge(root, foreign, "-o", out) == 1  # nothing left to merge: a one-line error
    assert "error: no session could be merged" in capsys.readouterr().err


def test_no_output_holds_a_field_outside_the_schema(course, tmp_path):
    root, spec = course
    rng = random.Random(8)
    records = [record(spec, rng, n) for n in range(8)]
    files = [write_csv(tmp_path / "s.csv", spec, records)]
    out, table, xapi = tmp_path / "o.html", tmp_path / "o.csv", tmp_path / "x.json"
    assert merge(root, *files, "-o", out, "--csv", table) == 0
    assert report(root, "xapi", *files, "-o", xapi) == 0

    derived = {"group", "value", "sessions", "participants"}
    for item in spec.items:
        derived |= {
            f"q_{item.id}_{p}"
            for p in ("before_answers", "before_share", "after_answers", "after_share", "change")
        }
    header = next(csv.reader(io.StringIO(table.read_text(encoding="utf-8")[1:])))
    assert set(header) <= set(spec.names) | derived
    assert not set(header) & {"session", "place", "date", "course_version"}
    outputs = [p.read_text(encoding="utf-8") for p in (out, table, xapi)]
    for rec in records:  # the typed place never leaves the session file
        assert all(rec["place"] not in text for text in outputs)
    for rec in records:  # session ids: only as the xAPI group's opaque account
        assert rec["session"] not in outputs[0] and rec["session"] not in outputs[1]


def test_formulas_typed_as_a_district_are_not_run_by_a_spreadsheet(course, tmp_path):
    root, spec = course
    rng = random.Random(4)
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "<script>x</script>"]
    records = [record(spec, rng, n, district=d) for n, d in enumerate(hostile)]
    table, out = tmp_path / "s.csv", tmp_path / "s.html"
    assert merge(root, write_json(tmp_path / "s.json", records), "-o", out, "--csv", table) == 0
    cells = [cell for line in csv.reader(io.StringIO(table.read_text()[1:])) for cell in line]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@") or re.fullmatch(r"-[0-9.]+", cell), cell
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_summary_page_makes_no_request_and_runs_no_script(course, tmp_path):
    root, spec = course
    rng = random.Random(6)
    path = write_csv(tmp_path / "s.csv", spec, [record(spec, rng, n) for n in range(5)])
    out = tmp_path / "s.html"
    assert merge(root, path, "-o", out) == 0
    page = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page and not re.search(r"\b(src|href)=", page)
    assert set(re.findall(r"https?://[^\s\"'<]+", page)) <= {"http://www.w3.org/2000/svg"}


# -- the JSON Schema ---------------------------------------------------------------------------


def test_the_published_schema_is_the_one_the_code_defines():
    spec = spec_for_project(Project(ROOT))
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(spec), (
        f"run 'waspada report schema -o {SCHEMA_FILE}' after changing help.yml or the check"
    )
    jsonschema.Draft202012Validator.check_schema(SESSION_SCHEMA)


def test_the_columns_are_the_ones_the_book_exports():
    session = pytest.importorskip("waspada.session")
    spec = spec_for_project(Project(ROOT))
    assert list(spec.names) == session.record_columns(
        [item.id for item in spec.items], spec.services
    )


def test_the_schema_accepts_a_good_record_and_refuses_each_kind_of_bad_one(tmp_path, capsys):
    spec = spec_for_project(Project(ROOT))
    validator = jsonschema.Draft202012Validator(SESSION_SCHEMA)
    rng = random.Random(11)
    good = record(spec, rng, 1)
    assert validator.is_valid(good)
    assert validator.is_valid({"sessions": [good, record(spec, rng, 2)]})
    some_count = spec.columns[12].name
    bad = {
        "wrong tag": {**good, "schema": "waspada-session/2"},
        "missing column": {k: v for k, v in good.items() if k != "women"},
        "unknown column": {**good, "name": "Siti Aminah"},
        "negative count": {**good, some_count: -1},
        "not a whole number": {**good, some_count: 2.5},
        "count as text": {**good, some_count: "7"},
        "count as true": {**good, some_count: True},
        "malformed date": {**good, "date": "7/12/2026"},
        "bad session id": {**good, "session": "../../etc"},
        "long district": {**good, "district": "x" * 81},
        "control character": {**good, "place": "Desa\nBaru"},
        "extra top-level key": {"sessions": [good], "names": []},
    }
    for what, document in bad.items():
        assert not validator.is_valid(document), what
        # ... and waspada's own reader refuses it too.
        path = write_json(tmp_path / "bad.json", [document])
        if what == "extra top-level key":
            continue
        assert merge(ROOT, path, "-o", tmp_path / "s.html") == 1, what
        assert f"{path}:" in capsys.readouterr().err
    # What JSON Schema cannot say, the reader checks: a date that does not exist, right > given.
    item = spec.items[0].id if spec.items else None
    for document in [{**good, "date": "2026-02-30"}] + (
        [{**good, f"q_{item}_before_right": 9, f"q_{item}_before_total": 8}] if item else []
    ):
        assert validator.is_valid(document)
        path = write_json(tmp_path / "bad.json", [document])
        assert merge(ROOT, path, "-o", tmp_path / "s.html") == 1


# -- xAPI ----------------------------------------------------------------------------------------


def test_xapi_statements_are_valid_and_name_no_person(course, tmp_path, capsys):
    root, spec = course
    rng = random.Random(12)
    records = [record(spec, rng, n) for n in range(4)]
    path = write_csv(tmp_path / "s.csv", spec, records)
    out = tmp_path / "x.json"
    home = ["--home-page", "https://lrs.example.org/waspada/"]
    assert report(root, "xapi", path, "-o", out, *home) == 0
    statements = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(XAPI_SCHEMA).validate(statements)
    assert len(statements) == 4
    for rec, statement in zip(records, statements, strict=True):
        actor = statement["actor"]
        assert actor["objectType"] == "Group" and "member" not in actor
        assert actor["account"] == {
            "homePage": "https://lrs.example.org/waspada/",
            "name": rec["session"],
        }
        assert not {"mbox", "mbox_sha1sum", "openid"} & set(actor)
        counts = statement["result"]["extensions"]["https://lrs.example.org/waspada/xapi/counts"]
        assert counts["women"] == rec["women"]
    again = tmp_path / "y.json"
    assert report(root, "xapi", path, "-o", again, *home) == 0
    assert [s["id"] for s in json.loads(again.read_text())] == [s["id"] for s in statements]
    # The subset schema does refuse what the spec forbids: a group without an identifier or
    # members, and a person's e-mail next to the account.
    validator = jsonschema.Draft202012Validator(XAPI_SCHEMA)
    anonymous = {**statements[0], "actor": {"objectType": "Group"}}
    two_ids = {**statements[0], "actor": {**statements[0]["actor"], "mbox": "mailto:a@b.id"}}
    assert not validator.is_valid(anonymous) and not validator.is_valid(two_ids)
