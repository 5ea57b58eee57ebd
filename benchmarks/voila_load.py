"""Voila apps under load: `waspada serve` against plain Voila, then a classroom on loopback.

Run: python benchmarks/voila_load.py [--repeat 5] [--sessions 40] [--over 60] [--choices 3]
                                     [--concurrency 8] [--close abandon|tab] [--timeout 900]

(a) Starts `waspada serve`'s Voila (waspada.serve.voila_command and voila_env: our template,
    a preheated kernel, idle kernels culled) and plain Voila (`python -m voila NOTEBOOK
    --no-browser`) on a temporary notebook holding one ipywidgets.Button, both on 127.0.0.1.
    Loads each --repeat times in turn in headless Chromium (a fresh browser context each time)
    and times navigation -> widget visible (.wsp-root of widgets/player.ipynb?scenario=cafe-singer;
    the button) and a choice: click -> result shown, timed inside the page with a
    MutationObserver (a .wsp-choice until .wsp-root's data-wsp-route-length changes: the front
    end draws the next scene at once and tells the kernel; the button until its label, which the
    kernel rewrites, changes: a round trip through the kernel). Prints medians, the ratio
    waspada / plain next to the target of issue 7 (at most 1.1x) and the memory of each server
    and its kernels: PSS from /proc/PID/smaps_rollup (shared pages counted once over the
    processes), else RSS.
(b) A classroom: --sessions browser-like sessions (default 40) on `waspada serve`, opened
    evenly over --over seconds (default 60) in 4 browser contexts, at most --concurrency pages
    open at once (default 8, for a two-core machine), each opening the scenario and playing
    --choices choices (default 3) at random. Prints how many sessions succeeded, p50/p95 time
    to the scenario and per choice, and the peak memory of Voila and its kernels (sampled every
    0.5 s; PSS, with the RSS sum beside it), against the target of issue 7 (under 3 GB). A page
    is closed as a phone that leaves the tab does (--close abandon, the default:
    no beforeunload, so its kernel stays until culled) or as a closed tab (--close tab: Voila's
    beforeunload beacon asks Voila to shut the kernel down; Voila 0.5.13 answers it 403 "_xsrf
    argument missing", voila-dashboards/voila#1458, so the kernel stays too). The kernels still
    running 5 s after the last page closed are counted, then the script waits (bounded) until
    `waspada serve`'s culler has shut down every closed page's kernel (idle for 2 minutes with
    no page connected) and prints how long that took.

Every wait is bounded, and a watchdog stops the servers and the script after --timeout seconds
(default 900). Skip a part with --skip-compare or --skip-classroom.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from waspada.project import Project
from waspada.serve import CULL_EVERY_SECONDS, IDLE_KERNEL_SECONDS, voila_command, voila_env

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import CHROMIUM, CHROMIUM_ARGS, ROOT

SPARE_KERNELS = 2  # the preheated kernels of player.ipynb and gallery.ipynb
SCENARIO = "cafe-singer"
TARGET_RATIO = 1.1
# Click -> the page shows the result, timed inside the page (no Playwright overhead): the click
# is dispatched and a MutationObserver notes the first change that shows the result.
CLICK_TO_RESULT_JS = """([selector, kind, before]) => new Promise((resolve) => {
  const now = () => kind === "route"
    ? document.querySelector(".wsp-root").dataset.wspRouteLength
    : document.querySelector(selector).innerText.trim();
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (now() !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                   characterData: true});
  document.querySelector(selector).click();
})"""
ROUND_TRIP_JS = (
    "n => { const r = document.querySelector('.wsp-root'); "
    "return r && r.dataset.wspRouteLength !== n; }"
)
ONE_BUTTON = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                "import ipywidgets as widgets\n",
                "\n",
                "button = widgets.Button(description='0')\n",
                "\n",
                "def count(_):\n",
                "    button.description = str(int(button.description) + 1)\n",
                "\n",
                "button.on_click(count)\n",
                "button",
            ],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


# -- processes and memory ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """The process ids below ``pid`` (its kernels), from /proc (or psutil when installed)."""
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except Exception:  # no psutil, or a process ended while psutil walked the tree
        pass
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (those still running)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB: its private memory plus its share of the
    pages it shares with others (libpython, extension modules), so that a sum over processes
    counts each page once, as the machine does. RSS when /proc has no smaps_rollup; 0 when the
    process is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mb(pid)


def kernel_pids(pid: int) -> list[int]:
    return [k for k in descendants(pid) if is_kernel(k)]


def memory(pid: int, measure=pss_mb, kernels: list[int] | None = None) -> tuple[float, list[float]]:
    """Memory of the Voila process and of each of its kernels (``kernels``, or found now), in
    MB (PSS by default)."""
    found = kernel_pids(pid) if kernels is None else kernels
    return measure(pid), [measure(k) for k in found]


class Server:
    """A Voila process on a free loopback port, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.name = name
        self.log = log
        self.out = log.open("wb")
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self.out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, base: str, timeout: float = 90) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(base + "/voila/api/shutdown", timeout=2).close()
                return time.monotonic() - began
            except urllib.error.HTTPError:
                return time.monotonic() - began  # it answers
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"{self.name} did not start; its log:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        # jupyter_client starts each kernel in a session of its own: note them, to end any that
        # Voila leaves behind (Voila shuts its kernels down on SIGTERM)
        kernels = [pid for pid in descendants(self.process.pid) if is_kernel(pid)]
        if self.process.poll() is None:
            try:  # the whole session: Voila and the kernels it started
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pid in kernels:
            try:
                if is_kernel(pid):
                    os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.out.close()


