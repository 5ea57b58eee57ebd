"""Review status: which translations a named native speaker has approved, and when.

Where it is kept (see the README's "Translate" section for why):

* ``locales/<lang>/reviews.csv``, one row per approved message: its catalog (domain), context,
  a fingerprint of its English and of the translation approved, the reviewer (a name, an
  organisation or a pseudonym they chose) and the date. An approval holds only while both texts
  stay exactly as approved: a translation edited later, in Poedit, Weblate or by hand, or an
  English message that changed, is a draft again without anyone having to remember it.
* The catalogs' own headers say who translated last and when (``Last-Translator``,
  ``PO-Revision-Date``), as Weblate and Poedit write them; ``waspada i18n update`` keeps both.

The gettext PO format has no approved state (Weblate keeps its own in its database and writes
approval only to formats that have one, such as XLIFF), so a sidecar file that Weblate leaves
alone is the one place an approval survives every tool that rewrites the catalogs.

The same module writes the review sheet (HTML to print, CSV to fill in) and reads the marks back.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from ..project import ProjectError
from ..textsafety import bidi_controls, describe
from .catalogs import (
    CODE_DOMAINS,
    SOURCE,
    CatalogError,
    Language,
    _new_catalog,
    _read,
    _translation,
    _write,
    po_path,
    read_catalog,
    read_translations,
    templates_dir,
)
from .safety import compare

REVIEWS_FILE = "reviews.csv"
REVIEWS_COLUMNS = ("domain", "context", "source", "translation", "reviewer", "date")
# What the headers of a catalog drafted with machine help and not yet reviewed say.
MACHINE_DRAFT = "Waspada draft (machine-assisted), not reviewed"
# A reviews.csv or a returned sheet of the whole course is well under 2 MB.
MAX_FILE_BYTES = 16 << 20
MAX_REVIEWER = 120

REVIEWED, DRAFT, FUZZY, MISSING = "reviewed", "draft", "fuzzy", "missing"


def fingerprint(text: str | Iterable[str]) -> str:
    """A short, stable fingerprint of a message text (plural forms joined)."""
    value = text if isinstance(text, str) else "\x00".join(str(t) for t in text)
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else "\x00".join(message.id)


def _msgstr(message: Message | None) -> str:
    if message is None or not message.string:
        return ""
    if isinstance(message.string, str):
        return message.string
    return "\x00".join(str(s) for s in message.string)


Key = tuple[str, str, str]  # (domain, context, fingerprint of the English)


def key_of(domain: str, context: str | None, msgid: str) -> Key:
    return (domain, context or "", fingerprint(msgid))


@dataclass(frozen=True)
class Approval:
    translation: str  # fingerprint of the approved translation
    reviewer: str
    date: str


# -- reviews.csv --------------------------------------------------------------------------------


def reviews_path(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / REVIEWS_FILE


def _error(shown: str, line: int, message: str) -> ProjectError:
    return ProjectError(f"{shown}:{line}: {message}")


def _read_text(path: Path, shown: str) -> str:
    """A small regular UTF-8 file (a BOM is allowed), read as untrusted input."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise _error(shown, 0, f"cannot read the file: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _error(shown, 0, "not a regular file; give the file itself")
    if info.st_size > MAX_FILE_BYTES:
        raise _error(shown, 0, f"the file is {info.st_size:,} bytes, more than {MAX_FILE_BYTES:,}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _error(
            shown, line, "the file is not UTF-8; save it as 'CSV UTF-8' (Unicode) and try again"
        ) from exc


