"""The course termbase (``locales/terms.csv``) and the checks of the catalogs against it.

One row per term: the English term and, for each course language, the term as the glossary
shows it, the other forms a translation may use (``<lang>_variants``) and the forms it must not
use (``<lang>_forbidden``), with an English definition. Several forms are separated by ``|``.
``en_match`` lists the English words that call for the term in a message ("-": none, the term
is in the glossary only; empty: the parts of ``en``); a form starting with "!" is a use of the
words that is not this term ("!confinement (kurungan)" for confinement as a punishment).

The check (``waspada check``) reads every translated message of every language:

- a msgid containing the English term needs the language's term, one of its parts ("TPPO" or
  "tindak pidana perdagangan orang" for "TPPO (*tindak pidana perdagangan orang*)") or an
  allowed variant in its msgstr: an error otherwise;
- a forbidden form in the msgstr of such a message is an error;
- one English text translated two different ways in one language (across contexts and
  catalogs) is a warning naming both places: a title on the practice page and in the player, a
  label and the heading it links to, a sentence repeated in a handout.

Matching is by whole words, case-insensitive (an all-capital acronym such as "PP" or "SAPA"
only in capitals), with markup, code, link targets and roles left out of both texts. An
enclitic (Indonesian "-nya", Javanese "-ipun/-e/-ne", Sundanese "-na", Sasak "-ne") may follow
any form: it attaches to any noun. Every other form (affixed, reduplicated, krama or lemes) is
written in the termbase, so that an accepted form is always one a reviewer has seen.

Everything here is pure over texts, except :func:`read_termbase` and :func:`check_project`.
"""

from __future__ import annotations

import csv
import io
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..scenario.problems import Location, Problem, Severity, shown_path

TERMBASE = "terms.csv"
SEPARATOR = "|"
NOT_CHECKED = "-"
# A termbase of some hundred terms is a few dozen kB; a much larger file is no termbase.
MAX_TERMBASE_BYTES = 2 << 20
MAX_TERMS = 5000
REQUIRED_COLUMNS = ("key", "section", "en", "en_match", "definition")
# Enclitics that attach to any noun: possessives and particles, not forms of the term.
CLITICS: Mapping[str, tuple[str, ...]] = {
    "id": ("nya", "lah", "kah", "pun", "ku", "mu"),
    "jv": ("ipun", "nipun", "e", "ne", "ing", "ku", "mu", "na"),
    "su": ("na", "ana", "ing"),
    "sas": ("ne", "m", "n", "de", "nde"),
}