# -- statistics -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def mb_summary(kernels: list[float]) -> str:
    if not kernels:
        return "no kernel"
    return (
        f"{len(kernels)} kernel(s), median {statistics.median(kernels):.0f} MB "
        f"(min {min(kernels):.0f}, max {max(kernels):.0f})"
    )


# -- (a) waspada serve against plain Voila ---------------------------------------------------


async def block_external(context: object, external: list[str]) -> None:
    async def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await route.continue_()  # type: ignore[attr-defined]
        else:  # recorded and aborted: the benchmark stays offline
            external.append(url)
            await route.abort()  # type: ignore[attr-defined]

    await context.route("**/*", route)  # type: ignore[attr-defined]


async def leave(page: object, how: str) -> None:
    """Close a page as a closed tab does ("tab": leaving it fires beforeunload, whose beacon asks
    Voila to shut the kernel down) or as an abandoned one ("abandon": the kernel stays)."""
    if how == "tab":
        try:
            await page.goto("about:blank", timeout=10_000)  # type: ignore[attr-defined]
            await asyncio.sleep(0.3)  # the beacon is on its way
        except Exception:
            pass
    await page.close()  # type: ignore[attr-defined]


async def one_load(
    browser: object, kind: str, url: str, external: list[str]
) -> tuple[float, float]:
    """Navigation -> visible widget, then click -> result shown, in a fresh context (seconds).

    The scenario draws the next scene in the page at once (the kernel only records the route);
    the plain button's label changes when the kernel's answer arrives."""
    context = await browser.new_context()  # type: ignore[attr-defined]
    await block_external(context, external)
    page = await context.new_page()
    try:
        began = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=90_000)
        if kind == "waspada":
            root = page.locator(".wsp-root")
            await root.wait_for(state="visible", timeout=90_000)
            visible = time.perf_counter() - began
            before = await root.get_attribute("data-wsp-route-length")
            shown_ms = await page.evaluate(CLICK_TO_RESULT_JS, [".wsp-choice", "route", before])
        else:
            button = page.locator("button.jupyter-button")
            await button.wait_for(state="visible", timeout=90_000)
            visible = time.perf_counter() - began
            before = (await button.inner_text()).strip()
            shown_ms = await page.evaluate(
                CLICK_TO_RESULT_JS, ["button.jupyter-button", "label", before]
            )
        return visible, shown_ms / 1000
    finally:
        await leave(page, "tab")
        await context.close()


