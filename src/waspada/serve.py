"""``waspada serve``: Voila on widgets/, private by default, hardened for a classroom."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path
from urllib.parse import urlencode

from .project import Project

SHARE = Path(__file__).parent / "share"
# A kernel with no page connected is shut down after this many idle seconds: the kernel of a
# closed or abandoned page (Voila's own shutdown-on-close request is refused for want of an
# XSRF token, voila-dashboards/voila#1458). Two minutes lets a page that lost its connection
# for a moment come back; an open page's kernel is never culled (cull_connected=False).
IDLE_KERNEL_SECONDS = 120
CULL_EVERY_SECONDS = 30


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
) -> list[str]:
    """The Voila command line: our offline template, no sources, no tracebacks, warm kernels,
    and idle kernels culled (the kernel of a closed tab is otherwise never shut down)."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(project.root / "widgets"),
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if lan else '127.0.0.1'}",
        "--template=waspada",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--pool_size=1",
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_every}",
        "--MappingKernelManager.cull_connected=False",
        "--Voila.identity_provider_class=waspada.voila_server.CookielessIdentityProvider",
        "--Voila.tornado_settings="
        + json.dumps({"headers": {"Content-Security-Policy": VOILA_CONTENT_SECURITY_POLICY}}),
        *([] if open_browser else ["--no-browser"]),
    ]


def voila_env() -> dict[str, str]:
    """The environment with our template folder on JUPYTER_PATH."""
    env = dict(os.environ)
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
    open_browser: bool = True,
    profile: str | None = None,
    lang: str | None = None,
) -> int:
    # Voila would open its file list; we open the gallery (of the profile) once it answers.
    command = voila_command(project, port=port, lan=lan, open_browser=False)
    url = gallery_url(port, profile=profile, lang=lang)
    print(f"Waspada apps: {url}", flush=True)
    if lan:
        for address in lan_addresses():
            print(f"  for the class: {gallery_url(port, address, profile=profile, lang=lang)}")
        print("  (anyone on this network can open the apps; stop with Ctrl+C)")
    process = subprocess.Popen(command, env=voila_env(), cwd=project.root / "widgets")
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(url, process), daemon=True).start()
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


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
