"""The session page in Voila (issue 17): widgets/session.ipynb shows the book's session page,
drawn by the very same session.js, in the page's language and for the kit of ``?profile=``;
the gallery links to it. The browser side is tested in tests/browser/test_session_voila.py."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from waspada import apps
from waspada.project import Project
from waspada.serve import voila_command
from waspada.session import expected_columns
from waspada.session_page import SESSION_CSS, SESSION_JS
from waspada.widget.session_widget import SessionWidget, session_esm

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(ROOT)


def shown(monkeypatch, query: str, call) -> tuple[str, list[object]]:
    """What a call displays for the URL's query: its HTML as text, and every object shown."""
    items: list[object] = []
    monkeypatch.setenv("QUERY_STRING", query)
    monkeypatch.setattr(apps, "display", lambda *objects: items.extend(objects))
    call()
    text = " ".join(html.unescape(getattr(i, "value", "")) for i in items if hasattr(i, "value"))
    return text, items


def the_widget(items: list[object]) -> SessionWidget:
    widgets = [i for i in items if isinstance(i, SessionWidget)]
    assert len(widgets) == 1
    return widgets[0]


def test_the_village_kit_page_in_indonesian(monkeypatch, project: Project) -> None:
    """?lang=id&profile=village: headed 'Laporan sesi', the village kit's scenarios to tick,
    every column of the course's session record, the way back to the village gallery in
    Indonesian and the Quick exit."""
    text, items = shown(monkeypatch, "lang=id&profile=village", lambda: apps.session(None, project))
    assert '<h1 class="wsp-app-heading" lang="id">Laporan sesi</h1>' in text
    assert '<a href="gallery.ipynb?lang=id&profile=village">← Skenario</a>' in text
    assert 'class="wsp-quick-exit-page"' in text and "Keluar cepat" in text
    data = the_widget(items).data
    collection = project.load()
    village = project.profiles()["village"].scenario_ids(collection.stories)
    assert data["lang"] == "id" and data["kit"] == "village"
    assert data["scenarios"] == [s for s in village if s not in collection.broken]
    assert data["scenarios"] and len(data["scenarios"]) < len(collection.stories)
    assert data["columns"] == expected_columns(collection)
    assert data["text"]["id"]["ui"]["session_report"] == "Laporan sesi"
    assert set(data["text"]) >= {"en", "id", "jv", "su", "sas"}  # any report language


def test_the_school_kit_and_the_fallbacks(monkeypatch, project: Project) -> None:
    _, items = shown(monkeypatch, "lang=jv&profile=school", lambda: apps.session(None, project))
    data = the_widget(items).data
    assert data["lang"] == "jv" and data["kit"] == "school"
    school = project.profiles()["school"].scenario_ids(project.load().stories)
    assert data["scenarios"] == school
    # An unknown language or kit: English and the full course, every scenario; no error.
    text, items = shown(monkeypatch, "lang=xx&profile=nope", lambda: apps.session(None, project))
    data = the_widget(items).data
    assert data["lang"] == "en" and data["kit"] == "full"
    assert data["scenarios"] == sorted(project.load().stories)
    assert '<h1 class="wsp-app-heading" lang="en">Session report</h1>' in text
    assert '<a href="gallery.ipynb?lang=en">← Scenarios</a>' in text


def test_the_gallery_links_to_the_session_page_of_its_language_and_kit(
    monkeypatch, project: Project
) -> None:
    text, _ = shown(monkeypatch, "lang=id&profile=village", lambda: apps.gallery(project))
    assert '<a href="session.ipynb?lang=id&profile=village">Laporan sesi</a>' in text
    text, _ = shown(monkeypatch, "lang=su", lambda: apps.gallery(project))
    assert '<a href="session.ipynb?lang=su">' in text and ">Session report</a>" not in text


def test_one_front_end_and_nothing_kept_in_the_kernel() -> None:
    """The widget's module is session.js itself plus its export; its style is session.css; the
    only synced field of its own is the page's data (what the trainer types has no way back)."""
    source = SESSION_JS.read_text(encoding="utf-8")
    assert session_esm() == source + "\nexport default { render: WaspadaSession.render };\n"
    assert SessionWidget._esm == session_esm()
    assert SessionWidget._css == SESSION_CSS.read_text(encoding="utf-8")
    own = {
        name
        for name, trait in SessionWidget.class_traits(sync=True).items()
        if not name.startswith("_") and name not in {"layout", "tabbable", "tooltip"}
    }
    assert own == {"data"}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_module_loads_and_exports_a_render_function(tmp_path: Path) -> None:
    """Imported as an ES module (as anywidget does), session.js finds no page to draw and
    exports the render function; its book path still mounts from a script element."""
    module = tmp_path / "session.mjs"
    module.write_text(session_esm(), encoding="utf-8")
    probe = tmp_path / "probe.mjs"
    probe.write_text(
        "globalThis.window = globalThis;\n"
        "globalThis.document = {readyState: 'complete', querySelectorAll: () => []};\n"
        "const m = await import('./session.mjs');\n"
        "console.log(JSON.stringify([typeof m.default.render, typeof WaspadaSession]));\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        ["node", str(probe)], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    # The module keeps its name to itself: nothing is added to the page's globals.
    assert json.loads(out.stdout) == ["function", "undefined"]


def test_the_session_notebook_is_one_line_and_keeps_no_warm_kernel(project: Project) -> None:
    notebook = json.loads((ROOT / "widgets" / "session.ipynb").read_text(encoding="utf-8"))
    cells = notebook["cells"]
    assert [c["cell_type"] for c in cells] == ["code"]
    assert "".join(cells[0]["source"]) == "from waspada.apps import session\n\nsession()"
    command = voila_command(project, port=9999)
    assert '--WaspadaKernelManager.preheat_denylist=["session.ipynb"]' in command
