"""Catalog work behind ``waspada i18n``: extract, update, compile, status, check, add.

Layout (gettext conventions, so Poedit and Weblate feel at home)::

    locales/languages.yml                      the languages, fallback chains, review status
    locales/templates/<domain>.pot             templates: scenarios, ui, and one per book chapter
    locales/<lang>/LC_MESSAGES/<domain>.po     translations

``scenarios`` and ``ui`` are read straight from the ``.po`` files when a payload is compiled; the
book's catalogs are compiled to ``.mo`` (with the fallback chain merged in) for each Sphinx build.
"""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from .. import __version__
from ..scenario.model import AUDIENCES, MODUS_NAMES
from ..scenario.problems import Location, Problem, Severity
from .extract import extract_help, extract_profiles, extract_scenario
from .ui import (
    APP_MESSAGES,
    AUDIENCE_NAMES,
    CLI_CONTEXT,
    CLI_MESSAGES,
    THEME_MESSAGES,
    UI_CONTEXT,
    UI_MESSAGES,
)

SOURCE = "en"
CODE_DOMAINS = ("scenarios", "ui")
INDONESIAN_TAG = "Indonesian: "


@dataclass(frozen=True)
class Language:
    code: str
    english: str
    native: str
    fallback: tuple[str, ...]
    cldr: str
    status: str
    register: str = ""

    @property
    def chain(self) -> tuple[str, ...]:
        """This language, then its fallbacks, ending with the source language."""
        out = [self.code, *self.fallback]
        return tuple(out if out[-1] == SOURCE else [*out, SOURCE])

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"


ENGLISH = Language("en", "English", "English", (), "en", "reviewed")


def load_languages(locales_dir: Path) -> dict[str, Language]:
    """The course languages, English first."""
    path = locales_dir / "languages.yml"
    out = {"en": ENGLISH}
    if not path.is_file():
        return out
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for code, info in (data.get("languages") or {}).items():
        info = info or {}
        out[code] = Language(
            code=code,
            english=info.get("english", code),
            native=info.get("native", code),
            fallback=tuple(info.get("fallback") or ()),
            cldr=info.get("cldr", "en"),
            status=info.get("status", "draft"),
            register=info.get("register", ""),
        )
    return out


def templates_dir(locales_dir: Path) -> Path:
    return locales_dir / "templates"


