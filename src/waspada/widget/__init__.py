"""ScenarioWidget: the scenario front end in Jupyter and Voila (an anywidget)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..assets import SCENARIO_CSS, SCENARIO_JS
from ..payload import scenario_payload
from ..project import Project
from ..scenario import PlayState, Scenario, Service, choose, start

ESM = SCENARIO_JS
CSS = SCENARIO_CSS

ChoiceCallback = Callable[[str, PlayState], None]

__all__ = ["ScenarioWidget"]


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
