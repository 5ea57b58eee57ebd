"""The course's own Sphinx theme, ``waspada``, and what pages built with it leave out.

Jupyter Book's default theme makes every page ask for about 2.5 MB (Font Awesome as a script and
a web font, Bootstrap, the pydata stylesheet, the search index) before a word is read on a slow
phone. This theme is Sphinx's ``basic`` templates with one stylesheet and no script: a chapter is
its HTML, two stylesheets and the Quick exit script. Search stays, on the search page: only that
page loads Sphinx's search scripts and the index.

Answers written as ``{admonition}`` with ``:class: dropdown`` become ``<details>`` here, which
opens without any script (sphinx-togglebutton did this with JavaScript).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

THEME_NAME = "waspada"
THEME_DIR = Path(__file__).parent / "theme"

# Files Sphinx and myst-nb put on every page that a page of this theme does not use. Sphinx's
# own scripts serve the search page (which keeps them); pygments and myst-nb style code cells,
# and the course has none.
SEARCH_ONLY_SCRIPTS = frozenset(
    {"documentation_options.js", "doctools.js", "sphinx_highlight.js", "translations.js"}
)
UNUSED_STYLESHEETS = ("pygments.css", "mystnb.")


def _name(asset: Any) -> str:
    return str(getattr(asset, "filename", asset)).rsplit("/", 1)[-1]


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.config.html_theme != THEME_NAME:
        return
    if pagename != "search":
        context["script_files"] = [
            js for js in context.get("script_files", []) if _name(js) not in SEARCH_ONLY_SCRIPTS
        ]
    context["css_files"] = [
        css for css in context.get("css_files", []) if not _name(css).startswith(UNUSED_STYLESHEETS)
    ]
    env = app.builder.env
    root = app.config.root_doc
    if root in env.titles:
        context["root_title"] = env.titles[root].astext()


# -- dropdown answers ---------------------------------------------------------------------------


class dropdown(nodes.General, nodes.Element):
    """An admonition the reader opens: <details class="admonition ...">."""


class dropdown_summary(nodes.General, nodes.TextElement):
    """Its title, always shown: <summary>."""


class DropdownAdmonitions(SphinxPostTransform):
    """``{admonition} Title`` with ``:class: dropdown`` becomes a closed <details>."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.Admonition)):
            if "dropdown" not in node["classes"]:
                continue
            box = dropdown(classes=[c for c in node["classes"] if c != "dropdown"])
            for child in node.children:
                if isinstance(child, nodes.title):
                    box += dropdown_summary("", "", *child.children)
                else:
                    box += child.deepcopy()
            node.replace_self(box)


def _visit_dropdown(self: HTML5Translator, node: dropdown) -> None:
    self.body.append(self.starttag(node, "details", CLASS="admonition"))


def _depart_dropdown(self: HTML5Translator, node: dropdown) -> None:
    self.body.append("</details>\n")


def _visit_summary(self: HTML5Translator, node: dropdown_summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def _depart_summary(self: HTML5Translator, node: dropdown_summary) -> None:
    self.body.append("</summary>\n")


def setup_theme(app: Sphinx) -> None:
    app.add_html_theme(THEME_NAME, str(THEME_DIR))
    app.add_node(dropdown, html=(_visit_dropdown, _depart_dropdown))
    app.add_node(dropdown_summary, html=(_visit_summary, _depart_summary))
    app.add_post_transform(DropdownAdmonitions)
    app.connect("html-page-context", _page_context)
