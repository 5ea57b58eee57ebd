"""The browser files every view shares, found in one place.

The book, the one-file export and the Voila template serve the same scripts: the scenario
front end, the loader that plays it from a page, Quick exit, the dashboard and the learning
platform adapter. This module names their sources and builds the two pieces made from them.
No Sphinx, Voila or widget imports: the exports use it too.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).parent
SCENARIO_JS = PACKAGE / "widget" / "scenario.js"  # the one front end
SCENARIO_CSS = PACKAGE / "widget" / "scenario.css"
DASHBOARD_JS = PACKAGE / "widget" / "dashboard.js"
LOADER_JS = PACKAGE / "book" / "static" / "loader.js"
LMS_JS = PACKAGE / "book" / "static" / "lms.js"
BOOK_CSS = PACKAGE / "book" / "static" / "book.css"
# Kept in the Voila template's static folder, which Voila serves as it is; the book copies it.
VOILA_TEMPLATE = PACKAGE / "share" / "voila" / "templates" / "waspada"
QUICK_EXIT_JS = VOILA_TEMPLATE / "static" / "quickexit.js"
QUICK_EXIT_CSS = VOILA_TEMPLATE / "static" / "quickexit.css"


def script_json(data: Any) -> str:
    """JSON to put inside a <script> element: "</" could end the element early, so <, > and &
    are written as \\u escapes (which JSON and JavaScript read back unchanged)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def quick_exit_link(label: str, url: str = "about:blank", hint: str = "") -> str:
    """The Quick exit button of a page: a plain link (it works without JavaScript), which
    quickexit.js turns into a replace of this page in the history."""
    title = f' title="{html.escape(hint, quote=True)}"' if hint else ""
    return (
        f'<a class="wsp-quick-exit-page" href="{html.escape(url, quote=True)}"{title}>'
        f"{html.escape(label)}</a>"
    )


def player_script(*, inline: bool = False) -> str:
    """scenario.js carried as a string, then the loader, which imports that string from a Blob
    URL: pages opened from disk (file://) may not import modules from files. ``inline``: for a
    <script> element in an HTML page rather than a .js file, so "</" is escaped."""
    source = SCENARIO_JS.read_text(encoding="utf-8")
    loader = LOADER_JS.read_text(encoding="utf-8")
    text = script_json(source) if inline else json.dumps(source)
    return f"window.WSP_SCENARIO_SOURCE = {text};\n{loader}"
