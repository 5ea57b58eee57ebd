"""What a translation must keep consistent with the rest of the course (``waspada check``).

The termbase check (:mod:`.terms`) holds each term to one wording; :mod:`.safety` keeps markup,
link targets and placeholders. The rules here read every translated message of a language
together, and each error is reported at the msgstr's file and line:

- **a label that links to a heading is that heading**: where a chapter's English link text is
  the title of the page it links to (its first ``# `` heading) or, for a link to a label or an
  ``#anchor``, the heading there, the translated link text is that heading's translation; so
  is a gallery's method label (context ``modus``), which links to its section's heading;
- **a scenario has one title**: an English scenario title (``scenarios.po``, context the
  scenario's id) that is a whole message or a link text anywhere else is translated as in
  ``scenarios.po``;
- **numbers, phone numbers and fixed acronyms are the source's**: the same numbers (the
  language's own thousands and decimal marks allowed: "3,703" may be "3.703"), each phone number
  written exactly as in the English, and each acronym that the termbase keeps in every language
  (TPPO, SAPA, LPSK...). A number written out as a word is not accepted: write the digits;
- **a prohibition reads as one**: in Javanese, where the English forbids ("Do not...",
  "Never...", "No one should..."), "sampun" opening a clause must be "sampun ngantos" (or
  another clear prohibitive: "aja", "ampun", "mboten kenging"), and "sampun wonten ingkang" /
  "sampun ngentosi" ("someone already has", "already waited") are errors; in Sundanese such a
  message must carry a prohibitive ("ulah", "entong", "tong", "teu kenging", "teu meunang"...).

Everything is pure over the messages (:class:`Entry`) except :func:`check_project`.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..scenario.problems import Location, Problem, shown_path
from .terms import Termbase, _is_acronym, parts, plain

# A book page is a few hundred kB at most; a larger file is not read for headings.
MAX_PAGE_BYTES = 4 << 20


@dataclass(frozen=True)
class Entry:
    """One translated message: where its msgstr is, its texts, and where its English is used."""

    lang: str
    domain: str
    file: str
    line: int
    context: str | None
    source: str
    translation: str
    # The source files of the English, relative to the repository ("book/help.md").
    origins: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()


def _where(entry: Entry) -> Location:
    return Location(entry.file, entry.line, 1)


def _same(text: str) -> str:
    """A text as compared here: without emphasis marks and extra whitespace."""
    return " ".join(plain(text).split())


# -- labels that link to a heading --------------------------------------------------------------

_LINK = re.compile(r"(?<!!)\[([^\[\]\n]+)\]\(\s*<?([^)\s>]+)>?\s*\)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=[ \t]*$")


@dataclass(frozen=True)
class Page:
    """A book page's title and the headings its anchors and labels lead to."""

    title: str
    anchors: Mapping[str, str]


def slug(heading: str) -> str:
    """The anchor MyST gives a heading ("Whom to contact first" -> "whom-to-contact-first")."""
    text = re.sub(r"[^\w\s-]", "", _same(heading).casefold())
    return re.sub(r"\s+", "-", text.strip())


def page_headings(text: str) -> tuple[Page, dict[str, str]]:
    """A page (its title, its headings by anchor and label) and the labels it defines."""
    title = ""
    anchors: dict[str, str] = {}
    labels: dict[str, str] = {}
    pending: list[str] = []
    fence = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~", ":::")):
            marker = stripped[:3]
            fence = "" if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        label = _LABEL.match(stripped)
        if label:
            pending.append(label.group(1))
            continue
        heading = _HEADING.match(line)
        if heading:
            name = heading.group(2).strip()
            if not title and heading.group(1) == "#":
                title = name
            anchors.setdefault(slug(name), name)
            for item in pending:
                anchors[item] = name
                labels[item] = name
        if stripped:
            pending = []
    return Page(title, anchors), labels


# Interface labels that link to a heading: by message context, the prefix of the heading's label
# (each recruitment method of the gallery links to its section, "(modus-deception)=").
INTERFACE_LINKS = {"modus": "modus-"}


