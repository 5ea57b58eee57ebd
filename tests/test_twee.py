"""Twine (Twee 3) import and export, as an author uses them."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from conftest import HELP_IDS, MINIMAL, ROOT, load_text, make_project, write_scenario
from waspada.cli import main
from waspada.interop.twee import (
    escape_header,
    escape_text,
    import_twee,
    parse_twee,
    scenario_to_twee,
)
from waspada.scenario import load_scenario, load_scenario_text, validate

SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yml"))
# Knowledge checks are not branching stories and do not travel to Twine (a test below says so).
STORY_FILES = [p for p in SCENARIO_FILES if "\nkind: check" not in p.read_text(encoding="utf-8")]

# Every link form, a link inside a sentence, a passage tag for the ending kind.
CAVE = """\
:: StoryTitle
The Cave


:: StoryData
{
  "ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC",
  "format": "Harlowe",
  "format-version": "3.3.9",
  "start": "Cave Mouth"
}


:: Cave Mouth {"position":"100,100","size":"100,100"}
You stand at the mouth of a cave.

[[Inside]]
[[Walk around|The Woods]]
[[Go home->Home]]
[[Home<-Shout for help]]

:: Inside
It is dark. You could [[turn back->Cave Mouth]] or wait.

:: The Woods
Trees everywhere.
[[Back->Cave Mouth]]

:: Home [ending-safe]
You are home.
"""


def parse(text: str, file: str = "story.twee"):
    data, problems = parse_twee(textwrap.dedent(text), file)
    return data, [str(p) for p in problems]


def imported(text: str, file: str = "story.twee", output: str = "scenarios/out.yml"):
    yaml_text, problems = import_twee(textwrap.dedent(text), file, output)
    return yaml_text, [str(p) for p in problems]


def round_trip(scenario):
    """Export, import, load: the scenario that comes back, the import's and loader's problems."""
    yaml_text, problems = import_twee(scenario_to_twee(scenario), "x.twee", "scenarios/x.yml")
    assert yaml_text is not None, [str(p) for p in problems]
    back, load_problems = load_scenario_text(yaml_text, "scenarios/x.yml", help_ids=HELP_IDS)
    return back, [str(p) for p in problems + load_problems]


# -- import: links, texts, endings ---------------------------------------------------------------


def test_every_link_form_becomes_a_choice():
    """[[t]], [[l|t]], [[l->t]] and [[t<-l]] give choices in order; ids are slugs of names."""
    data, problems = parse(CAVE)
    assert data is not None
    assert data["title"] == "The Cave"
    assert data["start"] == "cave-mouth"
    assert list(data["nodes"]) == ["cave-mouth", "inside", "the-woods", "home"]
    mouth = data["nodes"]["cave-mouth"]
    assert mouth["text"] == "You stand at the mouth of a cave."  # the link lines leave the text
    assert mouth["choices"] == [
        {"label": "Inside", "target": "inside"},
        {"label": "Walk around", "target": "the-woods"},
        {"label": "Go home", "target": "home"},
        {"id": "home-2", "label": "Shout for help", "target": "home"},
    ]
    inside = data["nodes"]["inside"]
    assert inside["text"] == "It is dark. You could turn back or wait."  # a link in a sentence
    assert inside["choices"] == [{"label": "turn back", "target": "cave-mouth"}]
    assert data["nodes"]["the-woods"]["text"] == "Trees everywhere."
    assert data["nodes"]["home"]["ending"]["kind"] == "safe"  # from the tag ending-safe
    assert not [p for p in problems if "error" in p]


def test_gaps_are_written_visibly_and_named_by_line():
    """Audiences, methods, characters, an ending's kind, debrief and help: each warning names
    its YAML line."""
    yaml_text, problems = imported(CAVE.replace(" [ending-safe]", ""))
    assert yaml_text is not None
    lines = yaml_text.splitlines()
    named = {}
    for problem in problems:
        match = re.match(r"scenarios/out\.yml:(\d+):\d+: warning: (.*)", problem)
        if match:
            named[match.group(2)] = lines[int(match.group(1)) - 1]
    assert named == {
        "a Twine story names no audiences; list one or more under 'audiences:' (from "
        "story.twee:1:1)": "audiences: []  # one or more of: village, health, school",
        "a Twine story names no recruitment methods; list one or more under 'modi:' (from "
        "story.twee:1:1)": "modi: []  # one or more from the list in scenarios/README.md",
        "a Twine story names no characters (who the story is about); list one or more under "
        "'characters:' (from story.twee:1:1)": "characters: []  # one or more of: woman, man, "
        "child, abroad, migrant-worker",
        "passage 'Home' has no links, so it becomes an ending; its kind is set to 'mixed': set "
        "safe, harmed or mixed (from story.twee:29:1)": "      kind: mixed  # set the kind: "
        "safe, harmed or mixed",
        "the ending 'Home' has no debrief; write what the group should take from it (from "
        "story.twee:29:1)": '      debrief: ""  # write the debrief',
        "the ending 'Home' points to no help; name one or more services from help.yml, such as "
        "sapa-129 (from story.twee:29:1)": "      help: []  # services from help.yml",
    }
    # The gaps make `waspada check` fail until they are filled in, so none ships by accident.
    _, load_problems = load_scenario_text(yaml_text, "out.yml", help_ids=HELP_IDS)
    assert any("audience list is empty" in str(p) for p in load_problems)
    assert any("debrief of the ending of node 'home' is empty" in str(p) for p in load_problems)


def test_filled_in_gaps_pass_the_checker():
    """Once the marked lines are edited, the imported story is a valid scenario."""
    yaml_text, _ = imported(CAVE)
    filled = (
        yaml_text.replace("audiences: []", "audiences: [village]")
        .replace("modi: []", "modi: [deception]")
        .replace("characters: []", "characters: [woman]")
        .replace('debrief: ""', "debrief: Going home was safe.")
        .replace("help: []", "help: [sapa-129]")
    )
    scenario, problems = load_scenario_text(filled, "out.yml", help_ids=HELP_IDS)
    assert [str(p) for p in problems] == []
    assert [str(p) for p in validate(scenario) if p.is_error] == []


def test_the_written_yaml_reads_like_a_hand_written_scenario():
    """Block scalars for multi-line text, flow lists for ids, no quotes where none are needed."""
    yaml_text, _ = imported(
        CAVE.replace(
            "You stand at the mouth of a cave.",
            "You stand at the mouth of a cave.\nIt is cold.\n\nA bat flies out.",
        )
    )
    assert yaml_text.startswith("# Imported from story.twee by 'waspada import twee'.\n")
    assert "  cave-mouth:\n    text: |\n      You stand at the mouth of a cave.\n" in yaml_text
    assert "      It is cold.\n\n      A bat flies out.\n    choices:\n" in yaml_text
    assert "      - label: Walk around\n        target: the-woods\n" in yaml_text
    assert all(len(line) <= 100 for line in yaml_text.splitlines() if "#" not in line)


# -- import: escaping ----------------------------------------------------------------------------


def test_escaped_names_tags_and_double_colon_lines_are_decoded():
    """\\[ \\] \\{ \\} \\\\ in headers and Twine's \\:: at the start of a text line."""
    data, problems = parse(
        r"""
        :: StoryData
        {"start": "A [b] {c} \\ d"}

        :: A \[b\] \{c\} \\ d [odd\]tag] {"position":"100,100"}
        The first line.
        \:: this line begins with two colons
        \:\: so does this one, as older tools write it
        [[Next->E {f}]]

        :: E \{f\}
        The end.
        """
    )
    assert data is not None, problems
    assert data["start"] == "a-b-c-d"
    first = data["nodes"]["a-b-c-d"]
    assert first["text"] == (
        "The first line.\n:: this line begins with two colons\n"
        ":: so does this one, as older tools write it"
    )
    assert first["choices"] == [{"label": "Next", "target": "e-f"}]
    assert (
        "story.twee:5:1: warning: passage 'A [b] {c} \\ d': the tag 'odd]tag' is not carried "
        "over (a scenario node has no tags)" in problems
    )


