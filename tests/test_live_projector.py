"""The projector's side of a live room (issue 16): the widget makes or resumes its room in the
store when the page asks, and the player and gallery offer live mode only under
`waspada serve --live`."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from waspada import apps
from waspada.live.store import SqliteRoomStore
from waspada.project import Project
from waspada.widget import ScenarioWidget
from waspada.widget.live import qr_rows

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "cafe-singer.yml"
CHECK = ROOT / "scenarios" / "check-health.yml"
ORIGIN = "http://192.168.1.20:8866"


@pytest.fixture
def store(tmp_path: Path) -> SqliteRoomStore:
    rooms = SqliteRoomStore(tmp_path / "_run" / "live.sqlite3")
    yield rooms
    rooms.close()


def projector(store: SqliteRoomStore, path: Path = SCENARIO) -> ScenarioWidget:
    """A projector page's widget (a new kernel each time: a reload makes a new one)."""
    widget = ScenarioWidget.from_file(path, mode="facilitator")
    widget.enable_live(store, ORIGIN)
    return widget


def page_says(widget: ScenarioWidget, content: object) -> None:
    """A custom message from the browser, as anywidget delivers it to the kernel."""
    widget._handle_custom_msg(content, [])


def rooms_in(store: SqliteRoomStore) -> int:
    return store._db.execute("SELECT COUNT(*) FROM rooms").fetchone()[0]


def test_a_live_page_waits_for_the_browser_then_starts_a_room(store: SqliteRoomStore) -> None:
    """Enabled, the widget only says that live is possible; the browser's "start" makes one
    room, whose join and control addresses (with the secret) and QR codes the page gets."""
    widget = projector(store)
    assert widget.live == {"available": True}
    assert rooms_in(store) == 0
    page_says(widget, {"live": "start"})
    live = widget.live
    code, secret = live["code"], live["secret"]
    assert rooms_in(store) == 1
    room = store.resume(code, secret)
    assert room is not None and room.scenario == "cafe-singer"
    assert room.digest == widget.payload["digest"] and room.kind == "story"
    assert live["joinUrl"] == f"{ORIGIN}/j/{code}"
    assert live["controlUrl"] == f"{ORIGIN}/live/control/{code}#key={secret}"
    assert live["api"] == f"/live/api/rooms/{code}"
    assert live["joinQr"] == qr_rows(live["joinUrl"])
    assert live["controlQr"] == qr_rows(live["controlUrl"])
    assert live["joinQr"] != live["controlQr"]
    # A second "start" (another view of the same widget) keeps the one room.
    page_says(widget, {"live": "start"})
    assert widget.live["code"] == code and rooms_in(store) == 1


def test_a_knowledge_check_room_is_a_check(store: SqliteRoomStore) -> None:
    widget = projector(store, CHECK)
    page_says(widget, {"live": "start"})
    assert store.get(widget.live["code"]).kind == "check"


def test_qr_rows_are_a_square_code_with_its_finder_patterns() -> None:
    """Rows of 0/1 the browser can draw: square, and a finder pattern in three corners."""
    rows = qr_rows("http://192.168.1.20:8866/j/4821")
    size = len(rows)
    assert size >= 21 and all(len(row) == size and set(row) <= {"0", "1"} for row in rows)
    finder = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"]
    assert [row[:7] for row in rows[:7]] == finder  # top left
    assert [row[-7:] for row in rows[:7]] == finder  # top right
    assert [row[:7] for row in rows[-7:]] == finder  # bottom left
    assert qr_rows("http://192.168.1.20:8866/j/4822") != rows


def test_a_reloaded_page_resumes_its_room_with_the_right_secret(store: SqliteRoomStore) -> None:
    """After a reload (a new kernel) the page sends the code and secret it kept: the same room
    goes on, with the votes and route it had; no second room is made."""
    first = projector(store)
    page_says(first, {"live": "start"})
    code, secret = first.live["code"], first.live["secret"]
    offered = first.payload["states"][0]["choices"][0][0]
    store.vote(code, "device-aaaaaaaaaaaa", 0, offered, [offered])
    again = projector(store)
    page_says(again, {"live": "resume", "code": code, "secret": secret})
    assert again.live["code"] == code and again.live["secret"] == secret
    assert rooms_in(store) == 1
    assert store.votes(code, 0) == {offered: 1}


def test_a_wrong_secret_gets_a_new_room_and_leaves_the_old_one(store: SqliteRoomStore) -> None:
    """Somebody else's code with a guessed secret never reaches that room: a new room is made."""
    first = projector(store)
    page_says(first, {"live": "start"})
    code, secret = first.live["code"], first.live["secret"]
    other = projector(store)
    page_says(other, {"live": "resume", "code": code, "secret": secret[:-1] + "x"})
    assert other.live["code"] != code
    assert other.live["secret"] != secret
    assert rooms_in(store) == 2
    assert store.resume(code, secret) is not None  # the first room is untouched


@pytest.mark.parametrize(
    "content",
    [
        {"live": "resume", "code": "1" * 10_000, "secret": "s" * 10_000},
        {"live": "resume", "code": 4821, "secret": None},
        {"live": "resume"},
    ],
)
def test_odd_resume_messages_start_a_new_room(store: SqliteRoomStore, content: dict) -> None:
    widget = projector(store)
    page_says(widget, content)
    assert widget.live["code"] and rooms_in(store) == 1


