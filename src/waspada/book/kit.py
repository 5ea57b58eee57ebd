"""Directives for the course kits: help numbers, scenario lists and maps, a progress dashboard.

- ``{help-services} [id ...]``: services from help.yml with their numbers, translated, so a
  handout never carries a number typed by hand.
- ``{help-contact}`sapa-129``` (a role): one number from help.yml in a sentence; ``sapa-129`` is
  the first phone contact, ``sapa-129/whatsapp`` the first WhatsApp contact, ``bp2mi/phone2``
  the second phone contact.
- ``{scenario-list}``: a table of the scenarios in this build (the profile's selection).
- ``{scenario-map} ID``: every node and route of a scenario, as a picture and as a list.
- ``{progress-dashboard}``: the knowledge checks of the modules in this build, with the
  learner's progress read from this browser, and a printable completion summary.
"""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join, logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from .. import COURSE_ID, __version__
from ..assets import DASHBOARD_JS, LMS_JS, script_json
from ..i18n import translator
from ..i18n.ui import APP_MESSAGES, AUDIENCE_NAMES, UI_CONTEXT, serves_text
from ..payload import scenario_payload
from ..scenario import Collection, Service, Translate, load_collection
from ..scenario.compile import contact_label
from ..scenario.help import find_contact, load_help
from ..scenario.model import MODUS_NAMES
from .directive import _collection, district_of, note_translations, static_dir
from .scenario_map import draw_svg, route_list

logger = logging.getLogger(__name__)
DASHBOARD_FILE = "waspada/dashboard.js"
LMS_FILE = "waspada/lms.js"


def _locales(env: Any) -> Path:
    return (Path(env.srcdir) / env.config.waspada_locales).resolve()


def _lang(env: Any, docname: str | None = None) -> str:
    """The language the page is shown in: the build's, or the fallback of a chapter not yet
    translated whole into it (one language per screen, see screen.py)."""
    from .screen import page_code

    return page_code(env.app, docname or env.docname)


def _all_scenarios(env: Any) -> Collection:
    srcdir = Path(env.srcdir)
    scenario_dir = (srcdir / env.config.waspada_scenarios).resolve()
    help_file = (srcdir / env.config.waspada_help).resolve()
    cache: dict[Any, Collection] = env.app.__dict__.setdefault("_waspada_cache", {})
    files = sorted(scenario_dir.glob("*.yml"))
    key = ("all", tuple((str(p), p.stat().st_mtime_ns) for p in files))
    if key not in cache:
        cache[key] = load_collection(
            files, help_file if help_file.exists() else None, display_root=scenario_dir.parent
        )
    return cache[key]


def _translator(env: Any) -> Translate:
    """The page language's translator; the page is rebuilt when one of its catalogs changes."""
    note_translations(env, _locales(env), _lang(env))
    return translator(_locales(env), _lang(env))


def _app_text(env: Any, key: str) -> str:
    return _translator(env)(UI_CONTEXT, APP_MESSAGES[key])


# -- help-services ------------------------------------------------------------------------------


class HelpServicesDirective(SphinxDirective):
    """``{help-services} sapa-129 police-110``: those services (all of them without ids)."""

    optional_arguments = 50
    has_content = False
    # ``:brief:`` leaves out each service's description: for a printed directory whose page
    # already says, situation by situation, what each service is for.
    option_spec: ClassVar[dict[str, Any]] = {"brief": directives.flag}

    def run(self) -> list[nodes.Node]:
        help_file = (Path(self.env.srcdir) / self.env.config.waspada_help).resolve()
        self.env.note_dependency(str(help_file))
        services, problems = load_help(help_file)
        for problem in problems:
            if problem.is_error:
                logger.warning(f"{problem}", location=self.get_location())
        wanted = self.arguments or list(services)
        tr = _translator(self.env)
        brief = "brief" in self.options
        box = nodes.container(classes=["wsp-help-services", *(["wsp-help-brief"] if brief else [])])
        unknown = [sid for sid in wanted if sid not in services]
        for sid in unknown:
            logger.warning(
                f"unknown help service '{sid}'; use one of: {', '.join(services)}",
                location=self.get_location(),
            )
        district = district_of(self.env, services)
        # A district build lists the district's own entries first, then the national ones.
        local = district.for_listing(self.arguments or None) if district else []
        for service in [*local, *(services[sid] for sid in wanted if sid in services)]:
            box += _service_item(service, tr, brief)
        return [box]


