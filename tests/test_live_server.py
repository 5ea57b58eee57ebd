"""The live classroom's HTTP side (issue 16), through Tornado with the course's real scenarios:
what a phone and a facilitator get, and what a hostile client cannot do.

The server runs in a thread of its own with its own event loop, and the tests call it over
HTTP as phones do (a test process may already run an event loop: Playwright's, when the browser
tests run first)."""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import tornado.httpserver
import tornado.netutil
import tornado.web

from waspada.live.server import Live, live_handlers
from waspada.live.store import SqliteRoomStore
from waspada.project import Project

ROOT = Path(__file__).resolve().parents[1]
PHONES = [f"phone-{n:02d}-" + "x" * 12 for n in range(6)]


@dataclass
class Answer:
    code: int
    body: bytes
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class LiveServerTest(unittest.TestCase):
    limit_loopback = False

    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.store = SqliteRoomStore(Path(self.dir.name) / "live.sqlite3")
        self.live = Live(
            self.store,
            Project.discover(ROOT),
            origin="http://192.0.2.7:8866",
            limit_loopback=self.limit_loopback,
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            app = tornado.web.Application(live_handlers("/"), waspada_live=self.live)
            self.server = tornado.httpserver.HTTPServer(app)
            self.server.add_sockets(sockets)
            self.loop.call_soon(started.set)
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        started.wait(10)

    def tearDown(self) -> None:
        async def stop() -> None:
            self.server.stop()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
        self.store.close()
        self.dir.cleanup()

    def fetch(
        self,
        path: str,
        method: str = "GET",
        body: str | None = None,
        headers: dict[str, str] | None = None,
        follow_redirects: bool = True,
        **_: object,
    ) -> Answer:
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else body.encode(),
            headers=headers or {},
            method=method,
        )
        opener = urllib.request.build_opener(*([] if follow_redirects else [_NoRedirect()]))
        try:
            with opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), dict(error.headers))

    def room(self, scenario: str = "cafe-singer", kind: str = "story") -> tuple[str, str]:
        room, secret = self.store.create(scenario=scenario, lang="id", digest="", kind=kind)
        return room.code, secret

    def call(self, method: str, path: str, body=None, *, device=None, secret=None, headers=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if device:
            sent["X-Waspada-Device"] = device
        if secret:
            sent["X-Waspada-Secret"] = secret
        response = self.fetch(
            path,
            method=method,
            body=None if method == "GET" else json.dumps(body or {}),
            headers=sent,
        )
        return response.code, json.loads(response.body) if response.body else None

    def control(self, code, secret, **body):
        return self.call("POST", f"/live/api/rooms/{code}/control", body, secret=secret)

    def test_a_phone_sees_the_choices_in_its_language_and_its_own_vote(self):
        code, _ = self.room()
        status, view = self.call("GET", f"/live/api/rooms/{code}?lang=jv", device=PHONES[0])
        assert status == 200 and view["phase"] == "voting" and view["lang"] == "jv"
        ids = [choice["id"] for choice in view["choices"]]
        assert ids == ["questions", "family", "advance"]
        _, id_view = self.call("GET", f"/live/api/rooms/{code}?lang=id")
        assert view["choices"][0]["label"] != id_view["choices"][0]["label"]
        assert "totals" not in view and "notes" not in view and "joined" not in view
        status, answer = self.call(
            "POST",
            f"/live/api/rooms/{code}/vote",
            {"step": 0, "choice": "family"},
            device=PHONES[0],
        )
        assert (status, answer) == (200, {"myVote": "family"})
        _, view = self.call("GET", f"/live/api/rooms/{code}", device=PHONES[0])
        assert view["myVote"] == "family"
        _, other = self.call("GET", f"/live/api/rooms/{code}", device=PHONES[1])
        assert other["myVote"] is None

    def test_the_facilitator_sees_votes_notes_and_steers_the_story_to_an_ending(self):
        code, secret = self.room()
        for phone, choice in zip(PHONES, ["family", "family", "advance"], strict=False):
            self.call(
                "POST", f"/live/api/rooms/{code}/vote", {"step": 0, "choice": choice}, device=phone
            )
        self.control(code, secret, action="hands", step=0, choice="advance", count=4)
        status, view = self.call("GET", f"/live/api/rooms/{code}", secret=secret)
        assert status == 200 and view["joined"] == 3
        assert view["votes"] == {"family": 2, "advance": 1}
        assert view["totals"] == {"family": 2, "advance": 5}
        assert view["notes"] and view["prompt"] and view["joinUrl"].endswith(f"/j/{code}")
        _, view = self.control(code, secret, action="reveal")
        assert view["phase"] == "revealed"
        _, phone = self.call("GET", f"/live/api/rooms/{code}")
        assert phone["totals"] == {"family": 2, "advance": 5}
        # Follow the room's choices until the story ends.
        _, view = self.control(code, secret, action="follow", choice="family")
        assert view["route"] == ["family"] and view["history"][0]["totals"]["advance"] == 5
        while view["phase"] != "ended":
            _, view = self.control(code, secret, action="follow", choice=view["choices"][0]["id"])
        _, phone = self.call("GET", f"/live/api/rooms/{code}?lang=id")
        assert phone["ending"]["messages"] and phone["ending"]["help"]
        assert phone["choices"] == []

    def test_a_phone_cannot_steer_vote_for_an_old_step_or_an_unoffered_choice(self):
        code, secret = self.room()
        for attempt in ("", secret[:-2] + "zz"):
            status, answer = self.control(code, attempt, action="follow", choice="family")
            assert status == 403 and answer["error"] == "not_facilitator"
        _, view = self.call("GET", f"/live/api/rooms/{code}", secret=secret)
        assert view["route"] == [] and view["phase"] == "voting"
        vote = f"/live/api/rooms/{code}/vote"
        assert self.call("POST", vote, {"step": 3, "choice": "family"}, device=PHONES[0])[0] == 409
        assert self.call("POST", vote, {"step": 0, "choice": "bus"}, device=PHONES[0])[0] == 400
        assert self.call("POST", vote, {"step": 0, "choice": "family"})[0] == 400  # no device
        big = {"step": 0, "choice": "family", "pad": "x" * 5000}
        assert self.call("POST", vote, big, device=PHONES[0])[0] == 413
        foreign = {"Origin": "http://evil.example"}
        status, _ = self.call(
            "POST", vote, {"step": 0, "choice": "family"}, device=PHONES[0], headers=foreign
        )
        assert status == 403
        _, view = self.call("GET", f"/live/api/rooms/{code}", secret=secret)
        assert view["votes"] == {}

    def test_a_waiting_phone_hears_of_the_next_step_at_once_and_not_of_each_vote(self):
        code, secret = self.room()
        _, view = self.call("GET", f"/live/api/rooms/{code}")
        stage = view["stage"]
        answers: list[tuple[dict, float]] = []

        def wait() -> None:
            _, seen = self.call("GET", f"/live/api/rooms/{code}?since={stage}&wait=10")
            answers.append((seen, time.monotonic()))

        waiting = threading.Thread(target=wait)
        waiting.start()
        time.sleep(0.3)
        vote = {"step": 0, "choice": "family"}
        assert self.call("POST", f"/live/api/rooms/{code}/vote", vote, device=PHONES[0])[0] == 200
        time.sleep(0.4)
        assert waiting.is_alive()  # a vote does not wake the phones
        revealed = time.monotonic()
        self.control(code, secret, action="reveal")
        waiting.join(15)
        ((seen, answered),) = answers
        assert seen["phase"] == "revealed" and answered - revealed < 1.0

    def test_an_unknown_or_expired_room_is_404_and_no_cookie_is_set(self):
        status, answer = self.call("GET", "/live/api/rooms/9999")
        assert status == 404 and answer["error"] == "no_room"
        code, _ = self.room()
        response = self.fetch(f"/live/api/rooms/{code}")
        assert "Set-Cookie" not in response.headers
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]

    def test_checks_show_which_answer_was_right_after_the_reveal_only(self):
        code, secret = self.room("check-health", "check")
        _, before = self.call("GET", f"/live/api/rooms/{code}")
        assert "correct" not in before
        self.control(code, secret, action="reveal")
        _, after = self.call("GET", f"/live/api/rooms/{code}")
        assert after["correct"] == ["b"] and after["label"]

    def test_the_join_and_control_pages_and_only_our_static_files_are_served(self):
        code, _ = self.room()
        assert self.fetch(f"/j/{code}?lang=jv").code == 200
        assert self.fetch("/j/4").code == 404
        assert self.fetch(f"/live/control/{code}").code == 200
        assert self.fetch("/live/static/join.js").code == 200
        assert self.fetch("/live/static/store.py").code == 404
        assert self.fetch("/live/static/..%2Fstore.py").code == 404
        # Without JavaScript the code box sends /j?code=N: it goes on to the room's page.
        typed = self.fetch(f"/j?code={code}&lang=jv", follow_redirects=False)
        assert typed.code == 302 and typed.headers["Location"] == f"/j/{code}?lang=jv"
        assert self.fetch("/j?code=12").code == 404
        # A control page for no room is a page (no such room), not JSON.
        missing = self.fetch("/live/control/9999")
        assert missing.code == 404 and missing.body.lstrip().startswith(b"<!DOCTYPE html>")

    def play_check(self, answers: dict[str, list[str]]) -> tuple[str, str]:
        """A live run of the session's before/after check: each phone's answers in order."""
        code, secret = self.room("session-check", "check")
        steps = len(next(iter(answers.values())))
        for step in range(steps):
            for phone, chosen in answers.items():
                if chosen[step]:
                    body = {"step": step, "choice": chosen[step]}
                    status, _ = self.call(
                        "POST", f"/live/api/rooms/{code}/vote", body, device=phone
                    )
                    assert status == 200
            _, view = self.control(code, secret, action="reveal")
            first = view["choices"][0]["id"]
            self.control(code, secret, action="follow", choice=first)
        self.control(code, secret, action="end")
        return code, secret

    def test_a_before_and_after_check_on_phones_is_paired_by_device(self):
        # session-check: the right answers of its first two items are b and a.
        before = self.play_check(
            {PHONES[0]: ["a", "b"], PHONES[1]: ["b", "a"], PHONES[2]: ["a", ""]}
        )
        after = self.play_check(
            {PHONES[0]: ["b", "a"], PHONES[1]: ["b", "b"], PHONES[3]: ["b", "a"]}
        )
        body = {
            "before": {"room": before[0], "key": before[1]},
            "after": {"room": after[0], "key": after[1]},
        }
        status, pairs = self.call("POST", "/live/api/pairs", body)
        assert status == 200 and pairs["paired"] == 2
        first, second = list(pairs["items"])[:2]
        assert first == "job-offer"
        assert pairs["items"][first] == {
            "before": {"a": 1, "b": 1},
            "after": {"b": 2},
            "before_right": 1,
            "before_total": 2,
            "after_right": 2,
            "after_total": 2,
        }
        assert pairs["items"][second] == {
            "before": {"a": 1, "b": 1},
            "after": {"a": 1, "b": 1},
            "before_right": 1,
            "before_total": 2,
            "after_right": 1,
            "after_total": 2,
        }
        assert PHONES[0] not in json.dumps(pairs)
        wrong = {**body, "after": {"room": after[0], "key": before[1]}}
        assert self.call("POST", "/live/api/pairs", wrong)[0] == 403


class LimitedLiveServerTest(LiveServerTest):
    """The same server with this computer's address limited as a visitor's would be."""

    limit_loopback = True

    def test_one_address_cannot_bring_many_devices_into_a_room(self):
        code, secret = self.room()
        vote = f"/live/api/rooms/{code}/vote"
        answers = [
            self.call("POST", vote, {"step": 0, "choice": "family"}, device=phone)[0]
            for phone in PHONES
        ]
        assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}
        _, view = self.call("GET", f"/live/api/rooms/{code}", secret=secret)
        assert view["votes"] == {"family": 4}

    def test_a_flood_of_requests_is_slowed_down(self):
        code, _ = self.room()
        statuses = [self.fetch(f"/live/api/rooms/{code}").code for _ in range(80)]
        assert statuses.count(429) > 0 and statuses[0] == 200
