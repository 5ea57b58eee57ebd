"""Review status, the review sheet and its marks read back, and the draft notice only where it
is true (issue 15, items 3 and 4)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from conftest import HELP_FILE, MINIMAL, ROOT, make_project, run_waspada
from waspada.i18n.catalogs import (
    extract_code_templates,
    load_languages,
    po_path,
    update_catalogs,
)
from waspada.i18n.review import (
    MACHINE_DRAFT,
    REVIEWED,
    SAFETY,
    SHEET_COLUMNS,
    apply_sheet,
    page_messages,
    review_coverage,
    reviews_path,
    sheet_rows,
    status_lines,
    unreviewed_share,
    write_sheet,
)
from waspada.payload import scenario_payload
from waspada.project import ProjectError
from waspada.scenario import load_collection

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src="https://evil.example/p.png">'


def _chapter_template(locales: Path) -> None:
    """A chapter catalog ``guide`` from two pages, as Sphinx's gettext builder writes one."""
    template = Catalog(domain="guide")
    template.add("Welcome to the guide.", locations=[("../../book/guide/index.md", 1)])
    template.add(
        "**When not to wait:** if a child is in danger, call 110 at once.",
        locations=[("../../book/guide/help.md", 3)],
    )
    template.add("Ask who the employer is.", locations=[("../../book/guide/help.md", 5)])
    with (locales / "templates" / "guide.pot").open("wb") as handle:
        write_po(handle, template)


def _set(path: Path, strings: dict[str, str]) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.id in strings:
            message.string = strings[message.id]
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