def _page_of(origin: str, target: str) -> tuple[str, str]:
    """(page relative to book/, anchor) of a link ``target`` in a message from ``origin``."""
    path, _, anchor = target.partition("#")
    if not path:
        return posixpath.relpath(origin, "book"), anchor
    base = posixpath.dirname(origin)
    page = posixpath.normpath(posixpath.join(base, path))
    return posixpath.relpath(page, "book"), anchor


def _domain(page: str) -> str:
    return page.split("/")[0].removesuffix(".md")


def heading_link_problems(
    entries: Iterable[Entry], pages: Mapping[str, Page], labels: Mapping[str, str]
) -> list[Problem]:
    """A translated link text that is not the translation of the heading it links to, where
    the English link text is that heading. ``pages`` by path under book/ ("guides/x.md"),
    ``labels`` (MyST ``(name)=``) by name: the page they are on."""
    entries = list(entries)
    by_source = {
        (e.lang, e.domain, " ".join(e.source.split())): e for e in entries if e.context is None
    }
    problems: list[Problem] = []
    headings = {
        _same(pages[page].anchors.get(label, "")): (label, page)
        for label, page in labels.items()
        if page in pages
    }
    for entry in entries:
        prefix = INTERFACE_LINKS.get(entry.context or "")
        found = headings.get(_same(entry.source)) if prefix else None
        if prefix and found and found[0].startswith(prefix):
            ours = by_source.get((entry.lang, _domain(found[1]), " ".join(entry.source.split())))
            if ours is not None and _same(entry.translation) != _same(ours.translation):
                problems.append(
                    Problem(
                        _where(entry),
                        f"this label links to the heading '{entry.source}' ({found[0]}), "
                        f"translated '{ours.translation}' in {ours.file}:{ours.line}, but reads "
                        f"'{entry.translation}'; use the heading's words",
                    )
                )
    for entry in entries:
        origin = next((o for o in entry.origins if o.startswith("book/")), None)
        if origin is None or "](" not in entry.source:
            continue
        for english, text, target in _link_texts(entry):
            if ":" in target or target.startswith("/"):
                continue  # a URL, or a path from the root: not a page of this book by name
            if ".md" in target or target.startswith("#"):
                page_name, anchor = _page_of(origin, target)
            elif target in labels:
                page_name, anchor = labels[target], target
            else:
                continue
            page = pages.get(page_name)
            if page is None:
                continue
            heading = page.anchors.get(anchor) if anchor else page.title
            if not heading or _same(english) != _same(heading):
                continue
            ours = by_source.get((entry.lang, _domain(page_name), " ".join(heading.split())))
            if ours is None:
                continue  # the heading is not translated yet
            if _same(text) != _same(ours.translation):
                what = "heading" if anchor else "title"
                problems.append(
                    Problem(
                        _where(entry),
                        f"the link to {target} reads '{text}', but the {what} it links "
                        f"to, '{heading}', is translated '{ours.translation}' in "
                        f"{ours.file}:{ours.line}; use the same words for the link",
                    )
                )
    return problems


# -- scenario titles ----------------------------------------------------------------------------

SCENARIO_TITLE = "scenario title"


def _link_texts(entry: Entry) -> list[tuple[str, str, str]]:
    """(English link text, translated link text, target) of each link the translation keeps:
    the links of one target are paired in order."""
    got: dict[str, list[str]] = {}
    for text, target in _LINK.findall(entry.translation):
        got.setdefault(target, []).append(text)
    seen: Counter[str] = Counter()
    out = []
    for english, target in _LINK.findall(entry.source):
        index = seen[target]
        seen[target] += 1
        if index < len(got.get(target, [])):
            out.append((english, got[target][index], target))
    return out


