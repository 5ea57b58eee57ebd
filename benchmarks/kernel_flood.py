"""A kernel flood on `waspada serve`: what a room of scripts can do to the trainer's laptop.

Run: python benchmarks/kernel_flood.py [--requests 200] [--over 20] [--addresses 10]
                                       [--max-kernels 20] [--recover-timeout 300]
                                       [--timeout 600]

Starts `waspada serve`'s Voila (waspada.serve.voila_command: the kernel cap, the per-address
rate limit, idle and unclaimed kernels culled) on 127.0.0.1 with --max-kernels (default 20:
what a laptop with about 2.4 GB free gets; `waspada serve` derives its own default from the
free memory) and the rate limit applied to loopback addresses too, as it is to the classroom.
Then sends --requests player pages (default 200) evenly over --over seconds (default 20), each
from one of --addresses loopback source addresses (127.0.0.2, 127.0.0.3, ...: the devices of
the room), as a script would: each page is read to its end, and no page ever connects to its
kernel. Samples the kernels and their memory every 0.5 s (PSS as benchmarks/voila_load.py
measures it: Voila plus its kernels, shared pages counted once) and counts the answers: a page
(200), "the room is full" (503), "too many pages from this device" (429), anything else.
Afterwards a normal visitor (a fresh address, 127.0.0.250) asks for a scenario every 5 s
until it gets one: the time from the end of the flood to that page is the recovery time.

Everything is bounded: each request (60 s), the recovery (--recover-timeout) and the whole run
(--timeout: a watchdog stops the server and the script). Only 127.0.0.0/8 is ever contacted.
The last line reads:
  kernel flood: 200 requests, N kernels at most, peak X MB, recovered in Y s
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from waspada.admission import available_memory_mb, default_max_kernels
from waspada.project import Project
from waspada.serve import voila_command, voila_env

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import ROOT
from voila_load import RUNNING, Server, free_port, kernel_pids, memory, watchdog

SCENARIO = "cafe-singer"
VISITOR = "127.0.0.250"  # the normal visitor, never one of the flood's addresses
WIDGET = "application/vnd.jupyter.widget-view+json"


def get(port: int, path: str, source: str, timeout: float = 60) -> tuple[int, str]:
    """One GET from ``source`` (a loopback address) to 127.0.0.1:``port``, read to its end."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return 0, type(error).__name__
    finally:
        connection.close()


class Sampler:
    """Kernels and memory of the server every ``every`` seconds, in a thread."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid = pid
        self.every = every
        self.peak_kernels = 0
        self.peak_mb = 0.0
        self.kernel_mb: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            kernels = kernel_pids(self.pid)
            voila_mb, each = memory(self.pid, kernels=kernels)
            self.peak_kernels = max(self.peak_kernels, len(kernels))
            self.peak_mb = max(self.peak_mb, voila_mb + sum(each))
            self.kernel_mb.extend(mb for mb in each if mb > 0)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def flood(port: int, args: argparse.Namespace) -> tuple[Counter, float]:
    """Send the requests evenly over the time given; return the answers and when the last
    request was sent (time.monotonic)."""
    answers: Counter = Counter()
    lock = threading.Lock()
    path = f"/voila/render/player.ipynb?scenario={SCENARIO}"

    def one(source: str) -> None:
        status, _ = get(port, path, source)
        with lock:
            answers[status] += 1

    threads = []
    began = time.monotonic()
    for i in range(args.requests):
        time.sleep(max(0.0, began + i * args.over / args.requests - time.monotonic()))
        thread = threading.Thread(target=one, args=(f"127.0.0.{2 + i % args.addresses}",))
        thread.start()
        threads.append(thread)
    last_sent = time.monotonic()
    for thread in threads:
        thread.join(timeout=90)
    return answers, last_sent


def recover(port: int, since: float, timeout: float) -> float | None:
    """Seconds from ``since`` until the normal visitor gets a scenario (None: not in time)."""
    path = f"/voila/render/player.ipynb?scenario={SCENARIO}"
    while time.monotonic() - since < timeout:
        status, body = get(port, path, VISITOR)
        if status == 200 and WIDGET in body:
            return time.monotonic() - since
        time.sleep(5)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--over", type=float, default=20, help="seconds to send them over")
    parser.add_argument("--addresses", type=int, default=10, help="loopback source addresses")
    parser.add_argument("--max-kernels", type=int, default=20)
    parser.add_argument("--recover-timeout", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=600, help="hard limit for the run")
    args = parser.parse_args()
    if not 1 <= args.addresses <= 240:
        parser.error("--addresses must be 1 to 240 (127.0.0.2 to 127.0.0.241)")
    watchdog(args.timeout)
    port = free_port()
    command = voila_command(
        Project(ROOT), port=port, max_kernels=args.max_kernels, limit_loopback=True
    )
    print(
        f"waspada serve's Voila on 127.0.0.1:{port}, at most {args.max_kernels} kernels "
        f"(the default on this machine would be {default_max_kernels(available_memory_mb())})",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("waspada serve's Voila", command, voila_env(), ROOT / "widgets",
                        Path(tmp) / "voila.log")  # fmt: skip
        RUNNING.append(server)
        try:
            server.wait_ready(f"http://127.0.0.1:{port}")
            time.sleep(5)  # the two warm kernels
            sampler = Sampler(server.process.pid)
            print(
                f"flood: {args.requests} requests over {args.over:.0f} s "
                f"from {args.addresses} addresses",
                flush=True,
            )
            answers, last_sent = flood(port, args)
            recovered = recover(port, last_sent, args.recover_timeout)
            sampler.stop()
        finally:
            server.stop()
    kernel_mb = statistics.median(sampler.kernel_mb) if sampler.kernel_mb else 0.0
    print(f"  pages served (200): {answers[200]}")
    print(f"  'the room is full' (503): {answers[503]}")
    print(f"  'too many pages from this device' (429): {answers[429]}")
    others = {k: v for k, v in answers.items() if k not in (200, 503, 429)}
    if others:
        print(f"  other answers: {dict(others)}")
    print(f"  kernels at most: {sampler.peak_kernels} (the cap: {args.max_kernels})")
    print(f"  peak memory (PSS, Voila and kernels): {sampler.peak_mb:.0f} MB")
    print(f"  median kernel (PSS): {kernel_mb:.0f} MB")
    recovery = f"{recovered:.0f} s" if recovered is not None else "not within the timeout"
    print(f"  a normal visitor got a scenario again {recovery} after the flood")
    print(
        f"kernel flood: {args.requests} requests, {sampler.peak_kernels} kernels at most, "
        f"peak {sampler.peak_mb:.0f} MB, recovered in "
        + (f"{recovered:.0f} s" if recovered is not None else f">{args.recover_timeout:.0f} s")
    )


if __name__ == "__main__":
    main()