def test_export_escapes_headers_and_double_colon_lines():
    assert escape_header("a[b]{c}\\d") == "a\\[b\\]\\{c\\}\\\\d"
    assert escape_text("one\n:: two\nthree ::") == "one\n\\:: two\nthree ::"


def test_a_text_line_beginning_with_double_colon_survives_the_round_trip(minimal):
    from dataclasses import replace

    node = replace(minimal.nodes["ask"], text=":: The stranger shrugs.\n:: He will not say.")
    scenario = replace(minimal, nodes={**minimal.nodes, "ask": node})
    twee = scenario_to_twee(scenario)
    assert "\n\\:: The stranger shrugs.\n\\:: He will not say.\n" in twee
    back, problems = round_trip(scenario)
    assert problems == []
    assert back == scenario


# -- import: errors ------------------------------------------------------------------------------


def test_duplicate_passage_names_are_an_error():
    yaml_text, problems = imported(CAVE + "\n:: Inside\nAnother dark place.\n")
    assert yaml_text is None
    assert (
        "story.twee:32:4: error: the passage name 'Inside' is used twice (first on line 22); "
        "rename one, since links find passages by name" in problems
    )


def test_a_missing_start_is_an_error():
    data, problems = parse(CAVE.replace('  "start": "Cave Mouth"\n', '  "zoom": 1\n'))
    assert data is None
    assert problems[0] == (
        'story.twee:5:1: error: the story has no start: StoryData names no "start" passage and '
        'no passage is called Start; add "start": "<passage name>" to StoryData'
    )


