"""A live room under load: one projector and N phones on `waspada serve --live`.

Run: python benchmarks/live_room.py [--phones 60 200] [--scenario check-health] [--timeout 600]

Starts `waspada serve --live`'s Voila (waspada.serve.voila_command with the room store) on
127.0.0.1, creates a room as the projector's kernel does (through the store), and then, for each
N of --phones:

- N simulated phones (one asyncio task each, one device token each) join and wait on the room
  with long polls, as join.js does;
- the projector waits on the room with its secret, as scenario.js does, noting every view;
- at each decision (5 in the knowledge check) every phone votes after a random pause of 0-2 s;
  when the projector has seen all N votes, the facilitator reveals and follows the most voted;
- after the third decision every phone "sleeps" (drops its poll for 2 s) and reconnects with a
  fresh request, which must still show its vote.

Vote-to-projector time: for the i-th vote the server accepted at a step, the time from that
vote being sent to the first projector view counting at least i votes at that step. Memory: the
server process's PSS before the phones join and with N phones in the room. Lost votes: votes
the server accepted that are missing from the totals kept, plus votes it did not accept.
Only 127.0.0.1 is contacted. The last line reads
  live room: N phones, p95 vote-to-projector X ms, +Y MB, Z lost votes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from waspada.live.store import SqliteRoomStore
from waspada.project import Project
from waspada.serve import voila_command, voila_env

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import ROOT
from voila_load import RUNNING, Server, free_port, pss_mb, watchdog


class Room:
    def __init__(self, base: str, code: str, secret: str) -> None:
        self.base, self.code, self.secret = base, code, secret
        self.client = AsyncHTTPClient(max_clients=1000)
        self.seen: list[tuple[float, int, int]] = []  # (time, step, votes) seen by the projector
        self.sent: dict[int, list[tuple[float, float]]] = {}  # step -> (sent, accepted)
        self.refused = 0
        self.errors = 0
        self.reconnect_errors = 0
        self.done = False

    def url(self, path: str) -> str:
        return f"{self.base}/live/api/rooms/{self.code}{path}"

    async def call(self, path: str, body: dict | None = None, **headers: str) -> dict:
        response = await self.client.fetch(
            self.url(path),
            method="GET" if body is None else "POST",
            body=None if body is None else json.dumps(body),
            headers={"Content-Type": "application/json", **headers},
            request_timeout=60,
        )
        return json.loads(response.body)

    async def projector(self) -> None:
        version = -1
        while not self.done:
            view = await self.call(f"?since={version}&wait=20", **{"X-Waspada-Secret": self.secret})
            version = view["version"]
            self.seen.append((time.monotonic(), view["step"], sum(view["votes"].values())))

    async def phone(self, number: int, sleep_after: int) -> None:
        device = {"X-Waspada-Device": f"bench-{number:04d}-{secrets.token_hex(8)}"}
        await self.call("/join", {}, **device)
        stage, voted, slept = -1, set(), False
        while not self.done:
            try:
                view = await self.call(f"?since={stage}&wait=20", **device)
            except (HTTPClientError, OSError):
                self.errors += 1
                await asyncio.sleep(1)
                continue
            stage = view["stage"]
            step = view["step"]
            if view["phase"] == "voting" and step not in voted:
                voted.add(step)
                await asyncio.sleep(random.uniform(0, 2))
                sent = time.monotonic()
                try:
                    choice = random.choice(view["choices"])["id"]
                    await self.call("/vote", {"step": step, "choice": choice}, **device)
                    self.sent.setdefault(step, []).append((sent, time.monotonic()))
                except (HTTPClientError, OSError):
                    self.refused += 1
            if step == sleep_after and step in voted and not slept:
                slept = True
                await asyncio.sleep(2)  # the phone sleeps; then a fresh request, as on waking
                try:
                    again = await self.call("", **device)
                    if again["step"] == step and again["phase"] == "voting" and not again["myVote"]:
                        self.reconnect_errors += 1
                    stage = -1
                except (HTTPClientError, OSError):
                    self.reconnect_errors += 1

    async def facilitator(self, phones: int, decisions: int) -> list[dict]:
        secret = {"X-Waspada-Secret": self.secret}
        for step in range(decisions):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if any(s == step and n >= phones for _, s, n in self.seen[-5:]):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
            view = await self.call("/control", {"action": "reveal"}, **secret)
            totals = view["totals"]
            offered = [c["id"] for c in view["choices"]]
            choice = max(offered, key=lambda c: (totals.get(c, 0), -offered.index(c)))
            view = await self.call("/control", {"action": "follow", "choice": choice}, **secret)
        self.done = True
        return view["history"]


def latencies(room: Room) -> list[float]:
    found = []
    for step, votes in room.sent.items():
        seen = [(t, n) for t, s, n in room.seen if s == step]
        for rank, (sent, _accepted) in enumerate(sorted(votes, key=lambda v: v[1]), start=1):
            first = next((t for t, n in seen if n >= rank and t >= sent), None)
            if first is not None:
                found.append((first - sent) * 1000)
    return found


async def run_room(base: str, store: SqliteRoomStore, phones: int, scenario: str, pid: int):
    story = Project.discover(ROOT).load().scenarios[scenario]
    kind = story.kind
    created, secret = store.create(scenario=scenario, lang="id", digest="", kind=kind)
    room = Room(base, created.code, secret)
    before = pss_mb(pid)
    projector = asyncio.ensure_future(room.projector())
    await asyncio.sleep(0.2)
    decisions = min(5, sum(1 for node in story.nodes.values() if node.choices))
    tasks = [asyncio.ensure_future(room.phone(n, sleep_after=2)) for n in range(phones)]
    history = await room.facilitator(phones, decisions)
    during = pss_mb(pid)
    room.done = True
    await asyncio.sleep(0)
    for task in [*tasks, projector]:
        task.cancel()
    await asyncio.gather(*tasks, projector, return_exceptions=True)
    accepted = {step: len(votes) for step, votes in room.sent.items()}
    counted = {step: sum(h["totals"].values()) for step, h in enumerate(history)}
    lost = sum(max(0, accepted.get(s, 0) - counted.get(s, 0)) for s in accepted) + room.refused
    lost += sum(max(0, phones - accepted.get(s, 0)) for s in range(decisions))
    return room, latencies(room), during - before, lost, decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[60, 200])
    parser.add_argument("--scenario", default="check-health")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    threading.Thread(target=watchdog, args=(args.timeout,), daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "live.sqlite3"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        project = Project.discover(ROOT)
        command = voila_command(project, port=port, live_db=db, live_origin=base, max_kernels=4)
        server = Server(
            "waspada serve --live", command, voila_env(db, base), ROOT / "widgets",
            Path(tmp) / "voila.log",
        )  # fmt: skip
        RUNNING.append(server)
        try:
            server.wait_ready(base)
            store = SqliteRoomStore(db)
            lines = []
            for phones in args.phones:
                room, found, grown, lost, decisions = asyncio.run(
                    run_room(base, store, phones, args.scenario, server.process.pid)
                )
                cut = statistics.quantiles(found, n=100) if len(found) > 1 else [0] * 99
                print(
                    f"{phones} phones, {decisions} decisions: vote-to-projector p50 "
                    f"{statistics.median(found):.0f} ms, p95 {cut[94]:.0f} ms "
                    f"({len(found)} votes timed); server memory +{grown:.1f} MB "
                    f"({grown / phones * 1024:.0f} KB per phone); errors: {room.errors} polls, "
                    f"{room.refused} votes refused, {room.reconnect_errors} reconnects without "
                    "their vote",
                    flush=True,
                )
                lines.append(
                    f"live room: {phones} phones, p95 vote-to-projector {cut[94]:.0f} ms, "
                    f"+{grown:.1f} MB, {lost} lost votes"
                )
            print("\n".join(lines))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
