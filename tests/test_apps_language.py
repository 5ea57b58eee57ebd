"""The Voila apps speak the page's language (issue 15, item 7): the gallery and the player are
headed in it, and the notebooks carry no English heading of their own."""

from __future__ import annotations

import html
import json
from pathlib import Path

from waspada import apps
from waspada.project import Project

ROOT = Path(__file__).resolve().parents[1]


def shown_by(monkeypatch, call) -> str:
    shown: list[object] = []
    monkeypatch.setattr(apps, "display", lambda *items: shown.extend(items))
    call()
    return " ".join(html.unescape(getattr(item, "value", "")) for item in shown)


def test_the_gallery_and_player_are_headed_in_the_page_language(monkeypatch) -> None:
    project = Project(ROOT)
    expected = {"id": "Skenario", "jv": "Skenario", "su": "Skénario", "sas": "Skenario"}
    for lang, word in expected.items():
        monkeypatch.setenv("QUERY_STRING", f"lang={lang}")
        gallery = shown_by(monkeypatch, lambda: apps.gallery(project))
        assert f'<h1 class="wsp-app-heading" lang="{lang}">{word}</h1>' in gallery
        player = shown_by(
            monkeypatch, lambda code=lang: apps.player("cafe-singer", code, project=project)
        )
        assert f'<h1 class="wsp-app-heading" lang="{lang}">{word}</h1>' in player
        lost = shown_by(
            monkeypatch, lambda code=lang: apps.player("no-such", code, project=project)
        )
        assert f'<h1 class="wsp-app-heading" lang="{lang}">{word}</h1>' in lost
        assert "Waspada scenario" not in gallery + player + lost


def test_the_notebooks_have_no_english_heading() -> None:
    for name in ("gallery.ipynb", "player.ipynb"):
        notebook = json.loads((ROOT / "widgets" / name).read_text(encoding="utf-8"))
        assert [c["cell_type"] for c in notebook["cells"]] == ["code"], name
