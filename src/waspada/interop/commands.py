"""``waspada import`` and ``waspada export``: scenarios to and from other tools' formats.

Each format is a sub-command of its own (``waspada export twee``), so more formats can be added
next to Twine: :func:`export_parser` returns the subparsers object to add them to.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from ..commandline import CommandError, load_one, print_problems, project_of
from ..scenario._yaml import SLUG
from ..scenario.problems import Location, Problem, sort_problems

if TYPE_CHECKING:
    from ..project import Project

_RAW = argparse.RawDescriptionHelpFormatter

IMPORT_TWEE_HELP = """\
Read a Twee 3 story (from Twine 2.6 or later: Build > Export As Twee; or any Twee compiler's
source) and write it as a scenario YAML file.

  passages        -> nodes (the id is the passage name made into a slug: "Bus Stop" -> bus-stop)
  [[links]]       -> choices, in the order they appear; [[target]], [[label|target]],
                     [[label->target]] and [[target<-label]] are all read
  StoryTitle      -> title
  StoryData start -> start (or the passage named Start)
  a passage without links -> an ending

Everything that cannot be carried over is reported with FILE:LINE:COLUMN and the passage name,
never dropped silently: story-format code (macros, variables, setters after ][), links whose
target is computed, scripts, stylesheets, special passages and tags. Values a scenario needs and
a Twine story lacks (audiences, recruitment methods, an ending's kind, debrief and help) are
written as visible gaps with a warning naming the line to edit; 'waspada check' fails until they
are filled in. A story exported by 'waspada export twee' comes back exactly, gaps and all filled.

Nothing is written if the story has errors (duplicate passage names, no start passage, broken
StoryData JSON, a scenario id that is not a slug); the exit status is then 1.

A Twee file is untrusted: import writes only scenarios/<id>.yml, the file named with -o, or
<id>.yml in the folder named with -o DIR/, never through a symbolic link. A waspada block may
not use YAML tags, anchors or aliases. Limits: 2 MB, 100,000 lines, 2,000 passages, 5,000
links, 10,000 characters in a line of a passage."""

EXPORT_TWEE_HELP = """\
Write a scenario as a Twee 3 story that Twine 2 can open (Library > Import) and edit.

  each node  -> a passage named after the node id, laid out in columns by distance from the start
  its text   -> the passage text, followed by one [[label->target]] link per choice
  an ending  -> the tag ending-safe, ending-harmed or ending-mixed (coloured in Twine's map)
  title      -> StoryTitle;  start -> "start" in StoryData (with a fixed IFID per scenario id)

What Twine cannot show (facilitator notes, prompts, choice feedback, effects and conditions,
choice ids, the ending's title, debrief, key messages and help) is kept in a YAML block at the
end of each passage, between a line '<!-- waspada' and a line '-->'; it is an HTML comment, so
it is hidden when the story is played. The scenario's id, summary, audiences, methods,
characters and variables are kept the same way in a passage named WaspadaScenario. Edit texts
and links in Twine as you like; keep those blocks, then bring the story back with
'waspada import twee'. See "Twine" in scenarios/README.md."""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``import`` and ``export`` on the ``waspada`` subparsers."""
    importer = sub.add_parser(
        "import",
        help="make a scenario file from another tool's story (twee: Twine)",
        description="Make a scenario YAML file from a story written with another tool.",
    )
    formats = importer.add_subparsers(title="formats", metavar="FORMAT", dest="format")
    twee = formats.add_parser(
        "twee",
        help="a Twee 3 story (Twine 2) -> scenarios/<id>.yml",
        description=IMPORT_TWEE_HELP,
        formatter_class=_RAW,
        epilog=textwrap.dedent("""\
            examples:
              waspada import twee cave.twee
              waspada import twee cave.twee -o scenarios/cave.yml --force
              waspada import twee cave.twee -o drafts/          # writes drafts/<id>.yml"""),
    )
    twee.add_argument("story", type=Path, metavar="STORY.twee", help="the Twee file to read")
    twee.add_argument(
        "-o",
        "--output",
        metavar="OUT.yml",
        help="the scenario file to write, or a folder to write <id>.yml into (default: "
        "scenarios/<id>.yml in the course)",
    )
    twee.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    twee.set_defaults(func=cmd_import_twee, command="import twee")
    importer.set_defaults(func=lambda _args: (importer.print_help(), 2)[1], command="import")

    export_formats = export_parser(sub)
    add_export_html(export_formats)
    add_export_twee(export_formats)
    add_export_packages(export_formats)


def export_parser(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """Create ``waspada export`` and return its subparsers, one per format (dest ``format``)."""
    exporter = sub.add_parser(
        "export",
        help="write a scenario in another tool's format (twee: Twine 2)",
        description="Write a scenario in another tool's format. Each format is a command of its "
        "own; run 'waspada export FORMAT --help' for what it writes and how.",
    )
    formats = exporter.add_subparsers(title="formats", metavar="FORMAT", dest="format")
    exporter.set_defaults(func=lambda _args: (exporter.print_help(), 2)[1], command="export")
    return formats


def add_export_twee(formats: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    twee = formats.add_parser(
        "twee",
        help="a Twee 3 story that Twine 2 can open and edit",
        description=EXPORT_TWEE_HELP,
        formatter_class=_RAW,
        epilog=textwrap.dedent("""\
            examples:
              waspada export twee cafe-singer                 # writes cafe-singer.twee here
              waspada export twee scenarios/cafe-singer.yml -o ~/twine/cafe-singer.twee
              waspada export twee cafe-singer -o -            # to standard output"""),
    )
    twee.add_argument("scenario", help="a scenario id or the path of a scenario file")
    twee.add_argument(
        "-o",
        "--output",
        metavar="OUT.twee",
        help="where to write the story (default: <id>.twee in the current folder; - for "
        "standard output)",
    )
    twee.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    twee.set_defaults(func=cmd_export_twee, command="export twee")


EXPORT_HTML_HELP = """\
Write one scenario as one self-contained HTML file: the player, its styles and the scenario
translated into LANG, all inside the file. It plays opened from disk (on a phone, from a USB
stick, sent by chat), keeps progress in the browser like the book, and makes no request to any
host (a Content-Security-Policy forbids it). The size is printed."""


def add_export_html(formats: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    page = formats.add_parser(
        "html",
        help="one scenario as one self-contained HTML file that plays offline",
        description=EXPORT_HTML_HELP,
        formatter_class=_RAW,
        epilog=textwrap.dedent("""\
            examples:
              waspada export html cafe-singer --lang id      # writes cafe-singer.id.html here
              waspada export html cafe-singer --lang jv -o ~/share/penyanyi.html"""),
    )
    page.add_argument("scenario", help="a scenario id or the path of a scenario file")
    page.add_argument("--lang", default="en", metavar="LANG", help="course language (default en)")
    page.add_argument(
        "-o",
        "--output",
        metavar="OUT.html",
        help="where to write (default: <id>.<lang>.html; - for standard output)",
    )
    page.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    _district_arg(page)
    page.set_defaults(func=cmd_export_html, command="export html")


def _district_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--district",
        metavar="ID",
        help="list this district's own services first on every ending (districts/ID.yml)",
    )


EXPORT_KOLIBRI_HELP = """\
Build the course and write one Kolibri HTML5 app zip per profile and language
(waspada-<profile>-<lang>.zip), with index.html at the root of each. Import them into Kolibri
as HTML5 apps (Kolibri Studio, or ricecooker's HTML5AppNode). The pages are those of the
offline book: nothing is loaded from another host."""

EXPORT_SCORM_HELP = """\
Build one profile in one language as a SCORM 1.2 package (a zip with imsmanifest.xml at its
root) for Moodle and other learning platforms. Each module with a knowledge check is a SCO of
its own, launched at its chapter; the manifest lists every file of the course.

On the platform, each module reports cmi.core.lesson_status (incomplete, then passed or
failed by the check's pass mark), cmi.core.score.raw (0-100) and its progress in
cmi.suspend_data, so a learner resumes where they stopped. The API is looked for in the
parent frames and the opener, as SCORM 1.2 specifies; without a platform the pages work as in
the book."""


def _package_args(parser: argparse.ArgumentParser, *, lists: bool) -> None:
    parser.add_argument(
        "--profile",
        action="append" if lists else None,
        default=None if lists else "health",
        metavar="PROFILE",
        help="course profile from profiles.yml"
        + (" (repeat or comma-separate; default: all)" if lists else " (default: health)"),
    )
    parser.add_argument(
        "--lang",
        action="append" if lists else None,
        default=None if lists else "id",
        metavar="LANG",
        help="course language"
        + (" (repeat or comma-separate; default: all)" if lists else " (default: id)"),
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, metavar="DIR",
        help="folder for the zip files (default: _build/export/<format>)",
    )  # fmt: skip
    _district_arg(parser)


def add_export_packages(formats: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kolibri = formats.add_parser(
        "kolibri",
        help="Kolibri HTML5 app zips, one per profile and language",
        description=EXPORT_KOLIBRI_HELP,
        formatter_class=_RAW,
        epilog="example: waspada export kolibri --profile village,school --lang id,jv",
    )
    _package_args(kolibri, lists=True)
    kolibri.set_defaults(func=cmd_export_kolibri, command="export kolibri")
    scorm = formats.add_parser(
        "scorm",
        help="a SCORM 1.2 package for Moodle and other learning platforms",
        description=EXPORT_SCORM_HELP,
        formatter_class=_RAW,
        epilog="example: waspada export scorm --profile health --lang id",
    )
    _package_args(scorm, lists=False)
    scorm.set_defaults(func=cmd_export_scorm, command="export scorm")


# -- commands -------------------------------------------------------------------------------------


def _write_new(output: Path, data: str | bytes, force: bool) -> str:
    """Write a file unless it exists (and --force is not given); return its shown name."""

    shown = _shown(output)
    if output.exists() and not force:
        raise CommandError(
            f"{shown} already exists; use --force to overwrite it, or -o to write elsewhere"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {shown}: {exc.strerror}") from exc
    return shown


def _size(data: bytes) -> str:
    import gzip

    return f"{len(data) / 1024:.0f} KB ({len(gzip.compress(data, 9)) / 1024:.0f} KB gzipped)"


def cmd_export_html(args: argparse.Namespace) -> int:
    from ..payload import scenario_payload
    from ..project import Project, ProjectError
    from .standalone import standalone_html

    scenario, services = load_one(args)
    try:
        project = Project.discover(args.project)
    except ProjectError:
        project = None
    locales = project.locales_dir if project is not None else None
    if project is not None:
        project.require_languages([args.lang])
    elif args.lang != "en":
        raise CommandError(f"unknown language {args.lang}; outside a course there is only en")
    district = None
    if args.district:
        if project is None:
            raise CommandError("--district needs a course folder (with districts/)")
        district = project.district(args.district, services)
    payload = scenario_payload(
        scenario, services, lang=args.lang, locales_dir=locales, district=district
    )
    data = standalone_html(payload).encode("utf-8")
    if args.output == "-":  # the Unix convention: the page to standard output, the news to stderr
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        print(f"wrote the page to standard output: {_size(data)}", file=sys.stderr)
        return 0
    default = f"{scenario.id}.{args.lang}{_suffix(args, '.')}.html"
    output = Path(args.output) if args.output else Path(default)
    shown = _write_new(output, data, args.force)
    print(f"wrote {shown}: {_size(data)}; it plays opened from disk, with no other file")
    return 0


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_text(path: Path, limit: int) -> tuple[str | None, Problem | None]:
    """The file's text, or why it cannot be had; more than ``limit`` bytes are not read."""
    shown = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, Problem(Location(shown), f"cannot read the file: {exc.strerror}")
    if len(data) > limit:
        return None, Problem(
            Location(shown),
            f"the file is larger than {limit // (1024 * 1024)} MB, the limit for a Twee file; a "
            "course scenario is some kilobytes: split the story",
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, Problem(
            Location(shown, line, column),
            f"the file is not UTF-8 ({exc.reason}); save it as UTF-8 (Twine writes UTF-8)",
        )


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless it stays in ``folder``.

    ``name`` comes from a stranger's story (the scenario id), so it must be one plain file name,
    and the file may not be a symbolic link that leads elsewhere: --force would write through it.
    """
    if name in ("", ".", "..") or name != Path(name).name:
        raise CommandError(f"'{name}' is not a file name; nothing was written")
    target = folder / name
    if target.is_symlink():
        raise CommandError(
            f"{_shown(target)} is a symbolic link; remove it or name another file with -o (a "
            "link may lead out of the folder)"
        )
    if target.resolve().parent != folder.resolve():
        raise CommandError(f"{_shown(target)} is not inside {_shown(folder)}; nothing was written")
    return target


def cmd_import_twee(args: argparse.Namespace) -> int:
    from ..project import Project, ProjectError
    from ..scenario import load_help, load_scenario_text, validate
    from .twee import read_twee
    from .twee.read import MAX_BYTES

    path: Path = args.story
    if path.is_dir():
        raise CommandError(f"{path} is a folder; name the Twee file to read (STORY.twee)")
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if not path.is_file():
        raise CommandError(f"{path} is not a regular file; save the story as a .twee file")
    text, problem = _read_text(path, MAX_BYTES)
    if text is None:
        assert problem is not None
        print_problems([problem])
        return 1
    result = read_twee(text, str(path))
    if result.data is None:
        print_problems(result.problems)
        errors = sum(p.is_error for p in result.problems)
        raise CommandError(
            f"{path} has {errors} error{'s' * (errors != 1)} (see above); nothing was written"
        )

    sid = result.data["id"]
    if not isinstance(sid, str) or not SLUG.fullmatch(sid):  # the reader refuses these too
        raise CommandError(f"{path}: the scenario id is not a slug; nothing was written")
    project = None
    if args.output is None:
        project = Project.discover(args.project)
        output = _inside(project.scenario_dir, f"{sid}.yml")
    else:
        named = Path(args.output)  # a str, so that a trailing "/" still says "a folder"
        if named.is_dir() or args.output.endswith(("/", os.sep)):
            output = _inside(named, f"{sid}.yml")
        else:
            output = _inside(named.parent, named.name)
        try:
            project = Project.discover(args.project or output.resolve().parent)
        except ProjectError:  # no course around the output: write it anyway, check less
            project = None
    shown = _shown(output)
    if output.is_dir():
        raise CommandError(f"{shown} is a folder; name the scenario file to write with -o")
    if output.exists() and not args.force:
        raise CommandError(
            f"{shown} already exists; use --force to overwrite it, or -o to write elsewhere"
        )
    yaml_text, gaps = result.yaml(shown)
    print_problems([*result.problems, *sort_problems(gaps)])
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(yaml_text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {shown}: {exc.strerror}") from exc

    help_ids = None
    if project is not None and project.help_file.is_file():
        help_ids = set(load_help(project.help_file)[0])
    scenario, problems = load_scenario_text(yaml_text, shown, help_ids=help_ids)
    if scenario is not None and not any(p.is_error for p in problems):
        problems += validate(scenario)
    errors = sum(p.is_error for p in problems)
    nodes = len(result.data["nodes"])
    warnings = len(result.problems) + len(gaps)
    print(
        f"wrote {shown}: {nodes} node{'s' * (nodes != 1)} from {path}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    if errors:
        print(
            f"'waspada check {shown}' still finds {errors} error{'s' * (errors != 1)}: fill in "
            "the gaps named above, then check again"
        )
    else:
        print(f"it passes 'waspada check'; play it with: waspada play {shown}")
    return 0


def cmd_export_twee(args: argparse.Namespace) -> int:
    from .twee import scenario_to_twee

    scenario, _services = load_one(args)
    try:
        text = scenario_to_twee(scenario)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output) if args.output else Path(f"{scenario.id}.twee")
    shown = _shown(output)
    if output.exists() and not args.force:
        raise CommandError(
            f"{shown} already exists (perhaps edited in Twine since); use --force to overwrite "
            "it, or -o to write elsewhere"
        )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {shown}: {exc.strerror}") from exc
    passages = len(scenario.nodes)
    print(
        f"wrote {shown}: {passages} passage{'s' * (passages != 1)} and the scenario's settings; "
        "open it in Twine 2 with Library > Import"
    )
    return 0


def _suffix(args: argparse.Namespace, sep: str = "-") -> str:
    """Output names carry the district (waspada-village-id-lombok-timur.zip), so a district's
    package is never taken for the national one."""
    district = getattr(args, "district", None)
    return f"{sep}{district}" if district else ""


def _split(values: list[str] | None) -> list[str] | None:
    items = [v for item in values or [] for v in item.split(",") if v]
    return items or None


def _require_out_folder(args: argparse.Namespace) -> None:
    """Refuse an -o that is not a folder now, not after a build of some minutes."""
    if args.output is not None and args.output.exists() and not args.output.is_dir():
        raise CommandError(
            f"{_shown(args.output)} is a file; -o names the folder for the zip files (it is "
            "made if missing)"
        )


def _build_for_export(
    args: argparse.Namespace,
    project: Project,
    fmt: str,
    profiles: list[str],
    langs: list[str],
) -> tuple[Path, Path]:
    """Build the wanted profiles and languages for a package; return the site and zip folders."""
    from ..book.build import build_course

    district = getattr(args, "district", None)
    site = project.build_dir / "export" / f"{fmt}-site{f'-{district}' if district else ''}"
    code = build_course(
        project, langs, profiles=profiles, output=site, lms=fmt == "scorm", district=district
    )
    if code:
        raise CommandError("the course did not build (see above); nothing was packaged")
    out = args.output or project.build_dir / "export" / fmt
    return site, out


def cmd_export_kolibri(args: argparse.Namespace) -> int:
    from ..i18n import available_languages
    from .packages import zip_folder

    _require_out_folder(args)
    project = project_of(args)
    if project.load().errors:
        raise CommandError("the scenarios have errors; run 'waspada check' and fix them first")
    profiles = _split(args.profile) or project.profile_names()
    langs = _split(args.lang) or [code for code, _ in available_languages(project.locales_dir)]
    site, out = _build_for_export(args, project, "kolibri", profiles, langs)
    for profile in profiles:
        for lang in langs:
            target = out / f"waspada-{profile}-{lang}{_suffix(args)}.zip"
            count = zip_folder(site / profile / lang, target)
            print(f"wrote {_shown(target)}: {count} files, {target.stat().st_size / 1024:.0f} KB")
    written = len(profiles) * len(langs)
    print(f"{written} Kolibri HTML5 app{'s' * (written != 1)}; each has index.html at its root")
    return 0


def cmd_export_scorm(args: argparse.Namespace) -> int:
    from .. import COURSE_ID
    from ..i18n import translator
    from .packages import Sco, course_files, page_title, scorm_manifest, zip_folder

    _require_out_folder(args)
    project = project_of(args)
    project.require_profiles([args.profile])
    project.require_languages([args.lang])
    profile = project.profiles()[args.profile]
    collection = project.load()
    if collection.errors:
        raise CommandError("the scenarios have errors; run 'waspada check' and fix them first")
    documents = profile.documents(collection.stories)
    modules = sorted(
        {c.module for c in collection.checks.values() if c.module in documents},
        key=documents.index,
    )
    if not modules:
        raise CommandError(
            f"profile '{args.profile}' has no module with a knowledge check; a SCORM package "
            "tracks modules by their checks (try --profile health)"
        )
    site, out = _build_for_export(args, project, "scorm", [args.profile], [args.lang])
    folder = site / args.profile / args.lang
    scos = [
        Sco(module.replace("/", "-"), f"{module}.html", page_title(folder / f"{module}.html"))
        for module in modules
    ]
    title = translator(project.locales_dir, args.lang)(f"profile:{profile.name}", profile.title)
    manifest = scorm_manifest(
        f"{COURSE_ID}-{profile.name}-{args.lang}",
        f"Waspada: {title}",
        scos,
        [name for name in course_files(folder) if name != "imsmanifest.xml"],
    )
    (folder / "imsmanifest.xml").write_text(manifest, encoding="utf-8")
    target = out / f"waspada-{profile.name}-{args.lang}{_suffix(args)}-scorm12.zip"
    count = zip_folder(folder, target)
    print(
        f"wrote {_shown(target)}: SCORM 1.2, {len(scos)} module{'s' * (len(scos) != 1)} "
        f"({', '.join(s.title for s in scos)}), {count} files, "
        f"{target.stat().st_size / 1024:.0f} KB"
    )
    return 0