def po_path(locales_dir: Path, lang: str, domain: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{domain}.po"


def _in_cldr(lang: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _new_catalog(domain: str, lang: str | None = None) -> Catalog:
    catalog = Catalog(
        locale=lang if lang and _in_cldr(lang) else None,
        domain=domain,
        project="Waspada",
        version=__version__,
        msgid_bugs_address="",
        copyright_holder="Waspada contributors",
        creation_date=datetime(2026, 1, 1, tzinfo=UTC),
        charset="utf-8",
    )
    catalog.fuzzy = False
    return catalog


def _write(catalog: Catalog, path: Path, *, template: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for message in catalog:
        # Babel guesses "python-format" from any "%" ("40% s..."); course texts never use
        # %-formatting, and the false flag makes msgfmt reject faithful translations.
        message.flags.discard("python-format")
    with path.open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=100,
            sort_by_file=False,
            ignore_obsolete=template,
            include_previous=False,
        )
    if catalog.locale is None and not template:
        # Babel cannot name a language outside CLDR (Sasak); gettext tools need the header.
        lang = path.parent.parent.name
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            '"Language-Team: LANGUAGE <LL@li.org>\\n"\n',
            f'"Language-Team: LANGUAGE <LL@li.org>\\n"\n"Language: {lang}\\n"\n',
            1,
        )
        path.write_text(text, encoding="utf-8")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


# -- extract ------------------------------------------------------------------------------------


def extract_code_templates(
    project_root: Path, scenario_files: Iterable[Path], help_file: Path, locales_dir: Path
) -> list[Path]:
    """Write scenarios.pot and ui.pot."""
    scenarios = _new_catalog("scenarios")
    for path in scenario_files:
        rel = path.relative_to(project_root).as_posix()
        with path.open("rb") as handle:
            for lineno, _, (context, message), comments in extract_scenario(handle, (), (), {}):
                scenarios.add(
                    message, locations=[(rel, lineno)], auto_comments=comments, context=context
                )
    ui = _new_catalog("ui")
    for key, message in {**UI_MESSAGES, **APP_MESSAGES}.items():
        ui.add(message, context=UI_CONTEXT, auto_comments=[f"interface: {key}"])
    for key, message in CLI_MESSAGES.items():
        ui.add(message, context=CLI_CONTEXT, auto_comments=[f"terminal player: {key}"])
    for modus, name in MODUS_NAMES.items():
        ui.add(name, context="modus", auto_comments=[f"recruitment method '{modus}'"])
    for audience in AUDIENCES:
        ui.add(
            AUDIENCE_NAMES[audience], context="audience", auto_comments=[f"audience '{audience}'"]
        )
    for source, extractor in (
        (help_file, extract_help),
        (project_root / "profiles.yml", extract_profiles),
    ):
        if source.is_file():
            rel = source.relative_to(project_root).as_posix()
            with source.open("rb") as handle:
                for lineno, _, (context, message), comments in extractor(handle, (), (), {}):
                    ui.add(
                        message, locations=[(rel, lineno)], auto_comments=comments, context=context
                    )
    out = templates_dir(locales_dir)
    written = []
    for catalog in (scenarios, ui):
        path = out / f"{catalog.domain}.pot"
        _write(catalog, path, template=True)
        written.append(path)
    for domain, messages in THEME_MESSAGES.items():
        theme = _new_catalog(domain)
        for message in messages:
            theme.add(message, auto_comments=["book theme: shown around every page"])
        _write(theme, out / f"{domain}.pot", template=True)
        written.append(out / f"{domain}.pot")
    return written


def extract_book_templates(project_root: Path, locales_dir: Path, work_dir: Path) -> list[Path]:
    """Run Sphinx's gettext builder on the book and keep one template per chapter."""
    if work_dir.exists():
        shutil.rmtree(work_dir)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "waspada.book.build",
            str(project_root),
            "en",
            str(work_dir),
            "--builder",
            "gettext",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError("the book's gettext build failed:\n" + result.stdout + result.stderr)
    out = templates_dir(locales_dir)
    written = []
    for pot in sorted(work_dir.glob("*.pot")):
        if pot.stem == "sphinx":
            continue  # Sphinx's own template strings: our theme catalog (above) covers them
        if pot.stem in (*CODE_DOMAINS, *THEME_MESSAGES):
            raise RuntimeError(f"a book page is named '{pot.stem}', which clashes with a catalog")
        catalog = _read(pot)
        catalog.fuzzy = False
        target = out / pot.name
        _write(catalog, target, template=True)
        written.append(target)
    return written


# -- update -------------------------------------------------------------------------------------


def update_catalogs(
    locales_dir: Path, languages: dict[str, Language], codes: Iterable[str] | None = None
) -> list[Path]:
    """Create or update every language's .po files from the templates."""
    written = []
    templates = sorted(templates_dir(locales_dir).glob("*.pot"))
    for code in codes or [c for c in languages if c != SOURCE]:
        language = languages[code]
        for template_path in templates:
            domain = template_path.stem
            template = _read(template_path)
            path = po_path(locales_dir, code, domain)
            catalog = _read(path) if path.is_file() else _new_catalog(domain, code)
            catalog.update(template, update_header_comment=False, update_creation_date=False)
            catalog.fuzzy = False
            if "id" in language.fallback:
                _add_indonesian_comments(catalog, locales_dir, domain)
            _write(catalog, path)
            written.append(path)
    return written


def _add_indonesian_comments(catalog: Catalog, locales_dir: Path, domain: str) -> None:
    """Regional translators usually work from Indonesian: show it beside each message."""
    source = po_path(locales_dir, "id", domain)
    indonesian = _read(source) if source.is_file() else None
    for message in catalog:
        if not message.id:
            continue
        # The Indonesian text comes last and may be wrapped over several comment lines, which
        # are read back as separate comments: drop it together with its continuation lines.
        comments = list(message.user_comments)
        tagged = [i for i, c in enumerate(comments) if c.startswith(INDONESIAN_TAG)]
        message.user_comments = comments[: tagged[0]] if tagged else comments
        found = indonesian.get(message.id, message.context) if indonesian else None
        if found is not None and found.string and not found.fuzzy:
            message.user_comments.append(INDONESIAN_TAG + " ".join(str(found.string).split()))


# -- reading with the fallback chain ------------------------------------------------------------

_cache: dict[tuple[str, int], Catalog] = {}


def read_catalog(path: Path) -> Catalog | None:
    """A .po file, cached by modification time (payloads are compiled many times per build)."""
    if not path.is_file():
        return None
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _cache:
        _cache[key] = _read(path)
    return _cache[key]


def lookup_chain(locales_dir: Path, language: Language, domains: Iterable[str]):
    """A ``translate(context, message)`` that tries each language of the chain, then English."""
    catalogs = [
        catalog
        for code in language.chain
        if code != SOURCE
        for domain in domains
        if (catalog := read_catalog(po_path(locales_dir, code, domain))) is not None
    ]

    def translate(context: str, message: str) -> str:
        for catalog in catalogs:
            found = catalog.get(message, context or None)
            if found is not None and found.string and not found.fuzzy:
                return str(found.string)
        return message

    return translate


# -- compile (book) -----------------------------------------------------------------------------


def builtin_theme_catalogs(lang: str, domain: str) -> list[gettext.GNUTranslations]:
    """The catalogs Sphinx ships for ``lang`` in ``domain`` (the theme uses Sphinx's words)."""
    import sphinx

    candidate = Path(sphinx.__file__).parent / "locale" / lang / "LC_MESSAGES" / f"{domain}.mo"
    if not candidate.is_file():
        return []
    with candidate.open("rb") as handle:
        return [gettext.GNUTranslations(handle)]


def compile_book_catalogs(locales_dir: Path, language: Language, out_dir: Path) -> Path:
    """Write merged .mo files for one language: its own messages, then each fallback's.

    Sphinx reads one catalog per language; merging the chain here is what makes a Sasak page
    show Indonesian (not English) where Sasak has no translation yet, theme strings included.
    """
    target = out_dir / language.code / "LC_MESSAGES"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    domains = sorted({p.stem for p in templates_dir(locales_dir).glob("*.pot")} - set(CODE_DOMAINS))
    for domain in domains:
        merged = _new_catalog(domain, language.code)
        for code in language.chain:
            if code == SOURCE:
                break
            catalog = read_catalog(po_path(locales_dir, code, domain))
            for message in catalog or []:
                if (
                    message.id
                    and message.string
                    and not message.fuzzy
                    and merged.get(message.id, message.context) is None
                ):
                    merged.add(message.id, message.string, context=message.context)
            if domain in THEME_MESSAGES:
                for builtin in builtin_theme_catalogs(code, domain):
                    for msgid, msgstr in builtin._catalog.items():  # type: ignore[attr-defined]
                        if (
                            isinstance(msgid, str)
                            and msgid
                            and msgstr
                            and merged.get(msgid) is None
                        ):
                            merged.add(msgid, msgstr)
        with (target / f"{domain}.mo").open("wb") as handle:
            write_mo(handle, merged)
        if domain == "sphinx":
            (target / "sphinx.js").write_text(_search_translations_js(merged, language.code))
    return out_dir


def _search_translations_js(catalog: Catalog, code: str) -> str:
    """The search page's strings for Sphinx's ``_static/translations.js`` (Sphinx copies a
    ``sphinx.js`` it finds in ``locale_dirs``). Javanese, Sundanese and Sasak have none upstream,
    and Sphinx's own files call ``Documentation.addTranslations``, whose plural function is built
    with ``new Function``: the pages' Content-Security-Policy rightly forbids that. This file
    only adds the messages (the default plural rule stays)."""
    messages = {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }
    body = json.dumps(messages, ensure_ascii=False, sort_keys=True, indent=1)
    return (
        "// Written by waspada from the merged 'sphinx' catalog; see catalogs.py.\n"
        f"Object.assign(Documentation.TRANSLATIONS, {body});\n"
        f"Documentation.LOCALE = {json.dumps(code)};\n"
    )


# -- status and check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    lang: str
    domain: str
    translated: int
    fuzzy: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def coverage(locales_dir: Path, languages: dict[str, Language]) -> list[Coverage]:
    rows = []
    templates = sorted(templates_dir(locales_dir).glob("*.pot"))
    for code in languages:
        if code == SOURCE:
            continue
        for template_path in templates:
            template = _read(template_path)
            total = sum(1 for m in template if m.id)
            catalog = read_catalog(po_path(locales_dir, code, template_path.stem))
            translated = fuzzy = 0
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context) if catalog else None
                if found is not None and found.string:
                    if found.fuzzy:
                        fuzzy += 1
                    else:
                        translated += 1
            rows.append(Coverage(code, template_path.stem, translated, fuzzy, total))
    return rows


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_MARKUP = re.compile(r"\{[a-z:-]+\}`|\]\([^)\s]+\)|`[^`]+`|\*\*|(?<!\*)\*(?!\*)")


