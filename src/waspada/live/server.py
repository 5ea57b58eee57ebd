"""The live classroom's HTTP side: what the phones and the facilitator's control page talk to,
served by the same Tornado server as Voila (``waspada serve --live``) so that no phone needs a
kernel. The interface is written down in ARCHITECTURE.md ("Live classroom").

Waiting: a GET with ``since`` and ``wait`` is answered as soon as the room changes (a long poll:
old phone browsers need no WebSocket), woken in memory by the change made in this process and
checking the store every ``RECHECK_SECONDS`` in case another process changed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import tornado.ioloop
import tornado.web

from ..admission import TokenBuckets, is_loopback
from ..i18n import available_languages, language, translator
from ..i18n.screen import scenario_language
from ..payload import scenario_payload
from ..project import Project
from . import room as rules
from .room import CLOSED, ENDED, REVEALED, LiveError, Room
from .store import SqliteRoomStore

MAX_BODY = 2048
MAX_WAIT = 25.0
RECHECK_SECONDS = 2.0
PURGE_EVERY_SECONDS = 300
# Per client address (memory only): requests at once, then one more every so often.
POST_BURST, POST_REFILL = 30, 0.25
GET_BURST, GET_REFILL = 60, 0.1
# New device tokens one address may bring into one room (a phone whose storage was cleared
# gets a new token; a script inventing tokens to vote many times does not get far).
DEVICES_PER_ADDRESS = 4

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Hub:
    """Wakes the requests waiting on a room when it changes (memory only)."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def changed(self, code: str) -> None:
        event = self._events.pop(code, None)
        if event is not None:
            event.set()

    async def wait(self, code: str, seconds: float) -> None:
        event = self._events.setdefault(code, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


class Live:
    """Everything the handlers share: the store, the course's scenarios, the limits."""

    def __init__(
        self,
        store: SqliteRoomStore,
        project: Project,
        *,
        origin: str,
        limit_loopback: bool = False,
    ) -> None:
        self.store = store
        self.project = project
        self.origin = origin.rstrip("/")
        self.limit_loopback = limit_loopback
        self.collection = project.load()
        self.locales = project.locales_dir if project.locales_dir.is_dir() else None
        self.languages = [("en", "English")]
        if self.locales is not None:
            self.languages = available_languages(self.locales)
        self.codes = {code for code, _ in self.languages} | {"en"}
        self.hub = Hub()
        self.posts = TokenBuckets(POST_BURST, POST_REFILL)
        self.gets = TokenBuckets(GET_BURST, GET_REFILL)
        self.devices_by_address: dict[tuple[str, str], set[str]] = {}
        self._payload = lru_cache(maxsize=256)(self._compile)
        self._ui = lru_cache(maxsize=32)(self._strings)
        self._purger: tornado.ioloop.PeriodicCallback | None = None

    def start_purging(self) -> None:
        """Delete expired rooms every few minutes (started with the first request, when the
        server's event loop runs)."""
        if self._purger is None:
            self._purger = tornado.ioloop.PeriodicCallback(
                self.store.purge_expired, PURGE_EVERY_SECONDS * 1000
            )
            self._purger.start()

    def lang(self, wanted: str | None, room: Room | None = None) -> str:
        if wanted in self.codes:
            return str(wanted)
        return room.lang if room is not None and room.lang in self.codes else "en"

    def _compile(self, scenario: str, lang: str) -> dict[str, Any]:
        story = self.collection.scenarios[scenario]
        if lang != "en" and self.locales is not None:
            lang = scenario_language(self.locales, language(self.locales, lang), scenario)
        return scenario_payload(
            story, self.collection.services, lang=lang, locales_dir=self.locales
        )

    def payload(self, room: Room, lang: str) -> dict[str, Any]:
        if room.scenario not in self.collection.scenarios:
            raise LiveError(409, "scenario_changed", "the scenario is no longer in the course")
        return self._payload(room.scenario, lang)

    def _strings(self, lang: str) -> dict[str, str]:
        from .pages import live_ui

        return live_ui(translator(self.locales, lang))

    def ui(self, lang: str) -> dict[str, str]:
        return self._ui(lang)

    def join_url(self, code: str) -> str:
        return f"{self.origin}/j/{code}"

    def allow(self, address: str, *, post: bool) -> bool:
        if is_loopback(address) and not self.limit_loopback:
            return True
        return (self.posts if post else self.gets).take(address)

    def new_device_allowed(self, code: str, address: str, device: str) -> bool:
        """At most DEVICES_PER_ADDRESS device tokens per address and room (memory only)."""
        if is_loopback(address) and not self.limit_loopback:
            return True
        known = self.devices_by_address.setdefault((code, address), set())
        if device in known:
            return True
        if len(known) >= DEVICES_PER_ADDRESS:
            return False
        known.add(device)
        return True

    def view(self, room: Room, lang: str, *, device: str | None, facilitator: bool) -> dict:
        """What a phone (or, with ``facilitator``, the projector and control page) sees."""
        payload = self.payload(room, lang)
        position = rules.decision_at(payload, room.route)
        node = payload["nodes"][position.node]
        view: dict[str, Any] = {
            "room": room.code,
            "version": room.version,
            "stage": room.stage,
            "phase": room.phase,
            "step": room.step,
            "lang": lang,
            "languages": [list(pair) for pair in self.languages],
            "scenario": {"id": payload["id"], "title": payload["title"], "kind": payload["kind"]},
            "label": position.label,
            "choices": [],
            "myVote": None,
            "ui": self.ui(lang),
        }
        if not position.is_ending and room.phase != CLOSED:
            view["choices"] = [
                {"id": cid, "label": node["choices"][cid]["label"]} for cid in position.choices
            ]
            if device:
                view["myVote"] = self.store.my_vote(room.code, device, room.step)
        # The counts, read once, and only for those who see them: the facilitator always, the
        # phones once the result is shown (a phone's wait answered during voting reads none).
        if room.phase == REVEALED or facilitator:
            votes = self.store.votes(room.code, room.step)
            hands = self.store.hands(room.code, room.step)
            view["totals"] = rules.add_counts(votes, hands)
            correct = rules.correct_choices(payload, position.node)
            if correct:
                view["correct"] = correct
        if position.is_ending and room.phase in (ENDED, CLOSED):
            ending = node["ending"]
            view["ending"] = {
                "title": ending.get("title"),
                "kindLabel": ending.get("kindLabel"),
                "messages": ending.get("messages", []),
                "help": ending.get("help", []),
            }
        if facilitator:
            view.update(
                joined=self.store.joined(room.code),
                votes=votes,
                hands=hands,
                route=list(room.route),
                history=self._history(room, payload),
                notes=node.get("notes"),
                prompt=node.get("prompt"),
                joinUrl=self.join_url(room.code),
            )
        return view

    def _history(self, room: Room, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        steps = []
        for step, (choice, totals) in enumerate(zip(room.route, room.history, strict=False)):
            node = rules.decision_at(payload, room.route[:step]).node
            entry: dict[str, Any] = {"step": step, "choice": choice, "totals": dict(totals)}
            correct = rules.correct_choices(payload, node)
            if correct:
                entry["correct"] = correct
            steps.append(entry)
        return steps


class LiveHandler(tornado.web.RequestHandler):
    """Shared by the live handlers: our headers, JSON errors, no cookie, no XSRF cookie (no
    cookie is used at all: a POST needs a JSON body and our own header, which another site's
    page cannot send without a CORS preflight that this server never grants)."""

    @property
    def live(self) -> Live:
        return self.settings["waspada_live"]

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def check_xsrf_cookie(self) -> None:
        return None

    def prepare(self) -> None:
        self.live.start_purging()
        address = self.request.remote_ip or ""
        if not self.live.allow(address, post=self.request.method == "POST"):
            self.set_header("Retry-After", "5")
            raise LiveError(429, "too_fast", "too many requests: wait a few seconds")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, LiveError):
            body = {"error": error.code, "message": str(error)}
        else:
            body = {"error": "error", "message": self._reason}
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, LiveError):
            status_code = error.status
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, LiveError):  # a refusal is an answer, not a fault
            super().log_exception(typ, value, tb)

    def send_json(self, data: Mapping[str, Any]) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def room(self, code: str) -> Room:
        found = self.live.store.get(code) if rules.ROOM_CODE.match(code) else None
        if found is None:
            raise LiveError(404, "no_room", "there is no room with this code (or it has expired)")
        return found

    def body(self) -> dict[str, Any]:
        if len(self.request.body) > MAX_BODY:
            raise LiveError(413, "too_big", "the request is too big")
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise LiveError(400, "bad_request", "send JSON")
        origin = self.request.headers.get("Origin")
        if origin and origin.split("://", 1)[-1] != self.request.host:
            raise LiveError(403, "bad_origin", "requests from other sites are refused")
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError as error:
            raise LiveError(400, "bad_request", "the request is not valid JSON") from error
        if not isinstance(data, dict):
            raise LiveError(400, "bad_request", "send a JSON object")
        return data

    def device(self) -> str:
        return rules.valid_device(self.request.headers.get("X-Waspada-Device"))

    def facilitator(self, code: str) -> bool:
        return self.live.store.is_facilitator(code, self.request.headers.get("X-Waspada-Secret"))