class TermbaseError(ValueError):
    """A termbase that cannot be used at all; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Term:
    """One row of the termbase."""

    key: str
    section: str
    english: str
    definition: str
    line: int
    match: tuple[str, ...]
    # English uses of the words that are not this term, left out before matching.
    exclude: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The term as the glossary shows it in ``lang`` (markup included), or ""."""
        return self.names.get(lang, "")

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Every form a ``lang`` translation may use for the term: its parts and variants."""
        name = self.names.get(lang, "")
        return tuple(dict.fromkeys((*parts(name), *self.variants.get(lang, ()))))


@dataclass(frozen=True)
class Termbase:
    terms: tuple[Term, ...]
    languages: tuple[str, ...]

    def section(self, section: str) -> list[Term]:
        return [t for t in self.terms if t.section == section]

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(t.section for t in self.terms if t.section))


@dataclass(frozen=True)
class Message:
    """One translated message as the check sees it: where its msgstr is, and the texts."""

    lang: str
    file: str
    line: int
    context: str | None
    source: str
    translation: str


# -- reading ------------------------------------------------------------------------------------


# What a term may not contain: HTML, code, links, roles, placeholders.
_NOT_PLAIN = re.compile(r"[<>`\[\]{}]")


def _forms(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(SEPARATOR) if f.strip())


def parts(name: str) -> tuple[str, ...]:
    """The forms a glossary entry names: "TPPO (*tindak pidana perdagangan orang*)" gives
    "TPPO" and "tindak pidana perdagangan orang"; "perekrut, calo" gives both words."""
    plain = _MARKUP.sub("", name)
    pieces = re.split(r"[(),]", plain)
    return tuple(p.strip() for p in pieces if p.strip())


def parse_termbase(text: str, shown: str) -> tuple[Termbase, list[Problem]]:
    """The termbase in ``text`` (CSV with a header row); rows with a problem are left out."""
    problems: list[Problem] = []
    # Lines starting with "#" before the header are a note for the people who edit the file.
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    reader = csv.DictReader(io.StringIO("".join(lines[skipped:]), newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise TermbaseError(
            Problem(
                Location(shown, skipped + 1, 1),
                f"the termbase has no column {', '.join(missing)}; the header row needs "
                f"{', '.join(REQUIRED_COLUMNS)} and one column per language",
            )
        )
    languages = tuple(
        c for c in header if re.fullmatch(r"[a-z]{2,3}", c) and c not in ("key", "en")
    )
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, 2):
        line = skipped + (reader.line_num or number)
        if number > MAX_TERMS + 1:
            problems.append(
                Problem(
                    Location(shown, line, 1),
                    f"the termbase has more than {MAX_TERMS} terms; the rest are not read",
                )
            )
            break
        if None in row:  # more cells than the header has columns
            problems.append(
                Problem(
                    Location(shown, line, 1),
                    "this row has more cells than the header; quote a cell that holds a comma",
                )
            )
            continue
        key = (row.get("key") or "").strip()
        english = (row.get("en") or "").strip()
        if not key or not english:
            if any((v or "").strip() for v in row.values()):
                problems.append(
                    Problem(Location(shown, line, 1), "this term has no key or no English term")
                )
            continue
        if key in seen:
            problems.append(
                Problem(
                    Location(shown, line, 1),
                    f"the key '{key}' is already used on line {seen[key]}; give each term "
                    "its own key",
                )
            )
            continue
        seen[key] = line
        markup = [
            column
            for column in ("en", "en_match", *languages)
            for value in [row.get(column) or "", row.get(f"{column}_variants") or ""]
            if _NOT_PLAIN.search(value)
        ]
        if markup:
            problems.append(
                Problem(
                    Location(shown, line, 1),
                    f"the term '{key}' has markup in {', '.join(dict.fromkeys(markup))}; a term "
                    "is plain text (only *italic* is allowed)",
                )
            )
            continue
        match_text = (row.get("en_match") or "").strip()
        forms = () if match_text == NOT_CHECKED else _forms(match_text) or parts(english)
        match = tuple(f for f in forms if not f.startswith("!"))
        exclude = tuple(f[1:].strip() for f in forms if f.startswith("!") and f[1:].strip())
        terms.append(
            Term(
                key=key,
                section=(row.get("section") or "").strip(),
                english=english,
                definition=(row.get("definition") or "").strip(),
                line=line,
                match=match,
                exclude=exclude,
                names={lang: (row.get(lang) or "").strip() for lang in languages},
                variants={lang: _forms(row.get(f"{lang}_variants") or "") for lang in languages},
                forbidden={lang: _forms(row.get(f"{lang}_forbidden") or "") for lang in languages},
            )
        )
    return Termbase(tuple(terms), languages), problems


def read_termbase(path: Path, shown: str | None = None) -> tuple[Termbase, list[Problem]]:
    """``locales/terms.csv``, read as untrusted input: a regular file of sane size, UTF-8."""
    name = shown or str(path)
    try:
        info = path.lstat()
    except OSError as exc:
        raise TermbaseError(
            Problem(Location(name), f"cannot read the termbase: {exc.strerror}")
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise TermbaseError(
            Problem(Location(name), "the termbase is not a regular file; put terms.csv here")
        )
    if info.st_size > MAX_TERMBASE_BYTES:
        raise TermbaseError(
            Problem(
                Location(name),
                f"the termbase is {info.st_size:,} bytes, more than the limit of "
                f"{MAX_TERMBASE_BYTES:,}; restore it from the repository",
            )
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TermbaseError(
            Problem(Location(name, line, 1), "the termbase is not UTF-8; save it as UTF-8")
        ) from exc
    try:
        return parse_termbase(text, name)
    except csv.Error as exc:
        raise TermbaseError(
            Problem(Location(name), f"the termbase is not a CSV file ({exc}); fix the quoting")
        ) from exc


# -- matching -----------------------------------------------------------------------------------

# Left out of both texts before matching: inline code, roles ({doc}`x`), link and image targets,
# URLs, HTML tags, and emphasis marks (so "**companion**" is the word "companion").
_NOT_TEXT = re.compile(
    r"(?:\{[\w:-]+\})?`[^`]*`"  # inline code and roles
    r"|\]\([^)]*\)"  # link targets
    r"|\b(?:https?://|www\.)\S+"  # URLs
    r"|<[^>]{0,200}>"  # HTML tags
)
_MARKUP = re.compile(r"[*_]+")


@lru_cache(maxsize=1 << 14)
def plain(text: str) -> str:
    """``text`` without code, roles, link targets, URLs, tags and emphasis marks."""
    return " ".join(_MARKUP.sub("", _NOT_TEXT.sub(" ", text)).split())


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_compiled: dict[tuple[tuple[str, ...], tuple[str, ...]], re.Pattern[str] | None] = {}


def pattern(forms: Sequence[str], clitics: Sequence[str] = ()) -> re.Pattern[str] | None:
    """A regular expression finding any of ``forms`` as whole words (an enclitic may follow).

    Case-insensitive, except that an all-capital acronym matches only in capitals."""
    key = (tuple(forms), tuple(clitics))
    if key in _compiled:
        return _compiled[key]
    alternatives = []
    for form in sorted(set(forms), key=len, reverse=True):
        words = [re.escape(w) for w in form.split()]
        if not words:
            continue
        body = r"\s+".join(words)
        alternatives.append(body if _is_acronym(form) else f"(?i:{body})")
    if not alternatives:
        _compiled[key] = None
        return None
    tail = f"(?i:{'|'.join(re.escape(c) for c in clitics)})?" if clitics else ""
    compiled = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)}){tail}(?!\w)")
    _compiled[key] = compiled
    return compiled


def find(forms: Sequence[str], text: str, lang: str | None = None) -> str | None:
    """The first of ``forms`` found in ``text`` (plain text), with ``lang``'s enclitics."""
    compiled = pattern(forms, CLITICS.get(lang or "", ()))
    if compiled is None:
        return None
    found = compiled.search(text)
    return found.group(0) if found else None


