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
import io
import json
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from .. import __version__
from ..project import ProjectError
from ..scenario.model import AUDIENCES, MODUS_NAMES
from ..scenario.problems import Location, Problem, Severity, shown_path
from ..textsafety import bidi_controls, bidi_message
from .extract import extract_district, extract_help, extract_profiles, extract_scenario
from .languages import ENGLISH as ENGLISH
from .languages import SOURCE, Language, in_cldr, is_code, read_languages
from .safety import compare, usable
from .ui import (
    APP_MESSAGES,
    AUDIENCE_NAMES,
    CLI_CONTEXT,
    CLI_MESSAGES,
    CONTACT_CONTEXT,
    THEME_MESSAGES,
    UI_CONTEXT,
    UI_MESSAGES,
)

CODE_DOMAINS = ("scenarios", "ui")
INDONESIAN_TAG = "Indonesian: "
# The largest catalog of the course is under 1 MB; one eight times larger is no translation,
# and reading it whole could exhaust a small machine's memory.
MAX_CATALOG_BYTES = 8 << 20


class CatalogError(ValueError):
    """A catalog that cannot be used at all; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load_languages(locales_dir: Path) -> dict[str, Language]:
    """The course languages, English first: only those languages.yml declares without a
    problem (``waspada check`` lists the problems), so every code is safe as a folder name."""
    return read_languages(locales_dir)[0]


def templates_dir(locales_dir: Path) -> Path:
    return locales_dir / "templates"


def po_path(locales_dir: Path, lang: str, domain: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / f"{domain}.po"


def _new_catalog(domain: str, lang: str | None = None) -> Catalog:
    catalog = Catalog(
        locale=lang if lang and in_cldr(lang) else None,
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


def read_translations(path: Path, shown: str | None = None, *, parse: bool = True) -> Catalog:
    """A translator's .po file, read as untrusted input: a regular file inside its folder, of
    a sane size, UTF-8 throughout. Raises :class:`CatalogError` naming what is wrong."""
    name = shown or str(path)
    try:
        info = path.lstat()
    except OSError as exc:
        raise CatalogError(
            Problem(Location(name), f"cannot read the catalog: {exc.strerror}")
        ) from exc
    if path.is_symlink():
        raise CatalogError(
            Problem(
                Location(name),
                "the catalog is a symbolic link; put the .po file itself here",
            )
        )
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise CatalogError(
            Problem(Location(name), f"the catalog is {kind}; put a .po file here or remove it")
        )
    if info.st_size > MAX_CATALOG_BYTES:
        raise CatalogError(
            Problem(
                Location(name),
                f"the catalog is {info.st_size:,} bytes, more than the limit of "
                f"{MAX_CATALOG_BYTES:,}; a translation is never this large: restore the file "
                "from the repository or from Weblate",
            )
        )
    if not parse:
        return Catalog()
    return _parse_translations(path.read_bytes(), name)


def _admitted(path: Path, shown: str) -> bytes:
    """The bytes of a catalog that passes :func:`read_translations`' file checks."""
    read_translations(path, shown, parse=False)
    data = path.read_bytes()
    _utf8(data, shown)
    return data