def _translate_all(path: Path, prefix: str) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    _set(path, {m.id: f"{prefix} {m.id}" for m in catalog if m.id and isinstance(m.id, str)})


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course with one scenario, the real help.yml, a two-page chapter, Indonesian fully
    translated and Javanese (a draft falling back on Indonesian) with a translation that tries
    to inject HTML."""
    root = make_project(tmp_path / "course")
    (root / "scenarios" / "minimal.yml").write_text(MINIMAL, encoding="utf-8")
    locales = root / "locales"
    (locales / "templates").mkdir(parents=True)
    (locales / "languages.yml").write_text(
        "languages:\n"
        "  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: draft}\n"
        "  jv: {english: Javanese, native: Basa Jawa, fallback: [id, en], cldr: jv,"
        " status: draft}\n",
        encoding="utf-8",
    )
    extract_code_templates(root, [root / "scenarios" / "minimal.yml"], root / "help.yml", locales)
    _chapter_template(locales)
    update_catalogs(locales, load_languages(locales))
    for domain in ("guide", "scenarios", "ui"):
        _translate_all(po_path(locales, "id", domain), "ID")
    _set(
        po_path(locales, "jv", "guide"),
        {
            "Welcome to the guide.": HOSTILE,
            "Ask who the employer is.": "Takenana sinten juraganipun.",
        },
    )
    return root


def _sheet(root: Path, lang: str) -> tuple[Path, list[dict[str, str]]]:
    locales = root / "locales"
    language = load_languages(locales)[lang]
    csv_path = write_sheet(sheet_rows(locales, language), language, root / "out" / "sheet.html")
    return csv_path, _rows(csv_path)


def _rows(csv_path: Path) -> list[dict[str, str]]:
    text = csv_path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _save(csv_path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, SHEET_COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")


def _mark(rows: list[dict[str, str]], english: str, mark: str, correction: str = "") -> None:
    found = [r for r in rows if r["english"] == english]
    assert found, english
    for row in found:
        row["mark"], row["correction"] = mark, correction


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "locales").rglob("*"))
        if p.is_file()
    }


# -- the sheet ----------------------------------------------------------------------------------


def test_the_sheet_lists_safety_critical_messages_first_in_a_fixed_order(course: Path) -> None:
    _, rows = _sheet(course, "jv")
    priorities = [row["priority"] for row in rows]
    labels = list(SAFETY.values())
    # Help entries, when not to wait, endings' key messages and debriefs, then the rest.
    first = [p for p in dict.fromkeys(priorities) if p]
    assert first == [labels[0], labels[1], labels[2]]  # the scenario has no knowledge check
    last_critical = max(i for i, p in enumerate(priorities) if p)
    assert all(priorities[: last_critical + 1]), "a plain message came before a critical one"
    assert not any(priorities[last_critical + 1 :])
    wait = next(r for r in rows if r["priority"] == "when not to wait")
    assert wait["where"] == "book/guide/help.md:3"
    key = next(r for r in rows if r["english"] == "A real offer survives questions.")
    assert key["priority"] == "ending: key message or debrief"
    assert "key message" in key["context"]
    help_row = next(r for r in rows if r["priority"] == "help entry")
    assert help_row["where"].startswith("help.yml:")
    # Indonesian beside the Javanese, and the Javanese that is missing says so.
    welcome = next(r for r in rows if r["english"] == "Welcome to the guide.")
    assert welcome["indonesian"] == "ID Welcome to the guide."
    assert welcome["status"] == "draft"
    story = next(r for r in rows if r["english"].startswith("A stranger at the market"))
    assert (story["translation"], story["status"]) == ("", "missing")


def test_the_sheet_escapes_untrusted_catalog_text_and_loads_nothing(course: Path) -> None:
    csv_path, rows = _sheet(course, "jv")
    page = csv_path.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page)
    assert '<td class="text" lang="jv">' in page and '<td class="text" lang="id">' in page
    # The CSV opens in a spreadsheet: UTF-8 with a BOM; a cell that starts like a formula is
    # text there.
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0].keys() == set(SHEET_COLUMNS)


def test_a_formula_in_a_catalog_stays_text_in_the_spreadsheet(course: Path) -> None:
    _set(po_path(course / "locales", "jv", "guide"), {"Welcome to the guide.": "=HYPERLINK(1)"})
    _, rows = _sheet(course, "jv")
    welcome = next(r for r in rows if r["english"] == "Welcome to the guide.")
    assert welcome["translation"] == "'=HYPERLINK(1)"


# -- marks read back ----------------------------------------------------------------------------


def test_apply_records_approvals_and_corrections_and_status_reports_them(course: Path) -> None:
    locales = course / "locales"
    csv_path, rows = _sheet(course, "jv")
    _mark(rows, "Ask who the employer is.", "OK")
    _mark(rows, "Welcome to the guide.", "fix", "Sugeng rawuh ing tuntunan.")
    _mark(rows, "Back", "Fix", "Wangsul")  # missing until now: the reviewer writes it
    _save(csv_path, rows)

    done = apply_sheet(locales, load_languages(locales), csv_path, "Paguyuban Basa", now=NOW)
    assert (done.approved, done.corrected, done.skipped) == (1, 2, [])

    with po_path(locales, "jv", "guide").open("rb") as handle:
        guide = read_po(handle)
    assert guide.get("Welcome to the guide.").string == "Sugeng rawuh ing tuntunan."
    assert guide.last_translator == "Paguyuban Basa"  # who translated last, and when
    assert guide.revision_date.strftime("%Y-%m-%d %H:%M") == "2026-12-07 09:30"
    recorded = reviews_path(locales, "jv").read_text(encoding="utf-8")
    assert recorded.count("Paguyuban Basa,2026-12-07") == 3
    coverage = {r.domain: r for r in review_coverage(locales, ["jv"])}
    assert (coverage["guide"].reviewed, coverage["guide"].draft) == (2, 0)
    assert coverage["ui"].reviewed == 1
    table = "\n".join(status_lines(list(coverage.values()), load_languages(locales)))
    assert re.search(r"^jv\s+guide\s+2\s+0\s+0\s+1\s+3\s", table, re.M)
    assert "translated by Paguyuban Basa" in table
    # The next sheet shows them reviewed.
    _, again = _sheet(course, "jv")
    assert next(r for r in again if r["english"] == "Back")["status"] == REVIEWED


def test_the_cli_writes_the_sheet_applies_it_and_status_shows_it(course: Path) -> None:
    def waspada(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "waspada", "--project", str(course), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    made = waspada("i18n", "review", "--lang", "id", "-o", str(course / "id.html"))
    assert made.returncode == 0, made.stderr
    rows = _rows(course / "id.csv")
    for row in rows:
        if row["translation"]:
            row["mark"] = "OK"
    # A spreadsheet set to Indonesian saves with semicolons.
    _save(course / "id.csv", rows, delimiter=";")
    applied = waspada("i18n", "review", "--apply", str(course / "id.csv"), "--reviewer", "Tim A")
    assert applied.returncode == 0, applied.stderr
    assert f"{sum(1 for r in rows if r['mark'])} approved, 0 corrected" in applied.stdout
    status = waspada("i18n", "status", "--lang", "id").stdout
    assert re.search(r"^id\s+guide\s+3\s+0\s+0\s+0\s+3\s+100%\s+100%", status, re.M), status
    assert "translated by " + MACHINE_DRAFT not in status


def test_an_approval_lapses_when_the_translation_changes(course: Path) -> None:
    locales = course / "locales"
    csv_path, rows = _sheet(course, "jv")
    _mark(rows, "Ask who the employer is.", "OK")
    _save(csv_path, rows)
    apply_sheet(locales, load_languages(locales), csv_path, "Tim B", now=NOW)
    assert {r.domain: r.reviewed for r in review_coverage(locales, ["jv"])}["guide"] == 1
    _set(po_path(locales, "jv", "guide"), {"Ask who the employer is.": "Takon juragane."})
    assert {r.domain: r.reviewed for r in review_coverage(locales, ["jv"])}["guide"] == 0
    # A sheet written before the change is not applied to the new text.
    done = apply_sheet(locales, load_languages(locales), csv_path, "Tim B", now=NOW)
    assert done.approved == 0 and "translation has changed" in done.skipped[0]


def test_updating_the_catalogs_keeps_headers_and_approvals(course: Path) -> None:
    locales = course / "locales"
    csv_path, rows = _sheet(course, "jv")
    _mark(rows, "Welcome to the guide.", "fix", "Sugeng rawuh.")
    _save(csv_path, rows)
    apply_sheet(locales, load_languages(locales), csv_path, "Tim C", now=NOW)
    update_catalogs(locales, load_languages(locales))
    text = po_path(locales, "jv", "guide").read_text(encoding="utf-8")
    assert '"Last-Translator: Tim C\\n"' in text
    assert '"PO-Revision-Date: 2026-12-07 09:30+0000\\n"' in text
    assert {r.domain: r.reviewed for r in review_coverage(locales, ["jv"])}["guide"] == 1


BAD = [
    ("mark", 2, "the mark is 'maybe'"),
    ("header", 1, "this is not a Waspada review sheet"),
    ("link", 2, "the correction cannot be used"),
    ("lang", 3, "the row is for language 'su'"),
    ("foreign", 2, "no message of this sheet is in the course's catalogs"),
    ("fix-without-text", 2, "the mark is fix but there is no corrected text"),
    ("columns", 2, "the row has"),
]


@pytest.mark.parametrize(("kind", "line", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_malformed_or_foreign_sheet_is_refused_with_file_and_line_and_changes_nothing(
    course: Path, kind: str, line: int, message: str
) -> None:
    locales = course / "locales"
    csv_path, rows = _sheet(course, "jv")
    # Good marks further down must not be half-applied.
    for row in [r for r in rows if r["translation"]][-2:]:
        row["mark"] = "OK"
    if kind == "mark":
        rows[0]["mark"] = "maybe"
    elif kind == "link":
        rows[0]["mark"], rows[0]["correction"] = "fix", "Telpon [kene](https://evil.example)"
    elif kind == "lang":
        rows[1]["lang"] = "su"
    elif kind == "foreign":
        for row in rows:
            row["id"] = "m" + "0" * 16
    elif kind == "fix-without-text":
        rows[0]["mark"] = "fix"
    _save(csv_path, rows)
    if kind == "header":
        csv_path.write_text("Name,Translation\nBack,Wangsul\n", encoding="utf-8")
    elif kind == "columns":
        text = csv_path.read_bytes().decode("utf-8-sig").split("\r\n")
        text[1] = text[1].rsplit(",", 2)[0]
        csv_path.write_text("\r\n".join(text), encoding="utf-8")
    before = _snapshot(course)
    with pytest.raises(ProjectError) as caught:
        apply_sheet(locales, load_languages(locales), csv_path, "Tim D", shown="sheet.csv")
    assert str(caught.value).startswith(f"sheet.csv:{line}: {message}"), str(caught.value)
    assert _snapshot(course) == before


def test_the_cli_refuses_a_bad_sheet_in_one_line_with_exit_1(course: Path) -> None:
    csv_path, rows = _sheet(course, "jv")
    rows[2]["mark"] = "yes"
    _save(csv_path, rows)
    command = ["i18n", "review", "--apply", str(csv_path), "--reviewer", "X"]
    result = subprocess.run(
        [sys.executable, "-m", "waspada", "--project", str(course), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"waspada i18n review: error: {csv_path}:4: the mark is 'yes'; write OK, fix, or leave "
        "it empty"
    )
    assert not reviews_path(course / "locales", "jv").exists()


# -- the draft notice only where it is true -----------------------------------------------------


def _approve_all(root: Path, lang: str, who: str = "Tim E") -> None:
    locales = root / "locales"
    csv_path, rows = _sheet(root, lang)
    for row in rows:
        if row["translation"]:
            row["mark"] = "OK"
    _save(csv_path, rows)
    apply_sheet(locales, load_languages(locales), csv_path, who, now=NOW)


def test_a_page_share_counts_its_own_messages_as_the_reader_sees_them(course: Path) -> None:
    """The function that decides: a Javanese page's text is unreviewed where the text a reader
    sees has no approval. A chapter Javanese does not translate whole is shown in Indonesian
    (one language per screen), so there the Indonesian approvals count."""
    locales = course / "locales"
    jv = load_languages(locales)["jv"]
    help_page = page_messages(locales, "book/guide/help", "guide")
    assert [m[2][:10] for m in help_page] == ["**When not", "Ask who th"]
    assert unreviewed_share(locales, jv, help_page).percent == 100
    _approve_all(course, "id")
    assert unreviewed_share(locales, jv, help_page).unreviewed == 0  # all shown in Indonesian
    _set(
        po_path(locales, "jv", "guide"),
        {
            "Welcome to the guide.": "Sugeng rawuh.",
            "**When not to wait:** if a child is in danger, call 110 at once.": (
                "**Sampun ngantos ngentosi:** menawi lare wonten ing bebaya, enggal telpon 110."
            ),
        },
    )
    assert unreviewed_share(locales, jv, help_page).percent == 100  # now shown in Javanese
    csv_path, rows = _sheet(course, "jv")
    _mark(rows, "Ask who the employer is.", "OK")
    _save(csv_path, rows)
    apply_sheet(locales, load_languages(locales), csv_path, "Tim E", now=NOW)
    share = unreviewed_share(locales, jv, help_page)
    assert (share.unreviewed, share.total, share.percent) == (1, 2, 50)
    _approve_all(course, "jv")
    assert unreviewed_share(locales, jv, help_page).unreviewed == 0


def test_the_player_names_the_unreviewed_share_and_drops_the_notice_once_reviewed(
    course: Path,
) -> None:
    locales = course / "locales"
    collection = load_collection([course / "scenarios" / "minimal.yml"], HELP_FILE)
    scenario = collection.scenarios["minimal"]

    def notice() -> str | None:
        payload = scenario_payload(scenario, collection.services, lang="id", locales_dir=locales)
        return payload["ui"].get("draft_notice")

    # In the reader's language (here the test's made-up Indonesian), with the share filled in.
    assert notice() == (
        "ID 100% of this scenario has not been reviewed by a native speaker yet. If something "
        "is unclear, compare it with another language version."
    )
    _approve_all(course, "id")
    assert notice() is None


@pytest.mark.build
def test_a_built_page_shows_the_notice_only_while_it_has_unreviewed_text(tmp_path: Path) -> None:
    root = tmp_path / "course"
    (root / "book").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "locales").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: more\n")
    (root / "book" / "index.md").write_text("# Welcome\n\nThis course is about safety.\n")
    (root / "book" / "more.md").write_text("# More\n\nAsk questions.\n\nTell someone.\n")
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en],"
        " cldr: id, status: draft}\n"
    )

    run_waspada(root, "i18n", "extract")
    run_waspada(root, "i18n", "update")
    for domain in ("index", "more"):
        _translate_all(po_path(root / "locales", "id", domain), "ID")
    csv_path, rows = _sheet(root, "id")
    for row in rows:  # the whole index page, and one of the two paragraphs of the other
        if row["where"].startswith("book/index.md") or row["english"] == "Ask questions.":
            row["mark"] = "OK"
    _save(csv_path, rows)
    run_waspada(root, "i18n", "review", "--apply", str(csv_path), "--reviewer", "Tim F")
    run_waspada(root, "build", "--lang", "id")
    out = root / "_build" / "html" / "full" / "id"
    assert "wsp-draft-notice" not in (out / "index.html").read_text(encoding="utf-8")
    more = (out / "more.html").read_text(encoding="utf-8")
    notice = re.search(r'<p class="wsp-draft-notice" role="note">(.*?)</p>', more)
    assert notice is not None and notice.group(1).startswith("67% of this page has not been")
    # Approving the rest rebuilds the page without the notice (an incremental build).
    _approve_all(root, "id", "Tim F")
    run_waspada(root, "build", "--lang", "id")
    assert "wsp-draft-notice" not in (out / "more.html").read_text(encoding="utf-8")


def test_a_damaged_review_record_is_named_and_approves_nothing(course: Path) -> None:
    locales = course / "locales"
    _approve_all(course, "id")
    record = reviews_path(locales, "id")
    lines = record.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",", ";", 1)
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"^locales/id/reviews\.csv:3: a row has 6 fields"):
        review_coverage(locales, ["id"])
    # Readers are told the page is unreviewed rather than shown an error.
    language = load_languages(locales)["id"]
    messages = page_messages(locales, "book/guide/help", "guide")
    assert unreviewed_share(locales, language, messages).percent == 100


def test_the_course_sheet_puts_every_kind_of_safety_critical_message_first() -> None:
    """On the real Javanese catalogs: help entries, when not to wait, endings, knowledge checks,
    in that order, then the chapters page by page."""
    locales = ROOT / "locales"
    rows = sheet_rows(locales, load_languages(locales)["jv"])
    kinds = [row.category for row in rows]
    assert list(dict.fromkeys(kinds)) == [*SAFETY, ""]
    assert kinds.index("") == sum(1 for kind in kinds if kind)
    check = [row for row in rows if row.category == "check"]
    assert any("why this answer" in row.notes for row in check)
    wait = next(row for row in rows if row.category == "wait")
    assert wait.where.startswith("book/help.md:")
    assert rows[kinds.index("")].where.startswith("book/")  # then the chapters
