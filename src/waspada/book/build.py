"""``waspada build``: one Jupyter Book (Sphinx) build per language, plus a language chooser."""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
import time
from pathlib import Path

from ..i18n import available_languages
from ..project import Project

PARALLEL_BUILDS = 2


def build_course(
    project: Project,
    langs: list[str] | None = None,
    *,
    strict: bool = False,
    output: Path | None = None,
) -> int:
    known = dict(available_languages(project.locales_dir))
    wanted = langs or list(known)
    unknown = [code for code in wanted if code not in known]
    if unknown:
        from ..cli import CommandError

        raise CommandError(
            f"unknown language {', '.join(unknown)}; the course has: "
            f"{', '.join(known)} (see locales/languages.yml)"
        )
    out = (output or project.build_dir / "html").resolve()
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    began = time.monotonic()
    # One Sphinx process per language (Sphinx keeps translators in global state), two at a time
    # on this two-core class of machine.
    pending = list(wanted)
    running: list[tuple[str, subprocess.Popen[bytes], float]] = []
    done = 0
    while pending or running:
        while pending and len(running) < PARALLEL_BUILDS:
            lang = pending.pop(0)
            print(f"building {lang} ({known[lang]}) ...", flush=True)
            command = [
                sys.executable,
                "-m",
                "waspada.book.build",
                str(project.root),
                lang,
                str(out / lang),
                *(["--strict"] if strict else []),
            ]
            running.append((lang, subprocess.Popen(command), time.monotonic()))
        time.sleep(0.2)
        for item in list(running):
            lang, process, started = item
            if process.poll() is None:
                continue
            running.remove(item)
            done += 1
            took = time.monotonic() - started
            if process.returncode:
                failed.append(lang)
                print(
                    f"[{done}/{len(wanted)}] {lang} failed after {took:.0f} s (see above)",
                    flush=True,
                )
            else:
                print(f"[{done}/{len(wanted)}] {lang} done in {took:.0f} s", flush=True)
    write_chooser(
        out, [(code, known[code]) for code in known if (out / code / "index.html").exists()]
    )
    if failed:
        print(f"build failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(
        f"built {len(wanted)} language(s) in {time.monotonic() - began:.0f} s; the course is "
        f"in {out}; open {out / 'index.html'} in a browser"
    )
    return 0


def write_chooser(out: Path, languages: list[tuple[str, str]]) -> None:
    """A small page (no scripts, no external requests) that lists the built languages."""
    items = "\n".join(
        f'    <li><a href="{code}/index.html" hreflang="{code}" lang="{code}">'
        f"{html.escape(name)}</a></li>"
        for code, name in languages
    )
    (out / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Waspada: choose a language / pilih bahasa</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto;
           padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }}
    h1 {{ font-size: 1.6rem; }}
    ul {{ list-style: none; padding: 0; }}
    a {{ display: block; padding: 0.8rem 1rem; margin: 0.5rem 0; border: 2px solid #0b5394;
         border-radius: 8px; color: #0b5394; font-size: 1.2rem; text-decoration: none; }}
    a:hover, a:focus {{ background: #0b5394; color: #fff; }}
  </style>
</head>
<body>
  <main>
  <h1>Waspada</h1>
  <p>Choose a language. <span lang="id">Pilih bahasa.</span></p>
  <ul>
{items}
  </ul>
  </main>
</body>
</html>
""",
        encoding="utf-8",
    )


def _build_one(root: Path, lang: str, outdir: Path, strict: bool, builder: str = "html") -> int:
    """Run one Sphinx build through Jupyter Book's own entry point (in a fresh process).

    Each language gets its own process: Sphinx keeps translators in module-level state.
    """
    from jupyter_book.sphinx import build_sphinx

    from ..i18n.catalogs import compile_book_catalogs, load_languages

    project = Project(root)
    overrides: dict[str, object] = {
        "external_toc_path": str(project.toc_file),
        "language": lang,
        "latex_individualpages": False,
        "waspada_locales": str(project.locales_dir),
    }
    if lang != "en":
        languages = load_languages(project.locales_dir)
        compiled = compile_book_catalogs(
            project.locales_dir, languages[lang], project.build_dir / "locale"
        )
        overrides["locale_dirs"] = [str(compiled)]
        overrides["gettext_auto_build"] = False
    result = build_sphinx(
        project.book_dir,
        outdir,
        noconfig=True,
        path_config=str(project.config_file),
        confoverrides=overrides,
        doctreedir=project.build_dir / ".doctrees" / f"{builder}-{lang}",
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
    ns = parser.parse_args()
    sys.exit(_build_one(ns.root, ns.lang, ns.outdir, ns.strict, ns.builder))
