"""What the projector page needs to run a live room: the join and control addresses and their
QR codes, as plain data for the ``live`` traitlet of :class:`~waspada.widget.ScenarioWidget`.

Pure functions (no store, no network): the widget asks the store for a room and hands the
room's code and secret here. The QR matrices are rows of "0"/"1" that the browser draws with DOM
calls; segno makes them on this computer, so nothing is fetched from anywhere.

>>> info = live_info("4821", "s3cret", "http://192.168.1.20:8866")
>>> info["joinUrl"], info["controlUrl"]
('http://192.168.1.20:8866/j/4821', 'http://192.168.1.20:8866/live/control/4821#key=s3cret')
>>> len(info["joinQr"]) == len(info["joinQr"][0]) and set("".join(info["joinQr"])) == {"0", "1"}
True
"""

from __future__ import annotations

import os
from typing import Any

from ..live import ENV_ORIGIN

DEFAULT_ORIGIN = "http://127.0.0.1:8866"
API_PATH = "/live/api/rooms/"  # same origin as the projector page (Voila)
# The browser's key for the room of a scenario, so that a reloaded projector page resumes it.
STORAGE_PREFIX = "waspada:live-room:"


def live_origin() -> str:
    """The address phones use to reach this computer (``WASPADA_LIVE_ORIGIN``), no end slash."""
    return (os.environ.get(ENV_ORIGIN) or DEFAULT_ORIGIN).rstrip("/")


def qr_rows(text: str) -> list[str]:
    """The QR code of ``text`` as rows of "0" (light) and "1" (dark), without the quiet zone
    (the browser draws that margin). segno is imported here: only a live projector page needs
    it, and every other kernel (the warm ones included) stays without it."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return ["".join("1" if module else "0" for module in row) for row in code.matrix]


def live_info(code: str, secret: str, origin: str) -> dict[str, Any]:
    """The ``live`` traitlet of a projector page showing room ``code``."""
    join_url = f"{origin}/j/{code}"
    control_url = f"{origin}/live/control/{code}#key={secret}"
    return {
        "available": True,
        "code": code,
        "secret": secret,
        "api": f"{API_PATH}{code}",
        "joinUrl": join_url,
        "joinQr": qr_rows(join_url),
        "controlUrl": control_url,
        "controlQr": qr_rows(control_url),
    }
