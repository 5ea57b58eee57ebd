"""The ``waspada`` command: check, play, build and serve a course."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from . import __version__
from .commandline import CommandError, load_one, print_problems, project_of
from .i18n.ui import cli_strings, ui_strings
from .project import Project, ProjectError
from .scenario import (
    PlayError,
    PlayState,
    Problem,
    Scenario,
    Service,
    available_choices,
    choose,
    choose_number,
    start,
)
from .scenario.markup import plain, render_blocks

RANDOM_WALK_LIMIT = 10_000
# Labels the terminal player shares with the browser front end (translated by `play --lang`).
_UI: dict[str, str] = ui_strings()
_CLI: dict[str, str] = cli_strings()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (CommandError, ProjectError, PlayError) as exc:
        print(f"waspada {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="waspada",
        description="Build, check and play Waspada anti-trafficking training courses.",
        epilog="Run 'waspada COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"waspada {__version__}")
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help="the course folder (default: found from the current folder)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="check scenarios and the help directory; exit 1 on any error",
        description="Check scenario files (all of scenarios/ by default) and help.yml. Every "
        "problem of every file is printed as FILE:LINE:COLUMN: error|warning: message. Exit "
        "status 1 if there is any error.",
    )
    check.add_argument("paths", nargs="*", type=Path, help="scenario files or folders to check")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.set_defaults(func=cmd_check, command="check")

    play = sub.add_parser(
        "play",
        help="play a scenario in the terminal",
        description="Play a scenario in the terminal: interactively by default, a scripted route "
        "with --path, or many random routes with --random.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            examples:
              waspada play cafe-singer
              waspada play scenarios/cafe-singer.yml --path 1,2,1
              waspada play cafe-singer --random 500 --seed 7
              waspada play cafe-singer --path 1,1 --json"""),
    )
    play.add_argument("scenario", help="a scenario id or the path of a scenario file")
    mode = play.add_mutually_exclusive_group()
    mode.add_argument("--path", help="comma-separated choice numbers, counting from 1")
    mode.add_argument(
        "--random",
        type=int,
        metavar="N",
        help="play N random routes and report how often each ending was reached",
    )
    play.add_argument("--seed", type=int, default=None, help="seed for --random (repeatable runs)")
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.add_argument(
        "--lang",
        default="en",
        metavar="LANG",
        help="play in this course language (missing texts follow its fallback chain)",
    )
    play.add_argument(
        "--facilitator",
        action="store_true",
        help="also show facilitator notes and discussion prompts",
    )
    play.set_defaults(func=cmd_play, command="play")

    build = sub.add_parser(
        "build",
        help="build the course website (every language by default)",
        description="Check the sources, then build the static course websites into "
        "_build/html/<profile>/<lang>/ with a chooser of courses and languages at "
        "_build/html/index.html. The result works from a web server or opened straight from "
        "disk.",
        epilog="example: waspada build --profile village --lang id,jv",
    )
    build.add_argument(
        "--lang",
        action="append",
        metavar="LANG",
        help="build only this language (repeat or comma-separate for several)",
    )
    build.add_argument(
        "--profile",
        action="append",
        metavar="PROFILE",
        help="build only this course profile from profiles.yml (full, village, health, school; "
        "repeat or comma-separate for several; default: all)",
    )
    build.add_argument(
        "--strict", action="store_true", help="fail on any Sphinx warning (what the tests use)"
    )
    build.add_argument(
        "--output",
        type=Path,
        default=None,
        help="output folder (default: _build/html in the project, _build/html-ID with --district)",
    )
    build.add_argument(
        "--district",
        metavar="ID",
        help="list this district's own services first (districts/ID.yml) and write its "
        "printable contact cards",
    )
    build.set_defaults(func=cmd_build, command="build")

    i18n = sub.add_parser(
        "i18n",
        help="translation catalogs: extract, update, compile, status, add",
        description="Work with the gettext catalogs in locales/ (edit the .po files with Poedit, "
        "Weblate or any gettext tool).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            the usual round:
              waspada i18n extract      # templates (.pot) from the book, scenarios, help and UI
              waspada i18n update       # create or update every language's .po files
              (translate the .po files)
              waspada i18n status       # coverage per language and catalog
              waspada check             # scenarios and catalogs (placeholders, markup, headers)
              waspada build --lang id   # see the result"""),
    )
    i18n_sub = i18n.add_subparsers(title="actions", metavar="ACTION")
    extract = i18n_sub.add_parser("extract", help="write the templates in locales/templates/")
    extract.set_defaults(func=cmd_i18n_extract, command="i18n extract")
    update = i18n_sub.add_parser("update", help="create or update .po files from the templates")
    update.add_argument("--lang", action="append", metavar="LANG", help="only this language")
    update.set_defaults(func=cmd_i18n_update, command="i18n update")
    compile_ = i18n_sub.add_parser(
        "compile", help="compile the book's catalogs (with fallbacks merged) to .mo files"
    )
    compile_.add_argument("--lang", action="append", metavar="LANG", help="only this language")
    compile_.set_defaults(func=cmd_i18n_compile, command="i18n compile")
    status = i18n_sub.add_parser(
        "status", help="print how much is reviewed, draft and missing, per catalog and language"
    )
    status.add_argument("--lang", action="append", metavar="LANG", help="only this language")
    status.set_defaults(func=cmd_i18n_status, command="i18n status")
    add = i18n_sub.add_parser(
        "add",
        help="add a language (also one Babel does not know, such as Sasak)",
        description="Add a language to locales/languages.yml and create its catalogs. Works for "
        "languages outside Babel's CLDR data (sas, ban, mad ...), which borrow the formatting "
        "of --cldr.",
    )
    add.add_argument("code", help="language code, e.g. sas, ban, min")
    add.add_argument("--english", required=True, help="the language's English name")
    add.add_argument("--native", required=True, help="the language's own name for itself")
    add.add_argument(
        "--fallback",
        default="id",
        help="comma-separated fallback chain (default: id; English always comes last)",
    )
    add.add_argument("--cldr", default="id", help="CLDR locale for dates and numbers (default id)")
    add.set_defaults(func=cmd_i18n_add, command="i18n add")
    review = i18n_sub.add_parser(
        "review",
        help="write a review sheet for native speakers (HTML to print, CSV to fill in), or "
        "record a returned sheet's approvals and corrections",
        description="Without --apply: write a printable review sheet of one language (HTML, "
        "safety-critical messages first) and a CSV beside it for the reviewer's marks (OK or "
        "fix) and corrected text. With --apply: record the marks of a returned CSV in "
        "locales/LANG/reviews.csv and the corrections in the catalogs.",
        epilog="examples:\n  waspada i18n review --lang jv -o review-jv.html\n"
        '  waspada i18n review --apply review-jv.csv --reviewer "Paguyuban Basa Jawa"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("--lang", metavar="LANG", help="the language of the sheet")
    review.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="the HTML file (default: _build/review/review-LANG.html); the CSV goes beside it",
    )
    review.add_argument("--apply", type=Path, metavar="FILE.csv", help="a returned sheet")
    review.add_argument(
        "--reviewer", metavar="NAME", help="who reviewed (a name, organisation or pseudonym)"
    )
    review.set_defaults(func=cmd_i18n_review, command="i18n review")
    i18n.set_defaults(func=lambda _args: (i18n.print_help(), 2)[1], command="i18n")

    serve = sub.add_parser(
        "serve",
        help="serve the Voila apps (scenario player, gallery) on this computer",
        description="Start Voila on widgets/ with sources and tracebacks hidden, bound to "
        "127.0.0.1 unless --lan is given.",
    )
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument(
        "--lan",
        action="store_true",
        help="listen on every network interface, so a classroom can connect; "
        "prints the address to share",
    )
    serve.add_argument(
        "--live",
        action="store_true",
        help="a live session: the room's phones join a scenario or check opened live from the "
        "gallery and vote, the projector shows the totals (implies --lan)",
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--profile",
        metavar="PROFILE",
        help="open the gallery of this course profile (e.g. school: its scenarios only, opened "
        "in facilitator mode for the class)",
    )
    serve.add_argument("--lang", metavar="LANG", help="open the apps in this course language")
    serve.add_argument(
        "--max-kernels",
        type=int,
        metavar="N",
        help="pages (kernels) open at once, at most, the 2 warm ones included; later visitors "
        "are asked to come back in a minute (default: (free memory - 1 GB) / 70 MB, from 4 to "
        "60)",
    )
    serve.set_defaults(func=cmd_serve, command="serve")

    preview = sub.add_parser(
        "preview",
        help="build one course, serve it on this computer and rebuild it as you edit",
        description="Build one course profile in one language into _build/preview/, serve it "
        "on 127.0.0.1 and rebuild it whenever a chapter, a scenario, help.yml, profiles.yml or "
        "a translation is saved; the open page reloads by itself. Problems that 'waspada "
        "check' finds are shown at the top of the page, over the last good build.",
        epilog="example: waspada preview --profile village --lang id",
    )
    preview.add_argument(
        "--profile", default="full", metavar="PROFILE", help="the course profile (default: full)"
    )
    preview.add_argument("--lang", default="en", metavar="LANG", help="the language (default: en)")
    preview.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    preview.set_defaults(func=cmd_preview, command="preview")
    from .interop.commands import add_commands
    from .report.commands import add_report_commands

    add_commands(sub)
    add_report_commands(sub)
    return parser


