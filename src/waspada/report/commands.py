"""``waspada report``: merge session exports into a summary, write xAPI, print the schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

from ..commandline import CommandError, print_problems, project_of
from ..scenario.problems import Location, Problem
from .records import MAX_FILE_BYTES, Session, read_session_file
from .schema import SCHEMA_FILE, SCHEMA_TAG, SessionSpec, json_schema, spec_for_project

MAX_FILES = 10_000
MAX_TOTAL_SESSIONS = 100_000  # about 4 s and 400 MB; more is split by region or year
_RAW = argparse.RawDescriptionHelpFormatter

MERGE_HELP = f"""\
Add up session exports (the CSV or JSON files of the course's session page, {SCHEMA_TAG}) by
district, month, language and scenario: participants by sex and age band, the share right
before and after each item of the check and its change (with a bar chart per item), the
satisfaction vote and referrals by service. The summary is one HTML page with no script that
opens from disk and prints on A4; --csv writes the same figures for a spreadsheet.

Small counts are hidden: every count of people below 5 (0 included) is shown as "<5" in the
HTML and the CSV, with a second count hidden wherever one could be worked out from a total; a
share right is shown only when 5 answers or more were given.

Each file is untrusted and used whole or not at all: a foreign file, a missing or unknown
column, a count that is negative or not a whole number, more answers right than given, a
malformed date or a session id seen before is reported as FILE:LINE and the file is skipped.
The rest is merged; the exit status is 1 if any file was skipped. Limits: {MAX_FILES} files,
{MAX_FILE_BYTES // 1_000_000} MB and 10,000 sessions a file, 100,000 sessions in all. A folder
stands for its *.csv and *.json files."""

XAPI_HELP = """\
Write the sessions as xAPI 1.0.3 statements (a JSON list, for a Learning Record Store): one
statement per session, whose actor is an Identified Group with an account named by the
session's random id -- never a person. The counts are in result.extensions, the scenarios in
context.contextActivities; the typed place (village or school) is left out. The counts are each
session's own, as in the session's CSV, not hidden below 5: send them to the programme's own
LRS, not to a published report. Files are read and skipped as by 'waspada report merge'."""


def add_report_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``waspada report`` (merge, xapi, schema) on the ``waspada`` subparsers."""
    report = sub.add_parser(
        "report",
        help="add up session exports (merge), write xAPI (xapi), print the record's JSON Schema",
        description="Work with the session records the course's session page exports.",
    )
    commands = report.add_subparsers(title="commands", metavar="COMMAND", dest="report_command")
    report.set_defaults(func=lambda _args: (report.print_help(), 2)[1], command="report")

    merge = commands.add_parser(
        "merge",
        help="add up session CSV/JSON files into an HTML (and CSV) summary",
        description=MERGE_HELP,
        formatter_class=_RAW,
        epilog=textwrap.dedent("""\
            examples:
              waspada report merge sessions/*.csv -o summary.html
              waspada report merge sessions/ -o summary.html --csv summary.csv"""),
    )
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE", help="session exports")
    merge.add_argument(
        "-o", "--output", type=Path, required=True, metavar="SUMMARY.html", help="the page to write"
    )
    merge.add_argument("--csv", type=Path, metavar="SUMMARY.csv", help="also write the figures")
    merge.set_defaults(func=cmd_merge, command="report merge")

    xapi = commands.add_parser(
        "xapi",
        help="write session files as xAPI statements (no personal actor)",
        description=XAPI_HELP,
        formatter_class=_RAW,
        epilog="example: waspada report xapi sessions/ -o statements.json "
        "--home-page https://lrs.example.org/",
    )
    xapi.add_argument("files", nargs="+", type=Path, metavar="FILE", help="session exports")
    xapi.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT.json", help="the file to write"
    )
    xapi.add_argument(
        "--home-page",
        default=None,
        metavar="URL",
        help="the programme's web address, the base of the account, activity and extension "
        "IRIs (default: https://waspada.invalid/, a placeholder)",
    )
    xapi.set_defaults(func=cmd_xapi, command="report xapi")

    schema = commands.add_parser(
        "schema",
        help=f"print the JSON Schema of this course's session records ({SCHEMA_FILE})",
        description="Print the JSON Schema (draft 2020-12) of a session record of this course: "
        "its referred_ columns come from help.yml and its q_ columns from "
        f"scenarios/session-check.yml. The published copy is {SCHEMA_FILE}; write it again "
        "with -o after changing either file.",
    )
    schema.add_argument("-o", "--output", type=Path, metavar="FILE", help="write it to FILE")
    schema.set_defaults(func=cmd_schema, command="report schema")


def session_files(paths: list[Path]) -> list[Path]:
    """The files named, a folder standing for its ``*.csv`` and ``*.json`` files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json") and p.is_file()
            )
        else:
            files.append(path)
        if len(files) > MAX_FILES:
            raise CommandError(f"more than {MAX_FILES} files; merge them in parts")
    return list(dict.fromkeys(files))


def read_sessions(
    paths: list[Path], spec: SessionSpec, outputs: list[Path]
) -> tuple[list[Session], int, int, list[str]]:
    """Every good file's sessions, the numbers of files merged and skipped, and a line per
    skipped file for the summary (its problems are printed; they quote what the file holds, so
    the summary, which is shared, names only the file, how many and the first line). A session
    id already read from another file skips the file."""
    written = {p.resolve() for p in outputs}
    sessions: list[Session] = []
    seen: dict[str, Session] = {}
    merged = 0
    problems: list[str] = []
    skipped = 0
    for path in session_files(paths):
        if path.resolve() in written:
            raise CommandError(f"{path} is both read and written; name another output file")
        result = read_session_file(path, spec, str(path))
        for session in result.sessions:
            other = seen.get(session.text("session"))
            if other is not None:
                result.problems.append(
                    Problem(
                        Location(result.file, session.line, 1),
                        f"session '{session.text('session')}' was read already from "
                        f"{other.file}:{other.line}; give each session once (a CSV and a JSON "
                        "export of one session are the same session)",
                    )
                )
        if result.problems:
            skipped += 1
            print_problems(result.problems)
            lines = sorted(p.location.line for p in result.problems if p.location.line)
            count = len(result.problems)
            problems.append(
                f"{result.file}: {count} problem{'s' if count > 1 else ''}"
                + (f", the first on line {lines[0]}" if lines else "")
            )
            print(f"{result.file}: skipped (not counted)", file=sys.stderr)
            continue
        merged += 1
        if len(sessions) + len(result.sessions) > MAX_TOTAL_SESSIONS:
            raise CommandError(
                f"more than {MAX_TOTAL_SESSIONS} sessions in all; merge them in parts (by "
                "region or year)"
            )
        for session in result.sessions:
            seen[session.text("session")] = session
        sessions += result.sessions
    return sessions, merged, skipped, problems


def cmd_merge(args: argparse.Namespace) -> int:
    from .summary import summarise, summary_csv, summary_html

    spec = spec_for_project(project_of(args))
    outputs = [args.output, *([args.csv] if args.csv else [])]
    sessions, merged, skipped, problems = read_sessions(args.files, spec, outputs)
    if not sessions:
        raise CommandError("no session could be merged: every file was skipped (see above)")
    summary = summarise(sessions, spec, merged, skipped)
    write_text(args.output, summary_html(summary, problems))
    written = [str(args.output)]
    if args.csv:
        write_text(args.csv, summary_csv(summary))
        written.append(str(args.csv))
    print(
        f"merged {len(sessions)} session{'s' if len(sessions) != 1 else ''} from {merged} "
        f"file{'s' if merged != 1 else ''}, skipped {skipped} file{'s' if skipped != 1 else ''}; "
        f"wrote {' and '.join(written)}"
    )
    return 1 if skipped else 0


def cmd_xapi(args: argparse.Namespace) -> int:
    from .xapi import DEFAULT_HOME_PAGE, statements

    home = args.home_page or DEFAULT_HOME_PAGE
    if not home.startswith(("https://", "http://")) or any(c.isspace() for c in home):
        raise CommandError(f"--home-page {home!r} must be a web address (https://...)")
    spec = spec_for_project(project_of(args))
    sessions, merged, skipped, _ = read_sessions(args.files, spec, [args.output])
    if not sessions:
        raise CommandError("no session could be read: every file was skipped (see above)")
    text = json.dumps(statements(sessions, spec, home), ensure_ascii=False, indent=1)
    write_text(args.output, text + "\n")
    print(
        f"wrote {len(sessions)} statement{'s' if len(sessions) != 1 else ''} from {merged} "
        f"file{'s' if merged != 1 else ''} to {args.output}; skipped {skipped}"
    )
    return 1 if skipped else 0


def cmd_schema(args: argparse.Namespace) -> int:
    spec = spec_for_project(project_of(args))
    text = schema_text(spec)
    if args.output:
        write_text(args.output, text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def schema_text(spec: SessionSpec) -> str:
    """The JSON Schema as published: indented, keys in column order, a final newline."""
    return json.dumps(json_schema(spec), indent=2, ensure_ascii=False) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole: through a temporary file in its folder."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise CommandError(f"{path} is a folder; name a file to write")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
