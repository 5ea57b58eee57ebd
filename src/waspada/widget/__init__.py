"""ScenarioWidget: the scenario front end in Jupyter and Voila (an anywidget)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import anywidget
import traitlets

from ..assets import SCENARIO_CSS, SCENARIO_JS
from ..payload import scenario_payload
from ..project import Project
from ..scenario import PlayState, Scenario, Service, choose, start
from .live import live_info, live_origin

ESM = SCENARIO_JS
CSS = SCENARIO_CSS

ChoiceCallback = Callable[[str, PlayState], None]

__all__ = ["ScenarioWidget"]

# The longest room code and secret a page may send back to resume a room (the store makes 4-6
# digits and 32 characters): anything longer is not ours and starts a new room.
MAX_CODE = 12
MAX_SECRET = 128


class LiveRoom(Protocol):
    """What the projector reads of a room (``waspada.live.room.Room``)."""

    code: str
    scenario: str
    digest: str
    phase: str


class LiveRooms(Protocol):
    """The part of ``waspada.live.store.RoomStore`` a projector page uses."""

    def create(
        self, *, scenario: str, lang: str, digest: str, kind: str
    ) -> tuple[LiveRoom, str]: ...
    def resume(self, code: str, secret: str) -> LiveRoom | None: ...


class ScenarioWidget(anywidget.AnyWidget):
    """A playable scenario. The group's choices arrive in Python as they are made.

    >>> widget = ScenarioWidget.from_file("scenarios/cafe-singer.yml")  # doctest: +SKIP
    >>> widget.on_choice(lambda choice_id, state: print(choice_id, state.node))  # doctest: +SKIP
    """

    _esm = ESM
    _css = CSS

    payload = traitlets.Dict().tag(sync=True)
    # {"digest": ..., "route": [choice ids], "tallies": [{choice id: hands} per decision]}
    state = traitlets.Dict().tag(sync=True)
    mode = traitlets.Unicode("learner").tag(sync=True)  # "learner" or "facilitator"
    large_text = traitlets.Bool(False).tag(sync=True)
    can_clear = traitlets.Bool(False).tag(sync=True)  # progress lives in the kernel here
    # The live classroom (projector page): {} = not live; {"available": True} = the page may ask
    # for a room (a custom message {"live": "start"} or {"live": "resume", "code", "secret"});
    # then widget/live.py's live_info: the room's code, secret, join and control addresses and
    # their QR codes; or {"available": True, "error": ...} when no room could be made.
    live = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        scenario: Scenario,
        services: dict[str, Service],
        *,
        lang: str = "en",
        locales_dir: Path | None = None,
        **kwargs: Any,
    ) -> None:
        self._scenario = scenario
        self._services = services
        self._locales_dir = locales_dir
        self._lang = lang
        self._callbacks: list[ChoiceCallback] = []
        self._rooms: LiveRooms | None = None
        self._origin = ""
        super().__init__(payload=self._compile(lang), **kwargs)

    @classmethod
    def from_file(cls, path: str | Path, *, lang: str = "en", **kwargs: Any) -> ScenarioWidget:
        """Load a scenario file of a course project (its help directory and catalogs included)."""
        path = Path(path)
        project = Project.discover(path.resolve().parent)
        collection = project.load([path])
        if collection.errors:
            raise ValueError("\n".join(str(p) for p in collection.errors))
        scenario = next(iter(collection.scenarios.values()))
        return cls(
            scenario, collection.services, lang=lang, locales_dir=project.locales_dir, **kwargs
        )

    def _compile(self, lang: str) -> dict[str, Any]:
        if lang != "en" and self._locales_dir is not None:
            # One language per screen: a scenario not yet translated whole into ``lang`` is
            # played whole in the next language of its chain that translates all of it.
            from ..i18n import language
            from ..i18n.screen import scenario_language

            chosen = language(self._locales_dir, lang)
            lang = scenario_language(self._locales_dir, chosen, self._scenario.id)
        return scenario_payload(
            self._scenario, self._services, lang=lang, locales_dir=self._locales_dir
        )

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def language(self) -> str:
        return self._lang

    @language.setter
    def language(self, lang: str) -> None:
        """Switch language; the route (and so the group's place in the story) is kept."""
        self._lang = lang
        self.payload = self._compile(lang)

    @property
    def route(self) -> list[str]:
        return list(self.state.get("route", []))

    def play_state(self) -> PlayState:
        """The engine's view of where the group is, replayed from the route."""
        state = start(self._scenario)
        for choice_id in self.route:
            state = choose(self._scenario, state, choice_id)
        return state

    def restart(self) -> None:
        self.state = {"digest": self.payload["digest"], "route": []}

    def on_choice(self, callback: ChoiceCallback) -> None:
        """Call ``callback(choice_id, play_state)`` whenever the group makes a choice."""
        self._callbacks.append(callback)

    @traitlets.observe("state")
    def _state_changed(self, change: dict[str, Any]) -> None:
        old = list((change["old"] or {}).get("route", []))
        new = list((change["new"] or {}).get("route", []))
        if len(new) == len(old) + 1 and new[:-1] == old:
            state = self.play_state()
            for callback in self._callbacks:
                callback(new[-1], state)

    # -- the live classroom ------------------------------------------------------------------

    def enable_live(self, rooms: LiveRooms, origin: str | None = None) -> None:
        """Let the page run a live room from ``rooms`` (the store `waspada serve --live` names);
        ``origin`` is the address phones type (default: ``WASPADA_LIVE_ORIGIN``). The room is
        made when the page asks, so that a reloaded page can resume its own room instead."""
        self._rooms = rooms
        self._origin = (origin or live_origin()).rstrip("/")
        self.on_msg(self._live_message)
        self.live = {"available": True}

    def _live_message(self, _widget: object, content: Any, _buffers: object) -> None:
        if self._rooms is None or not isinstance(content, dict):
            return
        action = content.get("live")
        if action not in ("start", "resume"):
            return
        if action == "resume" and self._resume(content.get("code"), content.get("secret")):
            return
        if self.live.get("code"):
            return  # a second view of the same widget: the room is already there
        try:
            room, secret = self._rooms.create(
                scenario=self._scenario.id,
                lang=self._lang,
                digest=self.payload["digest"],
                kind=self.payload.get("kind", "story"),
            )
        except (ValueError, OSError, sqlite3.Error) as error:  # LiveError is a ValueError
            self.live = {"available": True, "error": str(error)}
            return
        self.live = live_info(room.code, secret, self._origin)

    def _resume(self, code: object, secret: object) -> bool:
        """Show room ``code`` again if ``secret`` is its own and it still plays this scenario."""
        if not (isinstance(code, str) and isinstance(secret, str)):
            return False
        if not (0 < len(code) <= MAX_CODE and 0 < len(secret) <= MAX_SECRET):
            return False
        assert self._rooms is not None
        try:
            room = self._rooms.resume(code, secret)
        except (ValueError, OSError, sqlite3.Error):
            return False
        fits = (
            room is not None
            and room.scenario == self._scenario.id
            and room.digest == self.payload["digest"]
            and room.phase != "closed"
        )
        if fits:
            self.live = live_info(room.code, secret, self._origin)
        return fits