async def compare(args: argparse.Namespace, browser: object, tmp: Path) -> None:
    notebook = tmp / "one_button.ipynb"
    notebook.write_text(json.dumps(ONE_BUTTON), encoding="utf-8")
    ports = {"waspada": free_port(), "plain": free_port()}
    servers = {
        "waspada": Server(
            "waspada serve's Voila",
            voila_command(Project(ROOT), port=ports["waspada"]),
            voila_env(),
            ROOT / "widgets",
            tmp / "waspada-voila.log",
        ),
        "plain": Server(
            "plain Voila",
            [
                sys.executable,
                "-m",
                "voila",
                str(notebook),
                "--no-browser",
                f"--port={ports['plain']}",
                "--Voila.ip=127.0.0.1",
            ],
            dict(os.environ),
            tmp,
            tmp / "plain-voila.log",
        ),
    }
    RUNNING.extend(servers.values())
    urls = {
        "waspada": f"http://127.0.0.1:{ports['waspada']}/voila/render/player.ipynb?scenario={SCENARIO}",
        "plain": f"http://127.0.0.1:{ports['plain']}/",
    }
    try:
        for kind, server in servers.items():
            took = server.wait_ready(f"http://127.0.0.1:{ports[kind]}")
            print(f"{server.name} answers after {took:.1f} s")
        await asyncio.sleep(5)  # let the preheated kernel of waspada serve start
        times: dict[str, list[tuple[float, float]]] = {"waspada": [], "plain": []}
        external: dict[str, list[str]] = {"waspada": [], "plain": []}
        mem: dict[str, tuple[float, list[float]]] = {}
        for _ in range(args.repeat):
            for kind in ("waspada", "plain"):
                times[kind].append(await one_load(browser, kind, urls[kind], external[kind]))
                await asyncio.sleep(3)  # time for the preheated pool to refill
        # memory with one page open on each
        for kind in ("waspada", "plain"):
            context = await browser.new_context()  # type: ignore[attr-defined]
            await block_external(context, [])
            page = await context.new_page()
            await page.goto(urls[kind], timeout=90_000)
            selector = ".wsp-root" if kind == "waspada" else "button.jupyter-button"
            await page.locator(selector).wait_for(state="visible", timeout=90_000)
            await asyncio.sleep(2)
            mem[kind] = memory(servers[kind].process.pid)
            await leave(page, "tab")
            await context.close()
    finally:
        for server in servers.values():
            server.stop()
            RUNNING.remove(server)

    print(f"\n(a) {args.repeat} cold loads each, alternating; medians (first load in brackets)")
    print(f"  load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"  {'':<34}{'visible s':>14}{'choice shown s':>16}")
    med = {}
    for kind, label in (
        ("waspada", f"waspada serve, player?scenario={SCENARIO}"),
        ("plain", "plain Voila, one Button"),
    ):
        visible = statistics.median(t[0] for t in times[kind])
        trip = statistics.median(t[1] for t in times[kind])
        med[kind] = (visible, trip)
        print(
            f"  {label:<34}{visible:>6.2f} ({times[kind][0][0]:.2f}){trip:>9.3f} "
            f"({times[kind][0][1]:.3f})"
        )
    for i, what in enumerate(("time to visible", "click to choice shown")):
        ratio = med["waspada"][i] / med["plain"][i]
        verdict = "met" if ratio <= TARGET_RATIO else "missed"
        print(
            f"  ratio waspada / plain, {what}: {ratio:.2f}x (target <= {TARGET_RATIO}x, {verdict})"
        )
    for kind in ("waspada", "plain"):
        server_mb, kernels = mem[kind]
        print(
            f"  memory, {kind} with one page open: Voila {server_mb:.0f} MB; {mb_summary(kernels)}"
            + (
                " (the page's, the pages' left open and preheated spares)"
                if kind == "waspada"
                else " (the page's and the closed pages' left open)"
            )
        )
        if external[kind]:
            hosts = sorted({u.split("/")[2] for u in external[kind]})
            print(
                f"  external requests, {kind}: {len(external[kind])} (aborted) "
                f"to {', '.join(hosts)}"
            )


# -- (b) the classroom ------------------------------------------------------------------------


async def classroom(args: argparse.Namespace, browser: object, tmp: Path) -> None:
    port = free_port()
    server = Server(
        "waspada serve's Voila",
        voila_command(Project(ROOT), port=port),
        voila_env(),
        ROOT / "widgets",
        tmp / "classroom-voila.log",
    )
    RUNNING.append(server)
    url = f"http://127.0.0.1:{port}/voila/render/player.ipynb?scenario={SCENARIO}"
    pid = server.process.pid
    peak = {"total": 0.0, "voila": 0.0, "kernels": 0, "kernel_mb": 0.0, "rss": 0.0}
    stop_sampling = asyncio.Event()

    async def sample() -> None:
        while not stop_sampling.is_set():
            pids = kernel_pids(pid)  # one walk of the process tree for both measures
            voila_mb, kernels = memory(pid, kernels=pids)
            total = voila_mb + sum(kernels)
            if total > peak["total"]:
                peak.update(total=total, voila=voila_mb, kernel_mb=sum(kernels))
            rss_voila, rss_kernels = memory(pid, rss_mb, pids)
            peak["rss"] = max(peak["rss"], rss_voila + sum(rss_kernels))
            peak["kernels"] = max(peak["kernels"], len(kernels))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), 0.5)

    results: list[dict] = []
    try:
        server.wait_ready(f"http://127.0.0.1:{port}")
        await asyncio.sleep(5)
        baseline_voila, baseline_kernels = memory(pid)
        print(
            f"\n(b) classroom: {args.sessions} sessions over {args.over:g} s, at most "
            f"{args.concurrency} pages open at once, {args.choices} choices each, pages closed "
            f"as '{args.close}'"
        )
        print(f"  before: Voila {baseline_voila:.0f} MB, {mb_summary(baseline_kernels)}")
        print(f"  load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        server_cpu_before = cpu_seconds([pid, *descendants(pid)])
        voila_cpu_before = cpu_seconds([pid])
        browser_cpu_before = cpu_seconds(
            [p for p in descendants(os.getpid()) if p not in {pid, *descendants(pid)}]
        )
        sampler = asyncio.create_task(sample())
        contexts = [await browser.new_context() for _ in range(4)]  # type: ignore[attr-defined]
        external: list[str] = []
        for context in contexts:
            await block_external(context, external)
        gate = asyncio.Semaphore(args.concurrency)
        loop = asyncio.get_running_loop()
        start = loop.time()
        rng = random.Random(7)

        async def session(number: int) -> None:
            await asyncio.sleep(max(0.0, start + number * args.over / args.sessions - loop.time()))
            result: dict = {"number": number, "ok": False, "choices": []}
            results.append(result)
            async with gate:
                result["waited"] = loop.time() - start - number * args.over / args.sessions
                page = await contexts[number % len(contexts)].new_page()
                try:
                    began = loop.time()
                    await page.goto(url, wait_until="commit", timeout=120_000)
                    result["first_byte"] = loop.time() - began
                    root = page.locator(".wsp-root")
                    await root.wait_for(state="visible", timeout=120_000)
                    result["scenario"] = loop.time() - began
                    for _ in range(args.choices):
                        choices = page.locator(".wsp-choice")
                        count = await choices.count()
                        if not count:
                            break  # an ending before the last choice: the route is complete
                        before = await root.get_attribute("data-wsp-route-length")
                        began = loop.time()
                        await choices.nth(rng.randrange(count)).click(timeout=60_000)
                        await page.wait_for_function(ROUND_TRIP_JS, arg=before, timeout=60_000)
                        result["choices"].append(loop.time() - began)
                    result["ok"] = True
                except Exception as exc:
                    result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                finally:
                    await leave(page, args.close)

        tasks = [asyncio.create_task(session(n)) for n in range(args.sessions)]
        budget = args.over + 300
        _done, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        took = loop.time() - start
        await asyncio.sleep(5)
        stop_sampling.set()
        await sampler
        left_voila, left_kernels = memory(pid)
        server_tree = {pid, *descendants(pid)}
        server_cpu = cpu_seconds(sorted(server_tree)) - server_cpu_before
        voila_cpu = cpu_seconds([pid]) - voila_cpu_before
        browser_cpu = (
            cpu_seconds([p for p in descendants(os.getpid()) if p not in server_tree])
            - browser_cpu_before
        )
        for context in contexts:
            await context.close()
        # Wait (bounded) for the culler to give back the closed pages' kernels: all but the
        # preheated spares of player.ipynb and gallery.ipynb.
        reclaim_limit = IDLE_KERNEL_SECONDS + 2 * CULL_EVERY_SECONDS + 30
        closed_at = loop.time()
        reclaimed_after = None
        while loop.time() - closed_at < reclaim_limit:
            if len(memory(pid)[1]) <= SPARE_KERNELS:
                reclaimed_after = loop.time() - closed_at + 5
                break
            await asyncio.sleep(2)
        final_voila, final_kernels = memory(pid)
    finally:
        server.stop()
        RUNNING.remove(server)

    ok = [r for r in results if r["ok"]]
    print(f"  finished in {took:.0f} s" + (f"; {len(pending)} sessions cut off" if pending else ""))
    print(f"  succeeded: {len(ok)} of {args.sessions}")
    for r in results:
        if not r["ok"] and "error" in r:
            print(f"    session {r['number']}: {r['error']}")
    first = [r["first_byte"] for r in ok]
    scen = [r["scenario"] for r in ok]
    if first:
        print(
            f"  first byte of the page: p50 {percentile(first, 50):.2f} s, "
            f"p95 {percentile(first, 95):.2f} s"
        )
    per_choice = [t for r in ok for t in r["choices"]]
    waits = [r.get("waited", 0.0) for r in results]
    if scen:
        print(
            f"  time to scenario: p50 {percentile(scen, 50):.2f} s, "
            f"p95 {percentile(scen, 95):.2f} s,"
            f" max {max(scen):.2f} s ({len(scen)} sessions)"
        )
    if per_choice:
        print(
            f"  per choice: p50 {percentile(per_choice, 50) * 1000:.0f} ms, p95 "
            f"{percentile(per_choice, 95) * 1000:.0f} ms, max {max(per_choice) * 1000:.0f} ms "
            f"({len(per_choice)} choices)"
        )
    print(f"  waiting for a free page slot: p95 {percentile(waits, 95):.1f} s")
    print(
        f"  CPU used during the run: Voila {voila_cpu:.0f} s + kernels "
        f"{server_cpu - voila_cpu:.0f} s, the browsers "
        f"(the load generator, on the same 2 cores) {browser_cpu:.0f} s, in {took:.0f} s"
    )
    print(
        f"  peak memory (PSS): {peak['total']:.0f} MB (Voila {peak['voila']:.0f} MB + kernels "
        f"{peak['kernel_mb']:.0f} MB); at most {peak['kernels']} kernels at once; target "
        f"< 3072 MB, {'met' if peak['total'] < 3072 else 'missed'}"
    )
    print(
        f"  peak of the RSS sum: {peak['rss']:.0f} MB (counts each shared library page once per"
        " process, so it overstates what the machine holds)"
    )
    print(
        f"  5 s after the last page closed: {len(left_kernels)} kernels still running "
        f"({sum(left_kernels):.0f} MB; Voila {left_voila:.0f} MB; two are the preheated spares "
        "of player.ipynb and gallery.ipynb)"
    )
    if reclaimed_after is not None:
        print(
            f"  closed pages' kernels reclaimed {reclaimed_after:.0f} s after the last page closed"
            f" (idle cull after {IDLE_KERNEL_SECONDS} s, checked every {CULL_EVERY_SECONDS} s);"
            f" left: {len(final_kernels)} kernels ({sum(final_kernels):.0f} MB), Voila"
            f" {final_voila:.0f} MB"
        )
    else:
        print(
            f"  NOT reclaimed: {len(final_kernels)} kernels still running"
            f" {reclaim_limit + 5:.0f} s after the last page closed"
        )
    if external:
        print(f"  external requests (aborted): {len(external)}")


# -- main -------------------------------------------------------------------------------------

RUNNING: list[Server] = []


def watchdog(seconds: float) -> None:
    def fire() -> None:
        print(f"\nstopped by the watchdog after {seconds:.0f} s", file=sys.stderr, flush=True)
        for server in list(RUNNING):
            for pid in [server.process.pid, *descendants(server.process.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        os._exit(3)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()


async def run(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                if not args.skip_compare:
                    await compare(args, browser, Path(tmp))
                if not args.skip_classroom:
                    await classroom(args, browser, Path(tmp))
            finally:
                await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="loads of each server in (a)")
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--over", type=float, default=60, help="seconds to open the sessions over")
    parser.add_argument("--choices", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8, help="pages open at once, at most")
    parser.add_argument("--close", choices=("abandon", "tab"), default="abandon")
    parser.add_argument("--timeout", type=float, default=900, help="hard limit for the whole run")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--skip-classroom", action="store_true")
    args = parser.parse_args()
    watchdog(args.timeout)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