def _utf8(data: bytes, name: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogError(
            Problem(
                Location(name, line, column),
                "the catalog is not UTF-8; save it as UTF-8 (Poedit: Catalog > Properties)",
            )
        ) from exc


def _parse_translations(data: bytes, name: str) -> Catalog:
    _utf8(data, name)
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        # Babel counts lines from 0 ("... on 17").
        line = int(m.group(1)) + 1 if (m := re.search(r" on (\d+)$", str(exc))) else 0
        raise CatalogError(
            Problem(
                Location(name, line, 1),
                f"the catalog cannot be read ({exc}); fix the quoting or open it in Poedit, "
                "which shows the broken entry",
            )
        ) from exc
    except (ValueError, LookupError, RecursionError) as exc:
        raise CatalogError(
            Problem(Location(name, 1, 1), f"the catalog cannot be read ({exc}); fix its header")
        ) from exc
    return catalog


# -- extract ------------------------------------------------------------------------------------


def extract_code_templates(
    project_root: Path,
    scenario_files: Iterable[Path],
    help_file: Path,
    locales_dir: Path,
    district_files: Iterable[Path] = (),
) -> list[Path]:
    """Write scenarios.pot and ui.pot (the interface, help.yml, profiles.yml, districts/)."""
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
    labels: dict[str, None] = {}
    for source, extractor in (
        (help_file, extract_help),
        (project_root / "profiles.yml", extract_profiles),
        *((path, extract_district) for path in district_files),
    ):
        if source.is_file():
            rel = source.relative_to(project_root).as_posix()
            options = {"district": source.stem}
            with source.open("rb") as handle:
                for lineno, _, (context, message), comments in extractor(handle, (), (), options):
                    ui.add(
                        message, locations=[(rel, lineno)], auto_comments=comments, context=context
                    )
                    if source == help_file and "label before" in comments[0]:
                        labels[message] = None
    # help.yml's labels once more, in one shared context: a district's entry whose label has no
    # translation of its own borrows this one (see compile.contact_label).
    for label in labels:
        ui.add(label, context=CONTACT_CONTEXT, auto_comments=["label before a phone number"])
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
            # A translator's file: read as untrusted (CatalogError says what is wrong with it).
            if path.exists() or path.is_symlink():
                try:
                    catalog = read_translations(path)
                except CatalogError as exc:  # reported as one line by the command
                    problem = exc.problem
                    raise ProjectError(
                        f"{problem.location}: {problem.message}; nothing was updated from here on"
                    ) from exc
            else:
                catalog = _new_catalog(domain, code)
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
    indonesian = read_catalog(source)
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
    """A .po file, cached by modification time (payloads are compiled many times per build).

    None where there is none, or where it cannot be used (``waspada check`` says why): its
    messages then come from the next language of the chain.
    """
    try:
        info = path.lstat()
    except OSError:
        return None
    key = (str(path), info.st_mtime_ns)
    if key not in _cache:
        try:
            _cache[key] = read_translations(path)
        except CatalogError:
            return None
    return _cache[key]


def _translation(catalog: Catalog, message: str, context: str | None) -> str | None:
    """The catalog's translation of ``message``, if it has a usable one."""
    found = catalog.get(message, context)
    if found is None or not found.string or found.fuzzy or not isinstance(found.string, str):
        return None
    text = str(found.string)
    # A translation that adds markup, a link or a placeholder of its own is not used.
    return text if usable(message, text) else None


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
            found = _translation(catalog, message, context or None)
            if found is not None:
                return found
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
    A chapter is merged from the first language of the chain that translates all of it, so it
    is shown whole in one language, never mixed paragraph by paragraph (see ``screen.py``).
    """
    from .screen import chain_from, chapter_language

    if not is_code(language.code):  # the code names a folder: never one from outside
        raise ValueError(f"'{language.code}' is not a language code")
    target = out_dir / language.code / "LC_MESSAGES"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    domains = sorted({p.stem for p in templates_dir(locales_dir).glob("*.pot")} - set(CODE_DOMAINS))
    for domain in domains:
        merged = _new_catalog(domain, language.code)
        chain = language.chain
        if domain not in THEME_MESSAGES:  # a chapter: whole, in one language
            chain = chain_from(language, chapter_language(locales_dir, language, domain))
        for code in chain:
            if code == SOURCE:
                break
            catalog = read_catalog(po_path(locales_dir, code, domain))
            for message in catalog or []:
                if (
                    message.id
                    and isinstance(message.id, str)
                    and merged.get(message.id, message.context) is None
                    and _translation(catalog, message.id, message.context) is not None
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


# A plural rule is arithmetic on n: anything else in the header is not one.
_PLURAL_FORMS = re.compile(
    r"\s*nplurals\s*=\s*[1-6]\s*;\s*plural\s*=\s*[n0-9\s()?:<>=!&|%+*/-]+;?\s*"
)


def check_catalogs(
    locales_dir: Path,
    languages: dict[str, Language],
    root: Path,
    codes: Iterable[str] | None = None,
) -> list[Problem]:
    """languages.yml, then each language's catalogs (only ``codes``' if given): syntax,
    headers, and translations that add markup, links or placeholders their English lacks."""
    _, problems = read_languages(locales_dir, shown_path(locales_dir / "languages.yml", root))
    wanted = set(languages if codes is None else codes)
    if codes is None and locales_dir.is_dir():
        for folder in sorted(locales_dir.glob("*/LC_MESSAGES")):
            code = folder.parent.name
            if code not in languages:
                problems.append(
                    Problem(
                        Location(shown_path(folder, root)),
                        f"these catalogs are neither checked nor used: languages.yml does not "
                        f"declare {code!r}, or declares it with an error; declare it or remove "
                        "the folder",
                        Severity.WARNING,
                    )
                )
    for code in languages:
        if code == SOURCE or code not in wanted:
            continue
        folder = locales_dir / code / "LC_MESSAGES"
        for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            problems += check_catalog(path, shown_path(path, root))
    return problems


_checked: dict[tuple[str, str, int, int, int, int], list[Problem]] = {}


def check_catalog(path: Path, shown: str) -> list[Problem]:
    """Every problem of one translator's .po file, each at the line of its msgstr.

    Remembered for a regular file while its inode, size and times stay the same, so a process
    that checks again and again (`waspada preview`) runs msgfmt only on the catalogs edited."""
    try:
        info = path.lstat()
    except OSError:
        return _check_catalog(path, shown)
    if not stat.S_ISREG(info.st_mode):
        return _check_catalog(path, shown)
    key = (str(path), shown, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key not in _checked:
        if len(_checked) > 4096:  # edited catalogs leave old entries behind: start again
            _checked.clear()
        _checked[key] = _check_catalog(path, shown)
    return list(_checked[key])


def _check_catalog(path: Path, shown: str) -> list[Problem]:
    try:
        data = _admitted(path, shown)
        # Only now, with a regular file of sane size: msgfmt would wait forever on a FIFO.
        syntax = _msgfmt_problems(path, shown) or _line_problems(data.decode("utf-8"), shown)
        if syntax:
            return syntax
        catalog = _parse_translations(data, shown)
    except CatalogError as exc:
        return [exc.problem]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    problems: list[Problem] = []
    header = _header_problems(catalog, lines, shown)
    problems += header
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        plural = isinstance(message.id, (tuple, list))
        strings = list(message.string) if plural else [message.string]
        if not any(strings):
            continue
        line = _msgstr_line(lines, message.lineno or 0)
        where = Location(shown, line, 1)
        if plural and len(strings) != catalog.num_plurals:
            problems.append(
                Problem(
                    where,
                    f"the message has {len(strings)} plural forms but the header's Plural-Forms "
                    f"says {catalog.num_plurals}; give one msgstr[n] for each",
                )
            )
        source = str(message.id[-1] if plural else message.id)
        for string in strings:
            for finding in compare(source, str(string or "")) if string else ():
                severity = Severity.ERROR if finding.error else Severity.WARNING
                problems.append(Problem(where, finding.message, severity))
        problems += _bidi_problems(lines, line, shown)
    return problems


def _header_problems(catalog: Catalog, lines: list[str], shown: str) -> list[Problem]:
    def line_of(needle: str) -> int:
        return next((i + 1 for i, line in enumerate(lines) if needle in line), 1)

    problems = []
    if catalog.fuzzy:
        problems.append(
            Problem(
                Location(shown, line_of("#, fuzzy"), 1),
                "the catalog header is marked fuzzy, so gettext would skip the whole file; "
                "remove '#, fuzzy' above the first msgid",
            )
        )
    if str(catalog.charset).lower().replace("_", "-") not in ("utf-8", "utf8"):
        problems.append(
            Problem(
                Location(shown, line_of("Content-Type:"), 1),
                f"the catalog declares charset={catalog.charset}; course catalogs are UTF-8: "
                "write 'Content-Type: text/plain; charset=UTF-8' and save the file as UTF-8",
            )
        )
    forms = next((ln for ln in lines if ln.startswith('"Plural-Forms:')), None)
    if forms is not None:
        value = forms.removeprefix('"Plural-Forms:').removesuffix('"').removesuffix("\\n")
        if not _PLURAL_FORMS.fullmatch(value):
            problems.append(
                Problem(
                    Location(shown, line_of('"Plural-Forms:'), 1),
                    "the Plural-Forms header is not a plural rule (only 'nplurals=N; "
                    "plural=EXPR;' with n, numbers and operators); copy the rule for your "
                    "language from the gettext manual",
                )
            )
    return problems


def _msgstr_line(lines: list[str], msgid_line: int) -> int:
    """The line of the msgstr that follows the msgid on ``msgid_line`` (both from 1)."""
    for index in range(max(msgid_line - 1, 0), len(lines)):
        if lines[index].startswith("msgstr"):
            return index + 1
    return msgid_line


def _bidi_problems(lines: list[str], msgstr_line: int, shown: str) -> list[Problem]:
    """Bidi controls in the msgstr starting on ``msgstr_line``, at their line and column."""
    out = []
    index = msgstr_line - 1
    while 0 <= index < len(lines) and (
        index == msgstr_line - 1 or lines[index].startswith(('"', "msgstr["))
    ):
        for _, column, char in bidi_controls(lines[index]):
            out.append(
                Problem(Location(shown, index + 1, column), bidi_message(char), Severity.WARNING)
            )
        index += 1
    return out


# The lines a .po file is made of (obsolete "#~" entries and comments start with "#").
_PO_LINE = re.compile(
    r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|'
    r'"(?:[^"\\]|\\.)*")?\s*'
)


def _line_problems(text: str, shown: str) -> list[Problem]:
    """Lines that are no part of a .po file (an unterminated string, a stray word), for where
    msgfmt is not installed: Babel's reader would quietly accept them."""
    for number, line in enumerate(text.splitlines(), 1):
        if not _PO_LINE.fullmatch(line):
            return [
                Problem(
                    Location(shown, number, 1),
                    "the catalog cannot be read (this line is not a quoted string, a keyword "
                    "with one, or a comment); fix this entry or open the file in Poedit, which "
                    "shows it",
                )
            ]
    return []


