"""The ``{scenario}`` directive: directive -> ``scenario_node`` -> HTML (or text) output."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..assets import SCENARIO_CSS, player_script, script_json
from ..i18n import language, translator
from ..i18n.catalogs import CODE_DOMAINS, po_path
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT
from ..payload import scenario_payload
from ..scenario import Collection, Service, load_collection
from ..scenario.district import District, load_district
from ..scenario.markup import plain
from .screen import fallback_note, page_code, scenario_code

logger = logging.getLogger(__name__)

JS_FILE = "waspada/scenario-player.js"
CSS_FILE = "waspada/scenario.css"
MODES = ("learner", "facilitator")


def note_translations(env: Any, locales: Path, lang: str) -> None:
    """Make the current page depend on the scenario and interface catalogs of ``lang``'s chain.

    Text a directive translates is baked into the page's doctree; without this a changed
    translation would not rebuild the page, which would keep showing the old text.
    """
    for code in language(locales, lang).chain:
        for domain in CODE_DOMAINS:
            catalog = po_path(locales, code, domain)
            if catalog.is_file():
                env.note_dependency(str(catalog))


def _note_page_catalogs(app: Sphinx, docname: str, source: list[str]) -> None:
    """Make a page depend on its own catalog (``<domain>.po``) in each language of the chain.

    Sphinx notes a dependency on a compiled ``.mo`` only where it finds ``.po`` files beside
    it, and `waspada build` compiles merged ``.mo`` files alone: without this an edited
    translation of a chapter never reached an incremental build's page."""
    lang = app.config.language or "en"
    if lang == "en":
        return
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(docname, app.config.gettext_compact)
    locales = Path(app.srcdir, app.config.waspada_locales).resolve()
    for code in language(locales, lang).chain:
        catalog = po_path(locales, code, domain)
        if catalog.is_file():
            app.env.note_dependency(str(catalog))


class scenario_node(nodes.General, nodes.Element):
    """A scenario in a page; ``payload`` holds the compiled JSON, children the text fallback."""


def _collection(env: Any, sid: str) -> tuple[Collection, Path, Path]:
    """Load (with a per-build cache keyed by modification time) the scenario file for ``sid``."""
    srcdir = Path(env.srcdir)
    scenario_dir = (srcdir / env.config.waspada_scenarios).resolve()
    help_file = (srcdir / env.config.waspada_help).resolve()
    path = scenario_dir / f"{sid}.yml"
    cache: dict[Any, Collection] = env.app.__dict__.setdefault("_waspada_cache", {})
    stamp = tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in (path, help_file))
    key = (str(path), stamp)
    if key not in cache:
        cache[key] = load_collection(
            [path] if path.exists() else [],
            help_file if help_file.exists() else None,
            display_root=scenario_dir.parent,
        )
    return cache[key], path, help_file


