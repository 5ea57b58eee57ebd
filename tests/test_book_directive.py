"""The {scenario} Sphinx directive on a tiny Sphinx project (MyST pages, our extension)."""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
id: tiny
title: Tiny story
summary: A very small story.
audiences: [village]
modi: [deception]
start: a
nodes:
  a:
    text: "Opening text </script><script>alert(1)</script>"
    choices:
      - {label: Go on, target: b, feedback: Good.}
  b:
    text: The end.
    ending: {kind: safe, debrief: Done., messages: [Ask questions.], help: [sapa-129]}
characters: [woman]
"""


def make_project(tmp_path: Path, page: str) -> Path:
    src = tmp_path / "src"
    (src / "scenarios").mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'waspada.book']\n"
        "waspada_scenarios = 'scenarios'\nwaspada_help = 'help.yml'\nwaspada_locales = 'locales'\n"
        "exclude_patterns = ['scenarios']\n"
    )
    shutil.copy(ROOT / "help.yml", src / "help.yml")
    (src / "scenarios" / "tiny.yml").write_text(SCENARIO)
    (src / "index.md").write_text("# Home\n\n```{toctree}\nstory\nplain\n```\n")
    (src / "story.md").write_text(page)
    (src / "plain.md").write_text("# Plain\n\nNo scenario here.\n")
    return src


def build(src: Path, builder: str = "html", fresh: bool = True) -> tuple[Path, str]:
    out = src.parent / "out" / builder
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(out),
        str(src.parent / "doctrees" / builder),
        builder,
        status=None,
        warning=warnings,
        freshenv=fresh,
    )
    app.build()
    return out, warnings.getvalue()


def payload_of(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" class="wsp-payload">(.*?)</script>', html, re.S
    )
    assert match, "no payload in the page"
    return json.loads(match.group(1))


def test_page_carries_payload_fallback_and_assets(tmp_path: Path) -> None:
    """The page holds the compiled payload, a text fallback, and links the player and its CSS."""
    src = make_project(tmp_path, "# Story\n\n```{scenario} tiny\n:mode: facilitator\n```\n")
    out, warnings = build(src)
    assert warnings == ""
    html = (out / "story.html").read_text()
    assert '<div class="wsp-scenario" id="scenario-tiny" data-wsp-mode="facilitator">' in html
    payload = payload_of(html)
    assert payload["id"] == "tiny" and payload["title"] == "Tiny story"
    assert payload["nodes"]["b"]["ending"]["help"][0]["contacts"][0]["value"] == "129"
    assert 'class="wsp-fallback' in html and "Interactive scenario" in html
    assert "_static/waspada/scenario-player.js" in html
    assert "_static/waspada/scenario.css" in html
    plain = (out / "plain.html").read_text()
    assert "scenario-player.js" not in plain, "pages without a scenario must not load the player"
    player = (out / "_static" / "waspada" / "scenario-player.js").read_text()
    source = (ROOT / "src" / "waspada" / "widget" / "scenario.js").read_text()
    assert player.startswith("window.WSP_SCENARIO_SOURCE = " + json.dumps(source) + ";")


def test_script_end_tags_in_text_cannot_break_out(tmp_path: Path) -> None:
    """Text containing </script> stays inside the JSON (escaped), so it cannot end the element."""
    src = make_project(tmp_path, "# Story\n\n```{scenario} tiny\n```\n")
    out, _ = build(src)
    html = (out / "story.html").read_text()
    block = html[html.index('class="wsp-payload">') :]
    block = block[: block.index("</script>")]
    assert "<script>" not in block and "\\u003c/script\\u003e" in block
    assert payload_of(html)["nodes"]["a"]["text"][0]["p"][0][1].startswith("Opening text </script>")


def test_unknown_scenario_is_a_located_warning(tmp_path: Path) -> None:
    """A wrong id warns with the page and line, and says what to check."""
    src = make_project(tmp_path, "# Story\n\nText.\n\n```{scenario} tinny\n```\n")
    _, warnings = build(src)
    assert re.search(
        r"story\.md:5: WARNING: scenario 'tinny' not found: there is no tinny\.yml", warnings
    ), warnings


def test_broken_scenario_warns_with_its_file_and_line(tmp_path: Path) -> None:
    """A scenario with errors is not embedded; the warning names the YAML file and line."""
    src = make_project(tmp_path, "# Story\n\n```{scenario} tiny\n```\n")
    (src / "scenarios" / "tiny.yml").write_text(SCENARIO.replace("target: b", "target: bee"))
    out, warnings = build(src)
    assert "scenarios/tiny.yml:11:" in warnings and "'bee', which does not exist" in warnings
    assert "wsp-payload" not in (out / "story.html").read_text()


def test_text_builder_gets_a_readable_version(tmp_path: Path) -> None:
    """Builders without JavaScript show the title, summary and opening text."""
    src = make_project(tmp_path, "# Story\n\n```{scenario} tiny\n```\n")
    out, _ = build(src, "text")
    text = (out / "story.txt").read_text()
    assert "Tiny story" in text and "A very small story." in text and "Opening text" in text
    assert "Interactive scenario" in text


def test_editing_the_yaml_rebuilds_the_page(tmp_path: Path) -> None:
    """An incremental build notices a changed scenario file and rewrites the page using it."""
    src = make_project(tmp_path, "# Story\n\n```{scenario} tiny\n```\n")
    out, _ = build(src)
    assert payload_of((out / "story.html").read_text())["title"] == "Tiny story"
    time.sleep(0.01)
    path = src / "scenarios" / "tiny.yml"
    path.write_text(path.read_text().replace("title: Tiny story", "title: Renamed story"))
    out, _ = build(src, fresh=False)
    assert payload_of((out / "story.html").read_text())["title"] == "Renamed story"


@pytest.mark.parametrize("mode", ["learner", "facilitator"])
def test_doctree_holds_one_scenario_node(tmp_path: Path, mode: str) -> None:
    """The directive yields one scenario node with the chosen mode and a text fallback."""
    from docutils import nodes

    from waspada.book.directive import scenario_node

    src = make_project(tmp_path, f"# Story\n\n```{{scenario}} tiny\n:mode: {mode}\n```\n")
    out = src.parent / "out" / "html"
    app = Sphinx(
        str(src),
        str(src),
        str(out),
        str(src.parent / "dt"),
        "html",
        status=None,
        warning=io.StringIO(),
        freshenv=True,
    )
    app.build()
    doctree = app.env.get_doctree("story")
    found = list(doctree.findall(scenario_node))
    assert len(found) == 1
    assert found[0]["mode"] == mode
    assert [type(child) for child in found[0].children] == [nodes.container]


def test_a_changed_translation_rebuilds_the_help_box(tmp_path: Path) -> None:
    """{help-services} bakes translated text into the page: an incremental build must notice
    a changed interface catalog, or the page keeps the old (or English) text."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from waspada.scenario import load_help

    src = make_project(tmp_path, "# Story\n\n```{help-services} police-110\n```\n")
    (src / "conf.py").write_text((src / "conf.py").read_text() + "language = 'id'\n")
    (src / "locales").mkdir()
    (src / "locales" / "languages.yml").write_text(
        "languages:\n  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en],"
        " cldr: id, status: draft}\n"
    )
    description = load_help(src / "help.yml")[0]["police-110"].description
    po = src / "locales" / "id" / "LC_MESSAGES" / "ui.po"
    po.parent.mkdir(parents=True)

    def translate(text: str) -> None:
        catalog = Catalog(locale="id")
        catalog.add(description, text, context="help:police-110")
        with po.open("wb") as handle:
            write_po(handle, catalog)

    # The page itself is translated whole, so it is shown in Indonesian (one language per
    # screen), help box included.
    page = Catalog(locale="id")
    page.add("Story", "Cerita")
    for path in (src / "locales" / "templates" / "story.pot", po.parent / "story.po"):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, page)
    translate("Saluran darurat polisi, versi pertama.")
    out, _ = build(src)
    assert "versi pertama" in (out / "story.html").read_text()
    time.sleep(0.01)
    translate("Saluran darurat polisi, versi kedua.")
    out, _ = build(src, fresh=False)
    assert "versi kedua" in (out / "story.html").read_text()
