"""Where live rooms are kept: ``RoomStore`` is the narrow interface, ``SqliteRoomStore`` the
embedded default (one SQLite file in the course's run folder, WAL mode: the facilitator's kernel
creates rooms, the server process answers phones, and a restart of either loses nothing).

Nothing about a person is stored: per room a hash of the facilitator's secret, the scenario,
language and route, per step the random device tokens' votes and the hands typed, all deleted
when the room expires, three hours after the facilitator last moved it on. See ARCHITECTURE.md
for running the same rooms on several machines (another class behind this interface) and why a
classroom does not need it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from . import ENV_DB
from .room import (
    CLOSED,
    ENDED,
    MAX_DEVICES,
    MAX_HANDS,
    REVEALED,
    ROOM_HOURS,
    VOTING,
    LiveError,
    Room,
    add_counts,
    valid_device,
)

RUN_FOLDER = "_run"
DB_NAME = "live.sqlite3"
CODE_DIGITS = 4
# Rooms open at once at most (each needs a projector kernel, so far fewer in practice).
MAX_ROOMS = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    scenario TEXT NOT NULL,
    lang TEXT NOT NULL,
    digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT '[]',
    history TEXT NOT NULL DEFAULT '[]',
    phase TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    stage INTEGER NOT NULL DEFAULT 1,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    token TEXT NOT NULL,
    PRIMARY KEY (code, token)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS votes (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    token TEXT NOT NULL,
    choice TEXT NOT NULL,
    PRIMARY KEY (code, step, token)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hands (
    code TEXT NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    choice TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (code, step, choice)
) WITHOUT ROWID;
"""


def store_path(course_root: Path) -> Path:
    """The embedded store of a course: ``<course>/_run/live.sqlite3``."""
    return course_root / RUN_FOLDER / DB_NAME


class RoomStore(Protocol):
    """What the kernel and the server need of a room store. ``allowed`` (the choices offered
    at the current step) and ``is_ending`` come from the scenario (``room.decision_at``): the
    store keeps state, the rules of the story stay in the scenario core."""

    def create(self, *, scenario: str, lang: str, digest: str, kind: str) -> tuple[Room, str]: ...
    def get(self, code: str) -> Room | None: ...
    def resume(self, code: str, secret: str) -> Room | None: ...
    def is_facilitator(self, code: str, secret: str | None) -> bool: ...
    def join(self, code: str, device: str) -> int: ...
    def joined(self, code: str) -> int: ...
    def vote(
        self, code: str, device: str, step: int, choice: str, allowed: Sequence[str]
    ) -> Room: ...
    def my_vote(self, code: str, device: str, step: int) -> str | None: ...
    def votes(self, code: str, step: int) -> dict[str, int]: ...
    def hands(self, code: str, step: int) -> dict[str, int]: ...
    def set_hands(
        self, code: str, step: int, choice: str, count: int, allowed: Sequence[str]
    ) -> Room: ...
    def reveal(self, code: str) -> Room: ...
    def reopen(self, code: str) -> Room: ...
    def follow(self, code: str, choice: str, allowed: Sequence[str], *, ends: bool) -> Room: ...
    def back(self, code: str) -> Room: ...
    def end(self, code: str) -> Room: ...
    def answers(self, code: str) -> dict[str, dict[int, str]]: ...
    def purge_expired(self) -> int: ...


