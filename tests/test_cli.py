"""The `waspada check` and `waspada play` commands, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, write_scenario

THREE_ENDINGS = """\
id: three
title: Three ways
audiences: [village]
modi: [fake-job]
start: offer
variables:
  risk: {initial: 0, min: 0, max: 2}
nodes:
  offer:
    text: A job abroad is offered.
    choices:
      - {label: Check with Disnaker, target: safe}
      - {label: Pay the fee, target: offer, id: pay, effects: {risk: +1}}
      - {label: Leave now, target: harmed, condition: risk >= 1}
      - {label: Ask a friend, target: mixed}
  safe:
    text: The office says the agent is not registered.
    ending: {kind: safe, debrief: Checking works., messages: [Check.], help: [disnaker]}
  harmed:
    text: The passport is taken.
    ending: {kind: harmed, debrief: Not her fault., messages: [Keep it.], help: [bp2mi]}
  mixed:
    text: The friend is unsure.
    ending:
      {kind: mixed, debrief: Ask someone who knows., messages: [Ask.], help: [sapa-129, bp2mi]}
characters: [migrant-worker]
"""


def waspada(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "waspada", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- check ---------------------------------------------------------------------------------------


def test_check_passes_on_a_valid_project(tmp_path):
    """A project with one valid scenario: exit 0 and an 'ok' summary."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("check", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == (
        "checked 1 scenario file and the help directory: 0 errors, 0 warnings: ok\n"
    )


def test_check_fails_with_the_precise_message(tmp_path):
    """A broken target: exit 1, the located message on stderr, no traceback."""
    write_scenario(
        tmp_path, MINIMAL.replace("target: ask", "target: asks").replace("  ask:\n", "  asked:\n")
    )
    result = waspada("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "scenarios/minimal.yml:12:17: error: choice 1 of node 'offer' goes to 'asks', which does "
        "not exist (did you mean 'asked'?)",
        "scenarios/minimal.yml:16:3: error: node 'asked' cannot be reached from the start node "
        "'offer'; lead a choice to it or remove it",
    ]
    assert result.stdout.endswith("2 errors, 0 warnings: failed\n")


def test_check_works_from_a_subfolder(tmp_path):
    """The project is found from inside scenarios/, and paths stay relative to the project."""
    write_scenario(tmp_path, MINIMAL.replace("kind: safe", "kind: safer"))
    result = waspada("check", cwd=tmp_path / "scenarios")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "scenarios/minimal.yml:24:13: error: unknown ending kind 'safer' (did you mean 'safe'?)"
    )