def _service_item(service: Service, tr: Translate, brief: bool) -> nodes.container:
    """One service of ``{help-services}``: name, numbers, description, whom it serves."""
    ctx = service.message_context
    item = nodes.container(
        classes=["wsp-help-service", *(["wsp-help-local"] if service.local else [])]
    )
    name = nodes.paragraph(classes=["wsp-help-name"])
    name += nodes.strong(text=service.name if service.local else tr(ctx, service.name))
    item += name
    for key, value in (("address", service.address), ("hours", service.hours)):
        if value:
            line = nodes.paragraph(classes=[f"wsp-help-{key}"])
            line += nodes.Text(f"{tr(UI_CONTEXT, APP_MESSAGES[key])}: {value}")
            item += line
    numbers = nodes.paragraph(classes=["wsp-help-numbers"])
    for index, contact in enumerate(service.contacts):
        if index:
            numbers += nodes.Text(" · ")
        numbers += nodes.Text(f"{contact_label(service, contact.label, tr)}: ")
        value = nodes.strong(text=contact.value)
        if contact.href:
            link = nodes.reference("", "", refuri=contact.href)
            link += value
            numbers += link
        else:
            numbers += value
    if service.contacts:
        item += numbers
    if not brief and service.description:
        item += nodes.paragraph(text=tr(ctx, service.description), classes=["wsp-help-desc"])
    if service.serves:
        item += nodes.paragraph(text=serves_text(service.serves, tr), classes=["wsp-help-serves"])
    if service.local:
        checked = tr(UI_CONTEXT, APP_MESSAGES["checked_by"]).format(
            organisation=service.checked_by, date=service.checked
        )
        item += nodes.paragraph(text=checked, classes=["wsp-help-checked"])
    return item


