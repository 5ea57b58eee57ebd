"""Hostile and broken inputs: every case ends in a clear message, never harm.

Each folder under ``tests/hostile/`` holds the inputs of one kind (scenarios, help, profiles,
languages, po, twee) and a ``cases.yml`` naming, for each input, where it goes in a throw-away
copy of the course, the ``waspada`` command to run, the exit status and the exact message
expected. ``tests/hostile/README.md`` describes the format.

Whatever the case, the run must also: print no traceback, finish within its time limit (a hang
fails), write nothing outside the course, and leave no live markup from the marker host
``evil.example`` in anything it built.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
HOSTILE = Path(__file__).parent / "hostile"
# What of the repository a throw-away course needs: sources, not tests, builds or tools.
COURSE_PARTS = (
    "_config.yml", "_toc.yml", "book", "scenarios", "help.yml", "profiles.yml", "locales",
)  # fmt: skip
DEFAULT_TIMEOUT = 10.0
LIVE_MARKER = re.compile(
    r"<[a-zA-Z][^<>]*evil\.example"  # a tag naming the marker host: a link, a redirect, a source
    # a style or script element whose content names it; a JSON data block is inert
    r'|<(style|script)\b(?![^>]*type="application/json")[^>]*>[^<]*evil\.example',
    re.IGNORECASE,
)


def _cases() -> list[Any]:
    params = []
    for cases_file in sorted(HOSTILE.glob("*/cases.yml")):
        area = cases_file.parent
        for case in yaml.safe_load(cases_file.read_text(encoding="utf-8")) or []:
            params.append(pytest.param(area, case, id=f"{area.name}/{case['name']}"))
    return params


CASES = _cases()


def test_the_corpus_is_large_enough():
    """The issue asked for at least 80 hostile inputs across the kinds of file."""
    areas = {param.values[0].name for param in CASES}
    assert len(CASES) >= 80, len(CASES)
    assert {"scenarios", "help", "profiles", "languages", "po", "twee"} <= areas, areas


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    for part in COURSE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, course / part)
        else:
            shutil.copyfile(source, course / part)
    return course


def _install(case: dict[str, Any], area: Path, course: Path, outside: Path) -> Path | None:
    """Put the case's input in place; return the path of the installed input, if any."""
    for removed in case.get("remove", []):
        target = course / removed
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    for edit in case.get("edit", []):
        # Change one text of a course file in place: a realistic file with one thing wrong.
        target = course / edit["path"]
        text = target.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{edit['path']} no longer contains {edit['old']!r}"
        target.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    install = case.get("install")
    if install is None:
        return area / case["file"] if "file" in case else None
    target = course / install
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.get("fifo"):
        os.mkfifo(target)
    elif "symlink" in case:
        link = str(case["symlink"]).replace("{outside}", str(outside))
        target.symlink_to(link)
    elif "file" in case:
        data = (area / case["file"]).read_bytes()
        # Inputs too large to keep in the repository are made here: a marker in the file is
        # replaced by a text repeated many times, and `pad` appends a comment of that many bytes.
        for marker, spec in case.get("repeat", {}).items():
            data = data.replace(marker.encode(), spec["text"].encode() * spec["times"])
        if "pad" in case:
            data += b"# " + b"x" * case["pad"] + b"\n"
        target.write_bytes(data)
    else:
        target.write_text(case.get("text", ""), encoding="utf-8")
    return target


def _tree(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.mark.parametrize(("area", "case"), CASES)
def test_hostile_input(tmp_path, area, case):
    course = _course(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched\n", encoding="utf-8")
    installed = _install(case, area, course, outside)
    before_outside = _tree(outside)
    before_top = set(os.listdir(tmp_path))
    args = [
        str(a)
        .replace("{file}", str(installed))
        .replace("{outside}", str(outside))
        .replace("{course}", str(course))
        for a in case["run"]
    ]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1"}
    timeout = float(case.get("timeout", DEFAULT_TIMEOUT))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "waspada", *args],
            cwd=course,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"waspada {' '.join(args)} did not finish within {timeout:g} s")
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode == case.get("exit", 1), output[-3000:]
    for expected in case.get("expect", []):
        expected = str(expected).replace("{outside}", str(outside))
        assert expected in output, f"expected {expected!r} in:\n{output[-3000:]}"
    for unexpected in case.get("absent", []):
        assert str(unexpected) not in output, output[-3000:]
    # Nothing written outside the course.
    assert _tree(outside) == before_outside
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "untouched\n"
    assert set(os.listdir(tmp_path)) == before_top
    # Nothing built or exported carries the marker host in live markup: not in a tag, nor in a
    # style or script element's content (escaped text, "&lt;meta ... evil.example", is fine).
    for page in course.rglob("*.html"):
        html = page.read_text(encoding="utf-8", errors="replace")
        assert not LIVE_MARKER.search(html), (page, LIVE_MARKER.search(html))
    for check in case.get("files", []):
        path = course / check["path"]
        if "exists" in check:
            assert path.exists() == check["exists"], path
        if "contains" in check:
            assert check["contains"] in path.read_text(encoding="utf-8"), path