def _markup(text: str) -> list[str]:
    """Markup a translation must keep: roles, link targets, code, emphasis markers."""
    found = _MARKUP.findall(text)
    # Link texts and code may be translated; the targets and the number of markers may not.
    return sorted(m if m.startswith(("](", "{")) else m[0] for m in found)


def check_catalogs(locales_dir: Path, languages: dict[str, Language], root: Path) -> list[Problem]:
    """Broken catalogs: syntax, fuzzy headers, and placeholders or markup unlike the source's."""
    problems: list[Problem] = []
    for code in languages:
        if code == SOURCE:
            continue
        folder = locales_dir / code / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            shown = path.relative_to(root).as_posix()
            syntax = _msgfmt_problems(path, shown)
            if syntax:
                problems += syntax
                continue
            try:
                catalog = _read(path)
            except PoFileError as exc:
                line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 0
                problems.append(
                    Problem(
                        Location(shown, line, 1),
                        f"the catalog cannot be read ({exc}); fix the quoting "
                        "or open it in Poedit, which shows the broken entry",
                    )
                )
                continue
            if catalog.fuzzy:
                problems.append(
                    Problem(
                        Location(shown, 1, 1),
                        "the catalog header is marked "
                        "fuzzy, so gettext would skip the whole file; remove "
                        "'#, fuzzy' above the first msgid",
                    )
                )
            text = path.read_text(encoding="utf-8")
            for message in catalog:
                if not message.id or not message.string or message.fuzzy:
                    continue
                line = _line_of(text, message)
                source, target = str(message.id), str(message.string)
                wanted, got = set(_PLACEHOLDER.findall(source)), set(_PLACEHOLDER.findall(target))
                if wanted != got:
                    problems.append(
                        Problem(
                            Location(shown, line, 1),
                            f"the translation's placeholders {sorted(got)} differ from the "
                            f"source's {sorted(wanted)}; "
                            "keep every {name} exactly as in the English",
                        )
                    )
                if _markup(source) != _markup(target):
                    problems.append(
                        Problem(
                            Location(shown, line, 1),
                            "the translation's markup differs from the source (links, roles, "
                            "`code` or * emphasis); keep each link target and marker as in the "
                            "English",
                            Severity.ERROR,
                        )
                    )
    return problems


