"""Link text in a chapter shown whole in a fallback language: the target's title in that
language, not in the reader's.

Sphinx fills the text of a link written without one (``{doc}`/handouts/red-flags```,
``{ref}`help-man```, ``[](handouts/red-flags.md)``, ``[](#help-man)``) with the target's title
as this build read it: in a Sasak build, a Sasak handout's title is Sasak. A chapter not yet in
Sasak is shown whole in Indonesian (see :mod:`waspada.book.screen`), so such a link would put
a Sasak label inside an Indonesian paragraph. Before Sphinx and MyST resolve the references
(post-transform priorities 9 and 10), this one gives each such link, as explicit text, the
target's title as the chapter's language shows it: the English title (kept in the title's
``rawsource``, Sphinx's message id) looked up the way a reader of that language gets the
target's chapter. Text an author wrote is translated with the chapter and left alone.

The other way round, a Sasak page linking to a chapter shown in Indonesian names it by its
Indonesian title, the heading the reader will find there; that link is marked ``lang="id"``
(as the contents and the pager mark theirs), so a screen reader reads it in Indonesian.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain

from ..i18n.catalogs import ENGLISH, lookup_chain
from ..i18n.languages import SOURCE
from ..i18n.screen import chain_from, chapter_language
from .screen import _languages, _locales, _state, page_code, reader_language

Target = tuple[str, str]  # (docname, the labelled node's id or name; "" for the page's title)


class FallbackLinkText(SphinxPostTransform):
    """Link text Sphinx fills in: in the page's language, or marked with the one it is in."""

    default_priority = 8  # before MyST's resolver (9) and Sphinx's (10)

    def run(self, **kwargs: Any) -> None:
        app = self.app
        reader = reader_language(app).code
        docname = self.env.docname
        if reader == SOURCE or docname not in self.env.all_docs:
            return
        shown = page_code(app, docname)
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refexplicit") or not node.children:
                continue
            target = link_target(self.env, node)
            if target is None:
                continue
            # The language of the title Sphinx has: the one the target is shown in.
            code = page_code(app, target[0])
            if shown != reader and code != shown:
                text, language = title_in(app, shown, *target)
                if text:
                    explicit(node, text)
                    code = language
            if code != shown:
                wrapper = LangInline(lang=code)
                node.replace_self(wrapper)
                wrapper += node


def link_target(env: Any, node: addnodes.pending_xref) -> Target | None:
    """The page (and labelled node) a link without text of its own leads to, as Sphinx's and
    MyST's resolvers will find it; None for a kind of link whose text is no title."""
    from sphinx.util import docname_join

    domain, kind = node.get("refdomain"), node.get("reftype")
    refdoc = node.get("refdoc", env.docname)
    target = str(node.get("reftarget", ""))
    labels = env.get_domain("std").labels
    if (domain, kind) == ("std", "doc"):
        docname = docname_join(refdoc, target)
        return (docname, "") if docname in env.all_docs else None
    if (domain, kind) == ("std", "ref"):
        found = labels.get(target.lower())
        return (found[0], found[1]) if found else None
    if kind != "myst":
        return None
    if domain == "doc":  # [](file.md) or [](file.md#slug)
        if target not in env.all_docs:
            return None
        slug = node.get("reftargetid")
        if not slug:
            return (target, "")
        section = env.metadata[target].get("myst_slugs", {}).get(slug)
        return (target, section[1]) if section else None
    found = labels.get(target.lower())  # [](#label): MyST asks the std domain's ref first
    if found:
        return (found[0], found[1])
    docname = docname_join(refdoc, target)
    return (docname, "") if docname in env.all_docs else None


def title_in(app: Sphinx, code: str, docname: str, label: str) -> tuple[str, str]:
    """The title of ``docname`` (``label`` "") or of the section it labels, as a reader of
    ``code`` is shown it: plain text, as Sphinx fills a link, and the language it is in; ""
    if there is none to give."""
    locales = _locales(app)
    language = _languages(locales, app).get(code, ENGLISH)
    domain = docname_to_domain(docname, app.config.gettext_compact)
    # The target's chapter as that language's readers get it: whole, in one language.
    chain = chain_from(language, chapter_language(locales, language, domain))
    source = english_title(app, docname, label)
    if not source:
        return "", chain[0]
    shown = dataclasses.replace(language, code=chain[0], fallback=tuple(chain[1:]))
    return plain_title(lookup_chain(locales, shown, (domain,))("", source)), chain[0]


def english_title(app: Sphinx, docname: str, label: str) -> str:
    """The message id (the English) of ``docname``'s title or of the title ``label`` names."""
    cache = _state(app).setdefault("titles", {})
    key = (docname, label)
    if key not in cache:
        cache[key] = _english_title(app.env.get_doctree(docname), label)
    return cache[key]


def _english_title(doctree: nodes.document, label: str) -> str:
    # Sphinx's i18n keeps a translated title's rawsource: the message id it was looked up by.
    node: nodes.Node | None
    if not label:
        node = next(doctree.findall(nodes.section), None)
    else:
        node = next(
            (
                n
                for n in doctree.findall(nodes.Element)
                if label in n.get("ids", ()) or label in n.get("names", ())
            ),
            None,
        )
    labelled = (nodes.section, nodes.definition_list_item, nodes.field)
    if isinstance(node, labelled) and node.children:
        node = node[0]  # its title, term or field name
    if not isinstance(node, (nodes.title, nodes.rubric, nodes.term, nodes.field_name)):
        return ""
    return " ".join(str(node.rawsource).split())


_ROLE = re.compile(r"\{[\w:.+-]+\}$")


def plain_title(text: str) -> str:
    """A title's text without its MyST markup (``*visum et repertum*`` -> ``visum et
    repertum``), as Sphinx fills a link with the text of a title."""
    from markdown_it import MarkdownIt

    out: list[str] = []
    for line in MarkdownIt("commonmark").parseInline(text):
        for token in line.children or ():
            if token.type == "text":
                out.append(token.content)
            elif token.type == "code_inline":
                if out:
                    out[-1] = _ROLE.sub("", out[-1])  # {term}`x`: the role's name is no text
                out.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())


def explicit(node: addnodes.pending_xref, text: str) -> None:
    """Give a link ``text`` as if the author had written it: the resolvers keep it."""
    content = node[0]
    if isinstance(content, nodes.Element):
        content.children = []
        content += nodes.Text(text)
    else:
        node.children = []
        node += nodes.inline(text, text)
    node["refexplicit"] = True


class LangInline(nodes.inline):
    """Text in another language than the page's: ``<span lang="...">`` in HTML; other
    builders write it as the plain inline it is."""


def _visit_lang(self: Any, node: LangInline) -> None:
    self.body.append(self.starttag(node, "span", "", lang=node["lang"]))


def _depart_lang(self: Any, node: LangInline) -> None:
    self.body.append("</span>")


def setup_link_text(app: Sphinx) -> None:
    app.add_node(LangInline, html=(_visit_lang, _depart_lang))
    app.add_post_transform(FallbackLinkText)
