"""`waspada preview` without a browser: what a changed file means, the problems banner, the page
the server sends, and that stopping the preview stops every process it started."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from waspada.preview import (
    BuildResult,
    PreviewState,
    Rebuild,
    banner_html,
    blocks,
    build_failure,
    changed_files,
    classify,
    describe,
    forget_doctrees,
    inject,
    plan,
    scan,
    start_server,
)
from waspada.scenario import Problem
from waspada.scenario.problems import Location, Severity

ROOT = Path(__file__).resolve().parents[1]
CHAIN = ["jv", "id"]  # a Javanese preview reads Javanese, then Indonesian catalogs


# -- what changed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("book/recruitment.md", "chapter"),
        ("book/images/three-elements.svg", "chapter"),
        ("scenarios/cafe-singer.yml", "scenario"),
        ("scenarios/new.yaml", "scenario"),
        ("districts/lombok.yml", "district"),
        ("help.yml", "help"),
        ("profiles.yml", "profiles"),
        ("_config.yml", "config"),
        ("_toc.yml", "toc"),
        ("locales/languages.yml", "languages"),
        ("locales/jv/LC_MESSAGES/recruitment.po", "translation"),
        ("locales/id/LC_MESSAGES/scenarios.po", "translation"),  # the fallback of jv
        # Checked, but no page of a Javanese preview shows it:
        ("locales/su/LC_MESSAGES/recruitment.po", "other translation"),
        # Not sources at all:
        ("locales/jv/LC_MESSAGES/recruitment.mo", None),
        ("locales/templates/recruitment.pot", None),
        ("scenarios/README.md", None),
        ("scenarios/.cafe-singer.yml.swp", None),
        ("scenarios/#cafe-singer.yml#", None),
        ("scenarios/cafe-singer.yml~", None),
        ("scenarios/drafts/old.yml", None),
        ("book/.ipynb_checkpoints/x.md", None),
        ("book/_build/html/index.html", None),
        ("_build/toc/full.yml", None),
        ("README.md", None),
    ],
)
def test_classify_says_what_a_changed_file_is(path: str, kind: str | None) -> None:
    assert classify(path, CHAIN) == kind


def test_scan_notices_an_edit_a_new_file_and_a_removal_but_not_editor_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "book" / "index.md").write_text("# Hello\n")
    (tmp_path / "scenarios" / "a.yml").write_text("id: a\n")
    (tmp_path / "help.yml").write_text("services: []\n")
    before = scan(tmp_path, [])
    assert set(before) == {"book/index.md", "scenarios/a.yml", "help.yml"}

    (tmp_path / "scenarios" / "a.yml").write_text("id: a\ntitle: longer now\n")
    (tmp_path / "scenarios" / "b.yml").write_text("id: b\n")
    (tmp_path / "scenarios" / ".a.yml.swp").write_text("swap")
    (tmp_path / "book" / "index.md").unlink()
    after = scan(tmp_path, [])
    assert changed_files(before, after) == ["book/index.md", "scenarios/a.yml", "scenarios/b.yml"]
    assert changed_files(after, scan(tmp_path, [])) == []


def test_the_rebuild_line_names_the_changed_files() -> None:
    assert describe(["scenarios/x.yml"]) == "scenarios/x.yml changed"
    assert describe([f"book/{n}.md" for n in "abcde"]) == (
        "book/a.md, book/b.md, book/c.md and 2 more changed"
    )


def test_a_translation_recompiles_catalogs_and_theme_text_rewrites_every_page() -> None:
    assert plan(["scenarios/x.yml", "book/a.md"], CHAIN) == Rebuild()
    assert plan(["locales/su/LC_MESSAGES/recruitment.po"], CHAIN) == Rebuild()
    assert plan(["locales/jv/LC_MESSAGES/recruitment.po"], CHAIN) == Rebuild(
        compile_catalogs=True, reread=("recruitment",)
    )
    # The theme's and the interface's text is on every page, not only on pages read again.
    assert plan(["locales/id/LC_MESSAGES/sphinx.po"], CHAIN) == Rebuild(True, True)
    assert plan(["locales/jv/LC_MESSAGES/ui.po"], CHAIN) == Rebuild(True, True)
    assert plan(["locales/languages.yml"], CHAIN) == Rebuild(True, True)


def test_the_pages_of_a_changed_chapter_catalog_are_read_again(tmp_path: Path) -> None:
    """Sphinx alone would miss a .po saved between compiling the catalogs and reading the page:
    the page's doctree goes, so Sphinx reads the page again."""
    build = tmp_path / ".doctrees" / "html-full-jv-author"
    pages = ["index", "recruitment", "practice/index", "practice/cafe-singer", "guides/village"]
    for page in pages:
        (build / f"{page}.doctree").parent.mkdir(parents=True, exist_ok=True)
        (build / f"{page}.doctree").write_bytes(b"doctree")
    forget_doctrees(tmp_path, ["recruitment", "practice"])
    left = sorted(p.relative_to(build).as_posix() for p in build.rglob("*.doctree"))
    assert left == ["guides/village.doctree", "index.doctree"]