# -- check ---------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    project = project_of(args)
    files: list[Path] | None = None
    if args.paths:
        files = []
        for path in args.paths:
            if path.is_dir():
                files += sorted([*path.glob("*.yml"), *path.glob("*.yaml")])
            elif path.exists() or path.is_symlink():
                files.append(path)  # the loader reads regular files only and says why not
            else:
                raise CommandError(f"{path}: no such file or folder")
    problems, files, districts, catalogs = check_problems(project, files)
    print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    count = len(files) if files is not None else len(project.scenario_files())
    status = "ok" if not errors and not (args.strict and warnings) else "failed"
    also = f", {catalogs} catalogs" if catalogs else ""
    if districts:
        also += f", {len(districts)} district file{'s' * (len(districts) != 1)}"
    print(
        f"checked {count} scenario file{'s' * (count != 1)}{also} and the help directory: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}: {status}"
    )
    return 0 if status == "ok" else 1


def check_problems(
    project: Project, files: list[Path] | None = None
) -> tuple[list[Problem], list[Path] | None, list[Path], int]:
    """What `waspada check` reports (`waspada preview` runs it before each rebuild): the
    problems of ``files``, or of the whole project when None (catalogs, profiles and typed
    numbers too); the scenario files and the district files checked; the catalogs counted."""
    # District overlays (named, or all of districts/ for the whole project) are checked as such.
    districts = project.district_files() if files is None else []
    if files is None:
        problems_skipped = project.skipped_districts()
    else:
        problems_skipped = []
        district_dir = project.districts_dir.resolve()
        districts = [p for p in files if p.resolve().parent == district_dir]
        files = [p for p in files if p not in districts]
    collection = project.load(files)
    problems = [*collection.problems, *problems_skipped]
    catalogs = 0
    if districts:
        from .scenario.district import load_district

        for path in districts:
            shown = f"{project.districts_dir.name}/{path.name}"
            problems += load_district(path, collection.services, display=shown)[1]
    if files is None:  # the whole project: the translation catalogs too
        from .i18n.catalogs import check_catalogs, load_languages

        problems += check_catalogs(
            project.locales_dir, load_languages(project.locales_dir), project.root
        )
        from .i18n.terms import check_project as check_terms  # locales/terms.csv

        problems += check_terms(
            project.locales_dir, load_languages(project.locales_dir), project.root
        )
        from .i18n.consistency import check_project as check_consistency  # links, numbers...

        problems += check_consistency(
            project.locales_dir, load_languages(project.locales_dir), project.root
        )
        catalogs = len(list(project.locales_dir.glob("*/LC_MESSAGES/*.po")))
        problems += _profile_problems(project, collection)
        from .numbers import check_numbers  # phone numbers typed by hand, unknown {help-contact}

        problems += check_numbers(project, collection.services)
    return problems, files, districts, catalogs


