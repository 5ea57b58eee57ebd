"""``locales/languages.yml``: the course languages, read as untrusted input.

A language code becomes a folder name (``locales/<code>/``, ``_build/html/<profile>/<code>/``),
so only codes that match :data:`CODE` ever leave this module: an entry such as ``/tmp/victim:``
is reported with its line and column and dropped, never built. Every other problem (types,
unknown keys, fallbacks that name no language or go round in a circle, review status, a CLDR
locale Babel does not know) is reported the same way, and a language with a problem is left out
of the course until it is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node

from ..scenario._yaml import Reader, read_entries
from ..scenario.problems import Location, Problem, suggest

SOURCE = "en"
FILE_NAME = "languages.yml"
# ISO 639 letters in lower case, with an optional gettext region (pt_BR): what gettext, Sphinx
# and Weblate name catalog folders by, and nothing that can climb out of a folder.
CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
STATUSES = ("reviewed", "draft")
KEYS = ("english", "native", "fallback", "cldr", "status", "register")
REQUIRED = ("english", "native", "cldr", "status")
# Whom a text addresses, each with its own register: adult participants and health workers;
# school material read by teenagers; speech inside a story (who speaks to whom).
ADDRESSEES = ("adult", "pupil", "dialogue")


@dataclass(frozen=True)
class Language:
    code: str
    english: str
    native: str
    fallback: tuple[str, ...]
    cldr: str
    status: str
    # The register translators follow, per addressee (see ADDRESSEES); a single text in
    # languages.yml applies to every addressee. Empty when languages.yml states none.
    register: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def chain(self) -> tuple[str, ...]:
        """This language, then its fallbacks, ending with the source language."""
        out = [self.code, *self.fallback]
        return tuple(out if out[-1] == SOURCE else [*out, SOURCE])

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"

    def register_for(self, addressee: str) -> str:
        """The register for ``addressee`` (one of :data:`ADDRESSEES`), or "" if none is stated."""
        return self.register.get(addressee, "")


ENGLISH = Language("en", "English", "English", (), "en", "reviewed")


def is_code(code: str) -> bool:
    """A language code that is safe to use as a folder name."""
    return isinstance(code, str) and CODE.fullmatch(code) is not None


def in_cldr(code: str) -> bool:
    """Babel (CLDR) has locale data for ``code``."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


_cache: dict[tuple[str, int, int], tuple[dict[str, Language], list[Problem]]] = {}


def read_languages(
    locales_dir: Path, display: str | None = None
) -> tuple[dict[str, Language], list[Problem]]:
    """The usable languages (English first) and every problem of ``languages.yml``.

    The file is read like every course file (a regular UTF-8 file of sane size, no YAML tags
    or aliases; bidi controls are warned about), then each entry is checked.

    ``display`` is how problems name the file (default ``locales/languages.yml``).
    """
    path = locales_dir / FILE_NAME
    shown = display or f"{locales_dir.name}/{FILE_NAME}"
    try:
        info = path.stat()
    except OSError:
        if _has_catalogs(locales_dir):
            return {SOURCE: ENGLISH}, [
                Problem(
                    Location(shown, 1, 1),
                    f"there is no {FILE_NAME} beside the catalogs; declare the course's "
                    "languages in it (waspada i18n add writes it)",
                )
            ]
        return {SOURCE: ENGLISH}, []  # an English-only course
    key = (str(path), info.st_mtime_ns, info.st_size)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _parse(path, shown)
    languages, problems = _cache[key]
    return dict(languages), list(problems)


def _has_catalogs(locales_dir: Path) -> bool:
    return any(locales_dir.glob("*/LC_MESSAGES")) if locales_dir.is_dir() else False


def _parse(path: Path, shown: str) -> tuple[dict[str, Language], list[Problem]]:
    r, entries = read_entries(path, shown, FILE_NAME, "languages")
    if not r.problems and not entries:
        r.problems.append(
            Problem(
                Location(shown, 1, 1),
                "no language is declared; add one under 'languages:' (waspada i18n add does)",
            )
        )
    declared: dict[str, Language] = {}
    broken: set[str] = set()
    fallback_nodes: dict[str, list[tuple[str, object]]] = {}
    for code, (key_node, value_node) in entries.items():
        if not is_code(code):
            r.error(
                key_node,
                f"'{code}' is not a language code; use ISO 639 letters in lower case such as "
                "'jv' or 'sas' (with a region: 'pt_BR'): the code names the catalog folder",
            )
            continue
        start = len(r.problems)
        language = _entry(r, code, value_node, fallback_nodes)
        if language is None or len(r.problems) > start:
            broken.add(code)
        if language is not None:
            declared[code] = language
    _check_fallbacks(r, declared, fallback_nodes, broken)
    # A language with a problem of its own, or whose chain passes one, is left out.
    bad = set(broken)
    while True:  # until no language falls back on one that is left out
        more = {code for code in declared if _fallback_problem(declared, code, bad)} - bad
        if not more:
            break
        bad |= more
    usable = {SOURCE: ENGLISH if SOURCE in bad else declared.get(SOURCE, ENGLISH)}
    for code, language in declared.items():
        if code not in bad and code != SOURCE:
            usable[code] = language
    return usable, r.problems