# -- the checks ---------------------------------------------------------------------------------


# A reference of the bibliography ("**[S6]** UNODC, Observatory on Smuggling of Migrants..."):
# the title is the source's own, in its own language.
_CITATION = re.compile(r"\s*\*\*\[S\d+\]\*\*")


_WORD = re.compile(r"\w+")


def _needle(form: str) -> str:
    return max(_WORD.findall(form.casefold()) or [""], key=len)


def _kept(message: Message) -> bool:
    """A translation that keeps the English as it is: a name, a code, an English column."""
    return " ".join(message.translation.split()) == " ".join(message.source.split())


def _without(forms: Sequence[str], text: str) -> str:
    """``text`` with every occurrence of ``forms`` blanked out."""
    compiled = pattern(forms) if forms else None
    return compiled.sub(" ", text) if compiled is not None else text


def _listing(forms: Iterable[str]) -> str:
    return ", ".join(f"'{f}'" for f in forms)


def term_problems(termbase: Termbase, messages: Iterable[Message], shown: str) -> list[Problem]:
    """Missing target terms and forbidden forms, each at the msgstr's file and line."""
    problems: list[Problem] = []
    # A cheap first look: the longest word of some English form must be among the text's words.
    by_word: dict[str, list[Term]] = {}
    for term in termbase.terms:
        for word in {_needle(f) for f in term.match}:
            by_word.setdefault(word, []).append(term)
    for message in messages:
        if _kept(message) or _CITATION.match(message.source):
            # Kept as it is (a name, a code, the English column of a table), or a source
            # cited under its published title.
            continue
        source = plain(message.source)
        words = set(_WORD.findall(source.casefold()))
        found = {t.key for w in words for t in by_word.get(w, ())}
        candidates = [t for t in termbase.terms if t.key in found]
        if not candidates:
            continue
        translation = plain(message.translation)
        for term in candidates:
            english = find(term.match, _without(term.exclude, source))
            if english is None:
                continue
            where = Location(message.file, message.line, 1)
            name = term.name(message.lang)
            accepted = term.accepted(message.lang)
            expected = parts(name)[0] if parts(name) else name
            bad = find(term.forbidden.get(message.lang, ()), translation, message.lang)
            if bad is not None:
                problems.append(
                    Problem(
                        where,
                        f"'{bad}' is a forbidden {message.lang} form for '{english}' (term "
                        f"'{term.key}', {shown} line {term.line}); use '{expected}'",
                    )
                )
            elif accepted and find(accepted, translation, message.lang) is None:
                problems.append(
                    Problem(
                        where,
                        f"the English has '{english}' (term '{term.key}'), which is "
                        f"'{expected}' in {message.lang}, but the translation has none of "
                        f"{_listing(accepted)}; use the term, or add the form used here to "
                        f"{message.lang}_variants of '{term.key}' in {shown} (line {term.line}) "
                        "if it is right",
                    )
                )
    return problems


def consistency_problems(messages: Iterable[Message]) -> list[Problem]:
    """One English text translated two ways in one language: a warning at the second place,
    naming the first. Whitespace, case and emphasis marks do not make a difference.

    Every text counts, not only titles and labels: in this course a repeated sentence is a
    scenario's summary on the practice page and in the player, or a handout's line taken from
    a chapter, and the reader should meet it in one wording."""
    first: dict[tuple[str, str], tuple[str, Message]] = {}
    problems: list[Problem] = []
    for message in messages:
        if _kept(message):
            continue
        key = (message.lang, " ".join(message.source.split()))
        translation = plain(message.translation)
        if key not in first:
            first[key] = (translation, message)
            continue
        earlier, where = first[key]
        if translation.casefold() != earlier.casefold():
            problems.append(
                Problem(
                    Location(message.file, message.line, 1),
                    f"'{key[1]}' is translated here as '{message.translation}' but as "
                    f"'{where.translation}' in {where.file}:{where.line}; use one translation "
                    "(or give the messages different English if they mean different things)",
                    Severity.WARNING,
                )
            )
    return problems