def test_only_errors_in_what_this_preview_reads_stop_a_rebuild() -> None:
    def problem(file: str, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(Location(file, 3, 1), "broken", severity)

    assert blocks(problem("scenarios/x.yml"), CHAIN)
    assert blocks(problem("locales/id/LC_MESSAGES/practice.po"), CHAIN)
    assert blocks(problem("locales/languages.yml"), CHAIN)
    assert not blocks(problem("scenarios/x.yml", Severity.WARNING), CHAIN)
    # Another language's broken catalog is shown, but the Javanese preview goes on.
    assert not blocks(problem("locales/sas/LC_MESSAGES/practice.po"), CHAIN)


def test_a_failed_sphinx_build_is_shown_by_its_last_lines() -> None:
    output = ["Running Sphinx", *(f"noise {n}" for n in range(20)), "", "  in _config.yml, line 53"]
    output.append("ParserError: expected ',' or ']'")
    problems = build_failure(BuildResult(False, 0.1, [], output))
    assert [p.message for p in problems[-2:]] == [
        "in _config.yml, line 53",
        "ParserError: expected ',' or ']'",
    ]
    assert len(problems) == 10 and all(p.is_error for p in problems)
    assert build_failure(BuildResult(False, 0.1, [], []))[0].message.startswith("the build failed")


# -- what the page shows -------------------------------------------------------------------------

HOSTILE = Problem(
    Location('scenarios/<img src=x onerror="alert(1)">.yml', 7, 3),
    "label '<script>alert(1)</script>' & \"quotes\"; fix: use plain text",
)


def test_the_banner_shows_file_line_and_message_as_text_never_markup() -> None:
    banner = banner_html([HOSTILE], "Not rebuilt <b>now</b>")
    assert "<script" not in banner and "<img" not in banner and "<b>" not in banner
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert "scenarios/&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.yml:7:3: error:" in banner
    assert "fix: use plain text" in banner
    assert "Not rebuilt &lt;b&gt;now&lt;/b&gt;" in banner
    assert banner_html([], "nothing to say") == ""


def test_a_page_gets_the_reload_script_and_the_banner_but_keeps_its_policy() -> None:
    page = (
        b'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        b"content=\"default-src 'self'; script-src 'self' blob:\"></head>"
        b'<body class="x"><main>Hello</main></body></html>'
    )
    shown = inject(page, 7, banner_html([HOSTILE], "Not rebuilt"))
    head, body = shown.split(b"</head>")
    assert b'<script src="/_preview/reload.js" data-version="7" defer></script>' in head
    assert b"script-src 'self' blob:" in head  # untouched: the script is a same-origin file
    assert body.startswith(b'<body class="x"><div id="wsp-preview-banner"')
    assert b"<main>Hello</main>" in body
    assert b"<script>" not in shown


# -- the server ----------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, PreviewState, Path]]:
    site = tmp_path / "html"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<html><head></head><body><p>Home</p></body></html>")
    (site / "sub" / "page.html").write_text("<html><head></head><body><p>Page</p></body></html>")
    (tmp_path / "secret.txt").write_text("not for the browser")
    state = PreviewState(built=True)
    running = start_server(site, state, 0)
    try:
        yield running.server_address[1], state, site
    finally:
        state.stop()
        running.shutdown()
        running.server_close()


def _get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", f"{host}:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_the_server_adds_the_reload_script_and_the_problems_to_each_page(
    server: tuple[int, PreviewState, Path],
) -> None:
    port, state, _ = server
    status, body = _get(port, "/sub/page.html")
    assert status == 200 and b"<p>Page</p>" in body and b"/_preview/reload.js" in body
    assert b"wsp-preview-banner" not in body
    state.update(problems=[HOSTILE], heading="Not rebuilt")
    status, body = _get(port, "/")
    assert b"<p>Home</p>" in body and b'id="wsp-preview-banner"' in body
    assert b"&lt;script&gt;" in body and b"<script>alert" not in body
    status, script = _get(port, "/_preview/reload.js")
    assert status == 200 and b"EventSource" in script


def test_the_server_sends_nothing_outside_the_build_and_answers_only_to_this_computer(
    server: tuple[int, PreviewState, Path],
) -> None:
    port, _, _ = server
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/sub/../../secret.txt"):
        status, body = _get(port, path)
        assert status == 404 and b"not for the browser" not in body, path
    # A page on another site that rebinds its name to 127.0.0.1 is refused.
    status, body = _get(port, "/index.html", host="attacker.example")
    assert status == 403 and b"Home" not in body


def test_an_open_page_hears_of_each_new_build(server: tuple[int, PreviewState, Path]) -> None:
    port, state, _ = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/_preview/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_version() -> str:
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                return line[6:].strip()

    assert next_version() == str(state.version)
    threading.Timer(0.2, lambda: state.update(problems=[])).start()
    assert next_version() == str(state.version)
    connection.close()


# -- stopping ------------------------------------------------------------------------------------

PREVIEW = [sys.executable, "-m", "waspada", "--project"]
MARKET_LIFT = ROOT / "tests" / "vectors" / "market-lift.yml"


def make_course(root: Path) -> Path:
    """A one-chapter course with the market-lift scenario (the sources a preview reads)."""
    (root / "scenarios").mkdir(parents=True)
    (root / "book").mkdir()
    (root / "locales").mkdir()
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "help.yml", root / "help.yml")
    shutil.copy(MARKET_LIFT, root / "scenarios" / "market-lift.yml")
    (root / "book" / "index.md").write_text("# Test course\n\nA course for the preview.\n")
    (root / "book" / "lift.md").write_text("# A lift\n\n```{scenario} market-lift\n```\n")
    (root / "profiles.yml").write_text(
        "profiles:\n  full: {title: Test course, root: index, chapters: [lift], scenarios: []}\n"
    )
    (root / "locales" / "languages.yml").write_text(
        "languages:\n  en: {english: English, native: English, fallback: [], cldr: en,"
        " status: reviewed}\n"
    )
    return root


