"""One scenario as one self-contained HTML file: front end, styles and translated payload inline.

The file plays from disk on a phone, sent by chat or copied from a USB stick. It is the book's
page reduced to what a scenario needs: the same ``scenario.js`` (carried as a string and
imported from a Blob URL, which ``file://`` allows), the same loader with progress in
localStorage, and the same Quick exit. A Content-Security-Policy forbids every request to
another host.
"""

from __future__ import annotations

import html
from typing import Any

from ..assets import (
    QUICK_EXIT_CSS,
    QUICK_EXIT_JS,
    SCENARIO_CSS,
    player_script,
    quick_exit_link,
    script_json,
)

# Scripts inline and from the Blob URL the loader makes; styles inline; nothing else at all.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' blob:; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

PAGE_CSS = """
body { margin: 0; padding: 0.5rem; background: #ffffff; color: #1b1b1b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 48rem; margin: 0 auto; }
"""


def standalone_html(payload: dict[str, Any]) -> str:
    """The whole page for one compiled scenario payload."""
    ui = payload.get("ui", {})
    lang = html.escape(payload.get("lang", "en"), quote=True)
    title = html.escape(payload["title"])
    start = payload["nodes"][payload["states"][0]["node"]]
    opening = "".join(
        f"<p>{html.escape(''.join(text for _, text in block['p']))}</p>"
        for block in start["text"] or []
        if "p" in block
    )
    sid = html.escape(payload["id"], quote=True)
    exit_url = payload.get("course", {}).get("exit", "about:blank")
    exit_link = quick_exit_link(ui.get("quick_exit", "Quick exit"), exit_url)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{SCENARIO_CSS.read_text(encoding="utf-8")}{PAGE_CSS}{QUICK_EXIT_CSS.read_text(encoding="utf-8")}</style>
</head>
<body>
<main>
<div class="wsp-scenario" id="scenario-{sid}" data-wsp-mode="learner">
<script type="application/json" class="wsp-payload">{script_json(payload)}</script>
<div class="wsp-fallback"><p><strong>{title}</strong></p>{opening}</div>
</div>
</main>
{exit_link}
<script>{QUICK_EXIT_JS.read_text(encoding="utf-8")}</script>
<script>{player_script(inline=True)}</script>
</body>
</html>
"""
