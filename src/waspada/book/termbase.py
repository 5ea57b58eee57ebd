"""The ``{termbase}`` directive: the glossary's tables, generated from ``locales/terms.csv``.

::

    ```{termbase} crimes
    ```

renders the terms of that section as a table: the English term, the term in the page's language
(and, on a regional page, the Indonesian term too) and the definition. The glossary chapter and
the termbase that ``waspada check`` enforces are then one source and cannot disagree.

The terms come from the termbase's language columns. The column headings and the definitions are
ordinary translatable paragraphs of the chapter: Sphinx translates them from the chapter's
catalog (``glossary.po``) like any other paragraph, ``waspada i18n extract`` still finds them,
and the translations made before the termbase existed are kept as they are (the definitions are
the same English text). A definition therefore needs no column per language in the termbase:
translators keep working on it in Poedit or Weblate, with the catalog's review and fallback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..i18n.languages import SOURCE
from ..i18n.terms import TERMBASE, Term, Termbase, TermbaseError, read_termbase
from .screen import native_name, page_code

logger = logging.getLogger(__name__)
INDONESIAN = "id"
# The headings of the glossary's tables (messages of the glossary chapter's catalog).
ENGLISH_HEADING = "English"
INDONESIAN_HEADING = "Indonesian"
MEANING_HEADING = "What it means"


def _termbase(env: Any) -> tuple[Termbase | None, Path]:
    path = (Path(env.srcdir) / env.config.waspada_locales / TERMBASE).resolve()
    env.note_dependency(str(path))
    cache: dict[Any, Any] = env.app.__dict__.setdefault("_waspada_termbase", {})
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return None, path
    if key not in cache:
        try:
            cache.clear()
            cache[key] = read_termbase(path)[0]  # its problems: `waspada check`
        except TermbaseError as exc:
            logger.warning(str(exc.problem))
            cache[key] = None
    return cache[key], path


class TermbaseDirective(SphinxDirective):
    """``{termbase} SECTION``: the termbase's terms of SECTION as a glossary table."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        termbase, path = _termbase(self.env)
        if termbase is None:
            logger.warning(
                f"no usable termbase at {path}; run 'waspada check'", location=self.get_location()
            )
            return []
        section = self.arguments[0]
        terms = termbase.section(section)
        if not terms:
            known = ", ".join(termbase.sections) or "none"
            logger.warning(
                f"the termbase has no term in section '{section}'; sections: {known}",
                location=self.get_location(),
            )
            return []
        shown = page_code(self.env.app, self.env.docname)
        columns = _columns(shown)
        table = nodes.table(classes=["wsp-glossary", "colwidths-auto"])
        group = nodes.tgroup(cols=len(columns))
        table += group
        for _ in columns:
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        group += head
        head += _row([self._heading(column, shown) for column in columns])
        body = nodes.tbody()
        group += body
        for term in terms:
            body += _row([self._cell(term, column) for column in columns])
        return [table]

    def _heading(self, column: str, shown: str) -> nodes.paragraph:
        if column in (ENGLISH_HEADING, INDONESIAN_HEADING, MEANING_HEADING):
            return self._translatable(column)
        # The page language's own column: its name as its speakers write it.
        return _fixed(native_name(self.env.app, column))

    def _cell(self, term: Term, column: str) -> nodes.Element:
        if column == ENGLISH_HEADING:
            return _fixed(term.english)
        if column == MEANING_HEADING:
            return self._translatable(term.definition)
        code = INDONESIAN if column == INDONESIAN_HEADING else column
        return _term(term.name(code) or term.name(INDONESIAN))

    def _translatable(self, text: str) -> nodes.Element:
        """``text`` (MyST) as the chapter's own paragraphs: translated from glossary.po."""
        box = nodes.container()
        source, line = self.get_source_info()
        self.state.nested_parse(StringList([text], source=source), self.content_offset, box)
        for para in box.findall(nodes.paragraph):
            para.source, para.line = source, line
        return box[0] if len(box) == 1 else box


def _term(text: str) -> nodes.paragraph:
    """A term from the termbase, never looked up in a catalog: plain text, ``*italic*``
    parts set in italics. Nothing else is markup here (no HTML, links or roles)."""
    para = nodes.paragraph()
    para["translatable"] = False
    for index, piece in enumerate(re.split(r"\*([^*]+)\*", text)):
        if piece:
            para += nodes.emphasis(text=piece) if index % 2 else nodes.Text(piece)
    return para


def _columns(shown: str) -> list[str]:
    """English, the page's language (if not English or Indonesian), Indonesian, meaning."""
    if shown in (SOURCE, INDONESIAN):
        return [ENGLISH_HEADING, INDONESIAN_HEADING, MEANING_HEADING]
    return [ENGLISH_HEADING, shown, INDONESIAN_HEADING, MEANING_HEADING]


def _fixed(text: str) -> nodes.paragraph:
    para = nodes.paragraph(text=text)
    para["translatable"] = False
    return para


def _row(cells: list[nodes.Element]) -> nodes.row:
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += content
        row += entry
    return row


def setup_termbase(app: Sphinx) -> None:
    app.add_directive("termbase", TermbaseDirective)
