"""Shared helpers: a throw-away course project and a small valid scenario."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from waspada.scenario import load_help, load_scenario_text

ROOT = Path(__file__).parents[1]
HELP_FILE = ROOT / "help.yml"
HELP_IDS = frozenset(load_help(HELP_FILE)[0])

MINIMAL = """\
id: minimal
title: A lift home
summary: A stranger offers Sari a lift.
audiences: [village]
modi: [deception]
start: offer
nodes:
  offer:
    text: A stranger at the market offers Sari a lift to the city.
    choices:
      - label: Ask where the car is going
        target: ask
        feedback: Asking is always allowed.
      - label: Say no and walk home
        target: home
  ask:
    text: The stranger will not say where the car is going.
    choices:
      - label: Walk home
        target: home
  home:
    text: Sari walks home and tells her mother.
    ending:
      kind: safe
      debrief: Saying no to a vague offer kept Sari safe.
      messages:
        - A real offer survives questions.
      help: [sapa-129]
characters: [woman]
"""


def make_project(root: Path) -> Path:
    """Turn ``root`` into a course project: _config.yml, scenarios/ and the real help.yml."""
    (root / "scenarios").mkdir(parents=True, exist_ok=True)
    if not (root / "_config.yml").exists():
        (root / "_config.yml").write_text("title: Test course\n", encoding="utf-8")
    if not (root / "help.yml").exists():
        shutil.copyfile(HELP_FILE, root / "help.yml")
    return root


def write_scenario(tmp_path: Path, text: str, name: str | None = None) -> Path:
    """Write ``text`` (dedented) to scenarios/<name> of a project in ``tmp_path``; return its path.

    Without ``name`` the file is named after the scenario's ``id:`` line, as authors do.
    """
    text = textwrap.dedent(text)
    if name is None:
        ids = [line[3:].strip() for line in text.splitlines() if line.startswith("id:")]
        name = f"{ids[0] if ids else 'scenario'}.yml"
    path = make_project(tmp_path) / "scenarios" / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(text: str, file: str = "scenarios/t.yml"):
    """Load dedented YAML text against the real help ids; return (scenario, problem strings)."""
    scenario, problems = load_scenario_text(textwrap.dedent(text), file, help_ids=HELP_IDS)
    return scenario, [str(p) for p in problems]


@pytest.fixture
def minimal():
    """The MINIMAL scenario, loaded without problems."""
    scenario, problems = load_text(MINIMAL)
    assert problems == []
    return scenario


def run_waspada(project: Path, *args: str) -> str:
    """``waspada --project PROJECT ARGS...`` as a user runs it; it must succeed. Its output."""
    result = subprocess.run(
        [sys.executable, "-m", "waspada", "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
