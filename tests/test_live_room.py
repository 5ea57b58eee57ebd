"""The live room's store and rules (issue 16): what a facilitator and the phones rely on."""

from __future__ import annotations

import sqlite3

import pytest

from waspada.live.room import (
    CLOSED,
    ENDED,
    REVEALED,
    VOTING,
    LiveError,
    decision_at,
    most_voted,
    paired_items,
    share_right,
)
from waspada.live.store import SqliteRoomStore

PHONE_A = "a" * 20
PHONE_B = "b" * 20
PHONE_C = "c" * 20
OFFERED = ("go", "stay")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> SqliteRoomStore:
    return SqliteRoomStore(tmp_path / "_run" / "live.sqlite3", clock=clock)


def new_room(store: SqliteRoomStore):
    return store.create(scenario="tiny", lang="id", digest="d", kind="story")


def test_a_room_has_a_short_code_and_a_secret_that_steers_it(store):
    room, secret = new_room(store)
    assert room.code.isdigit() and len(room.code) == 4 and room.code[0] != "0"
    assert len(secret) >= 32 and room.code not in secret
    assert store.is_facilitator(room.code, secret)
    assert not store.is_facilitator(room.code, secret[:-1] + "x")
    assert not store.is_facilitator(room.code, None)
    assert store.resume(room.code, secret) == store.get(room.code)
    assert store.resume(room.code, "wrong") is None


def test_the_secret_is_not_kept_in_the_file(store, tmp_path):
    _, secret = new_room(store)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "_run").iterdir())
    assert secret.encode() not in raw


def test_each_phone_counts_once_and_may_change_its_vote_until_the_reveal(store):
    room, _ = new_room(store)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.vote(room.code, PHONE_B, 0, "go", OFFERED)
    store.vote(room.code, PHONE_B, 0, "stay", OFFERED)
    assert store.votes(room.code, 0) == {"go": 1, "stay": 1}
    assert store.my_vote(room.code, PHONE_B, 0) == "stay"
    assert store.joined(room.code) == 2
    store.reveal(room.code)
    with pytest.raises(LiveError) as refused:
        store.vote(room.code, PHONE_C, 0, "go", OFFERED)
    assert refused.value.status == 409
    assert store.votes(room.code, 0) == {"go": 1, "stay": 1}


def test_a_vote_must_be_for_the_current_step_and_an_offered_choice(store):
    room, _ = new_room(store)
    with pytest.raises(LiveError) as old:
        store.vote(room.code, PHONE_A, 1, "go", OFFERED)
    assert old.value.status == 409
    with pytest.raises(LiveError) as foreign:
        store.vote(room.code, PHONE_A, 0, "fly", OFFERED)
    assert foreign.value.status == 400
    with pytest.raises(LiveError) as token:
        store.vote(room.code, "short", 0, "go", OFFERED)
    assert token.value.status == 400
    assert store.votes(room.code, 0) == {}


def test_hands_are_added_to_the_votes_and_kept_when_the_story_moves_on(store):
    room, _ = new_room(store)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.set_hands(room.code, 0, "stay", 7, OFFERED)
    assert store.totals(room.code, 0) == {"go": 1, "stay": 7}
    with pytest.raises(LiveError):
        store.set_hands(room.code, 0, "stay", 1000, OFFERED)
    room = store.follow(room.code, "stay", OFFERED, ends=False)
    assert room.route == ("stay",) and room.step == 1 and room.phase == VOTING
    assert [dict(h) for h in room.history] == [{"go": 1, "stay": 7}]
    assert store.votes(room.code, 1) == {}


def test_back_shows_the_previous_decision_again_and_a_new_path_starts_clean(store):
    room, _ = new_room(store)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    room = store.follow(room.code, "go", OFFERED, ends=False)
    store.vote(room.code, PHONE_A, 1, "stay", OFFERED)
    room = store.back(room.code)
    assert room.route == () and room.phase == REVEALED and room.history == ()
    assert store.votes(room.code, 0) == {"go": 1}
    room = store.follow(room.code, "stay", OFFERED, ends=True)
    assert room.phase == ENDED
    assert store.votes(room.code, 1) == {}  # the votes of the abandoned path are gone


def test_only_a_change_of_step_or_phase_wakes_the_phones(store):
    room, _ = new_room(store)
    stage, version = room.stage, room.version
    room = store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    assert room.stage == stage and room.version > version
    room = store.reveal(room.code)
    assert room.stage > stage