def _records(text: str, shown: str, delimiter: str = ",") -> Iterable[tuple[int, list[str]]]:
    """CSV records, each with the line it starts on; :class:`ProjectError` at the line of one
    that cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _error(
                shown, start, f"the row cannot be read as CSV ({exc}); check its quotes"
            ) from exc
        yield start, row
        start = reader.line_num + 1


_reviews_cache: dict[tuple[str, int, int], dict[Key, Approval]] = {}


def read_reviews(
    locales_dir: Path, lang: str, shown: str | None = None, *, strict: bool = True
) -> dict[Key, Approval]:
    """The approvals recorded for ``lang`` (none if it has no reviews.csv).

    Raises :class:`ProjectError` naming file:line for a file that is not one; with
    ``strict=False`` (what readers see) such a file approves nothing, so every notice stays."""
    if not strict:
        try:
            return read_reviews(locales_dir, lang, shown)
        except ProjectError:
            return {}
    path = reviews_path(locales_dir, lang)
    name = shown or f"{locales_dir.name}/{lang}/{REVIEWS_FILE}"
    try:
        info = path.lstat()
    except OSError:
        return {}
    key = (str(path), info.st_mtime_ns, info.st_size)
    if key not in _reviews_cache:
        if len(_reviews_cache) > 64:
            _reviews_cache.clear()
        _reviews_cache[key] = _parse_reviews(_read_text(path, name), name)
    return _reviews_cache[key]


def _parse_reviews(text: str, shown: str) -> dict[Key, Approval]:
    out: dict[Key, Approval] = {}
    for line, row in _records(text, shown):
        if line == 1:
            if tuple(row) != REVIEWS_COLUMNS:
                raise _error(shown, 1, f"the first row must be: {','.join(REVIEWS_COLUMNS)}")
            continue
        if not row:
            continue
        if len(row) != len(REVIEWS_COLUMNS):
            raise _error(
                shown,
                line,
                f"a row has {len(REVIEWS_COLUMNS)} fields ({','.join(REVIEWS_COLUMNS)}), "
                f"this one {len(row)}; restore the file from the repository",
            )
        domain, context, source, translation, reviewer, date = row
        if not re.fullmatch(r"[0-9a-f]{16}", source) or not re.fullmatch(
            r"[0-9a-f]{16}", translation
        ):
            raise _error(shown, line, "source and translation are fingerprints (16 hex digits)")
        out[(domain, context, source)] = Approval(translation, reviewer, date)
    return out


def _write_reviews(path: Path, reviews: Mapping[Key, Approval]) -> str:
    """The text of reviews.csv for ``reviews``, sorted so that diffs stay small."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEWS_COLUMNS)
    for (domain, context, source), approval in sorted(reviews.items()):
        writer.writerow(
            (domain, context, source, approval.translation, approval.reviewer, approval.date)
        )
    return buffer.getvalue()


def is_reviewed(reviews: Mapping[Key, Approval], domain: str, message: Message) -> bool:
    """An approval is recorded for exactly this English and this translation."""
    approval = reviews.get(key_of(domain, message.context, _msgid(message)))
    return (
        approval is not None
        and not message.fuzzy
        and bool(message.string)
        and approval.translation == fingerprint(_msgstr(message))
    )


# -- status -------------------------------------------------------------------------------------

_template_cache: dict[tuple[str, int], Catalog] = {}


def read_template(locales_dir: Path, domain: str) -> Catalog | None:
    path = templates_dir(locales_dir) / f"{domain}.pot"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), mtime)
    if key not in _template_cache:
        if len(_template_cache) > 256:
            _template_cache.clear()
        _template_cache[key] = _read(path)
    return _template_cache[key]


def domains(locales_dir: Path) -> list[str]:
    return sorted(p.stem for p in templates_dir(locales_dir).glob("*.pot"))


@dataclass(frozen=True)
class ReviewCoverage:
    """One catalog's messages by state: reviewed, draft (translated, not reviewed), fuzzy
    (a translation gettext does not use until someone confirms it) and missing."""

    lang: str
    domain: str
    reviewed: int
    draft: int
    fuzzy: int
    missing: int
    translator: str = ""
    revised: str = ""

    @property
    def total(self) -> int:
        return self.reviewed + self.draft + self.fuzzy + self.missing

    @property
    def translated(self) -> int:
        return self.reviewed + self.draft


def state_of(reviews: Mapping[Key, Approval], domain: str, found: Message | None) -> str:
    if found is None or not found.string:
        return MISSING
    if found.fuzzy:
        return FUZZY
    return REVIEWED if is_reviewed(reviews, domain, found) else DRAFT