def _entry(
    r: Reader, code: str, node: object, fallback_nodes: dict[str, list[tuple[str, object]]]
) -> Language | None:
    what = f"language '{code}'"
    spec = r.mapping(node, what, allowed=KEYS, required=REQUIRED)  # type: ignore[arg-type]
    if spec is None or not all(k in spec for k in REQUIRED):
        return None
    english = r.text(spec["english"][1], f"the English name of {what}")
    native = r.text(spec["native"][1], f"the native name of {what}")
    register = _register(r, spec["register"][1], what) if "register" in spec else {}
    cldr = r.text(spec["cldr"][1], f"the cldr locale of {what}")
    if cldr is not None and not (is_code(cldr) and in_cldr(cldr)):
        r.error(
            spec["cldr"][1],
            f"the cldr locale '{cldr}' of {what} is not one Babel knows; name the nearest locale "
            "it does for dates and numbers (Sasak uses 'id')",
        )
        cldr = None
    status = r.text(spec["status"][1], f"the status of {what}")
    if status is not None and status not in STATUSES:
        r.error(
            spec["status"][1],
            f"the status of {what} is '{status}'{suggest(status, STATUSES)}; "
            f"use one of: {', '.join(STATUSES)}",
        )
        status = None
    fallback: list[str] = []
    if "fallback" in spec:
        nodes = r.sequence(spec["fallback"][1], f"the fallback of {what}", allow_scalar=True)
        items = []
        for item in nodes or []:
            value = r.text(item, f"a fallback of {what}")
            if value is None:
                continue
            if value in fallback:
                r.error(item, f"'{value}' is named twice in the fallback of {what}; remove one")
                continue
            fallback.append(value)
            items.append((value, item))
        fallback_nodes[code] = items
    if None in (english, native, cldr, status, register):
        return None
    return Language(
        code=code,
        english=english or code,
        native=native or code,
        fallback=tuple(fallback),
        cldr=cldr or SOURCE,
        status=status or "draft",
        register=register or {},
    )


def _register(r: Reader, node: Node, what: str) -> dict[str, str] | None:
    """``register:`` as one text for every addressee, or a mapping with one text per addressee
    (exactly the keys of :data:`ADDRESSEES`)."""
    if not isinstance(node, MappingNode):
        text = r.text(node, f"the register of {what}")
        return None if text is None else dict.fromkeys(ADDRESSEES, text)
    start = len(r.problems)
    spec = r.mapping(node, f"the register of {what}", allowed=ADDRESSEES, required=ADDRESSEES)
    out: dict[str, str] = {}
    for key, (_, value) in (spec or {}).items():
        text = r.text(value, f"the register of {what} for '{key}'")
        if text is not None:
            out[key] = text
    return None if len(r.problems) > start else out


def _check_fallbacks(
    r: Reader,
    declared: dict[str, Language],
    fallback_nodes: dict[str, list[tuple[str, object]]],
    broken: set[str],
) -> None:
    """Fallbacks that name no language, the language itself, English too early, or a language
    that falls back to this one in turn. (One whose own entry has an error is reported there.)"""
    for code, items in fallback_nodes.items():
        what = f"language '{code}'"
        for index, (value, node) in enumerate(items):
            if code == SOURCE:
                r.error(node, "English is the source language; its fallback must be []")  # type: ignore[arg-type]
            elif value == code:
                r.error(node, f"{what} names itself as its fallback; remove '{value}'")  # type: ignore[arg-type]
            elif value in broken:
                continue
            elif value != SOURCE and value not in declared:
                r.error(
                    node,  # type: ignore[arg-type]
                    f"the fallback '{value}' of {what} is not a course language"
                    f"{suggest(value, list(declared))}; declare it or remove it",
                )
            elif value == SOURCE and index != len(items) - 1:
                r.error(
                    node,  # type: ignore[arg-type]
                    f"English comes last in the fallback of {what}; move 'en' to the end",
                )
            elif value in declared and code in _reachable(declared, value):
                r.error(
                    node,  # type: ignore[arg-type]
                    f"the fallback '{value}' of {what} falls back to '{code}' in turn, a "
                    f"circle; remove '{value}' or '{code}' from one of the two",
                )


def _reachable(declared: dict[str, Language], code: str) -> set[str]:
    """Every language that ``code``'s fallbacks lead to, through their own fallbacks."""
    seen: set[str] = set()
    todo = [code]
    while todo:
        current = todo.pop()
        for nxt in declared[current].fallback if current in declared else ():
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _fallback_problem(declared: dict[str, Language], code: str, broken: set[str]) -> bool:
    language = declared[code]
    return any(
        (f != SOURCE and f not in declared) or f in broken or f == code for f in language.fallback
    ) or code in _reachable(declared, code)