def open_store(path: str | Path | None = None) -> SqliteRoomStore | None:
    """The store `waspada serve --live` named in WASPADA_LIVE_DB (or ``path``); None if neither."""
    target = path or os.environ.get(ENV_DB)
    return SqliteRoomStore(Path(target)) if target else None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SqliteRoomStore:
    """Rooms in one SQLite file. Every change is one short IMMEDIATE transaction."""

    def __init__(
        self,
        path: Path,
        *,
        hours: float = ROOM_HOURS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.hours = hours
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        if os.name == "posix":
            for file in self.path.parent.glob(self.path.name + "*"):
                file.chmod(0o600)  # rooms are nobody else's business on a shared computer

    def close(self) -> None:
        self._db.close()

    # -- reading -------------------------------------------------------------------------

    def get(self, code: str) -> Room | None:
        row = self._db.execute(
            "SELECT code, scenario, lang, digest, kind, route, phase, version, stage, created,"
            " expires, history FROM rooms WHERE code = ?",
            (code,),
        ).fetchone()
        if row is None:
            return None
        if row[10] <= self.clock():
            self.purge_expired()
            return None
        return Room(
            code=row[0],
            scenario=row[1],
            lang=row[2],
            digest=row[3],
            kind=row[4],
            route=tuple(json.loads(row[5])),
            phase=row[6],
            version=row[7],
            stage=row[8],
            created=row[9],
            expires=row[10],
            history=tuple(json.loads(row[11])),
        )

    def _room(self, code: str) -> Room:
        room = self.get(code)
        if room is None:
            raise LiveError(404, "no_room", "there is no room with this code (or it has expired)")
        return room

    def is_facilitator(self, code: str, secret: str | None) -> bool:
        if not secret:
            return False
        row = self._db.execute("SELECT secret_hash FROM rooms WHERE code = ?", (code,)).fetchone()
        return row is not None and hmac.compare_digest(row[0], _hash(secret))

    def resume(self, code: str, secret: str) -> Room | None:
        """The room again, for a projector page that was reloaded (None: expired or not its)."""
        return self.get(code) if self.is_facilitator(code, secret) else None

    def joined(self, code: str) -> int:
        query = "SELECT COUNT(*) FROM devices WHERE code = ?"
        return self._db.execute(query, (code,)).fetchone()[0]

    def my_vote(self, code: str, device: str, step: int) -> str | None:
        row = self._db.execute(
            "SELECT choice FROM votes WHERE code = ? AND step = ? AND token = ?",
            (code, step, device),
        ).fetchone()
        return row[0] if row else None

    def votes(self, code: str, step: int) -> dict[str, int]:
        return dict(
            self._db.execute(
                "SELECT choice, COUNT(*) FROM votes WHERE code = ? AND step = ? GROUP BY choice",
                (code, step),
            ).fetchall()
        )

    def hands(self, code: str, step: int) -> dict[str, int]:
        return dict(
            self._db.execute(
                "SELECT choice, count FROM hands WHERE code = ? AND step = ? AND count > 0",
                (code, step),
            ).fetchall()
        )

    def totals(self, code: str, step: int) -> dict[str, int]:
        return add_counts(self.votes(code, step), self.hands(code, step))

    # -- changing ------------------------------------------------------------------------

    def _write(self, action: Callable[[], None]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            action()
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _bump(self, code: str, *, stage: bool) -> None:
        """Count a change; a change of stage (the facilitator moving the room on) also moves
        the room's expiry to ``hours`` from now: a room expires after its session, not in the
        middle of a long one."""
        if stage:
            self._db.execute(
                "UPDATE rooms SET version = version + 1, stage = stage + 1, expires = ?"
                " WHERE code = ?",
                (self.clock() + self.hours * 3600, code),
            )
        else:
            self._db.execute("UPDATE rooms SET version = version + 1 WHERE code = ?", (code,))

    def create(self, *, scenario: str, lang: str, digest: str, kind: str) -> tuple[Room, str]:
        """A new room with a fresh code and secret (the secret is returned once, kept hashed)."""
        self.purge_expired()
        secret = secrets.token_urlsafe(24)
        now = self.clock()
        taken = {row[0] for row in self._db.execute("SELECT code FROM rooms")}
        if len(taken) >= MAX_ROOMS:
            raise LiveError(503, "too_many_rooms", "too many rooms are open on this computer")
        digits = CODE_DIGITS if len(taken) < 10**CODE_DIGITS // 10 else CODE_DIGITS + 2
        while True:
            # No leading zero: a code typed into a phone number field keeps all its digits.
            code = str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
            if code not in taken:
                break
        self._write(
            lambda: self._db.execute(
                "INSERT INTO rooms (code, secret_hash, scenario, lang, digest, kind, phase,"
                " created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    _hash(secret),
                    scenario,
                    lang,
                    digest,
                    kind,
                    VOTING,
                    now,
                    now + self.hours * 3600,
                ),
            )
        )
        return self._room(code), secret

    def join(self, code: str, device: str) -> int:
        """Count a phone in the room (once per device token); the number of phones joined."""
        valid_device(device)
        self._room(code)

        def add() -> None:
            known = self._db.execute(
                "SELECT 1 FROM devices WHERE code = ? AND token = ?", (code, device)
            ).fetchone()
            if known:
                return
            if self.joined(code) >= MAX_DEVICES:
                raise LiveError(409, "room_full", "this room has as many phones as it can take")
            self._db.execute("INSERT INTO devices (code, token) VALUES (?, ?)", (code, device))
            self._bump(code, stage=False)

        self._write(add)
        return self.joined(code)

    def vote(self, code: str, device: str, step: int, choice: str, allowed: Sequence[str]) -> Room:
        """One device's vote at the current step; a second vote replaces its first (until the
        reveal), so each device counts once."""
        valid_device(device)
        room = self._room(code)
        if room.phase != VOTING or step != room.step:
            raise LiveError(409, "not_now", "voting on this decision is closed")
        if choice not in allowed:
            raise LiveError(400, "bad_choice", "this choice is not offered here")
        self.join(code, device)

        def put() -> None:
            self._db.execute(
                "INSERT INTO votes (code, step, token, choice) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (code, step, token) DO UPDATE SET choice = excluded.choice",
                (code, step, device, choice),
            )
            self._bump(code, stage=False)

        self._write(put)
        return self._room(code)

    def set_hands(
        self, code: str, step: int, choice: str, count: int, allowed: Sequence[str]
    ) -> Room:
        """Hands counted on paper for one choice of the current step (added to the votes)."""
        room = self._room(code)
        if step != room.step or room.phase not in (VOTING, REVEALED):
            raise LiveError(409, "not_now", "hands can be typed for the current decision only")
        if choice not in allowed:
            raise LiveError(400, "bad_choice", "this choice is not offered here")
        if not 0 <= count <= MAX_HANDS:
            raise LiveError(400, "bad_count", f"hands must be a number from 0 to {MAX_HANDS}")

        def put() -> None:
            self._db.execute(
                "INSERT INTO hands (code, step, choice, count) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (code, step, choice) DO UPDATE SET count = excluded.count",
                (code, step, choice, count),
            )
            self._bump(code, stage=room.phase == REVEALED)

        self._write(put)
        return self._room(code)

    def _set_phase(self, code: str, expected: Sequence[str], phase: str) -> Room:
        room = self._room(code)
        if room.phase not in expected:
            raise LiveError(409, "not_now", f"the room is {room.phase}")

        def put() -> None:
            self._db.execute("UPDATE rooms SET phase = ? WHERE code = ?", (phase, code))
            self._bump(code, stage=True)

        self._write(put)
        return self._room(code)

    def reveal(self, code: str) -> Room:
        return self._set_phase(code, (VOTING,), REVEALED)

    def reopen(self, code: str) -> Room:
        return self._set_phase(code, (REVEALED,), VOTING)

    def follow(self, code: str, choice: str, allowed: Sequence[str], *, ends: bool) -> Room:
        """The story follows ``choice``: the step's totals are kept, the next step opens for
        voting, or the room has reached its ending (``ends``)."""
        room = self._room(code)
        if room.phase not in (VOTING, REVEALED):
            raise LiveError(409, "not_now", f"the room is {room.phase}")
        if choice not in allowed:
            raise LiveError(400, "bad_choice", "this choice is not offered here")
        kept = [*room.history, self.totals(code, room.step)]

        def put() -> None:
            # A step taken again after Back starts with no votes and no hands.
            for table in ("votes", "hands"):
                self._db.execute(
                    f"DELETE FROM {table} WHERE code = ? AND step > ?", (code, room.step)
                )
            self._db.execute(
                "UPDATE rooms SET route = ?, history = ?, phase = ? WHERE code = ?",
                (
                    json.dumps([*room.route, choice]),
                    json.dumps(kept),
                    ENDED if ends else VOTING,
                    code,
                ),
            )
            self._bump(code, stage=True)

        self._write(put)
        return self._room(code)

    def back(self, code: str) -> Room:
        """One step back: that decision shows its totals again (phase revealed)."""
        room = self._room(code)
        if room.phase == CLOSED or not room.route:
            raise LiveError(409, "not_now", "there is no step to go back to")

        def put() -> None:
            self._db.execute(
                "UPDATE rooms SET route = ?, history = ?, phase = ? WHERE code = ?",
                (
                    json.dumps(list(room.route[:-1])),
                    json.dumps(list(room.history[:-1])),
                    REVEALED,
                    code,
                ),
            )
            self._bump(code, stage=True)

        self._write(put)
        return self._room(code)

    def end(self, code: str) -> Room:
        """The session is over: no more votes, the phones show that it has ended. The votes
        stay until the room expires (``hours`` after this), so that a before/after check can
        still pair its answers (``answers``); then every row of the room is deleted."""
        self._room(code)

        def put() -> None:
            self._db.execute("DELETE FROM devices WHERE code = ?", (code,))
            self._db.execute("UPDATE rooms SET phase = ? WHERE code = ?", (CLOSED, code))
            self._bump(code, stage=True)

        self._write(put)
        return self._room(code)

    def answers(self, code: str) -> dict[str, dict[int, str]]:
        """Each device's vote at each step of the room (to pair a check's answers before and
        after; the tokens never leave the server)."""
        found: dict[str, dict[int, str]] = {}
        for token, step, choice in self._db.execute(
            "SELECT token, step, choice FROM votes WHERE code = ?", (code,)
        ):
            found.setdefault(token, {})[step] = choice
        return found

    def purge_expired(self) -> int:
        """Delete every expired room with all its rows; how many rooms went."""
        now = self.clock()
        gone: list[int] = []

        def put() -> None:
            gone.append(self._db.execute("DELETE FROM rooms WHERE expires <= ?", (now,)).rowcount)

        self._write(put)
        return gone[0]