def _profile_problems(project: Project, collection: Any) -> list[Problem]:
    """profiles.yml: its own problems, and scenario ids it names that do not exist."""
    from .profiles import check_profile_scenarios

    profiles, problems = project.read_profiles()
    return problems + check_profile_scenarios(profiles, list(collection.stories))


# -- play ----------------------------------------------------------------------------------------


def cmd_play(args: argparse.Namespace) -> int:
    scenario, services = load_one(args)
    if args.lang != "en":
        from .i18n import translator
        from .i18n.languages import read_languages
        from .scenario import translate_scenario, translate_service

        project = project_of(args)
        languages, problems = read_languages(project.locales_dir)
        if args.lang not in languages:
            print_problems([p for p in problems if p.is_error])  # why it is not usable, if broken
            raise CommandError(f"unknown language '{args.lang}'; see locales/languages.yml")
        translate = translator(project.locales_dir, args.lang)
        scenario = translate_scenario(scenario, translate)
        _UI.update(ui_strings(translate))
        _CLI.update(cli_strings(translate))
        services = {k: translate_service(v, translate) for k, v in services.items()}
    if args.random is not None:
        return _play_random(scenario, args)
    if args.path is not None:
        try:
            numbers = [int(part) for part in args.path.split(",") if part.strip()]
        except ValueError as exc:
            raise CommandError(
                f"--path takes choice numbers like 1,2,1, not '{args.path}'"
            ) from exc
        return _play_scripted(scenario, services, numbers, args)
    return _play_interactive(scenario, services, args)