def _msgfmt_problems(path: Path, shown: str) -> list[Problem]:
    """GNU msgfmt's verdict on syntax and headers, where it is installed (Babel's reader is
    lenient and accepts, for example, an unterminated string)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    # Placeholders and markup are checked below with messages of our own.
    result = subprocess.run(
        [msgfmt, "--check-header", "--check-domain", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    problems = []
    for line in result.stderr.splitlines():
        match = re.match(rf"{re.escape(str(path))}:(\d+):(?:(\d+):)?\s*(.*)", line)
        if (
            match
            and not match.group(3).startswith(("warning:", "found "))
            and "fatal error" not in match.group(3)
        ):
            problems.append(
                Problem(
                    Location(shown, int(match.group(1)), int(match.group(2) or 1)),
                    f"the catalog cannot be read (msgfmt: {match.group(3)}); fix this entry or "
                    "open the file in Poedit, which shows it",
                )
            )
    return problems or [Problem(Location(shown), f"msgfmt rejects the catalog: {result.stderr}")]


def _line_of(text: str, message) -> int:
    needle = 'msgid "' + str(message.id).split("\n")[0][:40].replace('"', '\\"')
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


# -- add ----------------------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")


def add_language(
    locales_dir: Path, code: str, *, english: str, native: str, fallback: list[str], cldr: str
) -> list[Path]:
    """Declare a language in languages.yml (status draft) and create its catalogs."""
    if not _CODE.match(code):
        raise ValueError(f"'{code}' is not a language code; use ISO 639 letters such as sas")
    languages = load_languages(locales_dir)
    if code in languages:
        raise ValueError(f"'{code}' is already a course language (see locales/languages.yml)")
    unknown = [c for c in fallback if c not in languages]
    if unknown:
        raise ValueError(f"fallback language {', '.join(unknown)} is not a course language")
    path = locales_dir / "languages.yml"
    text = path.read_text(encoding="utf-8") if path.is_file() else "languages:\n"
    chain = ", ".join([*fallback, "en"])
    text = text.rstrip("\n") + (
        f"\n  {code}:\n    english: {english}\n    native: {native}\n"
        f"    fallback: [{chain}]\n    cldr: {cldr}\n    status: draft\n"
    )
    path.write_text(text, encoding="utf-8")
    return update_catalogs(locales_dir, load_languages(locales_dir), [code])
