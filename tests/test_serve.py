"""`waspada serve`: the Voila command line a trainer's laptop runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from waspada.project import Project
from waspada.serve import SHARE, voila_command, voila_env

ROOT = Path(__file__).resolve().parents[1]


def test_private_by_default_and_hardened() -> None:
    """Bound to this computer only, no sources, no tracebacks, warm kernels, idle ones culled."""
    command = voila_command(Project(ROOT), port=9999)
    assert "--Voila.ip=127.0.0.1" in command
    assert "--port=9999" in command
    for flag in (
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--template=waspada",
        "--no-browser",
    ):
        assert flag in command
    assert any(f.startswith("--MappingKernelManager.cull_idle_timeout=") for f in command)
    assert command[command.index("waspada.voila_server") + 1] == str(ROOT / "widgets")


def test_lan_flag_opens_to_the_classroom() -> None:
    """Only --lan listens on every interface."""
    assert "--Voila.ip=0.0.0.0" in voila_command(Project(ROOT), lan=True)


def test_template_is_found_through_jupyter_path() -> None:
    """Our offline template lies where Voila looks for templates named on the command line."""
    env = voila_env()
    assert env["JUPYTER_PATH"].split(":")[0] == str(SHARE)
    template = SHARE / "voila" / "templates" / "waspada"
    assert (template / "index.html.j2").is_file()
    assert "fontawesome-free" in (template / "index.html.j2").read_text()  # what it drops


def test_profile_and_language_open_their_gallery() -> None:
    """`waspada serve --profile school --lang jv` starts at the school gallery in Javanese."""
    from waspada.serve import gallery_url

    assert gallery_url(8866, profile="school", lang="jv") == (
        "http://127.0.0.1:8866/voila/render/gallery.ipynb?profile=school&lang=jv"
    )
    assert gallery_url(8866) == "http://127.0.0.1:8866/voila/render/gallery.ipynb"


def test_serve_refuses_an_unknown_profile(capsys) -> None:
    from waspada.cli import main

    assert main(["--project", str(ROOT), "serve", "--profile", "scool", "--no-browser"]) == 1
    assert "unknown profile scool; the course has: full, village, health, school" in (
        capsys.readouterr().err
    )


def test_player_explains_a_missing_or_broken_scenario_in_the_learners_language(
    monkeypatch, tmp_path: Path
) -> None:
    """The Voila player's messages for a wrong id and for a scenario with errors are translated
    (here Indonesian) and name no file."""
    import html
    import shutil

    from waspada import apps

    shown: list[object] = []
    monkeypatch.setattr(apps, "display", lambda *items: shown.extend(items))
    project = tmp_path / "course"
    shutil.copytree(ROOT / "locales", project / "locales")
    shutil.copy(ROOT / "help.yml", project / "help.yml")
    (project / "scenarios").mkdir()
    (project / "scenarios" / "broken-story.yml").write_text(
        "id: broken-story\ntitle: Broken\nsummary: A mistake.\naudiences: [village]\n"
        "modi: [deception]\nstart: a\nnodes:\n  a:\n    text: Start.\n    choices:\n"
        "      - label: Go\n        target: nowhere\n",
        encoding="utf-8",
    )
    apps.player("no-such-story", "id", project=Project(project))
    apps.player("broken-story", "id", project=Project(project))
    texts = [html.unescape(item.value) for item in shown]
    assert "Tidak ada skenario 'no-such-story'" in texts[0]
    assert "Skenario 'broken-story' tidak dapat ditampilkan" in texts[1]
    assert "waspada check" in texts[1] and ".yml" not in texts[1]
    # Neither page is a dead end: a way back to the gallery (same language) and the Quick exit.
    for text in texts:
        assert '<a href="gallery.ipynb?lang=id">← Skenario</a>' in text
        assert '<a class="wsp-quick-exit-page" href="about:blank">Keluar cepat</a>' in text


# -- the room: how many kernels, how fast one address -----------------------------------------


def test_kernel_cap_follows_the_free_memory(tmp_path: Path) -> None:
    """(available - 1 GB) / 70 MB kernels, never fewer than 4 nor more than 60."""
    from waspada.admission import available_memory_mb, default_max_kernels

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 8000000 kB\nMemAvailable:    3145728 kB\n", encoding="ascii")
    assert available_memory_mb(meminfo) == 3072
    assert default_max_kernels(3072) == 29  # (3072 - 1024) // 70
    assert default_max_kernels(800) == 4
    assert default_max_kernels(64_000) == 60
    assert default_max_kernels(None) == 20  # memory unknown
    assert "--WaspadaKernelManager.max_kernels=7" in voila_command(Project(ROOT), max_kernels=7)
    assert (
        "--VoilaConfiguration.multi_kernel_manager_class=waspada.voila_server.WaspadaKernelManager"
        in voila_command(Project(ROOT), max_kernels=7)
    )


def test_serve_refuses_a_cap_with_no_room_for_a_visitor(capsys) -> None:
    from waspada.cli import main

    assert main(["--project", str(ROOT), "serve", "--max-kernels", "2", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "--max-kernels 2 leaves no kernel for a visitor; give at least 3" in err
    assert len(err.strip().splitlines()) == 1


def test_one_address_gets_a_burst_then_one_page_every_few_seconds() -> None:
    from waspada.admission import TokenBuckets

    now = [0.0]
    buckets = TokenBuckets(burst=3, refill_seconds=5, clock=lambda: now[0])
    assert [buckets.take("10.0.0.7") for _ in range(4)] == [True, True, True, False]
    assert buckets.take("10.0.0.8")  # another device is not held back
    now[0] = 4.9
    assert not buckets.take("10.0.0.7")
    now[0] = 10.0
    assert buckets.take("10.0.0.7")


def test_rate_limit_remembers_few_addresses_and_forgets_them() -> None:
    """Counts, never people: a full bucket is forgotten, and the table never outgrows its cap,
    even when a flood of addresses arrives."""
    from waspada.admission import TokenBuckets

    now = [0.0]
    buckets = TokenBuckets(burst=2, refill_seconds=1, max_keys=10, clock=lambda: now[0])
    for i in range(100):
        buckets.take(f"10.0.{i}.1")
        assert len(buckets) <= 10
    buckets.take("10.9.9.9")
    buckets.take("10.9.9.9")
    now[0] = 60.0
    for i in range(11):
        buckets.take(f"10.1.{i}.1")
    assert len(buckets) == 10


def test_loopback_is_this_computer() -> None:
    from waspada.admission import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("127.0.0.2") and is_loopback("::1")
    assert not is_loopback("192.168.1.20") and not is_loopback("")


def test_admitted_visitors_hold_their_place_until_their_kernel_starts() -> None:
    """A burst of requests arrives before any kernel shows as running: each admitted request
    holds a place, so a burst cannot overshoot the cap; an unused place lapses."""
    from waspada.admission import Reservations

    now = [0.0]
    places = Reservations(lapse_seconds=60, clock=lambda: now[0])
    running = 2  # the warm kernels
    admitted = [places.reserve_if(running, 5) for _ in range(10)]
    assert admitted.count(True) == 3
    places.use_one()  # a kernel starts: it counts as running now
    running += 1
    assert not places.reserve_if(running, 5)
    now[0] = 61.0  # the two other requests failed before starting a kernel
    assert places.reserve_if(running, 5)


def test_room_full_page_is_translated_and_keeps_the_ways_out() -> None:
    """The page a visitor gets when the room is full: in their language, with a way to try
    again, back to the gallery and the Quick exit, and nothing from another host."""
    from waspada.voila_server import refusal_page

    page = refusal_page("room_full", "jv", ROOT / "locales", gallery_link=True)
    assert '<html lang="jv">' in page
    assert "Ruangan saweg kebak" in page and "setunggal menit" in page
    assert '<a href="">Cobi malih</a>' in page
    assert '<a href="gallery.ipynb?lang=jv">← Skenario</a>' in page
    assert '<a class="wsp-quick-exit-page" href="about:blank">Medal enggal</a>' in page
    assert "<script src" not in page and "<link" not in page and "http" not in page
    english = refusal_page("too_fast", "en", ROOT / "locales", gallery_link=False)
    assert "opened many pages in a short time" in english and "gallery.ipynb" not in english


def test_new_player_messages_are_translated_in_every_course_language() -> None:
    from waspada.i18n import translator
    from waspada.i18n.ui import APP_MESSAGES, UI_CONTEXT

    for lang in ("id", "jv", "su", "sas"):
        tr = translator(ROOT / "locales", lang)
        for key in ("room_full", "too_fast", "try_again"):
            assert tr(UI_CONTEXT, APP_MESSAGES[key]) != APP_MESSAGES[key], (lang, key)


# -- stopping: no Voila and no kernel outlives `waspada serve` --------------------------------

# Stands in for Voila: starts a "kernel" in a session of its own, as jupyter_client does, says
# its process id, and dies on SIGTERM without stopping it (the orphan the issue found).
FAKE_VOILA = """
import subprocess, sys, time
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                          start_new_session=True)
print("kernel", kernel.pid, flush=True)
time.sleep(120)
"""

RUN_SERVE = """
import sys
from pathlib import Path
from waspada import serve
from waspada.project import Project
serve.voila_command = lambda *args, **kwargs: [sys.executable, "-c", sys.argv[1]]
sys.exit(serve.serve(Project(Path(sys.argv[2])), open_browser=False, max_kernels=4))
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_stops_voila_and_its_kernels(signum: int) -> None:
    """SIGTERM (a service manager) or SIGHUP (a closed terminal) to `waspada serve` stops the
    Voila child and every kernel it started, even one in a session of its own."""
    serve = subprocess.Popen(
        [sys.executable, "-c", RUN_SERVE, FAKE_VOILA, str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    kernel = voila = 0
    try:
        assert serve.stdout is not None
        line = ""
        while not line.startswith("kernel "):
            line = serve.stdout.readline()
            assert line, "the stand-in Voila did not start"
        kernel = int(line.split()[1])
        voila = int(Path(f"/proc/{kernel}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert _running(kernel) and _running(voila)
        os.kill(serve.pid, signum)
        assert serve.wait(timeout=20) == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (_running(kernel) or _running(voila)):
            time.sleep(0.1)
        assert not _running(voila)
        assert not _running(kernel)
    finally:
        serve.kill()
        serve.wait()
        serve.stdout.close()  # type: ignore[union-attr]
        for pid in (kernel, voila):
            if pid and _running(pid):
                os.kill(pid, signal.SIGKILL)  # left behind: the test has failed already