def test_a_start_that_names_no_passage_is_an_error():
    data, problems = parse(CAVE.replace('"start": "Cave Mouth"', '"start": "Cave Mout"'))
    assert data is None
    assert (
        "story.twee:5:1: error: StoryData names the start passage 'Cave Mout', which does not "
        "exist (did you mean 'Cave Mouth'?)" in problems
    )


def test_without_story_data_the_passage_named_start_is_the_start():
    data, problems = parse(
        """
        :: StoryTitle
        Short

        :: Start
        [[End]]

        :: End [ending-harmed]
        Over.
        """
    )
    assert data is not None, problems
    assert data["start"] == "start"
    assert data["nodes"]["end"]["ending"]["kind"] == "harmed"


def test_broken_story_data_json_is_an_error_at_its_line():
    data, problems = parse(CAVE.replace('"format": "Harlowe",', '"format": "Harlowe"'))
    assert data is None
    assert problems == [
        "story.twee:9:3: error: StoryData is not valid JSON: Expecting ',' delimiter; fix it "
        '(Twine writes it as a JSON object such as {"ifid": "…", "start": "First passage"})'
    ]


def test_a_broken_waspada_block_is_an_error_at_its_line():
    data, problems = parse(
        CAVE.replace(
            "Trees everywhere.",
            "Trees everywhere.\n<!-- waspada\nnotes: [unclosed\n-->",
        )
    )
    assert data is None
    assert problems == [
        "story.twee:28:1: error: passage 'The Woods': YAML syntax: did not find expected ',' or "
        "']'; check the indentation and quoting on this line and the one above"
    ]


# -- import: what cannot be carried over ---------------------------------------------------------


def test_dynamic_links_setters_and_code_are_reported_with_line_and_passage():
    data, problems = parse(
        """
        :: StoryData
        {"start": "Market"}

        :: StoryInit
        <<set $money to 10>>

        :: Story JavaScript [script]
        window.x = 1;

        :: Styles [stylesheet]
        body { color: red; }

        :: Market [busy]
        A man offers a job. You have $money rupiah.
        (set: $offer to true)
        [[Accept|Bus][$offer to false]]
        [[Think->$next]]
        (link-goto: "Refuse", "Home")
        (link-goto: "Ask a friend", $friend)

        :: Bus
        <<goto $destination>>

        :: Home [ending-safe]
        Safe at home.
        """
    )
    assert data is not None
    assert problems == [
        "story.twee:1:1: warning: the story has no StoryTitle passage, so the title is taken from "
        "the file name; write the real title",
        "story.twee:1:1: warning: a Twine story names no audiences; list one or more under "
        "'audiences:'",
        "story.twee:1:1: warning: a Twine story names no recruitment methods; list one or more "
        "under 'modi:'",
        "story.twee:1:1: warning: a Twine story names no characters (who the story is about); "
        "list one or more under 'characters:'",
        "story.twee:5:1: warning: passage 'StoryInit' is the story format's special passage "
        "StoryInit; it is not carried over, since a scenario has no story-format code",
        "story.twee:8:1: warning: passage 'Story JavaScript' is a script (JavaScript for the story "
        "format); it is not carried over, since a scenario has no story-format code",
        "story.twee:11:1: warning: passage 'Styles' is a stylesheet (CSS for the story format); it "
        "is not carried over, since a scenario has no story-format code",
        "story.twee:14:1: warning: passage 'Market': the tag 'busy' is not carried over (a "
        "scenario node has no tags)",
        "story.twee:15:30: warning: passage 'Market': the story-format variable '$money' cannot "
        "be carried over; it stays in the text as written",
        "story.twee:16:1: warning: passage 'Market': the story-format code '(set: $offer to "
        "true)' cannot be carried over; it stays in the text as written: remove it, or use the "
        "scenario's variables, effects and conditions",
        "story.twee:17:1: warning: passage 'Market': the setter '[$offer to false]' of this link "
        "is ignored; a scenario changes variables through a choice's 'effects:'",
        "story.twee:18:1: warning: passage 'Market': the link target '$next' is computed by "
        "story-format code, so it cannot become a choice; add the choice by hand",
        "story.twee:19:1: warning: passage 'Market': the macro '(link-goto: \"Refuse\", "
        "\"Home\")' is imported as a choice 'Refuse' leading to 'Home'; check it",
        "story.twee:20:1: warning: passage 'Market': '(link-goto: \"Ask a friend\", $friend)' "
        "chooses where to go by story-format code, which cannot become a choice; add the choice "
        "by hand",
        "story.twee:22:1: warning: passage 'Bus' moves on only through story-format code; write "
        "its choices (label and target) by hand",
        "story.twee:23:1: warning: passage 'Bus': '<<goto $destination>>' chooses where to go by "
        "story-format code, which cannot become a choice; add the choice by hand",
        "story.twee:25:1: warning: the ending 'Home' has no debrief; write what the group should "
        "take from it",
        "story.twee:25:1: warning: the ending 'Home' points to no help; name one or more services "
        "from help.yml, such as sapa-129",
    ]
    assert list(data["nodes"]) == ["market", "bus", "home"]  # special passages are not nodes
    market = data["nodes"]["market"]
    assert market["choices"] == [
        {"label": "Accept", "target": "bus"},
        {"label": "Refuse", "target": "home"},
    ]
    # Code stays in the text, visible to the author; the computed link leaves its label.
    assert market["text"] == (
        "A man offers a job. You have $money rupiah.\n(set: $offer to true)\nThink\n"
        '(link-goto: "Ask a friend", $friend)'
    )
    assert data["nodes"]["bus"]["choices"] == []  # a gap: check fails until choices are added