class RoomHandler(LiveHandler):
    """GET /live/api/rooms/<code>: the room's view, at once or when it next changes."""

    async def get(self, code: str) -> None:
        room = self.room(code)
        facilitator = self.facilitator(code)
        lang = self.live.lang(self.get_argument("lang", None), room)
        device = self.request.headers.get("X-Waspada-Device")
        device = device if device and rules.DEVICE_TOKEN.match(device) else None
        try:
            since = int(self.get_argument("since", "-1"))
            wait = min(MAX_WAIT, max(0.0, float(self.get_argument("wait", "0"))))
        except ValueError as error:
            raise LiveError(400, "bad_request", "since and wait are numbers") from error
        deadline = time.monotonic() + wait
        while True:
            mark = room.version if facilitator else room.stage
            remaining = deadline - time.monotonic()
            if mark > since or remaining <= 0 or self._gone():
                break
            await self.live.hub.wait(code, min(RECHECK_SECONDS, remaining))
            room = self.room(code)
        self.send_json(self.live.view(room, lang, device=device, facilitator=facilitator))

    def _gone(self) -> bool:
        stream = getattr(self.request.connection, "stream", None)
        return stream is not None and stream.closed()


class JoinHandler(LiveHandler):
    """POST /live/api/rooms/<code>/join: count this phone in the room."""

    def post(self, code: str) -> None:
        self.body()
        room = self.room(code)
        device = self.device()
        if not self.live.new_device_allowed(code, self.request.remote_ip or "", device):
            raise LiveError(429, "too_many_devices", "too many devices from one address")
        before = self.live.store.joined(code)
        if self.live.store.join(room.code, device) != before:
            self.live.hub.changed(code)
        self.send_json({"joined": True})


