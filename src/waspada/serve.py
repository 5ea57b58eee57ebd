"""``waspada serve``: Voila on widgets/, private by default, hardened for a classroom."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path
from urllib.parse import urlencode

from .admission import available_memory_mb, default_max_kernels
from .live import ENV_DB, ENV_ORIGIN
from .live.store import store_path
from .project import Project

SHARE = Path(__file__).parent / "share"
# A kernel with no page connected is shut down after this many idle seconds: the kernel of a
# closed or abandoned page (Voila's own shutdown-on-close request is refused for want of an
# XSRF token, voila-dashboards/voila#1458). Two minutes lets a page that lost its connection
# for a moment come back; an open page's kernel is never culled (cull_connected=False).
IDLE_KERNEL_SECONDS = 120
CULL_EVERY_SECONDS = 30
# A kernel whose page never connected to it (a script fetching pages, not a browser) is shut
# down after this long: a slow phone connects well within a minute.
UNCLAIMED_KERNEL_SECONDS = 60
# After SIGTERM, Voila shuts its kernels down itself; whatever still runs after this is killed.
STOP_GRACE_SECONDS = 10
# The warm kernels of gallery.ipynb and player.ipynb, and one visitor.
MIN_MAX_KERNELS = 3
# Notebooks without a warm kernel: the trainer's session page is opened once a session, not by
# a class at once, so it starts its kernel when asked rather than keep one (50 MB) waiting.
COLD_NOTEBOOKS = ("session.ipynb",)


# Sent with every Voila page: nothing from another host, even if a widget or a template update
# were to ask for it. Voila's own page needs inline scripts; anywidget imports the player from a
# blob: URL; ipywidgets writes inline styles; the kernel connection is a same-host websocket.
VOILA_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; "
    "form-action 'self'"
)


def voila_command(
    project: Project,
    *,
    port: int = 8866,
    lan: bool = False,
    open_browser: bool = False,
    idle_seconds: int = IDLE_KERNEL_SECONDS,
    cull_every: int = CULL_EVERY_SECONDS,
    max_kernels: int | None = None,
    unclaimed_seconds: int = UNCLAIMED_KERNEL_SECONDS,
    limit_loopback: bool = False,
    live_db: Path | None = None,
    live_origin: str = "",
) -> list[str]:
    """The Voila command line (Voila with the door of ``waspada.voila_server``): our offline
    template, no sources, no tracebacks, warm kernels, at most ``max_kernels`` kernels (by
    default as many as the free memory holds), and idle kernels culled (the kernel of a closed
    tab is otherwise never shut down)."""
    if max_kernels is None:
        max_kernels = default_max_kernels(available_memory_mb())
    return [
        sys.executable,
        "-m",
        "waspada.voila_server",
        str(project.root / "widgets"),
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if lan else '127.0.0.1'}",
        "--template=waspada",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--pool_size=1",
        f"--WaspadaKernelManager.preheat_denylist={json.dumps(list(COLD_NOTEBOOKS))}",
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_every}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.multi_kernel_manager_class=waspada.voila_server.WaspadaKernelManager",
        f"--WaspadaKernelManager.max_kernels={max_kernels}",
        f"--WaspadaKernelManager.unclaimed_seconds={unclaimed_seconds}",
        f"--WaspadaVoila.limit_loopback={limit_loopback}",
        "--Voila.identity_provider_class=waspada.voila_server.CookielessIdentityProvider",
        *(
            [f"--WaspadaVoila.live_db={live_db}", f"--WaspadaVoila.live_origin={live_origin}"]
            if live_db
            else []
        ),
        "--Voila.tornado_settings="
        + json.dumps({"headers": {"Content-Security-Policy": VOILA_CONTENT_SECURITY_POLICY}}),
        *([] if open_browser else ["--no-browser"]),
    ]


def voila_env(live_db: Path | None = None, live_origin: str = "") -> dict[str, str]:
    """The environment with our template folder on JUPYTER_PATH (and, for a live session, the
    room store and the address phones type, which the projector's kernel reads)."""
    env = dict(os.environ)
    env.pop(ENV_DB, None)
    if live_db is not None:
        env[ENV_DB] = str(live_db)
        env[ENV_ORIGIN] = live_origin
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH", "")) if p)
    return env


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses other than loopback (to tell the class where to go)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def gallery_url(port: int, host: str = "127.0.0.1", **query: str | None) -> str:
    """Where the apps start: the gallery, with ?profile= and ?lang= when given."""
    params = urlencode({k: v for k, v in query.items() if v})
    return f"http://{host}:{port}/voila/render/gallery.ipynb" + (f"?{params}" if params else "")


def serve(
    project: Project,
    *,
    port: int = 8866,
    lan: bool = False,
    live: bool = False,
    open_browser: bool = True,
    profile: str | None = None,
    lang: str | None = None,
    max_kernels: int | None = None,
) -> int:
    # Voila would open its file list; we open the gallery (of the profile) once it answers.
    if max_kernels is None:
        max_kernels = default_max_kernels(available_memory_mb())
    addresses = lan_addresses() if lan else []
    live_db = store_path(project.root) if live else None
    live_origin = f"http://{addresses[0] if addresses else '127.0.0.1'}:{port}"
    command = voila_command(
        project,
        port=port,
        lan=lan,
        open_browser=False,
        max_kernels=max_kernels,
        live_db=live_db,
        live_origin=live_origin,
    )
    url = gallery_url(port, profile=profile, lang=lang)
    print(f"Waspada apps: {url}", flush=True)
    if lan:
        for address in addresses:
            print(f"  for the class: {gallery_url(port, address, profile=profile, lang=lang)}")
        print("  (anyone on this network can open the apps; stop with Ctrl+C)")
    if live:
        print(
            f"  live session: open a scenario live from the gallery; phones join at "
            f"{live_origin}/j (rooms kept in {live_db}, deleted 3 hours after their last step)",
            flush=True,
        )
    print(
        f"  at most {max_kernels} pages open at once (--max-kernels); "
        "later visitors are asked to come back in a minute",
        flush=True,
    )
    # Voila in a session of its own, so that its whole process group can be stopped at once,
    # and (on Linux) told to stop if this process is killed outright.
    process = subprocess.Popen(
        command,
        env=voila_env(live_db, live_origin),
        cwd=project.root / "widgets",
        start_new_session=os.name == "posix",
        preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None,
    )
    previous = _on_stop_signals(_raise_stop)
    try:
        if open_browser:
            threading.Thread(target=_open_when_ready, args=(url, process), daemon=True).start()
        return process.wait()
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        # A second Ctrl+C or SIGTERM while stopping must not cut the stopping short.
        _on_stop_signals(signal.SIG_IGN)
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            stop_voila(process)
        finally:
            signal.signal(signal.SIGINT, interrupt)
            _restore_signals(previous)


class _Stop(Exception):
    """SIGTERM or SIGHUP arrived (a service manager stopping us, a terminal closed)."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


def _on_stop_signals(handler: object) -> dict[int, object]:
    """Install ``handler`` for SIGTERM and SIGHUP (where it exists); return the previous ones."""
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            number = getattr(signal, name)
            previous[number] = signal.signal(number, handler)  # type: ignore[arg-type]
    return previous


def _restore_signals(previous: dict[int, object]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)  # type: ignore[arg-type]


def _stop_with_parent() -> None:
    """In the Voila child before it runs: Linux sends it SIGTERM when `waspada serve` dies,
    even by SIGKILL, which no handler can catch (prctl PR_SET_PDEATHSIG)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def stop_voila(process: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> None:
    """Stop Voila and every kernel it started. jupyter_client starts each kernel in a session
    of its own, outside Voila's process group: they are noted first, then Voila's group gets
    SIGTERM (Voila shuts its kernels down), then SIGKILL after ``grace`` seconds, and any
    kernel still running is killed with its own group."""
    kernels = _descendants(process.pid)
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
            process.wait()
    for pid, started in kernels:
        if _started(pid) == started:  # still the same process, not a new one with its number
            _signal_group(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


def _signal_group(pid: int, signum: int) -> None:
    """Send ``signum`` to the process group that ``pid`` leads, else to ``pid`` alone."""
    try:
        if hasattr(os, "killpg") and os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _started(pid: int) -> str | None:
    """When the process started (in clock ticks since boot, from /proc), or None if it is gone
    (or /proc is missing: then "" so that the process counts as the same)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return None if Path("/proc/self").exists() else ""
    except (OSError, IndexError):
        return None


def _descendants(pid: int) -> list[tuple[int, str | None]]:
    """The processes below ``pid``, each with its start time, from /proc or else `ps`."""
    parents: dict[int, list[int]] = {}
    if Path("/proc/self").exists():
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    else:
        try:
            table = subprocess.run(
                ["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True, text=True
            ).stdout
        except OSError:
            return []
        for line in table.splitlines():
            child, parent = (int(x) for x in line.split())
            parents.setdefault(parent, []).append(child)
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return [(child, _started(child)) for child in found]


def _open_when_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except OSError:
            time.sleep(0.5)
            continue
        webbrowser.open(url)
        return
