"""Reading session exports (CSV or JSON) into checked records.

A session file comes from someone else's laptop, so it is untrusted: at most ``MAX_FILE_BYTES``
and ``MAX_SESSIONS`` sessions, a regular file, UTF-8 (a byte-order mark is allowed). A file is
used whole or not at all: any problem (a foreign file, a missing or unknown column, a count that
is negative or not a whole number, answers right greater than answers given, a date that does
not exist, a session id seen before) is reported with file:line and the whole file is skipped,
so a summary never counts half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scenario.problems import Location, Problem, suggest
from .schema import COUNT_TEXT, MAX_COUNT, MAX_SESSIONS, SCHEMA_TAG, SessionSpec

MAX_FILE_BYTES = 5_000_000
MAX_PROBLEMS = 20  # per file; a file with more is reported with the first ones


@dataclass
class Session:
    """One checked record: its text fields and counts, and where it came from."""

    values: dict[str, str | int]
    file: str
    line: int

    def text(self, name: str) -> str:
        return str(self.values[name])

    def count(self, name: str) -> int:
        value = self.values[name]
        return value if isinstance(value, int) else 0


@dataclass
class FileResult:
    file: str
    sessions: list[Session] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_session_file(path: Path, spec: SessionSpec, display: str | None = None) -> FileResult:
    """Read one export; ``sessions`` is empty whenever ``problems`` is not."""
    name = display or str(path)
    result = FileResult(name)

    def fail(message: str, line: int = 0) -> FileResult:
        result.problems.append(Problem(Location(name, line, 1 if line else 0), message))
        result.sessions = []
        return result

    try:
        if not path.exists():
            return fail("no such file")
        if not path.is_file():
            return fail("not a regular file; name the session exports (.csv or .json)")
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return fail(f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:
        return fail(
            f"larger than {MAX_FILE_BYTES // 1_000_000} MB, far more than session exports need; "
            "is it the right file?"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return fail(f"not UTF-8 ({exc.reason}); export the session again from the course", line)
    if not text.strip():
        return fail("the file is empty")
    from_csv = text.lstrip()[:1] not in "{["
    if not from_csv:
        rows = _json_rows(text, name, result.problems)
    else:
        rows = _csv_rows(text, spec, name, result.problems)
    if result.problems:
        result.problems = result.problems[:MAX_PROBLEMS]
        return result
    if len(rows) > MAX_SESSIONS:
        return fail(f"more than {MAX_SESSIONS} sessions in one file; split it")
    seen: dict[str, int] = {}
    for line, raw, where in rows:
        if len(result.problems) >= MAX_PROBLEMS:
            break
        values = check_record(raw, spec, line, name, where, result.problems, from_csv=from_csv)
        if values is None:
            continue
        sid = str(values["session"])
        if sid in seen:
            result.problems.append(
                Problem(
                    Location(name, line, 1),
                    f"session '{sid}' appears again (first on line {seen[sid]}); each session "
                    "must be given once",
                )
            )
            continue
        seen[sid] = line
        result.sessions.append(Session(values, name, line))
    if result.problems:
        result.problems = result.problems[:MAX_PROBLEMS]
        result.sessions = []
    elif not result.sessions:
        return fail("the file holds no session")
    return result


Row = tuple[int, dict[str, Any], dict[str, int]]


def _csv_rows(text: str, spec: SessionSpec, name: str, problems: list[Problem]) -> list[Row]:
    first = text.split("\n", 1)[0]
    # A spreadsheet set to Indonesian saves CSV with semicolons; read those too.
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    header: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not cells or cells == [""]:
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                if not _header_ok(header, spec, name, start, problems):
                    return []
                continue
            if len(rows) >= MAX_SESSIONS:
                rows.append((start, {}, {}))
                return rows
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        Location(name, start, 1),
                        f"this row has {len(cells)} cells and the header {len(header)}; "
                        "export the session again (a comma in a typed place must be quoted)",
                    )
                )
                continue
            rows.append((start, dict(zip(header, cells, strict=True)), {}))
    except csv.Error as exc:
        problems.append(Problem(Location(name, reader.line_num or 1, 1), f"not valid CSV: {exc}"))
        return []
    if header is None:
        problems.append(Problem(Location(name, 1, 1), "the file is empty"))
    return rows


def _header_ok(
    header: list[str], spec: SessionSpec, name: str, line: int, problems: list[Problem]
) -> bool:
    if header[0] != "schema":
        problems.append(
            Problem(
                Location(name, line, 1),
                f"not a Waspada session export: its first column is '{_short(header[0])}', not "
                "'schema' (export sessions from the course's session page)",
            )
        )
        return False
    before = len(problems)
    _columns_ok(header, spec, name, line, problems)
    return len(problems) == before


def _columns_ok(
    keys: list[str], spec: SessionSpec, name: str, line: int, problems: list[Problem]
) -> None:
    expected = spec.names
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            problems.append(Problem(Location(name, line, 1), f"the column '{key}' is given twice"))
        seen.add(key)
        if key not in expected:
            problems.append(
                Problem(
                    Location(name, line, 1),
                    f"unknown column '{_short(key)}'{suggest(key, list(expected))}; a session "
                    "record holds only the columns of "
                    f"{SCHEMA_TAG} (see schemas/waspada-session-1.schema.json)",
                )
            )
    missing = [key for key in expected if key not in seen]
    if missing:
        problems.append(
            Problem(
                Location(name, line, 1),
                f"missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}; was it exported "
                "by another version of the course (its help.yml or check)?",
            )
        )


def _json_rows(text: str, name: str, problems: list[Problem]) -> list[Row]:
    """The records of a JSON export with the line each begins on and each key's line."""
    decoder = json.JSONDecoder()

    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        repeated.extend(key for key in dict.fromkeys(keys) if keys.count(key) > 1)
        return dict(items)

    try:
        document = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(Location(name, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
        )
        return []
    except RecursionError:
        problems.append(Problem(Location(name, 1, 1), "not valid JSON: nested too deeply"))
        return []
    if repeated:
        key = repeated[0]
        where = text.find(json.dumps(key))
        where = text.find(json.dumps(key), where + 1)
        problems.append(
            Problem(
                Location(name, line_at(max(where, 0)), 1),
                f"the key '{_short(key)}' is given twice in one record; which one counts?",
            )
        )
        return []
    if isinstance(document, dict) and "schema" in document:
        return [(line_at(len(text) - len(text.lstrip())), document, _key_lines(text, 0, line_at))]
    if not (isinstance(document, dict) and set(document) == {"sessions"}):
        problems.append(
            Problem(
                Location(name, 1, 1),
                'not a Waspada session export: expected one session record or {"sessions": '
                "[...]} (export sessions from the course's session page)",
            )
        )
        return []
    sessions = document["sessions"]
    if not isinstance(sessions, list):
        problems.append(Problem(Location(name, 1, 1), "'sessions' must be a list of records"))
        return []
    if len(sessions) > MAX_SESSIONS:
        return [(1, {}, {})] * (MAX_SESSIONS + 1)
    # Find where each element starts: after '"sessions"', ':' and '['.
    match = re.search(r'"sessions"\s*:\s*\[', text)
    offsets: list[int] = []
    position = match.end() if match else 0
    for _ in sessions:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        offsets.append(position)
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
    rows: list[Row] = []
    for index, record in enumerate(sessions):
        offset = offsets[index] if index < len(offsets) else 0
        if not isinstance(record, dict):
            problems.append(
                Problem(Location(name, line_at(offset), 1), f"session {index + 1} is not a record")
            )
            continue
        rows.append((line_at(offset), record, _key_lines(text, offset, line_at)))
    return rows


def _key_lines(text: str, offset: int, line_at: Any) -> dict[str, int]:
    """The line of each key of the object starting at ``offset`` (its first occurrence)."""
    lines: dict[str, int] = {}
    depth = 0
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"\s*(:)?|[{}\[\]]', text[offset:]):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and match.group(2):
            lines.setdefault(match.group(1), line_at(offset + match.start()))
    return lines


def check_record(
    raw: dict[str, Any],
    spec: SessionSpec,
    line: int,
    name: str,
    key_lines: dict[str, int],
    problems: list[Problem],
    *,
    from_csv: bool,
) -> dict[str, str | int] | None:
    """The record's typed values, or None after adding a problem for each wrong field.

    ``key_lines`` gives the line of each JSON key (a CSV row is on ``line``)."""
    before = len(problems)

    def problem(message: str, key: str = "") -> None:
        problems.append(Problem(Location(name, key_lines.get(key, line), 1), message))

    if raw.get("schema") != SCHEMA_TAG:
        tag = raw.get("schema")
        problem(
            f"the schema is {_short(str(tag))!r}, not '{SCHEMA_TAG}'; this version of waspada "
            f"reads {SCHEMA_TAG} only",
            "schema",
        )
        return None
    if not from_csv:  # JSON: the columns are the keys (a CSV header was checked once)
        _columns_ok(list(raw), spec, name, line, problems)
        if len(problems) > before:
            return None
    values: dict[str, str | int] = {}
    for column in spec.columns:
        value = raw.get(column.name)
        if column.text:
            if not isinstance(value, str):
                problem(f"'{column.name}' must be text, not {_short(str(value))}", column.name)
                continue
            if from_csv:
                value = value.strip()
            if column.const is not None and value != column.const:
                continue  # reported above
            if column.max_length is not None and len(value) > column.max_length:
                problem(
                    f"'{column.name}' is {len(value)} characters long; at most {column.max_length}",
                    column.name,
                )
            elif column.pattern is not None and not re.search(column.pattern, value):
                problem(f"'{column.name}' {_short(value)!r} is {_wrong(column.name)}", column.name)
            elif column.name == "date" and not _real_date(value):
                problem(f"'date' {value!r} is not a date of the calendar", column.name)
            values[column.name] = value
            continue
        count = _count(value, from_csv)
        if count is None:
            problem(
                f"'{column.name}' is {_short(str(value))!r}; a count must be a whole number from "
                f"0 to {MAX_COUNT}",
                column.name,
            )
            continue
        values[column.name] = count
    for item in spec.items:
        for phase in ("before", "after"):
            right, total = f"q_{item.id}_{phase}_right", f"q_{item.id}_{phase}_total"
            if right in values and total in values and int(values[right]) > int(values[total]):
                problem(
                    f"'{right}' is {values[right]}, more than the {values[total]} answers given "
                    f"('{total}')",
                    right,
                )
    return values if len(problems) == before else None


def _count(value: Any, from_csv: bool) -> int | None:
    if from_csv:
        text = value.strip() if isinstance(value, str) else ""
        return int(text) if COUNT_TEXT.fullmatch(text) and int(text) <= MAX_COUNT else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def _real_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _wrong(column: str) -> str:
    return {
        "session": "not a session id (8 to 32 lower-case letters, digits and hyphens)",
        "date": "not a date written YYYY-MM-DD",
        "language": "not a language code (en, id, jv, ...)",
        "scenarios": "not a list of scenario ids separated by spaces",
        "district": "not a place name (no control characters)",
        "place": "not a place name (no control characters)",
    }.get(column, "not in the expected form")


def _short(value: str, limit: int = 40) -> str:
    value = "".join(ch if ch.isprintable() else "?" for ch in value)
    return value if len(value) <= limit else value[: limit - 1] + "…"