def review_coverage(locales_dir: Path, codes: Iterable[str]) -> list[ReviewCoverage]:
    """Each catalog of each language in ``codes``, message by message of its template."""
    rows = []
    for code in codes:
        if code == SOURCE:
            continue
        reviews = read_reviews(locales_dir, code)
        for domain in domains(locales_dir):
            template = read_template(locales_dir, domain)
            catalog = read_catalog(po_path(locales_dir, code, domain))
            counts = dict.fromkeys((REVIEWED, DRAFT, FUZZY, MISSING), 0)
            for message in template or ():
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context) if catalog else None
                counts[state_of(reviews, domain, found)] += 1
            # The header is the translator's text: printed to a terminal, so printable only.
            translator = "".join(
                c for c in str(catalog.last_translator if catalog else "") if c.isprintable()
            )[:MAX_REVIEWER]
            revised = catalog.revision_date if catalog else ""
            rows.append(
                ReviewCoverage(
                    code,
                    domain,
                    counts[REVIEWED],
                    counts[DRAFT],
                    counts[FUZZY],
                    counts[MISSING],
                    "" if translator.startswith("FULL NAME") else translator,
                    revised.strftime("%Y-%m-%d") if isinstance(revised, datetime) else "",
                )
            )
    return rows


# -- what a page shows, and how much of it is reviewed ------------------------------------------

Shown = tuple[str, str, str]  # (domain, context, English) of one message a reader sees


@dataclass(frozen=True)
class Share:
    """How many of the messages a reader sees no native speaker has approved."""

    unreviewed: int
    total: int

    @property
    def percent(self) -> int:
        """The unreviewed share in whole percent: never 0 while one message is unreviewed,
        never 100 while one is reviewed."""
        if not self.total or not self.unreviewed:
            return 0
        if self.unreviewed == self.total:
            return 100
        return min(99, max(1, round(100 * self.unreviewed / self.total)))


def unreviewed_share(locales_dir: Path, language: Language, messages: Iterable[Shown]) -> Share:
    """The share of ``messages`` that reach the reader unreviewed in ``language``.

    Each message is looked up as the reader gets it: a chapter or scenario in the language it
    is shown in whole (one language per screen), the rest along the fallback chain; the first
    language with a usable translation decides. That translation is reviewed if its language
    is declared ``status: reviewed`` or reviews.csv records an approval of it; English, the
    source, is reviewed."""
    unreviewed = total = 0
    by_lang: dict[str, tuple[Language | None, dict[Key, Approval]]] = {}
    languages = _chain_languages(locales_dir, language)
    chains: dict[tuple[str, str], tuple[str, ...]] = {}
    for domain, context, msgid in messages:
        total += 1
        for code in _shown_chain(locales_dir, language, domain, context, chains):
            if code == SOURCE:
                break
            catalog = read_catalog(po_path(locales_dir, code, domain))
            if catalog is None or _translation(catalog, msgid, context or None) is None:
                continue
            if code not in by_lang:
                by_lang[code] = (
                    languages.get(code),
                    read_reviews(locales_dir, code, strict=False),
                )
            declared, reviews = by_lang[code]
            found = catalog.get(msgid, context or None)
            if not (declared is not None and not declared.is_draft) and not (
                found is not None and is_reviewed(reviews, domain, found)
            ):
                unreviewed += 1
            break
    return Share(unreviewed, total)


def _shown_chain(
    locales_dir: Path,
    language: Language,
    domain: str,
    context: str,
    cache: dict[tuple[str, str], tuple[str, ...]],
) -> tuple[str, ...]:
    """The languages a message is looked up in, as the reader gets it: a chapter and a
    scenario are shown whole in the first language of the chain that translates all of them
    (see :mod:`waspada.i18n.screen`); the interface and help entries message by message."""
    from .screen import chain_from, chapter_language, scenario_language

    unit = (
        (domain, "")
        if domain not in CODE_DOMAINS
        else (domain, context.split(":", 1)[0])
        if domain == "scenarios"
        else ("", "")
    )
    if unit not in cache:
        if unit == ("", ""):
            cache[unit] = language.chain
        elif domain == "scenarios":
            cache[unit] = chain_from(language, scenario_language(locales_dir, language, unit[1]))
        else:
            cache[unit] = chain_from(language, chapter_language(locales_dir, language, domain))
    return cache[unit]


def _chain_languages(locales_dir: Path, language: Language) -> dict[str, Language]:
    from .catalogs import load_languages

    known = load_languages(locales_dir)
    known[language.code] = language
    return known


def _page_of(location: str) -> str:
    """``../../book/guides/health-course.md`` -> ``book/guides/health-course``."""
    path = re.sub(r"^(?:\.\./)+", "", location)
    return path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path