def test_an_ended_session_takes_no_votes_and_keeps_its_totals(store):
    room, _ = new_room(store)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.follow(room.code, "go", OFFERED, ends=False)
    room = store.end(room.code)
    assert room.phase == CLOSED and [dict(h) for h in room.history] == [{"go": 1}]
    with pytest.raises(LiveError):
        store.vote(room.code, PHONE_B, 1, "go", OFFERED)
    assert store.joined(room.code) == 0


def test_a_room_expires_three_hours_after_its_last_step_with_every_row(store, clock, tmp_path):
    room, _ = new_room(store)
    clock.now += 2 * 3600
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.follow(room.code, "go", OFFERED, ends=True)  # the session goes on: 3 more hours
    store.end(room.code)
    clock.now += 3 * 3600 - 1
    assert store.get(room.code) is not None
    clock.now += 2
    assert store.get(room.code) is None
    db = sqlite3.connect(tmp_path / "_run" / "live.sqlite3")
    for table in ("rooms", "votes", "devices", "hands"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)


def test_a_room_survives_a_restart(tmp_path, clock):
    path = tmp_path / "live.sqlite3"
    first = SqliteRoomStore(path, clock=clock)
    room, secret = new_room(first)
    first.vote(room.code, PHONE_A, 0, "go", OFFERED)
    first.close()
    again = SqliteRoomStore(path, clock=clock)
    assert again.resume(room.code, secret) is not None
    assert again.my_vote(room.code, PHONE_A, 0) == "go"


def test_the_kernel_and_the_server_share_rooms_through_the_file(tmp_path, clock):
    path = tmp_path / "live.sqlite3"
    kernel, server = SqliteRoomStore(path, clock=clock), SqliteRoomStore(path, clock=clock)
    room, secret = new_room(kernel)
    server.vote(room.code, PHONE_A, 0, "stay", OFFERED)
    assert kernel.votes(room.code, 0) == {"stay": 1}
    assert server.is_facilitator(room.code, secret)


PAYLOAD = {
    "states": [
        {"node": "q1", "choices": [["a", 1], ["b", 1]], "label": "Question 1 of 2"},
        {"node": "q2", "choices": [["a", 2], ["b", 2]], "label": "Question 2 of 2"},
        {"node": "end", "choices": [], "label": ""},
    ]
}


def test_a_route_leads_through_the_compiled_graph():
    assert decision_at(PAYLOAD, []).choices == ("a", "b")
    assert decision_at(PAYLOAD, ["a"]).label == "Question 2 of 2"
    assert decision_at(PAYLOAD, ["a", "b"]).is_ending
    with pytest.raises(LiveError):
        decision_at(PAYLOAD, ["c"])


def test_most_voted_and_share_right():
    assert most_voted({"a": 2, "b": 5}, ("a", "b")) == "b"
    assert most_voted({"a": 3, "b": 3}, ("a", "b")) == "a"
    assert most_voted({}, ("a", "b")) is None
    assert share_right({"a": 6, "b": 2}, ["a"]) == (6, 8)


def test_before_and_after_answers_are_paired_by_device_only(store):
    before = {PHONE_A: {0: "a", 1: "b"}, PHONE_B: {0: "b"}, PHONE_C: {0: "a"}}
    after = {PHONE_A: {0: "a", 1: "a"}, PHONE_B: {0: "a", 1: "a"}, "d" * 20: {0: "a"}}
    paired, items = paired_items(before, after, [("q1", ["a"]), ("q2", ["a"])])
    assert paired == 2  # C answered only before, D only after: neither counts
    assert items["q1"] == {
        "before": {"a": 1, "b": 1},
        "after": {"a": 2},
        "before_right": 1,
        "before_total": 2,
        "after_right": 2,
        "after_total": 2,
    }
    assert items["q2"]["before"] == {"b": 1} and items["q2"]["after"] == {"a": 1}
    assert (items["q2"]["before_right"], items["q2"]["after_right"]) == (0, 1)
    room, _ = new_room(store)
    store.vote(room.code, PHONE_A, 0, "go", OFFERED)
    store.follow(room.code, "go", OFFERED, ends=False)
    store.vote(room.code, PHONE_A, 1, "stay", OFFERED)
    store.end(room.code)
    assert store.answers(room.code) == {PHONE_A: {0: "go", 1: "stay"}}