def _wrap(text: str, indent: str = "") -> str:
    """Fill paragraphs to 78 columns, keeping list items (from the markup) as bullets."""
    out = []
    for block in render_blocks(text):
        if "p" in block:
            line = "".join("\n" if style == "br" else run for style, run in block["p"])
            out.append(
                "\n".join(
                    textwrap.fill(
                        " ".join(part.split()),
                        width=78,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                    for part in line.split("\n")
                )
            )
        else:
            out.append(
                "\n".join(
                    textwrap.fill(
                        " ".join("".join(run for _, run in item).split()),
                        width=78,
                        initial_indent=indent + "  - ",
                        subsequent_indent=indent + "    ",
                    )
                    for item in block["ul"]
                )
            )
    return "\n\n".join(out)


def _show_node(
    scenario: Scenario, state: PlayState, services: dict[str, Service], facilitator: bool
) -> None:
    node = scenario.nodes[state.node]
    print()
    print(_wrap(node.text))
    if facilitator and node.notes:
        print(f"\n[{_UI['notes']}] " + _wrap(node.notes).lstrip())
    if facilitator and node.prompt:
        print(f"\n[{_UI['discuss']}] " + _wrap(node.prompt).lstrip())
    if node.ending:
        e = node.ending
        print(f"\n== {_CLI['ending']} ({e.kind}){': ' + plain(e.title) if e.title else ''} ==")
        print(_wrap(e.debrief))
        for message in e.messages:
            print(
                textwrap.fill(
                    " ".join(plain(message).split()),
                    width=78,
                    initial_indent="  * ",
                    subsequent_indent="    ",
                )
            )
        print(f"\n{_UI['get_help']}:")
        for hid in e.help:
            service = services.get(hid)
            if service is None:
                print(f"  - {hid}")
                continue
            contacts = "; ".join(f"{c.label}: {c.value}" for c in service.contacts)
            print(f"  - {service.name}" + (f" ({contacts})" if contacts else ""))
        return
    print()
    for number, choice in enumerate(available_choices(scenario, state), 1):
        print(f"  {number}) {plain(choice.label)}")


def _feedback(scenario: Scenario, state: PlayState, choice_id: str) -> str:
    for choice in scenario.nodes[state.node].choices:
        if choice.id == choice_id:
            return choice.feedback
    return ""


def _play_interactive(
    scenario: Scenario, services: dict[str, Service], args: argparse.Namespace
) -> int:
    print(f"{plain(scenario.title)}\n{'=' * len(plain(scenario.title))}")
    history = [start(scenario)]
    while True:
        state = history[-1]
        _show_node(scenario, state, services, args.facilitator)
        if scenario.nodes[state.node].is_ending:
            return 0
        options = available_choices(scenario, state)
        while True:
            try:
                answer = input("\n" + _CLI["prompt"].format(count=len(options))).strip().lower()
            except EOFError:
                print()
                return 0
            if answer == "q":
                return 0
            if answer == "b":
                if len(history) > 1:
                    history.pop()
                    break
                print(_CLI["at_start"])
                continue
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                choice = options[int(answer) - 1]
                if choice.feedback:
                    print("\n> " + _wrap(choice.feedback).lstrip())
                history.append(choose(scenario, state, choice))
                break
            print(_CLI["retry"].format(count=len(options)))


def _transcript(scenario: Scenario, numbers: list[int]) -> tuple[PlayState, list[dict[str, Any]]]:
    state = start(scenario)
    steps: list[dict[str, Any]] = []
    for number in numbers:
        if scenario.nodes[state.node].is_ending:
            raise PlayError(
                f"the route reaches the ending '{state.node}' after {len(steps)} "
                f"choices; remove the choice numbers after that"
            )
        nxt = choose_number(scenario, state, number)
        chosen = nxt.route[-1]
        steps.append(
            {
                "node": state.node,
                "choice": number,
                "id": chosen,
                "label": plain(
                    next(c.label for c in scenario.nodes[state.node].choices if c.id == chosen)
                ),
            }
        )
        state = nxt
    return state, steps


def _play_scripted(
    scenario: Scenario, services: dict[str, Service], numbers: list[int], args: argparse.Namespace
) -> int:
    state, steps = _transcript(scenario, numbers)
    node = scenario.nodes[state.node]
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.id,
                    "route": steps,
                    "node": state.node,
                    "ending": node.ending.kind if node.ending else None,
                    "values": dict(state.values),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    replay = start(scenario)
    print(f"{plain(scenario.title)}\n{'=' * len(plain(scenario.title))}")
    for step in steps:
        _show_node(scenario, replay, services, args.facilitator)
        print(f"\n-> {step['choice']}) {step['label']}")
        feedback = _feedback(scenario, replay, step["id"])
        if feedback:
            print("\n> " + _wrap(feedback).lstrip())
        replay = choose(scenario, replay, step["id"])
    _show_node(scenario, replay, services, args.facilitator)
    if not node.is_ending:
        print("\n" + _CLI["stopped"].format(node=state.node))
    return 0


def _play_random(scenario: Scenario, args: argparse.Namespace) -> int:
    if args.random < 1:
        raise CommandError("--random needs a number of routes of at least 1")
    rng = random.Random(args.seed)
    reached: Counter[str] = Counter()
    stopped = 0
    for _ in range(args.random):
        state = start(scenario)
        for _step in range(RANDOM_WALK_LIMIT):
            if scenario.nodes[state.node].is_ending:
                reached[state.node] += 1
                break
            state = choose(scenario, state, rng.choice(available_choices(scenario, state)))
        else:
            stopped += 1
    endings = [n.id for n in scenario.endings()]
    unreached = [e for e in endings if not reached[e]]
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.id,
                    "routes": args.random,
                    "seed": args.seed,
                    "endings": {e: reached[e] for e in endings},
                    "unreached": unreached,
                    "stopped": stopped,
                },
                indent=2,
            )
        )
        return 0
    print(f"{scenario.id}: {args.random} random routes (seed {args.seed})")
    width = max(len(e) for e in endings)
    for e in endings:
        kind = scenario.nodes[e].ending.kind  # type: ignore[union-attr]
        print(f"  {e:<{width}}  {kind:<6}  {reached[e]:>6}")
    if stopped:
        print(f"  {stopped} routes stopped after {RANDOM_WALK_LIMIT} choices without an ending")
    print(
        f"reached {len(endings) - len(unreached)} of {len(endings)} endings"
        + (f"; never reached: {', '.join(unreached)}" if unreached else "")
    )
    return 0