def test_check_of_a_yaml_syntax_error_has_no_traceback(tmp_path):
    """A syntax error is a located message with exit 1, never a traceback."""
    write_scenario(tmp_path, "id: broken\nnodes: [\n", name="broken.yml")
    result = waspada("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("scenarios/broken.yml:3:1: error: YAML syntax: ")


def test_warnings_pass_unless_strict(tmp_path):
    """A warning leaves exit 0; with --strict it fails."""
    write_scenario(tmp_path, MINIMAL, name="other.yml")
    relaxed = waspada("check", cwd=tmp_path)
    assert relaxed.returncode == 0
    assert "warning: the file is named 'other.yml'" in relaxed.stderr
    assert relaxed.stdout.endswith("0 errors, 1 warning: ok\n")
    strict = waspada("check", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout.endswith("0 errors, 1 warning: failed\n")


def test_check_of_a_missing_path_is_one_line(tmp_path):
    """A path that does not exist is a one-line error with exit 1."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("check", "scenarios/nope.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "waspada check: error: scenarios/nope.yml: no such file or folder\n"


def test_check_outside_a_project_says_where_it_looked(tmp_path):
    """Without _config.yml and scenarios/ the command explains what it looked for."""
    result = waspada("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("waspada check: error: no Waspada course found in ")
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_real_repository():
    """The repository's own scenarios and help.yml have no errors."""
    result = waspada("check", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert " 0 errors" in result.stdout


def test_check_of_a_base_60_number_has_no_traceback(tmp_path):
    """'initial: 1:30' is reported as a problem, not a crash."""
    write_scenario(
        tmp_path,
        MINIMAL.replace(
            "start: offer\n", "start: offer\nvariables:\n  time: {initial: 1:30, min: 0, max: 3}\n"
        ),
    )
    result = waspada("check", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr == (
        "scenarios/minimal.yml:8:19: error: the initial value of 'time' must "
        "be a whole number such as 3, not '1:30'\n"
    )


# -- play ----------------------------------------------------------------------------------------


def test_play_path_prints_the_route_and_the_ending(tmp_path):
    """--path 1,1 shows each step, the feedback, the ending and the help service."""
    path = write_scenario(tmp_path, MINIMAL)
    result = waspada("play", str(path), "--path", "1,1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "-> 1) Ask where the car is going" in out
    assert "> Asking is always allowed." in out
    assert "== Ending (safe) ==" in out
    assert "  * A real offer survives questions." in out
    assert "(Call: 129; WhatsApp: 08111-129-129)" in out


def test_play_shows_markup_as_plain_text_with_bullets(tmp_path):
    """In the terminal, emphasis loses its stars and list items stay one per line."""
    write_scenario(
        tmp_path,
        MINIMAL.replace(
            "    text: Sari walks home and tells her mother.\n",
            "    text: |\n      Sari walks home. She *tells*:\n\n      - her mother\n"
            "      - the village head\n",
        ),
    )
    result = waspada("play", "minimal", "--path", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Sari walks home. She tells:\n\n  - her mother\n  - the village head\n" in result.stdout


def test_play_path_json_gives_node_ending_and_values(tmp_path):
    """--json prints the route, the node, the ending kind and the values."""
    write_scenario(tmp_path, THREE_ENDINGS)
    result = waspada("play", "three", "--path", "2,2,3", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["node"], data["ending"], data["values"]) == ("harmed", "harmed", {"risk": 2})
    assert [step["id"] for step in data["route"]] == ["pay", "pay", "harmed"]
    assert data["route"][2] == {"node": "offer", "choice": 3, "id": "harmed", "label": "Leave now"}


def test_play_path_that_stops_before_an_ending(tmp_path):
    """A route that stops early is reported with ending null in JSON."""
    write_scenario(tmp_path, THREE_ENDINGS)
    data = json.loads(waspada("play", "three", "--path", "2", "--json", cwd=tmp_path).stdout)
    assert (data["node"], data["ending"], data["values"]) == ("offer", None, {"risk": 1})


def test_play_random_reaches_every_ending(tmp_path):
    """200 seeded random routes reach all three endings and none gets stuck."""
    write_scenario(tmp_path, THREE_ENDINGS)
    result = waspada("play", "three", "--random", "200", "--seed", "1", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unreached"] == [] and data["stopped"] == 0
    assert set(data["endings"]) == {"safe", "harmed", "mixed"}
    assert all(count > 0 for count in data["endings"].values())
    assert sum(data["endings"].values()) == 200


def test_play_random_is_repeatable_with_a_seed(tmp_path):
    """The same seed gives the same counts."""
    write_scenario(tmp_path, THREE_ENDINGS)
    runs = [
        waspada("play", "three", "--random", "50", "--seed", "7", "--json", cwd=tmp_path).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_play_bad_path_number_is_a_one_line_error(tmp_path):
    """Choice 5 where there are 2 buttons: exit 1 and one line on stderr."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", "--path", "5", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "waspada play: error: there is no choice 5 at node 'offer'; choose 1 to 2\n"
    )


def test_play_path_that_is_not_numbers(tmp_path):
    """--path x is refused with an example of the format."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", "--path", "x", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "waspada play: error: --path takes choice numbers like 1,2,1, not 'x'\n"


def test_play_path_past_the_ending(tmp_path):
    """Numbers after the ending is reached are refused."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", "--path", "2,1", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("waspada play: error: the route reaches the ending 'home' ")
    assert len(result.stderr.splitlines()) == 1


def test_play_unknown_id_suggests_one(tmp_path):
    """A misspelt scenario id gets a suggestion."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimall", "--path", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "waspada play: error: no scenario with id 'minimall' (did you mean 'minimal'?)\n"
    )


def test_play_refuses_a_scenario_with_errors(tmp_path):
    """An erroneous scenario is not played; its errors are printed first."""
    path = write_scenario(tmp_path, MINIMAL.replace("target: ask", "target: asks"))
    result = waspada("play", str(path), "--path", "1", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("scenarios/minimal.yml:12:17: error: choice 1 of node 'offer'")
    assert lines[-1] == "waspada play: error: the scenario has errors; fix them first (see above)"


def test_play_by_id_is_not_blocked_by_another_broken_file(tmp_path):
    """A valid scenario can be played by id while another file of the project is broken."""
    write_scenario(tmp_path, MINIMAL)
    write_scenario(tmp_path, "id: draft\ntitle: [unfinished\n", name="draft.yml")
    result = waspada("play", "minimal", "--path", "2", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ending"] == "safe"


def test_interactive_play_with_back(tmp_path):
    """'1', 'b' (back to the start), '2' reaches the ending and exits 0."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", cwd=tmp_path, stdin="1\nb\n2\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("A stranger at the market offers Sari a lift to the city.") == 2
    assert "> Asking is always allowed." in out
    assert "== Ending (safe) ==" in out
    assert result.stderr == ""


def test_interactive_play_rejects_a_bad_answer_and_goes_on(tmp_path):
    """An answer that is no button is explained; the play continues."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", cwd=tmp_path, stdin="9\nb\n2\n")
    assert result.returncode == 0
    assert "Please type a number from 1 to 2, b or q." in result.stdout
    assert "This is the beginning; there is nothing to go back to." in result.stdout
    assert "== Ending (safe) ==" in result.stdout


def test_interactive_play_ends_cleanly_at_end_of_input(tmp_path):
    """When input runs out before an ending, play stops with exit 0 and no traceback."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", cwd=tmp_path, stdin="1\n")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert "The stranger will not say" in result.stdout
    assert "== Ending" not in result.stdout


def test_interactive_play_quits_on_q(tmp_path):
    """'q' quits with exit 0."""
    write_scenario(tmp_path, MINIMAL)
    result = waspada("play", "minimal", cwd=tmp_path, stdin="q\n")
    assert result.returncode == 0
    assert "== Ending" not in result.stdout


@pytest.mark.parametrize("command", [[], ["check"], ["play"], ["build"], ["serve"]])
def test_help_of_every_command_exits_0(tmp_path, command):
    """'waspada [COMMAND] --help' prints usage and exits 0."""
    result = waspada(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: waspada")


def test_no_command_prints_help_and_exits_2(tmp_path):
    """'waspada' alone shows the commands and exits 2."""
    result = waspada(cwd=tmp_path)
    assert result.returncode == 2
    assert "commands:" in result.stdout


def test_play_in_another_language(tmp_path):
    """`play --lang id` shows the scenario in Indonesian where the catalog has it."""
    root = Path(__file__).resolve().parents[1]
    result = waspada("play", "cafe-singer", "--lang", "id", "--path", "2", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Kerja menyanyi di kota" in result.stdout
    bad = waspada("play", "cafe-singer", "--lang", "xx", "--path", "2", cwd=root)
    assert bad.returncode == 1 and "unknown language 'xx'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_interactive_prompts_follow_the_language():
    """The terminal player's own prompts are translated too (here Indonesian)."""
    root = Path(__file__).resolve().parents[1]
    result = waspada("play", "cafe-singer", "--lang", "id", cwd=root, stdin="7\nb\nq\n")
    assert result.returncode == 0, result.stderr
    assert "Pilih 1-3 (b = kembali, q = keluar): " in result.stdout
    assert "Ketik angka 1 sampai 3, b, atau q." in result.stdout
    assert "Ini awal cerita; tidak ada langkah sebelumnya." in result.stdout