def _children(pid: int) -> list[int]:
    """Every process ``pid`` started that is still there (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("preview-course"))


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    "stop",
    [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
    ids=["SIGTERM", "Ctrl+C", "closed terminal", "killed outright"],
)
def test_stopping_the_preview_stops_the_sphinx_process_too(course: Path, stop: int) -> None:
    """Every way of stopping the preview stops its Sphinx process too; all but SIGKILL (after
    which Linux tells the Sphinx process to stop) end quietly with exit status 0."""
    port = free_port()
    process = subprocess.Popen(
        [*PREVIEW, str(course), "preview", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("rebuilt in") or not line:
                break
        assert lines[-1].startswith("rebuilt in"), "".join(lines)
        assert lines[-2] == "rebuilding (first build) ...\n"
        workers = _children(process.pid)
        assert workers, "no Sphinx process was running"
        status, body = _get(port, "/lift.html")
        assert status == 200 and b"market-lift" in body
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if stop == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 0
        assert "Traceback" not in err, err
        assert out.rstrip().endswith("preview stopped")
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "the Sphinx process outlived the preview"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_busy_port_is_a_plain_error(course: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*PREVIEW, str(course), "preview", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


# -- an edited translation reaches the page ------------------------------------------------------

POT_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def test_an_edited_chapter_translation_reaches_an_incremental_build(tmp_path: Path) -> None:
    """Sphinx saw no dependency of a page on its .po file (it looks for .po files beside the
    compiled .mo, and there are none): an edited translation never reached the page."""
    root = make_course(tmp_path / "course")
    (root / "locales" / "languages.yml").write_text(
        "languages:\n"
        "  en: {english: English, native: English, fallback: [], cldr: en, status: reviewed}\n"
        "  id: {english: Indonesian, native: Bahasa Indonesia, fallback: [en], cldr: id,"
        " status: draft}\n"
    )
    messages = ["Test course", "A course for the preview."]
    (root / "locales" / "templates").mkdir()
    (root / "locales" / "templates" / "index.pot").write_text(
        POT_HEADER + "".join(f'\nmsgid "{m}"\nmsgstr ""\n' for m in messages)
    )
    catalog = root / "locales" / "id" / "LC_MESSAGES" / "index.po"
    catalog.parent.mkdir(parents=True)
    out = root / "_build" / "html" / "full" / "id"
    command = [sys.executable, "-m", "waspada.book.build", str(root), "id", str(out)]
    for paragraph in ("Kursus untuk pratinjau.", "Kursus yang sudah diubah."):
        catalog.write_text(
            POT_HEADER
            + '"Language: id\\n"\n'
            + f'\nmsgid "{messages[0]}"\nmsgstr "Kursus uji"\n'
            + f'\nmsgid "{messages[1]}"\nmsgstr "{paragraph}"\n'
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert paragraph in (out / "index.html").read_text(encoding="utf-8")