# -- build and serve -----------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from .book.build import build_course

    project = project_of(args)
    collection = project.load()
    if collection.errors:
        print_problems(collection.problems)
        raise CommandError(
            "the scenarios have errors; fix them first (see above), nothing was built"
        )
    langs = [code for item in (args.lang or []) for code in item.split(",") if code]
    profiles = [name for item in (args.profile or []) for name in item.split(",") if name]
    return build_course(
        project,
        langs or None,
        profiles=profiles or None,
        strict=args.strict,
        output=args.output,
        district=args.district,
    )


def _langs(args: argparse.Namespace, project: Project) -> list[str]:
    """The languages ``--lang`` names (all but English without it): only codes that
    languages.yml declares without problems, since each becomes a folder name."""
    from .i18n.catalogs import SOURCE
    from .i18n.languages import read_languages

    languages, problems = read_languages(project.locales_dir)
    errors = [p for p in problems if p.is_error]
    if errors:
        print_problems(errors)
        raise CommandError("locales/languages.yml has errors (see above); fix them first")
    wanted = [code for item in (args.lang or []) for code in item.split(",") if code]
    unknown = [code for code in wanted if code not in languages]
    if unknown:
        raise CommandError(
            f"unknown language {', '.join(unknown)}; add it first with 'waspada i18n add'"
        )
    return wanted or [code for code in languages if code != SOURCE]