def district_of(env: Any, services: dict[str, Service]) -> District | None:
    """The district this build is for (``waspada build --district``), or None.

    The page depends on the district file, so editing it rebuilds the pages that show it.
    ``waspada build`` refuses a district with errors before Sphinx starts; one broken since is
    a warning here (a strict build fails on it) and the page shows the national services.
    """
    name = env.config.waspada_district
    if not name:
        return None
    path = Path(name)
    env.note_dependency(str(path))
    cache: dict[Any, Any] = env.app.__dict__.setdefault("_waspada_cache", {})
    key = ("district", str(path), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in cache:
        district, problems = load_district(path, services, display=f"districts/{path.name}")
        for problem in problems:
            if problem.is_error:
                logger.warning(f"{problem}", type="waspada", subtype="district")
        cache[key] = district
    return cache[key]


class ScenarioDirective(SphinxDirective):
    """Embed a playable scenario, compiled for the language of this build."""

    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "mode": lambda arg: directives.choice(arg, MODES),
    }

    def run(self) -> list[nodes.Node]:
        sid = self.arguments[0]
        collection, path, help_file = _collection(self.env, sid)
        self.env.note_dependency(str(path))
        self.env.note_dependency(str(help_file))
        if not path.exists():
            logger.warning(
                f"scenario '{sid}' not found: there is no {path.name} in "
                f"{path.parent}; check the id in the directive",
                location=self.get_location(),
                type="waspada",
                subtype="scenario",
            )
            return []
        if collection.errors or sid not in collection.scenarios:
            for problem in collection.errors:
                logger.warning(
                    f"{problem.location}: {problem.message}",
                    location=self.get_location(),
                    type="waspada",
                    subtype="scenario",
                )
            return []
        scenario = collection.scenarios[sid]
        # One language per screen: the scenario in its page's language if translated whole
        # into it, else whole in the next language of the chain (its player and endings too).
        build_lang = self.env.config.language or "en"
        lang = scenario_code(self.env.app, self.env.docname, sid)
        locales = (Path(self.env.srcdir) / self.env.config.waspada_locales).resolve()
        payload = scenario_payload(
            scenario,
            collection.services,
            lang=lang,
            locales_dir=locales,
            exit_url=self.env.config.waspada_quick_exit,
            author=bool(self.env.config.waspada_author_view),
            district=district_of(self.env, collection.services),
        )
        note_translations(self.env, locales, build_lang)

        node = scenario_node()
        node["payload"] = payload
        node["mode"] = self.options.get("mode", "learner")
        node["lang"] = lang
        shown_with_page = lang == page_code(self.env.app, self.env.docname)
        notes: list[nodes.Node] = []
        if not shown_with_page:
            notes.append(
                nodes.paragraph(
                    text=fallback_note(self.env.app, "scenario_fallback", lang),
                    classes=["wsp-language-note"],
                )
            )
        node["ids"] = [f"scenario-{sid}"]
        self.set_source_info(node)
        # The text version, for builders without JavaScript and for pages read with it off.
        fallback = nodes.container(classes=["wsp-fallback"])
        title = nodes.paragraph()
        title += nodes.strong(text=payload["title"])
        fallback += title
        if payload["summary"]:
            fallback += nodes.paragraph(text=payload["summary"])
        start = payload["nodes"][payload["states"][0]["node"]]
        for block in start["text"] or []:
            if "p" in block:
                fallback += nodes.paragraph(text="".join(text for _, text in block["p"]))
        no_js = translator(locales, lang)(UI_CONTEXT, APP_MESSAGES["scenario_no_js"])
        fallback += nodes.paragraph(text=plain(no_js))
        node += fallback
        return [*notes, node]


def visit_scenario_html(self: Any, node: scenario_node) -> None:
    data = script_json(node["payload"])
    ident = node["ids"][0] if node["ids"] else ""
    lang = node.get("lang")
    # Marked when it differs from the page's (one language per screen); a code is letters.
    own = f' lang="{lang}"' if lang and lang != (self.builder.config.language or "en") else ""
    self.body.append(
        f'<div class="wsp-scenario" id="{ident}" data-wsp-mode="{node["mode"]}"{own}>'
        f'<script type="application/json" class="wsp-payload">{data}</script>'
    )


def depart_scenario_html(self: Any, node: scenario_node) -> None:
    self.body.append("</div>\n")


def _skip(self: Any, node: nodes.Node) -> None:
    pass


def _add_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if doctree is not None and next(iter(doctree.findall(scenario_node)), None) is not None:
        app.add_js_file(JS_FILE, loading_method="defer")
        app.add_css_file(CSS_FILE)


def static_dir(app: Sphinx) -> Path:
    """The build's folder for our browser files (_static/waspada), created if need be."""
    target = Path(app.builder.outdir) / "_static" / "waspada"
    target.mkdir(parents=True, exist_ok=True)
    return target


def _write_assets(app: Sphinx, exception: Exception | None) -> None:
    """Write the front end into ``_static``: scenario.js as a string, then the loader."""
    if exception is not None or app.builder.format != "html":
        return
    target = static_dir(app)
    (target / "scenario-player.js").write_text(player_script(), encoding="utf-8")
    shutil.copyfile(SCENARIO_CSS, target / "scenario.css")


def setup_scenario(app: Sphinx) -> None:
    app.add_config_value("waspada_scenarios", "../scenarios", "env", [str])
    app.add_config_value("waspada_help", "../help.yml", "env", [str])
    app.add_config_value("waspada_locales", "../locales", "env", [str])
    # `waspada build --district ID`: the district file, whose entries pages list first.
    app.add_config_value("waspada_district", "", "env", [str])
    app.add_config_value("waspada_district_name", "", "env", [str])
    # Set by `waspada preview` (python -m waspada.book.build --author); never in `waspada build`.
    app.add_config_value("waspada_author_view", False, "env", [bool])
    app.add_node(
        scenario_node,
        html=(visit_scenario_html, depart_scenario_html),
        latex=(_skip, _skip),
        text=(_skip, _skip),
        man=(_skip, _skip),
        texinfo=(_skip, _skip),
    )
    app.add_directive("scenario", ScenarioDirective)
    app.connect("html-page-context", _add_assets)
    app.connect("build-finished", _write_assets)
    app.connect("source-read", _note_page_catalogs)