# -- the project --------------------------------------------------------------------------------


def catalog_messages(path: Path, lang: str, shown: str) -> list[Message]:
    """The translated, non-fuzzy messages of one catalog (none if it cannot be read: the
    catalog check says why), read as the consistency check reads them."""
    from .consistency import catalog_entries

    return [
        Message(e.lang, e.file, e.line, e.context, e.source, e.translation)
        for e in catalog_entries(path, lang, shown)
    ]


_memo: dict[tuple[object, ...], list[Problem]] = {}


def _stamp(path: Path) -> tuple[object, ...]:
    try:
        info = path.lstat()
    except OSError:
        return (str(path),)
    return (str(path), info.st_ino, info.st_size, info.st_mtime_ns)


def check_project(locales_dir: Path, languages: Iterable[str], root: Path) -> list[Problem]:
    """``waspada check``'s termbase part: the termbase itself, then every catalog of the
    course languages against it. No termbase, no check.

    A catalog's term problems are remembered while it and the termbase stay the same, so a
    process that checks again and again (``waspada preview``) looks again only at the catalogs
    edited."""
    path = locales_dir / TERMBASE
    if not path.exists() and not path.is_symlink():
        return []
    shown = shown_path(path, root)
    try:
        termbase, problems = read_termbase(path, shown)
    except TermbaseError as exc:
        return [exc.problem]
    termbase_stamp = _stamp(path)
    messages: list[Message] = []
    for lang in languages:
        if lang == "en" or lang not in termbase.languages:
            continue
        folder = locales_dir / lang / "LC_MESSAGES"
        for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            found = catalog_messages(po, lang, shown_path(po, root))
            messages += found
            key = (termbase_stamp, shown, _stamp(po), found[0].file if found else "")
            if key not in _memo:
                if len(_memo) > 4096:  # edited catalogs leave old entries behind
                    _memo.clear()
                _memo[key] = term_problems(termbase, found, shown)
            problems += _memo[key]
    problems += consistency_problems(messages)
    return problems


# -- export for Weblate -------------------------------------------------------------------------

_STATUS = "administrativeStatus"


def to_tbx(termbase: Termbase, lang: str) -> str:
    """The termbase for one language as TBX, the glossary file Weblate imports per language:
    the definition as the entry's description, the term as preferred, its variants as admitted
    and its forbidden forms as deprecated (Weblate shows those as forbidden translations)."""
    from xml.sax.saxutils import escape, quoteattr

    def tig(term: str, status: str) -> str:
        return (
            f"<tig><term>{escape(term)}</term>"
            f'<termNote type="{_STATUS}">{status}-admn-sts</termNote></tig>'
        )

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<martif type="TBX" xml:lang="en">',
        f"<martifHeader><fileDesc><sourceDesc><p>Waspada termbase (locales/{TERMBASE}), "
        f"{escape(lang)}</p></sourceDesc></fileDesc></martifHeader>",
        "<text><body>",
    ]
    for term in termbase.terms:
        names = parts(term.name(lang))
        if not names:
            continue
        out.append(f"<termEntry id={quoteattr(term.key)}>")
        if term.definition:
            out.append(f'<descrip type="definition">{escape(term.definition)}</descrip>')
        english = f"<tig><term>{escape(term.english)}</term></tig>"
        out.append(f'<langSet xml:lang="en">{english}</langSet>')
        lang_set = [f"<langSet xml:lang={quoteattr(lang)}>", tig(names[0], "preferredTerm")]
        lang_set += [tig(f, "admittedTerm") for f in term.accepted(lang)[1:]]
        lang_set += [tig(f, "deprecatedTerm") for f in term.forbidden.get(lang, ())]
        out.append("".join([*lang_set, "</langSet>"]))
        out.append("</termEntry>")
    out += ["</body></text>", "</martif>", ""]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m waspada.i18n.terms tbx LANG [TERMBASE]``: a Weblate glossary file."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m waspada.i18n.terms")
    parser.add_argument("format", choices=["tbx"])
    parser.add_argument("lang", help="a language column of the termbase, such as jv")
    parser.add_argument("termbase", nargs="?", default=f"locales/{TERMBASE}", type=Path)
    args = parser.parse_args(argv)
    try:
        termbase, problems = read_termbase(args.termbase)
    except TermbaseError as exc:
        print(exc.problem, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.lang not in termbase.languages:
        known = ", ".join(termbase.languages)
        print(f"the termbase has no column '{args.lang}'; it has {known}", file=sys.stderr)
        return 1
    sys.stdout.write(to_tbx(termbase, args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