def page_messages(
    locales_dir: Path,
    page: str,
    domain: str,
    scenarios: Iterable[str] = (),
    services: Iterable[str] = (),
) -> list[Shown]:
    """What counts as a book page's text: the messages of its chapter catalog (``domain``)
    whose source location is the page (``page`` is ``book/guides/health-course``: the book
    folder's name and the document's), then every message of each scenario it embeds, then
    the help entries those scenarios' endings list. The interface's buttons and labels are not
    counted: they are few and the same on every page."""
    out: list[Shown] = []
    template = read_template(locales_dir, domain) if domain not in CODE_DOMAINS else None
    for message in template or ():
        if (
            message.id
            and isinstance(message.id, str)
            and any(_page_of(file) == page for file, _ in message.locations)
        ):
            out.append((domain, message.context or "", message.id))
    out += scenario_messages(locales_dir, scenarios, services)
    return out


def scenario_messages(
    locales_dir: Path, scenarios: Iterable[str], services: Iterable[str] = ()
) -> list[Shown]:
    """Every message of the scenarios ``scenarios`` (contexts ``id`` and ``id:...``) and of
    the help entries ``services`` (contexts ``help:<id>``)."""
    wanted = set(scenarios)
    helps = {f"help:{s}" for s in services}
    out: list[Shown] = []
    if wanted:
        for message in read_template(locales_dir, "scenarios") or ():
            if message.id and isinstance(message.id, str):
                context = message.context or ""
                if context.split(":", 1)[0] in wanted:
                    out.append(("scenarios", context, message.id))
    if helps:
        for message in read_template(locales_dir, "ui") or ():
            if message.id and isinstance(message.id, str) and (message.context or "") in helps:
                out.append(("ui", message.context or "", message.id))
    return out