def cmd_i18n_extract(args: argparse.Namespace) -> int:
    from .i18n.catalogs import extract_book_templates, extract_code_templates

    project = project_of(args)
    written = extract_code_templates(
        project.root,
        project.scenario_files(),
        project.help_file,
        project.locales_dir,
        project.district_files(),
    )
    print("extracting the book's messages (a Sphinx gettext build) ...", flush=True)
    try:
        written += extract_book_templates(
            project.root, project.locales_dir, project.build_dir / "gettext"
        )
    except RuntimeError as exc:
        raise CommandError(str(exc)) from exc
    for path in written:
        print(f"wrote {path.relative_to(project.root)}")
    return 0


def cmd_i18n_update(args: argparse.Namespace) -> int:
    from .i18n.catalogs import load_languages, update_catalogs

    project = project_of(args)
    written = update_catalogs(
        project.locales_dir, load_languages(project.locales_dir), _langs(args, project)
    )
    print(f"updated {len(written)} catalogs; translate them, then run 'waspada i18n status'")
    return 0


def cmd_i18n_compile(args: argparse.Namespace) -> int:
    from .i18n.catalogs import compile_book_catalogs, load_languages

    project = project_of(args)
    languages = load_languages(project.locales_dir)
    for code in _langs(args, project):
        out = compile_book_catalogs(
            project.locales_dir, languages[code], project.build_dir / "locale"
        )
        print(f"compiled {code} into {(out / code).relative_to(project.root)}")
    return 0