class HelpContactRole(SphinxRole):
    """``{help-contact}`sapa-129/whatsapp```: that number, from help.yml, never typed by hand."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        help_file = (Path(self.env.srcdir) / self.env.config.waspada_help).resolve()
        self.env.note_dependency(str(help_file))
        services, _ = load_help(help_file)  # its own problems are reported by {help-services}
        contact, why = find_contact(services, self.text)
        if contact is None:
            logger.warning(why, location=self.get_location())
            return [nodes.literal(self.rawtext, self.text)], []
        value = nodes.inline(contact.value, contact.value, classes=["wsp-help-contact"])
        if not contact.href:
            return [value], []
        link = nodes.reference(contact.value, "", value, refuri=contact.href)
        return [link], []


# -- scenario-list ------------------------------------------------------------------------------


class ScenarioListDirective(SphinxDirective):
    """A table of this build's scenarios: title (linked), audiences, methods."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        collection = _all_scenarios(self.env)
        selected = list(self.env.config.waspada_profile_scenarios or [])
        stories = collection.stories
        ids = selected or sorted(stories, key=lambda sid: stories[sid].title)
        tr = _translator(self.env)
        found = self.env.found_docs
        headers = [_app_text(self.env, k) for k in ("scenario", "audience", "methods")]
        table = nodes.table(classes=["wsp-scenario-list"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (40, 20, 40):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += _row([nodes.paragraph(text=text) for text in headers])
        body = nodes.tbody()
        group += body
        rows = []
        for sid in ids:
            scenario = stories.get(sid)
            if scenario is None:
                continue
            title = tr(sid, scenario.title)
            cell_title = nodes.paragraph()
            cell_title += _link(title, "doc", f"/practice/{sid}", f"practice/{sid}" in found)
            audiences = ", ".join(tr("audience", AUDIENCE_NAMES[a]) for a in scenario.audiences)
            methods = nodes.paragraph()
            for index, modus in enumerate(scenario.modi):
                if index:
                    methods += nodes.Text(", ")
                name = tr("modus", MODUS_NAMES[modus])
                if modus == "smuggling":  # taught by its own chapter, not a recruitment section
                    methods += _link(name, "doc", "/smuggling", "smuggling" in found)
                else:
                    methods += _link(name, "ref", f"modus-{modus}", "recruitment" in found)
            rows.append((title, _row([cell_title, nodes.paragraph(text=audiences), methods])))
        for _, row in sorted(rows, key=lambda item: item[0].casefold()):
            body += row
        return [table]


def _link(text: str, reftype: str, target: str, built: bool) -> nodes.Node:
    """A cross-reference to ``target``, or the plain text when this build leaves it out."""
    if not built:
        return nodes.Text(text)
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype=reftype, reftarget=target, refexplicit=True, refwarn=True
    )
    ref += nodes.inline(text=text)
    return ref


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += content
        row += entry
    return row


# -- scenario-map -------------------------------------------------------------------------------


class ScenarioMapDirective(SphinxDirective):
    """``{scenario-map} cafe-singer``: the whole scenario at a glance, for preparation."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        sid = self.arguments[0]
        collection, path, _ = _collection(self.env, sid)
        self.env.note_dependency(str(path))
        scenario = collection.scenarios.get(sid)
        if scenario is None:
            logger.warning(
                f"scenario '{sid}' not found or broken; run 'waspada check'",
                location=self.get_location(),
            )
            return []
        tr = _translator(self.env)
        title = tr(sid, scenario.title)
        figure = nodes.container(classes=["wsp-map"])
        # A wide map scrolls sideways; the scrolling box takes keyboard focus to allow that.
        figure += nodes.raw(
            "",
            f'<div class="wsp-map-scroll" tabindex="0" role="group" '
            f'aria-label="{escape(title, quote=True)}">{draw_svg(scenario, tr, title)}</div>',
            format="html",
        )
        listing = nodes.bullet_list(classes=["wsp-map-routes"])
        for number, summary, choices in route_list(scenario, tr):
            item = nodes.list_item(ids=[f"map-{sid}-{number}"])
            para = nodes.paragraph()
            para += nodes.strong(text=f"{number}. ")
            para += nodes.Text(summary)
            item += para
            if choices:
                sub = nodes.bullet_list()
                for choice_number, label, target in choices:
                    entry = nodes.list_item()
                    entry += nodes.paragraph(text=f"{choice_number}: {label} → {target}")
                    sub += entry
                item += sub
            listing += item
        figure += listing
        return [figure]


# -- progress-dashboard -------------------------------------------------------------------------


class dashboard_node(nodes.General, nodes.Element):
    """Filled in when the whole book is read (titles and links of the module chapters)."""


class ProgressDashboardDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = dashboard_node()
        self.set_source_info(node)
        return [node]  # filled in by _resolve_dashboards once every chapter title is known


def _resolve_dashboards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    dashboards = list(doctree.findall(dashboard_node))
    if not dashboards:
        return
    env = app.env
    collection = _all_scenarios(env)
    lang = _lang(env, docname)
    locales = _locales(env)
    order = list(env.config.waspada_profile_documents or [])
    checks = [c for c in collection.checks.values() if c.module in env.found_docs]
    checks.sort(key=lambda c: (order.index(c.module) if c.module in order else 999, c.id))
    modules = []
    for check in checks:
        payload = scenario_payload(check, collection.services, lang=lang, locales_dir=locales)
        title = env.titles.get(check.module)
        modules.append(
            {
                "id": check.id,
                "title": title.astext() if title is not None else check.module,
                "check": payload["title"],
                "href": app.builder.get_relative_uri(docname, check.module)
                + f"#scenario-{check.id}",
                "digest": payload["digest"],
                # Only what the dashboard needs: where each choice leads, and the results.
                "edges": [s["choices"] for s in payload["states"]],
                "labels": [s["label"] for s in payload["states"]],
                "results": {
                    str(i): s["result"] for i, s in enumerate(payload["states"]) if "result" in s
                },
            }
        )
    tr = translator(locales, lang)
    ui = {
        key: tr(UI_CONTEXT, text)
        for key, text in APP_MESSAGES.items()
        if key.startswith("dashboard_")
    }
    data = {
        "course": {"id": COURSE_ID, "version": __version__},
        "lang": lang,
        "modules": modules,
        "ui": ui,
    }
    for node in dashboards:
        node.replace_self(dashboard_html(data))
    app.__dict__.setdefault("_waspada_dashboards", set()).add(docname)


def dashboard_html(data: dict[str, Any]) -> nodes.Node:
    text = script_json(data)
    fallback = data["ui"].get("dashboard_no_js", "")
    return nodes.raw(
        "",
        f'<div class="wsp-dashboard"><script type="application/json" class="wsp-dashboard-data">'
        f'{text}</script><p class="wsp-fallback">{escape(fallback)}</p></div>',
        format="html",
    )


def _dashboard_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename in app.__dict__.get("_waspada_dashboards", set()):
        app.add_js_file(DASHBOARD_FILE, loading_method="defer")


def _write_dashboard(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    shutil.copyfile(DASHBOARD_JS, static_dir(app) / "dashboard.js")


def _lms_inited(app: Sphinx) -> None:
    if app.config.waspada_lms and app.builder.format == "html":
        app.add_js_file(LMS_FILE)  # in the head, before the players (which are deferred)


def _write_lms(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.config.waspada_lms and app.builder.format == "html":
        shutil.copyfile(LMS_JS, static_dir(app) / "lms.js")


def setup_kit(app: Sphinx) -> None:
    # Set by `waspada export scorm`: every page reports to a learning platform when one is there.
    app.add_config_value("waspada_lms", False, "html", [bool])
    app.connect("builder-inited", _lms_inited)
    app.connect("build-finished", _write_lms)
    app.add_config_value("waspada_profile", "full", "env", [str])
    app.add_config_value("waspada_profile_title", "", "html", [str])  # shown in the header
    app.add_config_value("waspada_profile_scenarios", [], "env", [list])
    app.add_config_value("waspada_profile_documents", [], "env", [list])
    app.add_directive("help-services", HelpServicesDirective)
    app.add_role("help-contact", HelpContactRole())
    app.add_directive("scenario-list", ScenarioListDirective)
    app.add_directive("scenario-map", ScenarioMapDirective)
    app.add_node(dashboard_node)
    app.add_directive("progress-dashboard", ProgressDashboardDirective)
    app.add_post_transform(ProfileLinks)
    app.connect("doctree-resolved", _resolve_dashboards)
    app.connect("html-page-context", _dashboard_assets)
    app.connect("build-finished", _write_dashboard)


# -- links to pages a profile leaves out --------------------------------------------------------


class ProfileLinks(SphinxPostTransform):
    """A link to a book page that this profile does not build becomes its plain text.

    The chapters are shared by every profile, so "see the chapter for health workers" may point
    to a page the village kit leaves out. That is a choice made in profiles.yml, not a broken
    link: the reader sees the words without a link. A link to a page that does not exist at all
    still warns (and fails a strict build).
    """

    default_priority = 5  # before MyST's own resolver (9) and Sphinx's (10)

    def run(self, **kwargs: Any) -> None:
        srcdir = Path(self.env.srcdir)
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") == "myst" and node.get("refdomain") == "doc":
                target = node["reftarget"]
            elif node.get("reftype") == "doc":
                target = docname_join(node.get("refdoc", self.env.docname), node["reftarget"])
            else:
                continue
            target = target.lstrip("/")
            if target not in self.env.all_docs and (srcdir / f"{target}.md").is_file():
                node.replace_self(nodes.inline("", "", *node[0].deepcopy().children))