def test_links_to_missing_passages_and_web_pages_are_reported():
    data, problems = parse(
        """
        :: Start
        Read [[the guide->https://example.org/guide]] first.
        [[Go on->Nowhere Land]]

        :: Nowhere
        Nothing.
        """
    )
    assert data is not None
    assert data["nodes"]["start"]["text"] == "Read the guide first."
    assert data["nodes"]["start"]["choices"] == [{"label": "Go on", "target": "nowhere-land"}]
    assert (
        "story.twee:3:6: warning: passage 'Start': the link to the web page "
        "'https://example.org/guide' is not a choice; only its label stays in the text" in problems
    )
    assert (
        "story.twee:4:1: warning: passage 'Start': the link goes to 'Nowhere Land', which is not "
        "a passage in the story (did you mean 'Nowhere'?); the choice still points to "
        "'nowhere-land': add that node or change the target" in problems
    )


# -- export --------------------------------------------------------------------------------------


def _passages(twee: str) -> dict[str, tuple[str, str]]:
    """{name: (header line, text)} of a Twee file whose names need no escaping."""
    out = {}
    for chunk in re.split(r"(?m)^(?=:: )", twee):
        if chunk.strip():
            header, _, text = chunk.partition("\n")
            name = re.match(r":: ([^\[{]*?)\s*(?:\[|\{|$)", header).group(1)
            out[name] = (header, text.strip())
    return out


def test_export_writes_what_twine_needs():
    scenario, _ = load_scenario(ROOT / "scenarios" / "cafe-singer.yml")
    twee = scenario_to_twee(scenario)
    passages = _passages(twee)
    assert twee.startswith(":: StoryTitle\nA singing job in the city\n")
    data = json.loads(passages["StoryData"][1])
    assert re.fullmatch(
        r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}", data["ifid"]
    )
    assert data["start"] == "offer"
    assert data["format"] == "Harlowe"
    assert set(passages) == {"StoryTitle", "StoryData", "WaspadaScenario", *scenario.nodes}
    # Every node passage has a position; the start is in the first column, its targets next.
    positions = {}
    for nid in scenario.nodes:
        meta = json.loads(passages[nid][0][passages[nid][0].index("{") :])
        positions[nid] = tuple(int(v) for v in meta["position"].split(","))
        assert meta["size"] == "100,100"
    assert positions["offer"] == (300, 100)
    assert {positions[t][0] for t in ("questions", "family", "advance")} == {500}
    assert len(set(positions.values())) == len(positions)  # no two passages on one spot
    assert passages["stayed"][0].startswith(":: stayed [ending-safe] {")
    assert passages["trapped"][0].startswith(":: trapped [ending-harmed] {")
    offer = passages["offer"][1]
    assert (
        "\n\n[[Ask for the café's name, its address and a written contract->questions]]\n" in offer
    )
    assert offer.endswith("\n-->")
    # The same scenario always gives the same file (and IFID), so Twine sees the same story.
    assert scenario_to_twee(scenario) == twee


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda p: p.stem)
def test_round_trip_gives_back_every_scenario(path):
    """Export then import: the same nodes, choices, targets, texts and every other value."""
    scenario, problems = load_scenario(path, help_ids=HELP_IDS)
    assert scenario is not None, problems
    back, problems = round_trip(scenario)
    assert problems == []
    assert back == scenario
    assert list(back.nodes) == list(scenario.nodes)
    for nid, node in scenario.nodes.items():
        assert [(c.id, c.label, c.target) for c in back.nodes[nid].choices] == [
            (c.id, c.label, c.target) for c in node.choices
        ]
        assert back.nodes[nid].text == node.text
    assert [p for p in validate(back) if p.is_error] == []


def _twine_resave(twee: str) -> str:
    """What Twine 2 writes after import and export: passages sorted by name, texts trimmed,
    its own StoryData and metadata, CRLF line ends from a Windows editor."""
    passages = _passages(twee)
    data = json.loads(passages.pop("StoryData")[1])
    title = passages.pop("StoryTitle")[1]
    data.update({"format-version": "3.3.8", "zoom": 0.6})
    out = [f":: StoryTitle\n{title}", f":: StoryData\n{json.dumps(data, indent=2)}"]
    for name in sorted(passages):
        header, text = passages[name]
        meta = json.loads(header[header.index("{") :])
        x, y = (int(v) + 25 for v in meta["position"].split(","))
        tags = header[header.index(" [") : header.index("]") + 1] if " [" in header else ""
        out.append(f':: {name}{tags} {{"position":"{x},{y}","size":"100,100"}}\n{text}\n')
    return "\n\n".join(out).replace("\n", "\r\n")


