"""The author view's data (issue 18): in the payload of a preview build only, never published."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from waspada.payload import scenario_payload
from waspada.scenario import load_collection

ROOT = Path(__file__).resolve().parents[1]
VECTOR = ROOT / "tests" / "vectors" / "market-lift.yml"

# The payload's keys as published before the author view existed: a normal build must keep them.
PUBLISHED_KEYS = {
    "format",
    "lang",
    "course",
    "id",
    "digest",
    "title",
    "summary",
    "kind",
    "module",
    "audiences",
    "modi",
    "variables",
    "nodes",
    "states",
    "ui",
}


def node_lines(path: Path) -> dict[str, int]:
    """Line of each node's key in a scenario file, read from the text (not from the loader)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("nodes:")
    return {
        match.group(1): number
        for number, line in enumerate(lines[start:], start + 1)
        if (match := re.fullmatch(r"  ([a-z0-9-]+):\s*", line))
    }


def make_project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    if not src.exists():
        (src / "scenarios").mkdir(parents=True)
        (src / "conf.py").write_text(
            "extensions = ['myst_parser', 'waspada.book']\n"
            "waspada_scenarios = 'scenarios'\nwaspada_help = 'help.yml'\n"
            "waspada_locales = 'locales'\nexclude_patterns = ['scenarios']\n"
        )
        shutil.copy(ROOT / "help.yml", src / "help.yml")
        shutil.copy(VECTOR, src / "scenarios" / VECTOR.name)
        (src / "index.md").write_text("# Story\n\n```{scenario} market-lift\n```\n")
    return src


def build_page(tmp_path: Path, author: bool) -> str:
    src = make_project(tmp_path)
    name = "author" if author else "normal"
    warnings = io.StringIO()
    with docutils_namespace():  # each build registers its own nodes afresh
        app = Sphinx(
            str(src),
            str(src),
            str(tmp_path / name),
            str(tmp_path / f"doctrees-{name}"),
            "html",
            confoverrides={"waspada_author_view": author},
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    # Sphinx apps built earlier in this process leave node classes registered: not our warning.
    ours = [line for line in warnings.getvalue().splitlines() if "already registered" not in line]
    assert ours == []
    return (tmp_path / name / "index.html").read_text(encoding="utf-8")


PAYLOAD = re.compile(
    r'(<script type="application/json" class="wsp-payload">)(.*?)(</script>)', re.S
)


def payload_of(html: str) -> dict:
    match = PAYLOAD.search(html)
    assert match, "no payload in the page"
    return json.loads(match.group(2))


def test_payload_has_author_data_only_when_asked() -> None:
    """By default the payload is the published one; author=True adds the file, each node's line,
    summary and arrows, in the map's order, and changes nothing else (not even the digest)."""
    collection = load_collection([VECTOR], ROOT / "help.yml", display_root=VECTOR.parents[1])
    scenario = collection.scenarios["market-lift"]
    plain = scenario_payload(scenario, collection.services)
    author = scenario_payload(scenario, collection.services, author=True)
    assert set(plain) == PUBLISHED_KEYS
    data = author.pop("author")
    assert author == plain
    assert data["file"] == "vectors/market-lift.yml"
    assert [n["id"] for n in data["nodes"]] == ["offer", "shop", "car", "home", "taken", "stopped"]
    assert {n["id"]: n["line"] for n in data["nodes"]} == node_lines(VECTOR)
    car = next(n for n in data["nodes"] if n["id"] == "car")
    assert car["targets"] == ["taken", "stopped"]  # two choices lead to 'taken': one arrow
    assert car["summary"].startswith("In the car the woman asks for Dewi's identity card")
    taken = next(n for n in data["nodes"] if n["id"] == "taken")
    assert (taken["ending"], taken["targets"], taken["column"]) == ("harmed", [], 2)


def test_normal_build_has_no_author_data_and_author_build_differs_only_in_payload(
    tmp_path: Path,
) -> None:
    """Without waspada_author_view the page names no source file and its payload has only the
    published keys; with it, the page is the same apart from the payload's author data."""
    normal = build_page(tmp_path, author=False)
    author = build_page(tmp_path, author=True)
    assert set(payload_of(normal)) == PUBLISHED_KEYS
    assert "market-lift.yml" not in normal and "wsp-author" not in normal
    with_author = payload_of(author)
    assert with_author.pop("author")["file"] == "scenarios/market-lift.yml"
    assert with_author == payload_of(normal)
    assert PAYLOAD.sub("", author) == PAYLOAD.sub("", normal)