def scenario_title_problems(entries: Iterable[Entry]) -> list[Problem]:
    """A scenario title (a whole message or a link text) translated other than in the
    scenario's own catalog (``scenarios.po``, the message its extractor marks as the title)."""
    entries = list(entries)
    titles: dict[tuple[str, str], Entry] = {}
    for e in entries:
        own = e.domain == "scenarios" and ":" not in (e.context or "")
        if own and SCENARIO_TITLE in e.comments:
            titles.setdefault((e.lang, _same(e.source)), e)
    problems: list[Problem] = []
    for entry in entries:
        uses = [(entry.source, entry.translation, "this message")]
        if "](" in entry.source:
            uses += [(en, tr, f"the link to {target}") for en, tr, target in _link_texts(entry)]
        for english, text, what in uses:
            title = titles.get((entry.lang, _same(english)))
            if title is None or title is entry or _same(text) == _same(title.translation):
                continue
            problems.append(
                Problem(
                    _where(entry),
                    f"the scenario title '{title.source}' reads '{text}' in {what}, but "
                    f"'{title.translation}' in the scenario ({title.file}:{title.line}); "
                    "name the scenario the same everywhere",
                )
            )
    return problems


# -- numbers, phone numbers, acronyms -----------------------------------------------------------

# A phone number as the course writes one: "+62 21 5795 1275", "0811-1002-7727", "(021) 123".
_PHONE = re.compile(r"(?<![\w.,/+-])(?:\+\d{1,3}[ -]?)?(?:\(0\d{1,4}\)[ -]?)?\d[\d -]{5,}\d(?!\w)")
# A number (not the digits of a code such as KP2MI or S32): digits, with "." "," or ":"
# between digit groups (3,703 / 3.703 / 2.5 / 08:00).
_NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,:]\d+)*")
# Left out of both texts: link targets, code and roles, URLs (safety holds those), citations.
_NOT_COUNTED = re.compile(
    r"\]\([^)]*\)|(?:\{[\w:-]+\})?`[^`]*`|\b(?:https?://|www\.)\S+|\{[A-Za-z_][\w-]*\}"
    r"|<[^>]{0,200}>|\(\w+\)="
)


def _numbers(text: str) -> Counter[str]:
    """Every number's digits, with the thousands and decimal marks left out."""
    return Counter(re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text))


def _phones(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        number = match.group(0).strip(" -")
        if sum(c.isdigit() for c in number) >= 6 and re.search(r"[ -]", number):
            found.append(number)
    return found


def fixed_acronyms(termbase: Termbase) -> tuple[str, ...]:
    """The acronyms every language of the termbase keeps as in English (TPPO, LPSK...)."""
    out: list[str] = []
    for term in termbase.terms:
        english = [*parts(term.english), *term.match]
        for form in english:
            if not _is_acronym(form) or form.startswith("!"):
                continue
            if all(form in term.accepted(lang) for lang in termbase.languages):
                out.append(form)
    return tuple(dict.fromkeys(out))


def number_problems(entries: Iterable[Entry], acronyms: Iterable[str] = ()) -> list[Problem]:
    """Numbers, phone numbers and fixed acronyms of the English missing from (or added to)
    the translation."""
    acronyms = sorted(set(acronyms), key=len, reverse=True)
    found_acronym = (
        re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(a) for a in acronyms)})(?![\w-])")
        if acronyms
        else None
    )
    problems: list[Problem] = []
    for entry in entries:
        if not any(c.isdigit() for c in entry.source + entry.translation) and (
            found_acronym is None or not found_acronym.search(entry.source)
        ):
            continue
        source = _NOT_COUNTED.sub(" ", entry.source)
        translation = _NOT_COUNTED.sub(" ", entry.translation)
        wanted, got = _numbers(source), _numbers(translation)
        if wanted != got:
            lost = sorted((wanted - got).elements())
            added = sorted((got - wanted).elements())
            said = []
            if lost:
                said.append(f"lacks {', '.join(lost)}")
            if added:
                said.append(f"adds {', '.join(added)}")
            problems.append(
                Problem(
                    _where(entry),
                    f"the translation {' and '.join(said)} (numbers, left out the thousands and "
                    "decimal marks); keep every number of the English, in digits",
                )
            )
        else:
            spaced = " ".join(translation.split())
            for phone in _phones(source):
                if phone not in spaced and " ".join(phone.split()) not in spaced:
                    problems.append(
                        Problem(
                            _where(entry),
                            f"the phone number '{phone}' is not written as in the English; "
                            "copy it exactly, with its spaces and dashes",
                        )
                    )
        if found_acronym is not None:
            lost_acronyms = sorted(
                set(found_acronym.findall(source)) - set(found_acronym.findall(translation))
            )
            if lost_acronyms:
                problems.append(
                    Problem(
                        _where(entry),
                        f"the translation lacks {', '.join(lost_acronyms)}, an acronym every "
                        "language keeps as it is (locales/terms.csv); keep it",
                    )
                )
    return problems


