"""``waspada build``: one Jupyter Book (Sphinx) build per language, plus a language chooser."""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
import time
from pathlib import Path

from ..i18n import available_languages
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT
from ..profiles import DEFAULT_PROFILE
from ..project import Project, ProjectError
from ..scenario.district import District

PARALLEL_BUILDS = 2


def build_course(
    project: Project,
    langs: list[str] | None = None,
    *,
    profiles: list[str] | None = None,
    strict: bool = False,
    output: Path | None = None,
    lms: bool = False,
    district: str | None = None,
) -> int:
    """Build each wanted profile in each wanted language into ``output/<profile>/<lang>/``.

    With ``district`` (an id of ``districts/<id>.yml``) the courses list that district's own
    services first, and go to ``_build/html-<id>/`` unless ``output`` says otherwise.
    """
    local = project.district(district, project.load([]).services) if district else None
    refuse_broken_translations(project, langs)
    known = dict(available_languages(project.locales_dir))
    wanted = langs or list(known)
    chosen = profiles or project.profile_names()
    project.require_languages(wanted)
    project.require_profiles(chosen)
    default = project.build_dir / (f"html-{local.id}" if local else "html")
    out = (output or default).resolve()
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    began = time.monotonic()
    # One Sphinx process per profile and language (Sphinx keeps translators in global state),
    # two at a time on this two-core class of machine.
    pending = [(profile, lang) for profile in chosen for lang in wanted]
    total = len(pending)
    running: list[tuple[str, subprocess.Popen[bytes], float]] = []
    done = 0
    while pending or running:
        while pending and len(running) < PARALLEL_BUILDS:
            profile, lang = pending.pop(0)
            name = f"{profile}/{lang}"
            print(f"building {name} ({known[lang]}) ...", flush=True)
            command = [
                sys.executable,
                "-m",
                "waspada.book.build",
                str(project.root),
                lang,
                str(out / profile / lang),
                "--profile",
                profile,
                *(["--strict"] if strict else []),
                *(["--lms"] if lms else []),
                *(["--district", local.id] if local else []),
            ]
            running.append((name, subprocess.Popen(command), time.monotonic()))
        time.sleep(0.2)
        for item in list(running):
            name, process, started = item
            if process.poll() is None:
                continue
            running.remove(item)
            done += 1
            took = time.monotonic() - started
            if process.returncode:
                failed.append(name)
                print(f"[{done}/{total}] {name} failed after {took:.0f} s (see above)", flush=True)
            else:
                print(f"[{done}/{total}] {name} done in {took:.0f} s", flush=True)
    if local is not None:
        from .card import write_contact_cards

        write_contact_cards(out, project, local, wanted)
    write_chooser(out, project, known, local)
    if failed:
        print(f"build failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(
        f"built {total} course(s) in {time.monotonic() - began:.0f} s; the course is "
        f"in {out}; open {out / 'index.html'} in a browser"
    )
    return 0


def refuse_broken_translations(project: Project, langs: list[str] | None) -> None:
    """Raise ProjectError, after printing each problem, if languages.yml or a catalog that the
    wanted languages read (their own and their fallbacks') has an error.

    The whole run is refused, not just the broken language: a site with one language missing
    or stale is easily published by mistake, and the fix is quick (``waspada check`` names each
    problem); ``--lang`` builds the languages whose chains are sound. A broken message is not
    quietly replaced by its fallback either: the author would never hear of a hostile or
    mistaken translation (the player and exports, which cannot stop, do fall back).
    """
    from ..commandline import print_problems
    from ..i18n.catalogs import check_catalogs, load_languages

    languages = load_languages(project.locales_dir)
    chains = {
        code
        for lang in (langs or list(languages))
        if lang in languages
        for code in languages[lang].chain
    }
    problems = check_catalogs(project.locales_dir, languages, project.root, chains)
    errors = [p for p in problems if p.is_error]
    if not errors:
        return
    print_problems(errors)
    # Catalogs are shown as locales/<code>/LC_MESSAGES/<domain>.po.
    broken = sorted(
        {Path(p.location.file).parts[-3] for p in errors if p.location.file.endswith(".po")}
    )
    parts = [f"the translations of {', '.join(broken)}"] if broken else []
    if any(p.location.file.endswith("languages.yml") for p in errors):
        parts.insert(0, "locales/languages.yml")
    what = " and ".join(parts) + (
        " has errors" if len(parts) == 1 and not broken else " have errors"
    )
    hint = "" if "languages.yml" in what else " or build only other languages with --lang"
    raise ProjectError(
        f"{what} (see above); nothing was built. Fix them ('waspada check' lists them){hint}"
    )