def cmd_i18n_status(args: argparse.Namespace) -> int:
    from .i18n.catalogs import load_languages
    from .i18n.review import review_coverage, status_lines

    project = project_of(args)
    languages = load_languages(project.locales_dir)
    rows = review_coverage(project.locales_dir, _langs(args, project))
    if not rows:
        print("no catalogs yet: run 'waspada i18n extract' and 'waspada i18n update'")
        return 0
    print("\n".join(status_lines(rows, languages)))
    return 0


def cmd_i18n_review(args: argparse.Namespace) -> int:
    from .i18n.catalogs import load_languages
    from .i18n.review import apply_sheet, sheet_rows, write_sheet

    project = project_of(args)
    languages = load_languages(project.locales_dir)
    if args.apply is not None:
        if not args.reviewer:
            raise CommandError("--apply needs --reviewer NAME: who reviewed the sheet")
        if args.lang:
            _langs(argparse.Namespace(lang=[args.lang]), project)
        done = apply_sheet(
            project.locales_dir, languages, args.apply, args.reviewer, lang=args.lang
        )
        for note in [*done.warnings, *done.skipped]:
            print(note, file=sys.stderr)
        record = (project.locales_dir / done.lang / "reviews.csv").relative_to(project.root)
        print(
            f"{args.apply}: {done.approved} approved, {done.corrected} corrected "
            f"({len(done.catalogs)} catalogs written), {len(done.skipped)} left alone; "
            f"recorded in {record}"
        )
        return 0
    if not args.lang:
        raise CommandError("name the sheet's language with --lang (e.g. --lang jv)")
    wanted = _langs(argparse.Namespace(lang=[args.lang]), project)
    if len(wanted) != 1:
        raise CommandError("a sheet is for one language: give --lang once, e.g. --lang jv")
    code = wanted[0]
    if code == "en":
        raise CommandError("English is the source language; give a translated one")
    output = args.output or project.build_dir / "review" / f"review-{code}.html"
    rows = sheet_rows(project.locales_dir, languages[code])
    csv_path = write_sheet(rows, languages[code], output)
    print(f"wrote {output} and {csv_path}: {len(rows)} messages, safety-critical first")
    return 0


def cmd_i18n_add(args: argparse.Namespace) -> int:
    from .i18n.catalogs import add_language

    project = project_of(args)
    fallback = [code for code in args.fallback.split(",") if code and code != "en"]
    try:
        written = add_language(
            project.locales_dir,
            args.code,
            english=args.english,
            native=args.native,
            fallback=fallback,
            cldr=args.cldr,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    folder = (project.locales_dir / args.code).relative_to(project.root)
    print(
        f"added {args.code} ({args.native}) with {len(written)} catalogs in {folder}; it is "
        "marked draft until native speakers review it"
    )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from .preview import preview

    if not 0 < args.port < 65536:
        raise CommandError(f"--port {args.port} is no port; give one from 1 to 65535")
    return preview(project_of(args), profile=args.profile, lang=args.lang, port=args.port)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import MIN_MAX_KERNELS, serve

    project = project_of(args)
    project.require_profiles([args.profile] if args.profile else [])
    project.require_languages([args.lang] if args.lang else [])
    if args.max_kernels is not None and args.max_kernels < MIN_MAX_KERNELS:
        raise CommandError(
            f"--max-kernels {args.max_kernels} leaves no kernel for a visitor; give at least "
            f"{MIN_MAX_KERNELS} (the gallery and the player each keep one warm)"
        )
    return serve(
        project,
        port=args.port,
        lan=args.lan or args.live,
        live=args.live,
        open_browser=not args.no_browser,
        profile=args.profile,
        lang=args.lang,
        max_kernels=args.max_kernels,
    )