# -- negation -----------------------------------------------------------------------------------

# The English forbids: an imperative "Do not / Don't / Never" opening a sentence, clause or list
# item, or "no one should / must". "Don't worry", "Never mind" and questions ("Don't you trust
# me?") are not prohibitions, nor is "never" before a word that is not a verb ("Never too late").
_START = r"(?:^|[.!?:;]\s+|[\"“(]|\*\*|^\s*[-*]\s+)"
_NOT_FORBIDDING = r"(?:worry|mind|you|we|they|i|he|she|it|too|again|ever|been|before|once)\b"
_ENGLISH_PROHIBITION = re.compile(
    rf"(?:{_START})\s*(?:do\s+not|don['\u2019]t|never)\s+(?!{_NOT_FORBIDDING})[a-z]"
    r"|\bno\s*(?:one|body)\s+(?:should|must|may)\b",
    re.IGNORECASE | re.MULTILINE,
)
# jv: "sampun" opening a clause before a verb (an active ng-/ny-/m-/n- form or a passive
# dipun-/-aken form) is a prohibition only to some readers: "Sampun ngetik nama" can read "has
# already typed names". Not a verb: "Sampun tigang wulan" (for three months already), "sampun
# nate" (ever), "sampun mboten" (no longer).
_JV_CLAUSE_SAMPUN = re.compile(
    r"(?:^|[.!?:;,]\s*|[\"“(]\s*|\b(?:lan|utawi|nanging|saha|ugi)\s+)"
    r"(sampun)\s+(?!(?:ngantos|nganti|nate|namung|mboten|menika|punika|mekaten|nggih)\b)"
    r"((?:ng|ny|m|n)\w+|dipun\w+|\w+aken)\b",
    re.IGNORECASE | re.MULTILINE,
)
JV_ALREADY = re.compile(r"\bsampun\s+(?:wonten\s+ingkang|ngentosi)\b", re.IGNORECASE)
_SU_PROHIBITIVE = re.compile(
    r"\b(?:ulah|entong|tong|teu\s+kenging|teu\s+kénging|henteu\s+kenging|henteu\s+kénging"
    r"|teu\s+meunang|henteu\s+meunang|teu\s+wenang)\b",
    re.IGNORECASE,
)


def is_prohibition(english: str) -> bool:
    """The English forbids something: "Do not...", "Never...", "No one should..."."""
    return _ENGLISH_PROHIBITION.search(plain(english)) is not None


def negation_problems(entries: Iterable[Entry]) -> list[Problem]:
    """Prohibitions that a jv or su translation turns into statements."""
    problems: list[Problem] = []
    for entry in entries:
        if entry.lang not in ("jv", "su") or not is_prohibition(entry.source):
            continue
        text = plain(entry.translation)
        if entry.lang == "jv":
            already = JV_ALREADY.search(text)
            bare = _JV_CLAUSE_SAMPUN.search(text)
            if already:
                problems.append(
                    Problem(
                        _where(entry),
                        f"'{already.group(0)}' reads 'already' where the English forbids; "
                        "write the prohibition as 'sampun ngantos ...'",
                    )
                )
            elif bare:
                problems.append(
                    Problem(
                        _where(entry),
                        f"'{bare.group(1)} {bare.group(2)}' can read as 'already' (done) "
                        f"where the English forbids; write 'sampun ngantos {bare.group(2)}' "
                        "(or 'mboten kenging')",
                    )
                )
        elif not _SU_PROHIBITIVE.search(text):
            problems.append(
                Problem(
                    _where(entry),
                    "the English forbids, but the translation has no prohibitive ('ulah', "
                    "'entong', 'teu kenging', 'teu meunang'); say it as a prohibition",
                )
            )
    return problems


