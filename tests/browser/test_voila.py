"""The same front end under Voila (`waspada serve`), played by clicking in Chromium."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from waspada.project import Project

from .conftest import axe_violations, first_vector_id, free_port, running_voila
from .test_book import shortest_route, vector_cases

pytestmark = pytest.mark.browser


def open_player(page, voila_url: str, sid: str) -> None:
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario={sid}", timeout=60_000)
    page.locator(".wsp-root").wait_for(timeout=60_000)


def click_route(page, route: list[int]) -> None:
    """Click the numbered choices, waiting each time for the kernel round trip to redraw."""
    for number in route:
        before = page.locator(".wsp-root").get_attribute("data-wsp-route-length")
        page.locator(".wsp-choice").nth(number - 1).click()
        page.wait_for_function(
            "n => document.querySelector('.wsp-root').dataset.wspRouteLength !== n", arg=before
        )


@pytest.mark.parametrize(
    ("sid", "case"),
    vector_cases(),
    ids=lambda v: v if isinstance(v, str) else ",".join(map(str, v["route"])),
)
def test_vectors_match_python_engine(page, voila_url: str, sid: str, case: dict) -> None:
    """A shared test route clicked in the Voila player reaches the engine's node, ending, values."""
    open_player(page, voila_url, sid)
    click_route(page, case["route"])
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == case["node"]
    assert (root.get_attribute("data-wsp-ending") or None) == case["ending"]
    assert json.loads(root.get_attribute("data-wsp-values")) == case["values"]


def test_player_makes_no_external_request_and_hides_code(
    page, voila_url: str, requests_seen, tiny_course: Path
) -> None:
    """The player loads nothing from other hosts, shows no source code, and passes axe-core."""
    sid = first_vector_id()
    open_player(page, voila_url, sid)
    click_route(page, shortest_route(sid))
    assert page.locator(".wsp-ending").is_visible()
    assert requests_seen.external() == []
    body = page.locator("body").inner_text()
    assert "from waspada" not in body and "player()" not in body
    assert axe_violations(page, ".wsp-root") == []


def test_gallery_lists_scenarios_by_audience(
    page, voila_url: str, requests_seen, tiny_course: Path
) -> None:
    """The gallery names each audience and links every scenario to the player."""
    page.goto(f"{voila_url}/voila/render/gallery.ipynb", timeout=60_000)
    page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)
    for scenario in Project(tiny_course).load().stories.values():
        assert page.get_by_role("link", name=scenario.title, exact=True).count() >= 1
    assert requests_seen.external() == []


def test_unknown_scenario_gets_a_friendly_message(page, voila_url: str) -> None:
    """A wrong id in the URL says so in plain words, with no traceback, and is no dead end:
    a link leads back to the gallery and the Quick exit is there."""
    page.goto(f"{voila_url}/voila/render/player.ipynb?scenario=no-such-thing", timeout=60_000)
    message = page.locator(".wsp-app-message")
    message.wait_for(timeout=60_000)
    assert "no-such-thing" in message.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()
    assert page.locator("a.wsp-quick-exit-page").is_visible()
    page.get_by_role("link", name="← Scenarios").click()
    page.get_by_role("heading", name="Village sessions").wait_for(timeout=60_000)


def translate_whole(course: Path, sid: str) -> None:
    """Give the tiny course an Indonesian translation of every message of scenario ``sid``:
    a scenario is played in a language only when translated whole (one language per screen)."""
    from babel.messages.pofile import read_po, write_po

    from waspada.i18n.catalogs import (
        extract_code_templates,
        load_languages,
        po_path,
        update_catalogs,
    )

    locales = course / "locales"
    scenarios = sorted((course / "scenarios").glob("*.yml"))
    extract_code_templates(course, scenarios, course / "help.yml", locales)
    update_catalogs(locales, load_languages(locales), ["id"])
    path = po_path(locales, "id", "scenarios")
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and (message.context == sid or (message.context or "").startswith(f"{sid}:")):
            message.string = f"(id) {message.id}"
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_language_switch_in_voila_keeps_the_step(page, voila_url: str, tiny_course: Path) -> None:
    """Choosing another language in the player recompiles the text but keeps the group's step."""
    sid = first_vector_id()
    translate_whole(tiny_course, sid)
    open_player(page, voila_url, sid)
    click_route(page, [1])
    node = page.locator(".wsp-root").get_attribute("data-wsp-node")
    page.get_by_label("Language").select_option(label="Bahasa Indonesia")
    page.wait_for_function("() => document.querySelector('.wsp-root').lang === 'id'")
    root = page.locator(".wsp-root")
    assert root.get_attribute("data-wsp-node") == node
    assert root.get_attribute("data-wsp-route-length") == "1"
    assert page.locator(".wsp-draft").is_visible()


# -- the classroom network (issue 14): the front door, a full room, stopping the server --------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, *, follow: bool = True) -> tuple[int, dict[str, str], str]:
    """Status, headers (all Set-Cookie values joined) and body of one GET, errors included."""
    opener = urllib.request.build_opener(*([] if follow else [_NoRedirect()]))
    try:
        response = opener.open(url, timeout=60)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        headers["set-cookie"] = " ".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, headers, response.read().decode("utf-8", "replace")


def test_front_page_is_the_gallery_without_cookie_or_cdn(voila_url: str) -> None:
    """`/` (and Voila's file list) lead to the gallery, and nothing on the way sets a cookie or
    links another host (Voila's own file list set a 30-day _xsrf cookie and linked a CDN)."""
    for path in ("/", "/?lang=id", "/voila/tree", "/voila/tree/gallery.ipynb"):
        status, headers, _ = fetch(voila_url + path, follow=False)
        assert status == 302, path
        assert headers["location"].startswith("/voila/render/gallery.ipynb"), path
        assert headers["set-cookie"] == "", path
    assert fetch(voila_url + "/?lang=id", follow=False)[1]["location"].endswith("?lang=id")
    status, headers, body = fetch(voila_url + "/")
    assert status == 200 and "gallery" in body
    assert headers["set-cookie"] == ""
    assert "cdn" not in body.lower()  # Font Awesome and nbconvert's Mermaid loader
    assert re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", body) == []