def test_a_story_saved_again_by_twine_comes_back_the_same():
    scenario, _ = load_scenario(ROOT / "scenarios" / "cafe-singer.yml", help_ids=HELP_IDS)
    resaved = _twine_resave(scenario_to_twee(scenario))
    yaml_text, problems = import_twee(resaved, "x.twee", "x.yml")
    assert [str(p) for p in problems] == []
    back, _ = load_scenario_text(yaml_text, "x.yml", help_ids=HELP_IDS)
    assert back == scenario


TRICKY = r"""
id: tricky
title: "Tricky: quoting"
summary: "- a summary that starts like a list item"
audiences: [village]
modi: [deception]
characters: [woman]
start: a
variables:
  level: {initial: 0, min: -3, max: 3, description: "Commas, [brackets] and: colons"}
nodes:
  a:
    text: "Line one   \nline two\twith a tab\n:: starts with colons\n<!-- waspada\nsee [[this]]"
    notes: "# not a comment"
    prompt: "yes: no"
    choices:
      - label: "No"
        target: b
        feedback: "null"
        effects: {level: -2}
      - id: again
        label: "Go [[back]] -> now | here ][ there"
        target: b
        condition: level >= -3 and level != 2
        effects: {level: 3}
      - label: "@at 100% 'quoted' \"double\""
        target: c
        feedback: "A very long feedback text with  double  spaces that goes on and on, well \
          beyond the width of one line of YAML, so that the writer has to fold it: somewhere \
          #sensible."
  b:
    text: "'single' and \"double\" quotes, café ✓, \\backslash"
    ending: {kind: harmed, debrief: "~", messages: ["`tick`", "*"], help: [sapa-129]}
  c:
    text: "!bang\n\n\n-->"
    ending: {kind: safe, title: "&amp", debrief: "{braces}", help: [sapa-129, police-110]}
"""


def test_texts_that_need_quoting_or_escaping_come_back_exactly():
    scenario, problems = load_text(TRICKY)
    assert problems == []
    back, problems = round_trip(scenario)
    assert problems == []
    assert back == scenario
    assert back.nodes["a"].text == scenario.nodes["a"].text


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_scenario(tmp_path, MINIMAL)
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