# -- the project --------------------------------------------------------------------------------


def catalog_entries(path: Path, lang: str, shown: str) -> list[Entry]:
    """The translated, non-fuzzy messages of one catalog (none if it cannot be read: the
    catalog check says why)."""
    from .catalogs import _msgstr_line, read_catalog

    catalog = read_catalog(path)
    if catalog is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        if not isinstance(message.string, str) or not message.string:
            continue
        origins = tuple(dict.fromkeys(_origin(str(name)) for name, _ in message.locations if name))
        out.append(
            Entry(
                lang,
                path.stem,
                shown,
                _msgstr_line(lines, message.lineno or 0),
                message.context,
                message.id,
                message.string,
                origins,
                tuple(message.auto_comments),
            )
        )
    return out


def _origin(name: str) -> str:
    while name.startswith("../"):
        name = name[3:]
    return posixpath.normpath(name)


def read_pages(book_dir: Path) -> tuple[dict[str, Page], dict[str, str]]:
    """Every page of the book (by path under it) and every label (by name: its page)."""
    pages: dict[str, Page] = {}
    labels: dict[str, str] = {}
    if not book_dir.is_dir():
        return pages, labels
    for path in sorted(book_dir.rglob("*.md")):
        name = path.relative_to(book_dir).as_posix()
        if name.startswith(("_", ".")) or "/_" in name or not path.is_file():
            continue
        try:
            if path.is_symlink() or path.stat().st_size > MAX_PAGE_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        page, found = page_headings(text)
        pages[name] = page
        for label in found:
            labels.setdefault(label, name)
    return pages, labels


def check_project(
    locales_dir: Path, languages: Iterable[str], root: Path, termbase: Termbase | None = None
) -> list[Problem]:
    """``waspada check``'s consistency part: every rule above over every course language.

    The result is remembered while no catalog, book page or the termbase changes, so that
    ``waspada preview``, which checks before each rebuild, reads them again only after an edit."""
    from .terms import TERMBASE, _stamp

    languages = [lang for lang in languages if lang != "en"]
    if termbase is not None:  # a termbase of the caller's: nothing to remember it by
        return _check(locales_dir, languages, root, termbase)
    files = [locales_dir / TERMBASE, *sorted((root / "book").rglob("*.md"))]
    for lang in languages:
        files += sorted((locales_dir / lang / "LC_MESSAGES").glob("*.po"))
    key = (str(root), tuple(languages), tuple(_stamp(f) for f in files))
    if key not in _memo:
        _memo.clear()  # one project per process: the last result is the one asked again
        _memo[key] = _check(locales_dir, languages, root, termbase)
    return list(_memo[key])


_memo: dict[tuple[object, ...], list[Problem]] = {}


def _check(
    locales_dir: Path, languages: Iterable[str], root: Path, termbase: Termbase | None
) -> list[Problem]:
    from .terms import TERMBASE, TermbaseError, read_termbase

    if termbase is None and (locales_dir / TERMBASE).is_file():
        try:
            termbase = read_termbase(locales_dir / TERMBASE)[0]
        except TermbaseError:
            termbase = None  # the termbase check reports why
    acronyms = fixed_acronyms(termbase) if termbase is not None else ()
    pages, labels = read_pages(root / "book")
    problems: list[Problem] = []
    for lang in languages:
        folder = locales_dir / lang / "LC_MESSAGES"
        entries: list[Entry] = []
        for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            entries += catalog_entries(po, lang, shown_path(po, root))
        problems += heading_link_problems(entries, pages, labels)
        problems += scenario_title_problems(entries)
        problems += number_problems(entries, acronyms)
        problems += negation_problems(entries)
    return problems
