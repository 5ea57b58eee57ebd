"""`waspada serve`: the Voila command line a trainer's laptop runs."""

from __future__ import annotations

from pathlib import Path

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
    assert command[command.index("voila") + 1] == str(ROOT / "widgets")


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