def payload_services(payload: Mapping[str, object]) -> list[str]:
    """The ids of the help entries a compiled scenario's endings list."""
    out: dict[str, None] = {}
    nodes = payload.get("nodes")
    for node in nodes.values() if isinstance(nodes, dict) else ():
        ending = node.get("ending") if isinstance(node, dict) else None
        for entry in ending.get("help", []) if isinstance(ending, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                out[entry["id"]] = None
    return list(out)


# -- the review sheet ---------------------------------------------------------------------------

# Safety-critical messages come first on the sheet, in this order. A message is one if:
#  help      - it belongs to a help entry (ui catalog, context "help:<id>"; or "contact", the
#              shared labels before phone numbers): names, descriptions, number labels;
#  wait      - its English says "when not to wait" (when to act at once, whatever else);
#  ending    - it is an ending's key message or debrief in a scenario or a knowledge check;
#  check     - it is a knowledge-check question, answer or the explanation of an answer.
SAFETY = {
    "help": "help entry",
    "wait": "when not to wait",
    "ending": "ending: key message or debrief",
    "check": "knowledge check",
}
_ENDING_COMMENT = re.compile(r": (?:key message|ending debrief)$")
_CHECK_COMMENT = re.compile(r"^question '[^']*'(?:, option [^:]*: (?:answer|why .*))?$")


def safety_category(domain: str, context: str, msgid: str, comments: Iterable[str]) -> str:
    """The :data:`SAFETY` category of a message, or "" for the rest."""
    notes = [c.strip() for c in comments]
    if domain == "ui" and (context.startswith("help:") or context == "contact"):
        return "help"
    if "when not to wait" in msgid.casefold():
        return "wait"
    if domain == "scenarios" and any(_ENDING_COMMENT.search(c) for c in notes):
        return "ending"
    if domain == "scenarios" and any(_CHECK_COMMENT.match(c) for c in notes):
        return "check"
    return ""


@dataclass(frozen=True)
class SheetRow:
    id: str  # "m" + fingerprint of (domain, context, English): a spreadsheet keeps it as text
    domain: str
    context: str
    notes: str  # the extracted comments: what the text is
    where: str  # the locations, or the catalog when it has none
    english: str
    indonesian: str
    translation: str
    state: str
    category: str
    order: tuple[object, ...] = field(compare=False, default=())

    @property
    def checksum(self) -> str:
        return fingerprint(self.translation)


def row_id(domain: str, context: str, msgid: str) -> str:
    return "m" + fingerprint(f"{domain}\x04{context}\x04{msgid}")


def sheet_rows(locales_dir: Path, language: Language) -> list[SheetRow]:
    """Every message of ``language``'s catalogs, safety-critical first (in :data:`SAFETY`
    order), then the rest page by page: the chapters, the scenarios, then the interface."""
    reviews = read_reviews(locales_dir, language.code)
    rows = []
    for domain in domains(locales_dir):
        template = read_template(locales_dir, domain)
        catalog = read_catalog(po_path(locales_dir, language.code, domain))
        indonesian = (
            read_catalog(po_path(locales_dir, "id", domain)) if language.code != "id" else None
        )
        for message in template or ():
            if not message.id or not isinstance(message.id, str):
                continue
            context = message.context or ""
            found = catalog.get(message.id, message.context) if catalog else None
            id_found = indonesian.get(message.id, message.context) if indonesian else None
            places = [
                f"{_page_of(f)}{'.' + f.rsplit('.', 1)[1] if '.' in f else ''}:{n}"
                for f, n in message.locations
            ]
            category = safety_category(domain, context, message.id, message.auto_comments)
            first = message.locations[0] if message.locations else ("", 0)
            kind = (
                0
                if domain not in ("scenarios", "ui", "sphinx")
                else (1 if domain == "scenarios" else 2)
            )
            rank = list(SAFETY).index(category) if category else len(SAFETY)
            rows.append(
                SheetRow(
                    id=row_id(domain, context, message.id),
                    domain=domain,
                    context=context,
                    notes="; ".join(message.auto_comments),
                    where=", ".join(places) or f"{domain} catalog",
                    english=message.id,
                    indonesian=_msgstr(id_found) if id_found and not id_found.fuzzy else "",
                    translation=_msgstr(found),
                    state=state_of(reviews, domain, found),
                    category=category,
                    order=(rank, kind, not first[0], _page_of(first[0]), first[1] or 0, domain),
                )
            )
    rows.sort(key=lambda r: r.order)
    return rows


SHEET_COLUMNS = (
    "no",
    "priority",
    "where",
    "context",
    "english",
    "indonesian",
    "translation",
    "status",
    "mark",
    "correction",
    "id",
    "lang",
    "checksum",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: catalogs are untrusted, and a cell that starts like a
    formula (=, +, -, @) would run as one."""
    return "'" + text if text.startswith(_FORMULA) else text


def write_sheet(rows: list[SheetRow], language: Language, html_path: Path) -> Path:
    """Write the printable sheet to ``html_path`` and the CSV beside it; return the CSV."""
    csv_path = html_path.with_suffix(".csv")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHEET_COLUMNS)
    for number, row in enumerate(rows, 1):
        writer.writerow(
            (
                number,
                SAFETY.get(row.category, ""),
                _cell(row.where),
                _cell(row.notes or row.context),
                _cell(row.english),
                _cell(row.indonesian),
                _cell(row.translation),
                row.state,
                "",
                "",
                row.id,
                language.code,
                row.checksum,
            )
        )
    # A BOM, so a spreadsheet opens the file as UTF-8.
    csv_path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")
    html_path.write_text(sheet_html(rows, language, csv_path.name), encoding="utf-8")
    return csv_path


SHEET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)
_SHEET_CSS = """
body { font: 11pt/1.4 system-ui, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
th, td { border: 1px solid #777; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
td.where { font-size: 0.85em; overflow-wrap: anywhere; width: 12%; }
td.mark { white-space: nowrap; width: 6em; }
td.fix { width: 18%; }
tr.page th { background: #dde7f3; }
.safety { font-weight: bold; color: #7a1c00; }
.missing { color: #7a1c00; font-style: italic; }
@media print { body { margin: 0; font-size: 9.5pt; } .noprint { display: none; } }
"""


def sheet_html(rows: list[SheetRow], language: Language, csv_name: str) -> str:
    """The printable sheet: every cell escaped, no script, no request to anywhere."""
    e = html.escape
    code = e(language.code)
    name = e(f"{language.english} ({language.native})")
    with_id = language.code != "id"
    head = ["No.", "Where / what", "English"]
    if with_id:
        head.append("Indonesian")
    head += [name, "Mark: OK / fix", "Corrected text"]
    width = len(head)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{SHEET_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Waspada review sheet: {name}</title>",
        f"<style>{_SHEET_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>Waspada review sheet: {name}</h1>",
        f"<p>{len(rows)} messages; safety-critical ones first (help entries, when not to wait, "
        "endings' key messages and debriefs, knowledge checks), then the rest page by page. "
        "For each message, tick <b>OK</b> if the translation is right and natural, or "
        "<b>fix</b> and write the corrected text. Then write your marks into the spreadsheet "
        f"<b>{e(csv_name)}</b> (columns <i>mark</i> and <i>correction</i>, same numbers) and "
        "send it back; the course team reads it in with <code>waspada i18n review --apply "
        f'{e(csv_name)} --reviewer "YOUR NAME OR ORGANISATION"</code>.</p>',
        '<p lang="id">Untuk setiap pesan, centang <b>OK</b> bila terjemahannya benar dan wajar, '
        "atau <b>fix</b> lalu tulis teks yang benar. Salin tanda Anda ke lembar kerja "
        f"<b>{e(csv_name)}</b> (kolom <i>mark</i> dan <i>correction</i>, nomor yang sama), lalu "
        "kirim kembali berkas itu.</p>",
        "<table>",
        "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    section = None
    for number, row in enumerate(rows, 1):
        heading = (
            "Safety-critical: " + SAFETY[row.category]
            if row.category
            else f"Page: {row.where.split(':', 1)[0] if ':' in row.where else row.where}"
        )
        if heading != section:
            section = heading
            out.append(f'<tr class="page"><th colspan="{width}">{e(heading)}</th></tr>')
        where = e(row.where)
        what = e(row.notes or row.context)
        if row.translation:
            translation = f'<td class="text" lang="{code}">{e(row.translation)}</td>'
        else:
            translation = '<td class="text missing">(no translation yet)</td>'
        cells = [
            f"<td>{number}{'<br><span class=safety>!</span>' if row.category else ''}</td>",
            f'<td class="where">{where}<br><i>{what}</i><br>[{e(row.state)}]</td>',
            f'<td class="text" lang="en">{e(row.english)}</td>',
        ]
        if with_id:
            cells.append(f'<td class="text" lang="id">{e(row.indonesian)}</td>')
        cells += [
            translation,
            '<td class="mark">&#9744; OK<br>&#9744; fix</td>',
            '<td class="fix"></td>',
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", "</body>", "</html>", ""]
    return "\n".join(out)


# -- reading the marks back ---------------------------------------------------------------------


@dataclass
class Applied:
    """What ``--apply`` did: approvals, corrections, and rows left alone (with why)."""

    lang: str
    approved: int = 0
    corrected: int = 0
    skipped: list[str] = field(default_factory=list)
    catalogs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_reviewer(reviewer: str) -> str:
    name = " ".join((reviewer or "").split())
    if not name:
        raise ProjectError(
            "--reviewer is empty; give the reviewer's name, organisation or chosen pseudonym"
        )
    if len(name) > MAX_REVIEWER:
        raise ProjectError(f"--reviewer is longer than {MAX_REVIEWER} characters; shorten it")
    bad = [c for c in name if not c.isprintable()] + [c for _, _, c in bidi_controls(name)]
    if bad:
        raise ProjectError(f"--reviewer contains {describe(bad[0])}; type the name plainly")
    return name


def _delimiter(text: str) -> str:
    """The separator a spreadsheet saved the sheet with (a comma, or a semicolon or a tab
    where the comma is the decimal separator, as in Indonesia)."""
    first = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        row = next(csv.reader([first], delimiter=delimiter), [])
        if [c.strip() for c in row] == list(SHEET_COLUMNS):
            return delimiter
    return ","


def apply_sheet(
    locales_dir: Path,
    languages: Mapping[str, Language],
    sheet: Path,
    reviewer: str,
    *,
    shown: str | None = None,
    lang: str | None = None,
    now: datetime | None = None,
) -> Applied:
    """Record the approvals and corrections of a returned review sheet (CSV).

    Every row is checked before anything is written: a file that is not a review sheet of this
    course, or one row that cannot be read (a mark other than OK or fix, a correction that
    breaks a placeholder or adds a link), refuses the whole file with the file and line, and
    nothing changes. A row whose translation has changed since the sheet was written is left
    alone (and listed): its mark was for a text that is gone."""
    name = shown or str(sheet)
    who = check_reviewer(reviewer)
    when = (now or datetime.now(UTC)).astimezone(UTC)
    text = _read_text(sheet, name)
    delimiter = _delimiter(text)
    marks: list[tuple[int, str, str, str, str]] = []  # line, id, mark, correction, checksum
    code = lang
    for line, row in _records(text, name, delimiter):
        if line == 1:
            if [c.strip() for c in row] != list(SHEET_COLUMNS):
                raise _error(
                    name,
                    1,
                    "this is not a Waspada review sheet: its first row must be "
                    f"{','.join(SHEET_COLUMNS)}; write one with 'waspada i18n review --lang "
                    "LANG'",
                )
            continue
        if not any(cell.strip() for cell in row):
            continue
        while len(row) > len(SHEET_COLUMNS) and not row[-1].strip():
            row.pop()
        if len(row) != len(SHEET_COLUMNS):
            raise _error(
                name,
                line,
                f"the row has {len(row)} columns, the sheet {len(SHEET_COLUMNS)}; write "
                "marks and corrections only in the 'mark' and 'correction' columns",
            )
        cells = dict(zip(SHEET_COLUMNS, row, strict=True))
        row_lang = cells["lang"].strip()
        if code is None:
            code = row_lang
        if row_lang != code:
            raise _error(
                name,
                line,
                f"the row is for language '{row_lang}', the sheet for '{code}'; apply one "
                "language's sheet at a time",
            )
        marks.append(
            (
                line,
                cells["id"].strip(),
                cells["mark"].strip(),
                cells["correction"],
                cells["checksum"].strip(),
            )
        )
    if code is None or not marks:
        raise _error(name, 2, "the sheet has no rows; write one with 'waspada i18n review'")
    if code == SOURCE or code not in languages:
        raise _error(
            name,
            marks[0][0],
            f"the sheet is for language '{code}', which is not a translated language of this "
            "course (see locales/languages.yml)",
        )
    language = languages[code]
    rows = {row.id: row for row in sheet_rows(locales_dir, language)}
    if not any(mark_id in rows for _, mark_id, _, _, _ in marks):
        raise _error(
            name,
            marks[0][0],
            "no message of this sheet is in the course's catalogs: it is from another course, "
            "or from a version whose English has all changed; write a new sheet",
        )
    result = Applied(code)
    approvals: dict[str, tuple[SheetRow, str]] = {}  # id -> (row, the translation approved)
    for line, mark_id, mark, correction, checksum in marks:
        verdict = mark.casefold()
        if verdict not in ("ok", "fix", ""):
            raise _error(name, line, f"the mark is '{mark}'; write OK, fix, or leave it empty")
        correction = correction.strip()
        if verdict == "ok" and correction:
            raise _error(
                name,
                line,
                "the mark is OK but a correction is written; mark it fix, or delete the correction",
            )
        if verdict == "" and correction:
            raise _error(name, line, "a correction is written but the mark is empty; mark it fix")
        if verdict == "fix" and not correction:
            raise _error(name, line, "the mark is fix but there is no corrected text; write it")
        if not verdict:
            continue
        row = rows.get(mark_id)
        if row is None:
            result.skipped.append(
                f"{name}:{line}: left alone: its English has changed or it was removed"
            )
            continue
        if checksum != row.checksum:
            result.skipped.append(
                f"{name}:{line}: left alone: the translation has changed since the sheet was "
                "written; review it on a new sheet"
            )
            continue
        if verdict == "ok":
            if not row.translation:
                raise _error(
                    name, line, "there is no translation to approve; mark it fix and write one"
                )
            approvals[mark_id] = (row, row.translation)
            continue
        correction = correction.replace("\r\n", "\n")
        _check_correction(name, line, row, correction, result)
        approvals[mark_id] = (row, correction)
    _record(locales_dir, language, approvals, who, when, result)
    return result


def _check_correction(name: str, line: int, row: SheetRow, text: str, result: Applied) -> None:
    controls = [c for c in text if not c.isprintable() and c not in "\n\t"]
    controls += [c for _, _, c in bidi_controls(text)]
    if controls:
        raise _error(
            name, line, f"the correction contains {describe(controls[0])}; type it plainly"
        )
    for finding in compare(row.english, text):
        if finding.error:
            raise _error(name, line, f"the correction cannot be used: {finding.message}")
        result.warnings.append(f"{name}:{line}: {finding.message}")


def _record(
    locales_dir: Path,
    language: Language,
    approvals: Mapping[str, tuple[SheetRow, str]],
    reviewer: str,
    when: datetime,
    result: Applied,
) -> None:
    """Write the corrected catalogs and reviews.csv: everything is prepared in temporary files
    first, then each put in place."""
    reviews = dict(read_reviews(locales_dir, language.code))
    date = when.strftime("%Y-%m-%d")
    corrections: dict[str, list[tuple[SheetRow, str]]] = {}
    for row, text in approvals.values():
        if text != row.translation:
            corrections.setdefault(row.domain, []).append((row, text))
            result.corrected += 1
        else:
            result.approved += 1
        reviews[key_of(row.domain, row.context, row.english)] = Approval(
            fingerprint(text), reviewer, date
        )
    staged: list[tuple[Path, Path]] = []
    try:
        for domain, changes in sorted(corrections.items()):
            path = po_path(locales_dir, language.code, domain)
            if path.exists() or path.is_symlink():
                try:
                    catalog = read_translations(
                        path, f"{locales_dir.name}/{language.code}/LC_MESSAGES/{path.name}"
                    )
                except CatalogError as exc:
                    raise ProjectError(
                        f"{exc.problem.location}: {exc.problem.message}; nothing was recorded"
                    ) from exc
            else:
                catalog = _new_catalog(domain, language.code)
            template = read_template(locales_dir, domain)
            for row, text in changes:
                message = catalog.get(row.english, row.context or None)
                if message is None:
                    source = template.get(row.english, row.context or None) if template else None
                    message = catalog.add(
                        row.english,
                        text,
                        locations=source.locations if source else (),
                        auto_comments=source.auto_comments if source else (),
                        context=row.context or None,
                    )
                message.string = text
                message.flags.discard("fuzzy")
            catalog.last_translator = reviewer
            catalog.revision_date = when
            staged.append((_staged(path, lambda p, c=catalog: _write(c, p)), path))
        target = reviews_path(locales_dir, language.code)
        text = _write_reviews(target, reviews)
        staged.append(
            (_staged(target, lambda p: p.write_text(text, encoding="utf-8", newline="")), target)
        )
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
        if path.suffix == ".po":
            result.catalogs.append(path)


def _staged(path: Path, write) -> Path:  # type: ignore[no-untyped-def]
    """A temporary file beside ``path`` holding what ``write`` writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        else:
            os.chmod(temporary, 0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


# -- the command's output -----------------------------------------------------------------------


def status_lines(rows: list[ReviewCoverage], languages: Mapping[str, Language]) -> list[str]:
    """``waspada i18n status``: one line per catalog, then one per language."""
    out = [
        f"{'lang':<5} {'catalog':<22} {'reviewed':>8} {'draft':>6} {'fuzzy':>6} {'missing':>7} "
        f"{'total':>6} {'translated':>10} {'reviewed':>8}"
    ]

    def line(code: str, name: str, mine: list[ReviewCoverage]) -> str:
        reviewed = sum(r.reviewed for r in mine)
        total = sum(r.total for r in mine)
        translated = sum(r.translated for r in mine)
        done = 100 * translated / total if total else 100.0
        share = 100 * reviewed / total if total else 100.0
        return (
            f"{code:<5} {name:<22} {reviewed:>8} {sum(r.draft for r in mine):>6} "
            f"{sum(r.fuzzy for r in mine):>6} {sum(r.missing for r in mine):>7} {total:>6} "
            f"{done:>9.0f}% {share:>7.0f}%"
        )

    for code in dict.fromkeys(r.lang for r in rows):
        mine = [r for r in rows if r.lang == code]
        out += [line(code, r.domain, [r]) for r in mine]
        language = languages[code]
        out.append(line(code, "ALL", mine))
        translators = sorted({r.translator for r in mine if r.translator}) or ["(not stated)"]
        revised = max((r.revised for r in mine if r.revised), default="")
        out.append(
            f"      {language.english}: status {language.status}; translated by "
            f"{'; '.join(translators)}{f', last revised {revised}' if revised else ''}; "
            f"missing messages fall back: {' -> '.join(language.chain)}"
        )
        out.append("")
    return out