class VoteHandler(LiveHandler):
    """POST /live/api/rooms/<code>/vote {"step": n, "choice": id}."""

    def post(self, code: str) -> None:
        data = self.body()
        room = self.room(code)
        device = self.device()
        if not self.live.new_device_allowed(code, self.request.remote_ip or "", device):
            raise LiveError(429, "too_many_devices", "too many devices from one address")
        step, choice = data.get("step"), data.get("choice")
        if not isinstance(step, int) or not isinstance(choice, str):
            raise LiveError(400, "bad_request", "send a step (number) and a choice (text)")
        payload = self.live.payload(room, room.lang)
        offered = rules.decision_at(payload, room.route).choices
        self.live.store.vote(code, device, step, choice, offered)
        self.live.hub.changed(code)
        self.send_json({"myVote": choice})


class ControlHandler(LiveHandler):
    """POST /live/api/rooms/<code>/control {"action": ...}: the facilitator only."""

    def post(self, code: str) -> None:
        data = self.body()
        room = self.room(code)
        if not self.facilitator(code):
            raise LiveError(403, "not_facilitator", "only the facilitator can steer the room")
        store = self.live.store
        payload = self.live.payload(room, room.lang)
        position = rules.decision_at(payload, room.route)
        action = data.get("action")
        if action == "reveal":
            room = store.reveal(code)
        elif action == "reopen":
            room = store.reopen(code)
        elif action == "follow":
            choice = data.get("choice")
            if not isinstance(choice, str) or choice not in position.choices:
                raise LiveError(400, "bad_choice", "this choice is not offered here")
            target = rules.decision_at(payload, [*room.route, choice])
            room = store.follow(code, choice, position.choices, ends=target.is_ending)
        elif action == "back":
            room = store.back(code)
        elif action == "hands":
            step, choice, count = data.get("step"), data.get("choice"), data.get("count")
            if not (isinstance(step, int) and isinstance(choice, str) and isinstance(count, int)):
                raise LiveError(400, "bad_request", "send a step, a choice and a count")
            room = store.set_hands(code, step, choice, count, position.choices)
        elif action == "end":
            room = store.end(code)
        else:
            raise LiveError(400, "bad_action", "unknown action")
        self.live.hub.changed(code)
        lang = self.live.lang(self.get_argument("lang", None), room)
        self.send_json(self.live.view(room, lang, device=None, facilitator=True))