def test_a_room_of_another_scenario_or_closed_is_not_resumed(store: SqliteRoomStore) -> None:
    """The key is per scenario, but a room of another scenario or an ended session never
    comes back on this page."""
    check = projector(store, CHECK)
    page_says(check, {"live": "start"})
    story = projector(store)
    page_says(story, {"live": "resume", **{k: check.live[k] for k in ("code", "secret")}})
    assert story.live["code"] != check.live["code"]
    store.end(story.live["code"])
    again = projector(store)
    page_says(again, {"live": "resume", **{k: story.live[k] for k in ("code", "secret")}})
    assert again.live["code"] not in (story.live["code"], check.live["code"])


def test_other_messages_do_nothing(store: SqliteRoomStore) -> None:
    widget = projector(store)
    for content in ({"live": "drop"}, ["start"], "start", {"other": 1}):
        page_says(widget, content)
    assert widget.live == {"available": True} and rooms_in(store) == 0
    plain = ScenarioWidget.from_file(SCENARIO, mode="facilitator")  # live not enabled
    page_says(plain, {"live": "start"})
    assert plain.live == {} and rooms_in(store) == 0


def test_a_store_that_refuses_shows_an_error_not_a_traceback(store: SqliteRoomStore) -> None:
    from waspada.live.room import LiveError

    class Full:
        def create(self, **_: str) -> tuple:
            raise LiveError(503, "too_many_rooms", "too many rooms are open on this computer")

        def resume(self, code: str, secret: str) -> None:
            return None

    widget = ScenarioWidget.from_file(SCENARIO, mode="facilitator")
    widget.enable_live(Full(), ORIGIN)
    page_says(widget, {"live": "start"})
    assert widget.live == {
        "available": True,
        "error": "too many rooms are open on this computer",
    }


def shown_by(monkeypatch: pytest.MonkeyPatch, call) -> tuple[str, list[object]]:
    shown: list[object] = []
    monkeypatch.setattr(apps, "display", lambda *items: shown.extend(items))
    call()
    text = " ".join(html.unescape(getattr(item, "value", "")) for item in shown)
    return text, [item for item in shown if isinstance(item, ScenarioWidget)]


def test_the_player_without_live_server_is_facilitator_mode_with_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """?live=1 without `waspada serve --live`: the normal facilitator mode (notes and hands on
    screen), no room, and one line saying what live voting needs."""
    monkeypatch.delenv("WASPADA_LIVE_DB", raising=False)
    monkeypatch.setenv("QUERY_STRING", "scenario=cafe-singer&mode=facilitator&live=1")
    text, widgets = shown_by(monkeypatch, lambda: apps.player(project=Project(ROOT)))
    (widget,) = widgets
    assert widget.mode == "facilitator" and widget.live == {}
    assert "Live voting needs the apps started with 'waspada serve --live'" in text
    # The note is translated like the rest of the page.
    monkeypatch.setenv("QUERY_STRING", "scenario=cafe-singer&mode=facilitator&live=1&lang=id")
    text_id, _ = shown_by(monkeypatch, lambda: apps.player(project=Project(ROOT)))
    assert "waspada serve --live" in text_id and "Live voting needs" not in text_id


def test_the_player_under_live_server_makes_a_live_widget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WASPADA_LIVE_DB", str(tmp_path / "live.sqlite3"))
    monkeypatch.setenv("WASPADA_LIVE_ORIGIN", ORIGIN)
    monkeypatch.setenv("QUERY_STRING", "scenario=cafe-singer&mode=facilitator&live=1")
    text, (widget,) = shown_by(monkeypatch, lambda: apps.player(project=Project(ROOT)))
    assert widget.mode == "facilitator" and widget.live == {"available": True}
    assert "waspada serve --live" not in text
    page_says(widget, {"live": "start"})
    assert widget.live["joinUrl"] == f"{ORIGIN}/j/{widget.live['code']}"
    # Without ?live=1 the same server shows the plain player.
    monkeypatch.setenv("QUERY_STRING", "scenario=cafe-singer&mode=facilitator")
    _, (plain,) = shown_by(monkeypatch, lambda: apps.player(project=Project(ROOT)))
    assert plain.live == {}


def test_the_gallery_offers_live_only_under_live_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each scenario gets "Open live" (facilitator mode, live=1), and the knowledge checks are
    listed to be opened live; nothing of it without `waspada serve --live`."""
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    monkeypatch.delenv("WASPADA_LIVE_DB", raising=False)
    plain, _ = shown_by(monkeypatch, lambda: apps.gallery(Project(ROOT)))
    assert "Open live" not in plain and "live=1" not in plain
    monkeypatch.setenv("WASPADA_LIVE_DB", str(tmp_path / "live.sqlite3"))
    live, _ = shown_by(monkeypatch, lambda: apps.gallery(Project(ROOT)))
    assert "player.ipynb?scenario=cafe-singer&lang=en&mode=facilitator&live=1" in live
    assert "player.ipynb?scenario=check-health&lang=en&mode=facilitator&live=1" in live
    stories = Project(ROOT).load().stories
    assert live.count(">Open live</a>") >= len(stories) + 1
