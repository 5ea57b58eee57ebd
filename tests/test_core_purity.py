"""The scenario core stays importable without any front end."""

from __future__ import annotations

import subprocess
import sys

FRONT_ENDS = "{'ipywidgets','sphinx','voila','anywidget','docutils','traitlets','babel'}"


def test_scenario_core_imports_no_front_end():
    """Importing waspada.scenario pulls in none of Jupyter, Sphinx, Voila or Babel."""
    code = (
        "import waspada.scenario, sys; print(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {FRONT_ENDS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cli_check_and_play_import_no_front_end():
    """The check/play command module is as light as the core (build and serve import lazily)."""
    code = (
        "import waspada.cli, sys; print(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {FRONT_ENDS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