def test_cli_import_writes_into_scenarios_and_refuses_to_overwrite(project, capsys):
    (project / "cave.twee").write_text(CAVE, encoding="utf-8")
    assert main(["import", "twee", "cave.twee"]) == 0
    out, err = capsys.readouterr()
    written = project / "scenarios" / "the-cave.yml"
    assert written.is_file()
    assert out.splitlines()[0] == "wrote scenarios/the-cave.yml: 4 nodes from cave.twee, 5 warnings"
    assert "still finds" in out  # the gaps keep `waspada check` failing until filled in
    assert re.search(
        r"^scenarios/the-cave\.yml:5:1: warning: a Twine story names no audiences", err, re.M
    )
    assert "Traceback" not in err

    written.write_text("edited by hand\n", encoding="utf-8")
    assert main(["import", "twee", "cave.twee"]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == (
        "waspada import twee: error: scenarios/the-cave.yml already exists; use --force to "
        "overwrite it, or -o to write elsewhere"
    )
    assert written.read_text(encoding="utf-8") == "edited by hand\n"

    assert main(["import", "twee", "cave.twee", "--force", "-o", "scenarios/the-cave.yml"]) == 0
    assert written.read_text(encoding="utf-8").startswith("# Imported from cave.twee")


def test_cli_import_errors_are_located_and_nothing_is_written(project, capsys):
    (project / "cave.twee").write_text(CAVE + "\n:: Inside\nAgain.\n", encoding="utf-8")
    assert main(["import", "twee", "cave.twee"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "cave.twee:32:4: error: the passage name 'Inside' is used twice (first on line 22); "
        "rename one, since links find passages by name",
        "waspada import twee: error: cave.twee has 1 error (see above); nothing was written",
    ]
    assert not (project / "scenarios" / "the-cave.yml").exists()


def test_cli_import_reports_a_missing_or_unreadable_file(project, capsys):
    assert main(["import", "twee", "missing.twee"]) == 1
    assert capsys.readouterr().err == "waspada import twee: error: missing.twee: no such file\n"
    (project / "latin1.twee").write_bytes(b":: Start\nCaf\xe9\n")
    assert main(["import", "twee", "latin1.twee"]) == 1
    assert capsys.readouterr().err.startswith(
        "latin1.twee:2:4: error: the file is not UTF-8 (invalid continuation byte)"
    )


def test_cli_export_then_import_round_trip(project, capsys):
    assert main(["export", "twee", "minimal"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("wrote minimal.twee: 3 passages")
    twee = (project / "minimal.twee").read_text(encoding="utf-8")
    assert twee.startswith(":: StoryTitle\nA lift home\n")

    assert main(["export", "twee", "scenarios/minimal.yml"]) == 1
    assert "minimal.twee already exists" in capsys.readouterr().err

    assert main(["export", "twee", "minimal", "-o", "-"]) == 0
    assert capsys.readouterr().out == twee

    assert main(["import", "twee", "minimal.twee", "--force"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "wrote scenarios/minimal.yml: 3 nodes from minimal.twee, 0 warnings",
        "it passes 'waspada check'; play it with: waspada play scenarios/minimal.yml",
    ]
    original, _ = load_text(MINIMAL)
    back, problems = load_scenario(project / "scenarios" / "minimal.yml", help_ids=HELP_IDS)
    assert problems == []
    assert back == original


def test_cli_export_of_a_broken_or_unknown_scenario_fails_cleanly(project, capsys):
    assert main(["export", "twee", "nothing-here"]) == 1
    assert "error: no scenario with id 'nothing-here'" in capsys.readouterr().err
    write_scenario(project, MINIMAL.replace("target: home", "target: hom"), name="minimal.yml")
    assert main(["export", "twee", "minimal"]) == 1
    err = capsys.readouterr().err
    assert "scenarios/minimal.yml:" in err and "error: choice 1 of node 'ask' goes to 'hom'" in err
    assert "Traceback" not in err


def test_cli_help_documents_each_export(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s+twee\s+a Twee 3 story that Twine 2 can open and edit$", out, re.M)
    with pytest.raises(SystemExit):
        main(["export", "twee", "--help"])
    out = capsys.readouterr().out
    assert "<!-- waspada" in out and "WaspadaScenario" in out and "ending-safe" in out
    assert main(["export"]) == 2  # no format: the list of formats
    assert "twee" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["import", "twee", "--help"])
    assert "[[target<-label]]" in capsys.readouterr().out


def test_edits_made_in_twine_come_back_and_lost_data_is_reported(minimal):
    """Changed texts and labels, a new passage, a typo in a block, a passage renamed in Twine."""
    twee = (
        scenario_to_twee(minimal)
        .replace("at the market", "at the night market")
        .replace("[[Say no and walk home->home]]", "[[Say no politely->home]]")
        .replace("<!-- waspada\nchoices:", "<!-- waspada\nnote: Watch the room.\nchoices:")
        .replace(":: ask {", ":: Ask First {")
        .replace("->ask]]", "->Ask First]]")  # Twine renames the links to a renamed passage
        .replace("[[Walk home->home]]", "[[Walk home->home]]\n[[Call her brother->Call]]")
    )
    twee += "\n\n:: Call\nHer brother comes to fetch her.\n\n[[Go home->home]]\n"
    data, problems = parse_twee(twee, "story.twee")
    assert data is not None
    offer = data["nodes"]["offer"]
    assert offer["text"] == "A stranger at the night market offers Sari a lift to the city."
    assert offer["choices"] == [
        {"label": "Ask where the car is going", "target": "ask-first"},
        {"label": "Say no politely", "target": "home"},
    ]
    assert data["nodes"]["ask-first"]["choices"][1] == {
        "label": "Call her brother",
        "target": "call",
    }
    assert data["nodes"]["call"] == {
        "text": "Her brother comes to fetch her.",
        "choices": [{"label": "Go home", "target": "home"}],
    }
    assert [str(p) for p in problems] == [
        "story.twee:38:1: warning: passage 'offer': unknown key 'note' in the waspada block (did "
        "you mean 'notes'?); it is not carried over (allowed: text, notes, prompt, choices, "
        "ending)",
        "story.twee:40:1: warning: passage 'offer': the waspada block has data for a choice to "
        "'ask', but the passage has no (more) links to it; the data is not carried over",
    ]


def test_an_edited_text_that_the_block_carries_exactly_is_reported(minimal):
    from dataclasses import replace

    node = replace(minimal.nodes["ask"], text="He says [[nothing]].")
    scenario = replace(minimal, nodes={**minimal.nodes, "ask": node})
    twee = scenario_to_twee(scenario)
    assert "He says [ [nothing] ]." in twee  # Twine would read [[nothing]] as a link
    data, problems = parse_twee(
        twee.replace("He says [ [nothing] ].", "He says nothing."), "s.twee"
    )
    assert data["nodes"]["ask"]["text"] == "He says [[nothing]]."
    assert [str(p) for p in problems] == [
        "s.twee:50:1: warning: passage 'ask': the passage text differs from the exact copy in its "
        "waspada block ('text:'), which is used; make the change there"
    ]


def test_a_damaged_story_gives_problems_never_an_exception():
    """Whatever line is lost or mangled, import answers with located problems."""
    scenario, _ = load_scenario(ROOT / "scenarios" / "cafe-singer.yml")
    lines = scenario_to_twee(scenario).split("\n")
    for index, line in enumerate(lines):
        for damaged in (
            lines[:index] + lines[index + 1 :],
            [*lines[:index], "[[" + line + "{\\", *lines[index + 1 :]],
        ):
            yaml_text, problems = import_twee("\n".join(damaged), "s.twee", "s.yml")
            if yaml_text is None:
                assert any(p.is_error and p.location.line for p in problems)


def test_cli_export_refuses_a_knowledge_check(tmp_path, capsys):
    checks = [p for p in SCENARIO_FILES if re.search(r"(?m)^kind:\s*check\s*$", p.read_text())]
    if not checks:
        pytest.skip("the course has no knowledge check")
    out = tmp_path / "check.twee"
    assert main(["--project", str(ROOT), "export", "twee", checks[0].stem, "-o", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"waspada export twee: error: '{checks[0].stem}' is a knowledge check, not a branching "
        "story; only stories can be exported to Twine\n"
    )
    assert not out.exists()


# -- real stories written by others (tests/hostile/twee/SOURCES.md) ------------------------------

REAL = ROOT / "tests" / "hostile" / "twee" / "real"


def _real(name: str) -> tuple[dict, list[str]]:
    data, problems = parse_twee((REAL / name).read_text(encoding="utf-8"), name)
    assert data is not None, problems
    return data, [str(p) for p in problems]


def _choices(data: dict) -> int:
    return sum(len(node.get("choices", [])) for node in data["nodes"].values())


def _count(problems: list[str], words: str) -> int:
    return sum(words in p for p in problems)


def test_a_real_snowman_story_imports_with_only_the_scenario_gaps():
    """Snowman's own branching example: plain links only, so nothing is lost."""
    data, problems = _real("snowman-branching.twee")
    assert (data["title"], data["start"], len(data["nodes"]), _choices(data)) == (
        "Branching Structure", "start", 7, 10,
    )  # fmt: skip
    assert data["nodes"]["left"]["choices"] == [
        {"label": "Wade into the stream", "target": "leftstream"},
        {"label": "Climb the wet rocks", "target": "leftrocks"},
    ]
    assert "**Ending: The Drowned Hall**" in data["nodes"]["leftstream"]["text"]
    assert len(problems) == 3  # audiences, methods, characters: the gaps every Twine story has
    assert all("a Twine story names no" in p for p in problems)


def test_a_real_sugarcube_story_reports_its_macros_and_keeps_the_links():
    """TweePower's random-events quick start: links inside <<link>> and <<button>> macros."""
    data, problems = _real("sugarcube-random-events.twee")
    assert (data["title"], data["start"], len(data["nodes"]), _choices(data)) == (
        "Random events", "market", 7, 11,
    )  # fmt: skip
    assert "marketstealevent" in [c["target"] for c in data["nodes"]["market"]["choices"]]
    assert len(problems) == 41
    assert _count(problems, "chooses where to go by story-format code") == 22
    assert _count(problems, "is computed by story-format code") == 3  # [[Reload|passage()]]
    assert _count(problems, "'MarketHiddenStoreEvent', which is not a passage") == 1
    assert _count(problems, "special passage StorySubtitle") == 1
    assert _count(problems, "the tag 'passage_metadata' is not carried over") == 2
    assert _count(problems, "the story-format variable '$appleCount'") == 1


def test_a_real_harlowe_story_of_scripts_becomes_one_ending_with_its_code_reported():
    """harlowe-audio's test story: a startup passage, <script> and (link-repeat:) hooks."""
    data, problems = _real("harlowe-audio-test.twee")
    assert (data["title"], data["start"], list(data["nodes"]), _choices(data)) == (
        "harlowe audio test", "start", ["start"], 0,
    )  # fmt: skip
    assert data["nodes"]["start"]["ending"]["kind"] == "mixed"  # a gap to fill in
    assert "<script>A.playlist('bgm')" in data["nodes"]["start"]["text"]  # kept as text
    assert len(problems) == 34
    assert _count(problems, "has the special tag 'startup'") == 1
    assert _count(problems, "the story-format code '<script>' cannot be carried over") == 10
    assert _count(problems, "the story-format code '(link-repeat:") == 11


def test_a_real_chapbook_story_reports_its_inserts_vars_sections_and_missing_passages():
    """Chapbook's own demo passages: inserts, vars sections, and links to demos not included."""
    data, problems = _real("chapbook-demo.twee")
    assert (data["start"], len(data["nodes"]), _choices(data)) == ("start", 8, 58)
    assert data["nodes"]["back-link"]["choices"] == []  # {back link} only: a gap to fill in
    assert len(problems) == 50
    assert _count(problems, "which is not a passage in the story") == 33
    assert _count(problems, "starts with a Chapbook vars section") == 2
    assert _count(problems, "chooses where to go by story-format code") == 4
    assert _count(problems, "moves on only through story-format code") == 1


# -- a stranger's story: where it may write and what it may cost ----------------------------------


def test_an_id_that_climbs_out_of_the_course_is_refused_and_nothing_is_written(project, capsys):
    """`id: ../help` named the file written: with --force it overwrote the course's help.yml."""
    story = CAVE + "\n:: WaspadaScenario [waspada]\n<!-- waspada\nid: ../help\n-->\n"
    (project / "cave.twee").write_text(story, encoding="utf-8")
    help_before = (project / "help.yml").read_bytes()
    before = sorted(p.name for p in project.rglob("*"))
    assert main(["import", "twee", "cave.twee", "--force"]) == 1
    err = capsys.readouterr().err
    assert (
        "cave.twee:34:5: error: passage 'WaspadaScenario': the scenario id '../help' is not a "
        "valid id; use lower-case letters, digits and single hyphens, such as 'bus-stop' (the id "
        "names the scenario file)" in err
    )
    assert "Traceback" not in err
    assert (project / "help.yml").read_bytes() == help_before
    assert sorted(p.name for p in project.rglob("*")) == before


def test_import_never_writes_through_a_symbolic_link(project, tmp_path, capsys):
    """A link planted in scenarios/ must not let --force write wherever it points."""
    victim = tmp_path.parent / f"{tmp_path.name}-victim.yml"
    victim.write_text("mine\n", encoding="utf-8")
    (project / "scenarios" / "the-cave.yml").symlink_to(victim)
    (project / "cave.twee").write_text(CAVE, encoding="utf-8")
    assert main(["import", "twee", "cave.twee", "--force"]) == 1
    assert "scenarios/the-cave.yml is a symbolic link; remove it or name another file with -o" in (
        capsys.readouterr().err
    )
    assert victim.read_text(encoding="utf-8") == "mine\n"
    victim.unlink()


def test_import_into_a_folder_named_with_o(project, capsys):
    (project / "cave.twee").write_text(CAVE, encoding="utf-8")
    assert main(["import", "twee", "cave.twee", "-o", "drafts/"]) == 0
    assert capsys.readouterr().out.startswith("wrote drafts/the-cave.yml: 4 nodes")
    assert (project / "drafts" / "the-cave.yml").is_file()


def test_a_story_over_the_size_limit_is_not_read(project, capsys):
    from waspada.interop.twee.read import MAX_BYTES

    (project / "big.twee").write_bytes(b":: Start\n" + b"x" * MAX_BYTES)
    assert main(["import", "twee", "big.twee"]) == 1
    assert (
        "big.twee: error: the file is larger than 2 MB, the limit for a Twee file; a course "
        "scenario is some kilobytes: split the story" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ":: Start\n" + "\n" * 100_000,
            "story.twee:100001:1: error: the story has 100,002 lines, more than 100,000, the "
            "limit for a Twee file; split the story",
        ),
        (
            "".join(f":: P{i}\nText.\n" for i in range(2_001)),
            "story.twee:4001:1: error: the story has 2,001 passages, more than 2,000, the limit "
            "for a Twee file; split the story",
        ),
        (
            ":: Start\n" + "x" * 10_001 + "\n",
            "story.twee:2:10001: error: passage 'Start': this line has 10,001 characters, more "
            "than 10,000, the limit for a line of text; break it into paragraphs",
        ),
        (
            ":: Start\n" + "[[Start]] " * 900 + "\n" + ("[[Start]] " * 900 + "\n") * 5,
            "story.twee:7:5001: error: passage 'Start': this is link number 5,001 of the story, "
            "more than 5,000, the limit for a Twee file; a course scenario has tens of choices",
        ),
    ],
    ids=["lines", "passages", "line-length", "links"],
)
def test_a_story_over_a_limit_is_refused_with_the_line(text, expected):
    data, problems = parse_twee(text, "story.twee")
    assert data is None
    assert expected in [str(p) for p in problems]


def test_link_and_code_scanning_take_linear_time():
    """Patterns that find no end used to rescan the line from every start: 10,000 characters of
    '(a:' took 70 s, '[[' 13 s, '<<' 5 s. Each such line now takes milliseconds."""
    import time

    for unit in ("(a:", "[[", "<<", "[img[", '(link-goto: "', "$a "):
        line = unit * (9_990 // len(unit))
        started = time.perf_counter()
        parse_twee(":: Start\n" + "\n".join([line] * 20) + "\n", "story.twee")
        assert time.perf_counter() - started < 2.0, unit


def test_many_warnings_are_counted_not_listed():
    data, problems = parse_twee(":: Start\n" + "$a " * 3_000 + "\n", "story.twee")
    assert data is not None
    shown = [str(p) for p in problems]
    assert len(shown) < 210  # 200 problems, the gaps and the count of the rest
    assert "story.twee: warning: 2,800 more problems are not shown; fix those above first" in shown
