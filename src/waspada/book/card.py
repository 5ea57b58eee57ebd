"""A district's printable contact card: the numbers a person needs, on two A6 cards per A4 page.

``waspada build --district ID`` writes ``cards/<lang>.html`` next to the language chooser, one
per course language: a page with no script and no request to any host, which prints on one A4
sheet holding the same card twice (cut along the dashed line). A trainer hands the cards out at
the end of a session.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

from ..i18n import language, translator
from ..i18n.ui import APP_MESSAGES, UI_CONTEXT
from ..project import Project
from ..scenario import Service, Translate
from ..scenario.compile import contact_label
from ..scenario.district import District

CARD_SIZE = 5  # "the five numbers a person needs"
# Always on the card, first: danger now, and the national line for women and children.
FIRST = ("police-110", "sapa-129")
# Then the district's own entries with a number, then these national services.
THEN = ("bp2mi", "lpsk", "emergency-112")


def card_services(district: District, services: Mapping[str, Service]) -> list[Service]:
    """The services on the card, in order: police and SAPA 129, the district's entries that
    have a number, then national ones, five in all.

    >>> from waspada.scenario.help import Contact
    >>> def s(i, local=False):
    ...     return Service(i, i, "", (Contact("phone", "Call", "110"),), ("S",), "2026-01-01",
    ...                    context=f"district:x:{i}" if local else "")
    >>> national = {i: s(i) for i in ("police-110", "sapa-129", "bp2mi", "lpsk")}
    >>> d = District("x", "X", offices={"uptd-ppa": s("x/uptd-ppa", True)})
    >>> [c.id for c in card_services(d, national)]
    ['police-110', 'sapa-129', 'x/uptd-ppa', 'bp2mi', 'lpsk']
    """
    reachable = [
        s
        for s in (
            *(services[i] for i in FIRST if i in services),
            *district.entries(),
            *(services[i] for i in THEN if i in services),
        )
        if any(c.kind in ("phone", "whatsapp") for c in s.contacts)
    ]
    return list({s.id: s for s in reachable}.values())[:CARD_SIZE]


def contact_card_html(
    district: District, services: Mapping[str, Service], translate: Translate, lang: str
) -> str:
    """The card page in one language (every text is escaped: district files are untrusted)."""

    def ui(key: str, **values: str) -> str:
        text = translate(UI_CONTEXT, APP_MESSAGES[key])
        return text.format(**values) if values else text

    rows = []
    for service in card_services(district, services):
        ctx = service.message_context
        name = service.name if service.local else translate(ctx, service.name)
        numbers = [c for c in service.contacts if c.kind in ("phone", "whatsapp")][:2]
        lines = "".join(
            f'<span class="number"><span class="label">'
            f"{html.escape(contact_label(service, c.label, translate))}:</span> "
            f"{html.escape(c.value)}</span>"
            for c in numbers
        )
        rows.append(f'<li><span class="name">{html.escape(name)}</span>{lines}</li>')
    checked = min(s.checked for s in district.entries())  # the oldest check, to be safe
    by = ", ".join(sorted({s.checked_by for s in district.entries()}))
    card = f"""<section class="card">
    <h1>{html.escape(ui("contact_card_title", district=district.label))}</h1>
    <p class="intro">{html.escape(ui("contact_card_intro"))}</p>
    <ul>{"".join(rows)}</ul>
    <p class="checked">{html.escape(ui("checked_by", organisation=by, date=checked))}</p>
  </section>"""
    title = f"Waspada · {ui('contact_card')} · {district.label}"
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{html.escape(title)}</title>
<style>
  @page {{ size: A4 portrait; margin: 0; }}
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; font-family: system-ui, "DejaVu Sans", sans-serif; color: #111;
          background: #fff; }}
  .hint {{ max-width: 40rem; margin: 1rem auto; padding: 0 1rem; font-size: 1rem; }}
  .sheet {{ display: flex; flex-direction: column; align-items: center; }}
  .half {{ width: 210mm; height: 148.5mm; display: flex; align-items: center;
          justify-content: center; }}
  .half + .half {{ border-top: 1px dashed #555; }}
  .card {{ width: 105mm; height: 148mm; padding: 7mm 6mm; border: 1px solid #111;
          border-radius: 3mm; display: flex; flex-direction: column; overflow: hidden; }}
  h1 {{ font-size: 13pt; line-height: 1.2; margin: 0 0 2mm; }}
  .intro {{ font-size: 9pt; line-height: 1.3; margin: 0 0 3mm; }}
  ul {{ list-style: none; margin: 0; padding: 0; flex: 1; }}
  li {{ margin: 0 0 2.6mm; break-inside: avoid; }}
  .name {{ display: block; font-size: 9pt; font-weight: 700; line-height: 1.2; }}
  .number {{ display: block; font-size: 13pt; font-weight: 700; letter-spacing: 0.02em; }}
  .label {{ font-size: 8.5pt; font-weight: 400; letter-spacing: 0; }}
  .checked {{ font-size: 7.5pt; margin: 2mm 0 0; color: #333; }}
  @media print {{ .hint {{ display: none; }} }}
</style>
</head>
<body>
<main>
<p class="hint">{html.escape(ui("contact_card_print"))}</p>
<div class="sheet">
  <div class="half">{card}</div>
  <div class="half" aria-hidden="true">{card}</div>
</div>
</main>
</body>
</html>
"""


def write_contact_cards(
    out: Path, project: Project, district: District, langs: list[str]
) -> list[Path]:
    """``out/cards/<lang>.html`` for each language; return the files written."""
    services = project.load([]).services
    folder = out / "cards"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code in langs:
        language(project.locales_dir, code)  # a declared language only: it names a file
        page = contact_card_html(district, services, translator(project.locales_dir, code), code)
        path = folder / f"{code}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written