def kernels_of(pid: int) -> list[int]:
    """The running kernels below ``pid`` (processes running ipykernel that a kernel did not
    start itself)."""
    return [
        k
        for k in _all_below(pid)
        if _alive(k) and b"ipykernel" in _cmdline(k) and b"ipykernel" not in _cmdline(_parent(k))
    ]


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _all_below(pid: int) -> list[int]:
    from waspada.serve import _descendants

    return [child for child, _ in _descendants(pid)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to collect it does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_full_room_sends_visitors_away_kindly(browser, tmp_path: Path, tiny_course: Path) -> None:
    """With room for 3 kernels (the 2 warm ones and 1 visitor), the next visitors get the
    "room is full" page (503, no kernel started) with its ways out; an address that keeps
    asking gets "too many pages" (429). The kernels never exceed the cap."""
    with running_voila(tiny_course, tmp_path / "voila.log", max_kernels=3, limit_loopback=True) as (
        base,
        pid,
    ):
        player = f"{base}/voila/render/player.ipynb?scenario={first_vector_id()}"
        assert fetch(player)[0] == 200
        statuses = []
        for _ in range(14):
            status, headers, body = fetch(player + "&lang=id")
            statuses.append(status)
            assert headers.get("retry-after") == "60"
            assert headers["set-cookie"] == ""
            if status == 503:
                assert "The room is full" in body and "try again in a minute" in body
            assert len(kernels_of(pid)) <= 3, (statuses, [_cmdline(k) for k in kernels_of(pid)])
        assert statuses[0] == 503 and statuses[-1] == 429, statuses
        assert statuses.count(503) == 11  # 12 pages at once from one address, then a pause
        time.sleep(2)  # the warm kernel that replaces the visitor's has started by now
        assert len(kernels_of(pid)) <= 3
        assert fetch(f"{base}/voila/render/nothing.ipynb")[0] == 404
        # Voila's file list data (it hands out notebook sources) is gone with the file list.
        assert fetch(f"{base}/voila/api/contents/player.ipynb")[0] == 404
        assert fetch(f"{base}/voila/files/player.ipynb")[0] == 403
        # Counts, never people: the server's log names no client address.
        log = (tmp_path / "voila.log").read_text(errors="replace")
        assert "403 GET /voila/files/player.ipynb" in log and "(127.0.0.1)" not in log
        assert "remote_ip" not in log and "Visitors asked to come back later so far" in log

        page = browser.new_page()
        try:
            page.goto(f"{base}/voila/render/player.ipynb?scenario=x", timeout=60_000)
            # the room is still full; whether this address has a token again depends on timing
            text = page.locator(".wsp-app-message").inner_text()
            assert text.startswith(("The room is full", "This device has opened many pages"))
            assert page.get_by_role("link", name="Try again").is_visible()
            assert page.get_by_role("link", name="← Scenarios").is_visible()
            assert axe_violations(page) == []
            page.locator("a.wsp-quick-exit-page").click()
            page.wait_for_url("about:blank")
        finally:
            page.close()


def test_a_script_s_kernels_are_reclaimed_before_a_closed_page_s(tmp_path: Path, tiny_course: Path):
    """A page fetched by a script, which never connects to its kernel, gives the kernel back
    after the unclaimed time (here 2 s), long before the idle time of a closed page (120 s):
    the room empties soon after a flood."""
    with running_voila(tiny_course, tmp_path / "voila.log", unclaimed_seconds=2, cull_every=1) as (
        base,
        pid,
    ):
        deadline = time.monotonic() + 60
        while len(kernels_of(pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)  # the warm kernels
        for _ in range(3):
            assert fetch(f"{base}/voila/render/player.ipynb?scenario={first_vector_id()}")[0] == 200
        deadline = time.monotonic() + 30
        while len(kernels_of(pid)) > 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(kernels_of(pid)) == 2  # the warm kernels only
        log = (tmp_path / "voila.log").read_text(errors="replace")
        assert log.count("Shutting down a kernel whose page never connected.") >= 3


def _port_free(port: int) -> bool:
    """Nothing listens there: a new server (which, like Tornado, reuses the address of closed
    connections still in TIME_WAIT) could start on it."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_stopping_serve_stops_voila_and_every_kernel(
    tmp_path: Path, tiny_course: Path, signum: int
) -> None:
    """`waspada serve` stopped by a service manager (SIGTERM), a closed terminal (SIGHUP) or
    even killed outright (SIGKILL): Voila and its kernels stop too, and the port is free."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "waspada", "--project", str(tiny_course), "serve",
         "--no-browser", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kernels_of(serve.pid)) < 2:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        assert fetch(f"http://127.0.0.1:{port}/voila/render/gallery.ipynb")[0] == 200
        children = _all_below(serve.pid)
        assert len(kernels_of(serve.pid)) >= 2
        os.kill(serve.pid, signum)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(map(_alive, children)):
            time.sleep(0.3)
        assert [p for p in children if _alive(p)] == [], (tmp_path / "serve.log").read_text()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _port_free(port):
            time.sleep(0.3)
        assert _port_free(port), subprocess.run(
            ["ss", "-ltnp"], capture_output=True, text=True
        ).stdout
    finally:
        for pid in [serve.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait()
        log.close()