def _msgfmt_problems(path: Path, shown: str) -> list[Problem]:
    """GNU msgfmt's verdict on syntax and headers, where it is installed (Babel's reader is
    lenient and accepts, for example, an unterminated string)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    # Placeholders and markup are checked below with messages of our own.
    try:
        result = subprocess.run(
            [msgfmt, "--check-header", "--check-domain", "-o", "/dev/null", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return [Problem(Location(shown), "msgfmt did not finish reading the catalog in 60 s")]
    if result.returncode == 0:
        return []
    problems: list[Problem] = []
    for line in result.stderr.splitlines():
        match = re.match(rf"{re.escape(str(path))}:(\d+):(?:(\d+):)?\s*(.*)", line)
        if (
            not match
            or match.group(3).startswith(("warning:", "found "))
            or "fatal error" in match.group(3)
        ):
            continue
        what = match.group(3).removesuffix("...")
        if what.startswith("...this is the location of the first definition") and problems:
            # msgfmt's second line about a duplicate: say it in the first one.
            last = problems.pop()
            problems.append(
                Problem(
                    last.location,
                    last.message.replace(
                        "); fix", f", first defined on line {match.group(1)}); fix", 1
                    ),
                )
            )
            continue
        if what.startswith("...") and problems:  # the rest of msgfmt's previous sentence
            last = problems.pop()
            rest = what.lstrip(".")
            problems.append(
                Problem(last.location, last.message.replace("); fix", f", {rest}); fix", 1))
            )
            continue
        problems.append(
            Problem(
                Location(shown, int(match.group(1)), int(match.group(2) or 1)),
                f"the catalog cannot be read (msgfmt: {what}); fix this entry or "
                "open the file in Poedit, which shows it",
            )
        )
    return problems or [Problem(Location(shown), f"msgfmt rejects the catalog: {result.stderr}")]


# -- add ----------------------------------------------------------------------------------------


def add_language(
    locales_dir: Path, code: str, *, english: str, native: str, fallback: list[str], cldr: str
) -> list[Path]:
    """Declare a language in languages.yml (status draft) and create its catalogs."""
    if not is_code(code):
        raise ValueError(f"'{code}' is not a language code; use ISO 639 letters such as sas")
    if not in_cldr(cldr):
        raise ValueError(
            f"--cldr {cldr} is not a locale Babel knows; name the nearest one it does (Sasak "
            "uses id)"
        )
    languages = load_languages(locales_dir)
    if code in languages:
        raise ValueError(f"'{code}' is already a course language (see locales/languages.yml)")
    unknown = [c for c in fallback if c not in languages]
    if unknown:
        raise ValueError(f"fallback language {', '.join(unknown)} is not a course language")
    path = locales_dir / "languages.yml"
    text = path.read_text(encoding="utf-8") if path.is_file() else "languages:\n"
    chain = ", ".join([*fallback, "en"])
    # Names are quoted (JSON strings are YAML): a name can hold no key or line of its own.
    text = text.rstrip("\n") + (
        f"\n  {code}:\n    english: {json.dumps(english, ensure_ascii=False)}\n"
        f"    native: {json.dumps(native, ensure_ascii=False)}\n"
        f"    fallback: [{chain}]\n    cldr: {cldr}\n    status: draft\n"
    )
    path.write_text(text, encoding="utf-8")
    return update_catalogs(locales_dir, load_languages(locales_dir), [code])