def write_chooser(
    out: Path, project: Project, known: dict[str, str], district: District | None = None
) -> None:
    """A small page (no scripts, no external requests) listing the built courses and languages.

    Each course is named and described in each of its languages (profile titles and
    descriptions are translated with the interface catalog, context ``profile:<name>``), so a
    trainer finds "Kit sesi desa" as easily as "Village session kit".
    A district build names the district and links its printable contact cards.
    """
    from ..i18n import translator

    declared = project.profiles()
    names = list(declared) or [DEFAULT_PROFILE]
    sections = []
    for name in names:
        built = [code for code in known if (out / name / code / "index.html").exists()]
        if not built:
            continue
        profile = declared.get(name)
        title = profile.title if profile else "Waspada"
        description = profile.description if profile else ""
        items = []
        for code in built:
            tr = translator(project.locales_dir, code)
            local = tr(f"profile:{name}", title) if profile else title
            about = tr(f"profile:{name}", description) if description else ""
            items.append(
                f'      <li lang="{code}"><a href="{name}/{code}/index.html" hreflang="{code}">'
                f'{html.escape(known[code])}: <span class="course">{html.escape(local)}</span>'
                "</a>" + (f'<p class="about">{html.escape(about)}</p>' if about else "") + "</li>"
            )
        sections.append(
            f"""  <section>
    <h2 lang="en">{html.escape(title)}</h2>
    <ul>
{chr(10).join(items)}
    </ul>
  </section>"""
        )
    heading = "Waspada"
    if district is not None:
        heading = f"Waspada · {district.label}"
        cards = [code for code in known if (out / "cards" / f"{code}.html").exists()]

        def card_link(code: str) -> str:
            label = translator(project.locales_dir, code)(UI_CONTEXT, APP_MESSAGES["contact_card"])
            return (
                f'      <li><a href="cards/{code}.html" hreflang="{code}" lang="{code}">'
                f'{html.escape(known[code])}: <span class="course">{html.escape(label)}</span>'
                "</a></li>"
            )

        links = "\n".join(card_link(code) for code in cards)
        if cards:
            sections.insert(
                0,
                f"""  <section>
    <h2>{html.escape(APP_MESSAGES["contact_card"])}</h2>
    <ul>
{links}
    </ul>
  </section>""",
            )
    (out / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy"
        content="default-src 'none'; style-src 'unsafe-inline'">
  <title>{html.escape(heading)}: choose a course and a language / pilih kursus dan bahasa</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
           padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }}
    h1 {{ font-size: 1.6rem; }}
    h2 {{ font-size: 1.25rem; margin-top: 2rem; }}
    ul {{ list-style: none; padding: 0; }}
    li {{ margin: 0.4rem 0 0.9rem; }}
    a {{ display: block; padding: 0.6rem 1rem; border: 2px solid #0b5394;
         border-radius: 8px; color: #0b5394; font-size: 1.1rem; text-decoration: none; }}
    .about {{ margin: 0.3rem 1rem 0; color: #333; }}
    a:hover, a:focus {{ background: #0b5394; color: #fff; }}
    .course {{ font-weight: 700; }}
  </style>
</head>
<body>
  <main>
  <h1>{html.escape(heading)}</h1>
  <p>Choose a course and a language. <span lang="id">Pilih kursus dan bahasa.</span></p>
{chr(10).join(sections)}
  </main>
</body>
</html>
""",
        encoding="utf-8",
    )


def write_profile_toc(project: Project, profile_name: str) -> tuple[Path, list[str], list[str]]:
    """Write the profile's table of contents under _build/toc/; return it, its scenarios and
    its pages in reading order."""
    import yaml

    profiles = project.profiles()
    if not profiles:
        return project.toc_file, [], []
    profile = profiles[profile_name]
    stories = project.load().stories
    toc_dir = project.build_dir / "toc"
    toc_dir.mkdir(parents=True, exist_ok=True)
    path = toc_dir / f"{profile_name}.yml"
    text = "# Written by waspada build from profiles.yml; edit that file instead.\n"
    text += yaml.safe_dump(profile.toc(stories), sort_keys=False, allow_unicode=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path, profile.scenario_ids(stories), profile.documents(stories)


def _build_one(
    root: Path,
    lang: str,
    outdir: Path,
    strict: bool,
    builder: str = "html",
    profile: str = DEFAULT_PROFILE,
    lms: bool = False,
    author: bool = False,
    *,
    work: Path | None = None,
    compile_catalogs: bool = True,
    district: str | None = None,
) -> int:
    """Run one Sphinx build through Jupyter Book's own entry point (in a fresh process).

    Each language gets its own process: Sphinx keeps translators in module-level state.
    ``work`` holds the doctrees and compiled catalogs (default: the project's _build; `waspada
    preview` gives its own, so it never disturbs `waspada build`); without
    ``compile_catalogs`` the catalogs compiled there by an earlier build are used.
    """
    from jupyter_book.sphinx import build_sphinx

    from ..i18n.catalogs import compile_book_catalogs, load_languages

    project = Project(root)
    toc, scenarios, documents = write_profile_toc(project, profile)
    overrides: dict[str, object] = {
        "external_toc_path": str(toc),
        "language": lang,
        "latex_individualpages": False,
        "waspada_locales": str(project.locales_dir),
        "waspada_profile": profile,
        "waspada_profile_title": (
            project.profiles()[profile].title if profile in project.profiles() else ""
        ),
        "waspada_profile_scenarios": scenarios,
        "waspada_profile_documents": documents,
        "waspada_lms": lms,
        # `waspada preview` only: the author view of each scenario (never in a published build).
        "waspada_author_view": author,
    }
    if district:  # waspada build --district (checked by build_course before this process)
        from ..scenario.district import load_district

        path = project.districts_dir / f"{district}.yml"
        local, _problems = load_district(path, project.load([]).services)
        overrides["waspada_district"] = str(path.resolve())
        overrides["waspada_district_name"] = local.label if local else district
    languages = load_languages(project.locales_dir)
    if lang not in languages:  # the code names folders: only a declared, valid one will do
        print(f"unknown language '{lang}' (see locales/languages.yml)", file=sys.stderr)
        return 2
    work = work or project.build_dir
    if lang != "en":
        compiled = work / "locale"
        if compile_catalogs or not (compiled / lang).is_dir():
            compile_book_catalogs(project.locales_dir, languages[lang], compiled)
        overrides["locale_dirs"] = [str(compiled)]
        overrides["gettext_auto_build"] = False
    result = build_sphinx(
        project.book_dir,
        outdir,
        noconfig=True,
        path_config=str(project.config_file),
        confoverrides=overrides,
        doctreedir=work
        / ".doctrees"
        / (
            f"{builder}-{profile}-{lang}{'-lms' if lms else ''}{'-author' if author else ''}"
            f"{f'-district-{district}' if district else ''}"
        ),
        builder=builder,
        warningiserror=strict,
        keep_going=strict,
        quiet=True,
    )
    return 1 if isinstance(result, Exception) else int(result or 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m waspada.book.build")
    parser.add_argument("root", type=Path)
    parser.add_argument("lang")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--builder", default="html")
    parser.add_argument("--profile", default=DEFAULT_PROFILE)
    parser.add_argument("--lms", action="store_true")
    parser.add_argument("--author", action="store_true", help="the author view (preview only)")
    parser.add_argument("--district", default=None, help="a district overlay's id")
    ns = parser.parse_args()
    sys.exit(
        _build_one(
            ns.root,
            ns.lang,
            ns.outdir,
            ns.strict,
            ns.builder,
            ns.profile,
            ns.lms,
            ns.author,
            district=ns.district,
        )
    )
