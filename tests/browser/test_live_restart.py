"""A live room survives a restart of `waspada serve --live` (issue 16): the laptop's server is
stopped mid-session and started again; the phone that voted comes back to the room with its
vote, the facilitator's reveal reaches it, and the projector page, reloaded, resumes the same
room with the vote counted."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from .conftest import Screens, free_port, serving_live
from .test_live_join import PHONE, api, bar_counts, live_course, ui, vote

pytestmark = pytest.mark.browser
__all__ = ["live_course"]  # the fixture, used here as in test_live_join

PROJECTOR = {"width": 1280, "height": 800}
ROOM_JS = "localStorage.getItem('waspada:live-room:cafe-singer')"


def control(base: str, code: str, secret: str, action: str) -> None:
    request = urllib.request.Request(
        f"{base}/live/api/rooms/{code}/control",
        data=json.dumps({"action": action}).encode(),
        headers={"Content-Type": "application/json", "X-Waspada-Secret": secret},
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_a_room_survives_a_server_restart(live_course: Path, browser, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    devices = Screens(browser, PHONE, 20_000)
    try:
        with serving_live(live_course, log, port=port) as base:
            projector = devices.open(
                f"{base}/voila/render/player.ipynb?scenario=cafe-singer&mode=facilitator"
                "&live=1&lang=en",
                PROJECTOR,
            )
            projector.set_default_timeout(90_000)
            projector.locator(".wsp-live-code").wait_for()
            kept = json.loads(projector.evaluate(ROOM_JS))
            code, secret = kept["code"], kept["secret"]
            text = ui("en")
            phone = devices.open(f"{base}/j/{code}", PHONE)
            vote(phone, "family", text["live_vote_counted"])
        # The server has stopped (and its kernels with it); it starts again on the same port.
        with serving_live(live_course, log, port=port) as base:
            # The phone's page, never reloaded, finds the room again; the reveal reaches it.
            assert api(base, code, "en", secret)["votes"] == {"family": 1}
            control(base, code, secret, "reveal")
            assert bar_counts(phone)["family"] == "1"
            assert phone.locator(".wl-total.wl-mine").count() == 1
            # The projector page, reloaded after the restart, resumes the same room.
            projector.reload()
            projector.locator(".wsp-live-code").wait_for()
            assert projector.locator(".wsp-live-code").text_content().replace(" ", "") == code
            projector.wait_for_function(
                "() => [...document.querySelectorAll('.wsp-live-result')].some(r =>"
                " r.dataset.wspLiveChoice === 'family'"
                " && r.querySelector('.wsp-live-count').textContent.trim() === '1')"
            )
        assert all(
            url.startswith(("http://127.0.0.1", "blob:", "data:", "about:"))
            for url in devices.log.urls
        )
    finally:
        devices.close()