class PairsHandler(LiveHandler):
    """POST /live/api/pairs {"before": {"room", "key"}, "after": {"room", "key"}}: a
    before/after check answered on phones, paired by device (counts only; the facilitator of
    both rooms only). Only the devices that answered an item both times count for it."""

    def post(self) -> None:
        data = self.body()
        rooms = []
        for side in ("before", "after"):
            given = data.get(side)
            if not isinstance(given, dict) or not isinstance(given.get("room"), str):
                raise LiveError(400, "bad_request", f"name the {side} room and its key")
            room = self.room(given["room"])
            if not self.live.store.is_facilitator(room.code, given.get("key")):
                raise LiveError(403, "not_facilitator", "only the facilitator can pair rooms")
            rooms.append(room)
        before, after = rooms
        if before.scenario != after.scenario or before.kind != "check":
            raise LiveError(400, "not_a_pair", "pair two rooms of the same knowledge check")
        payload = self.live.payload(before, before.lang)
        items = []
        for step in range(min(before.step, after.step)):
            node = rules.decision_at(payload, before.route[:step]).node
            if rules.decision_at(payload, after.route[:step]).node != node:
                break
            items.append((node, rules.correct_choices(payload, node)))
        store = self.live.store
        paired, counts = rules.paired_items(
            store.answers(before.code), store.answers(after.code), items
        )
        self.send_json({"scenario": before.scenario, "paired": paired, "items": counts})


class JoinPageHandler(LiveHandler):
    """GET /j and /j/<code>: the phones' page (HTML; its script and style from /live/static).
    The code box sends /j?code=N (it works without JavaScript): that goes on to /j/N."""

    def get(self, code: str | None = None) -> None:
        from .pages import join_page

        typed = self.get_argument("code", "").strip()
        if code is None and typed:
            lang = self.get_argument("lang", None)
            if rules.ROOM_CODE.match(typed):
                query = f"?lang={lang}" if lang in self.live.codes else ""
                self.redirect(f"{self.request.path.rstrip('/')}/{typed}{query}")
                return
            code = typed
        found = bool(code) and rules.ROOM_CODE.match(code or "") is not None
        room = self.live.store.get(code) if found and code else None
        lang = self.live.lang(self.get_argument("lang", None), room)
        if code and room is None:
            self.set_status(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(join_page(code, lang, self.live.locales, found=room is not None))


class ControlPageHandler(LiveHandler):
    """GET /live/control/<code>: the facilitator's private page (its key is in the fragment);
    for a room that is not there, the join page's "no such room"."""

    def get(self, code: str) -> None:
        from .pages import control_page, join_page

        room = self.live.store.get(code) if rules.ROOM_CODE.match(code) else None
        lang = self.live.lang(self.get_argument("lang", None), room)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if room is None:
            self.set_status(404)
            self.finish(join_page(code, lang, self.live.locales, found=False))
            return
        self.finish(control_page(code, lang, self.live.locales))


class StaticHandler(LiveHandler):
    """GET /live/static/<name>: the pages' own script and style, nothing else."""

    TYPES: ClassVar[dict[str, str]] = {".js": "text/javascript", ".css": "text/css"}

    def get(self, name: str) -> None:
        from .pages import STATIC_FILES

        path = STATIC_FILES.get(name)
        if path is None:
            raise tornado.web.HTTPError(404)
        kind = self.TYPES.get(Path(name).suffix, "text/plain")
        self.set_header("Content-Type", f"{kind}; charset=utf-8")
        self.finish(path.read_bytes())


def live_handlers(base_url: str = "/") -> list[tuple[str, type[tornado.web.RequestHandler]]]:
    """The routes of the live classroom (for Voila's or Jupyter Server's Tornado app)."""
    base = base_url.rstrip("/")
    code = r"([0-9]{1,12})"
    return [
        (f"{base}/j/?", JoinPageHandler),
        (f"{base}/j/{code}/?", JoinPageHandler),
        (f"{base}/live/control/{code}/?", ControlPageHandler),
        (f"{base}/live/static/([a-z]+\\.(?:js|css))", StaticHandler),
        (f"{base}/live/api/rooms/{code}", RoomHandler),
        (f"{base}/live/api/rooms/{code}/join", JoinHandler),
        (f"{base}/live/api/rooms/{code}/vote", VoteHandler),
        (f"{base}/live/api/rooms/{code}/control", ControlHandler),
        (f"{base}/live/api/pairs", PairsHandler),
    ]
