"""How soon `waspada preview` shows an author's edit: a scenario, a chapter and a translation.

Run: python benchmarks/preview.py [--lang id] [--repeat 5] [--timeout 900]

Copies the project's files as they are in the working tree (`git ls-files --cached --others
--exclude-standard`: tracked files and new ones that are not ignored) to a temporary folder,
times a full `waspada build --profile full --lang en` there (into a folder of its own, from
nothing), then starts `waspada preview --profile full --lang LANG` on the copy (Indonesian by
default, so that a translation has a page to show) and opens its pages in headless Chromium
(Debian's, at /usr/bin/chromium). For each kind of edit, --repeat times, it saves the file and
measures the wall time from just before the save to the open page showing the new text, after
the page reloaded itself (checked every 20 ms):

- scenario: a word added to the first scene of scenarios/cafe-singer.yml, seen in the player
  of practice/cafe-singer.html;
- translation: a word added to a message of locales/LANG/LC_MESSAGES/recruitment.po, seen in
  recruitment.html;
- chapter: a paragraph added to book/recruitment.md, seen in recruitment.html.

Prints each time, the preview's own rebuild lines (pages written), the medians next to the
targets of issue 18 (under 3 s for a scenario or a translation, under 5 s for a chapter) and,
as its last line: `preview: scenario X s, translation Y s, chapter Z s (full build W s)`.
Every wait is bounded (--wait, default 60 s per edit) and a watchdog stops the run after
--timeout seconds; the copy is deleted at the end (--keep keeps it). Contacts 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import chromium

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"scenario": 3.0, "translation": 3.0, "chapter": 5.0}
SCENARIO_FILE = "scenarios/cafe-singer.yml"
SCENARIO_PAGE = "practice/cafe-singer.html"
SCENARIO_ANCHOR = "Sari is 19."
CHAPTER_FILE = "book/recruitment.md"
CHAPTER_PAGE = "recruitment.html"
# A message of recruitment.po whose translation the benchmark prefixes with a marker word.
CATALOG_MSGID = (
    'msgid "This chapter shows thirteen common methods (*modus operandi*). Each section has:"'
)


class RunningPreview:
    """`waspada preview` on the copy, its output lines collected as they come."""

    def __init__(self, project: Path, lang: str, port: int) -> None:
        command = [
            sys.executable, "-m", "waspada", "--project", str(project), "preview",
            "--profile", "full", "--lang", lang, "--port", str(port),
        ]  # fmt: skip
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, starts: tuple[str, ...], after: int, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            for line in self.lines[after:]:
                if line.startswith(starts):
                    return line
            time.sleep(0.05)
        tail = "\n".join(self.lines[-30:])
        sys.exit(f"the preview did not print {starts} in {timeout:.0f} s; its output:\n{tail}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)


def page_shows(page: object, selector: str, text: str) -> bool:
    """Whether the element ``selector`` of the page now shown contains ``text`` (False while the
    page is between two documents)."""
    try:
        return bool(
            page.evaluate(  # type: ignore[attr-defined]
                "([s, t]) => { const e = document.querySelector(s); "
                "return !!e && e.innerText.includes(t); }",
                [selector, text],
            )
        )
    except Exception:  # the page is reloading: its old document is gone
        return False


def time_edit(
    preview: RunningPreview,
    page: object,
    path: Path,
    edit: str,
    selector: str,
    marker: str,
    wait: float,
) -> tuple[float, str]:
    """Save ``edit`` into ``path``; the seconds until ``page`` shows ``marker``, and the
    preview's rebuild line."""
    mark = len(preview.lines)
    began = time.perf_counter()
    path.write_text(edit, encoding="utf-8")
    while not page_shows(page, selector, marker):
        if time.perf_counter() - began > wait:
            tail = "\n".join(preview.lines[-40:])
            sys.exit(f"the page did not show {marker!r} within {wait:.0f} s; preview:\n{tail}")
        time.sleep(0.02)
    took = time.perf_counter() - began
    line = preview.wait_for(("rebuilt in", "not rebuilt", "build failed"), mark, wait)
    return took, line


def full_build(project: Path, output: Path, timeout: float) -> float:
    command = [
        sys.executable, "-m", "waspada", "--project", str(project), "build",
        "--profile", "full", "--lang", "en", "--output", str(output),
    ]  # fmt: skip
    began = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode:
        sys.exit(f"waspada build failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return time.perf_counter() - began


def worker_memory_mb(parent: int) -> float | None:
    """The resident memory of the preview's Sphinx process (its child), from /proc."""
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit():
                continue
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) != parent:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            continue
    return None


def copy_sources(destination: Path) -> int:
    """The working tree's course files (tracked, and new ones not ignored) into ``destination``."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    count = 0
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file() and not source.is_symlink() and not name.startswith("node_modules/"):
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            count += 1
    return count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="id", help="the preview's language (default: id)")
    parser.add_argument("--repeat", type=int, default=5, help="edits of each kind (default 5)")
    parser.add_argument("--wait", type=float, default=60, help="seconds one edit may take")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    args = parser.parse_args()
    watchdog = threading.Timer(args.timeout, lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()

    tmp = Path(tempfile.mkdtemp(prefix="waspada-preview-bench-"))
    preview: RunningPreview | None = None
    try:
        project = tmp / "course"
        count = copy_sources(project)
        print(f"copied {count} files to {project}", flush=True)
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
        full = full_build(project, tmp / "full-build", args.timeout)
        print(f"full build (waspada build --profile full --lang en): {full:.1f} s", flush=True)

        port = free_port()
        began = time.perf_counter()
        preview = RunningPreview(project, args.lang, port)
        print(preview.wait_for(("Waspada preview",), 0, args.wait), flush=True)
        first = preview.wait_for(("rebuilt in", "not rebuilt", "build failed"), 0, 600)
        if not first.startswith("rebuilt in"):
            sys.exit("the first build failed:\n" + "\n".join(preview.lines))
        print(f"first preview build: {time.perf_counter() - began:.1f} s ({first})", flush=True)

        scenario = project / SCENARIO_FILE
        chapter = project / CHAPTER_FILE
        catalog = project / "locales" / args.lang / "LC_MESSAGES" / "recruitment.po"
        scenario_text = scenario.read_text(encoding="utf-8")
        chapter_text = chapter.read_text(encoding="utf-8")
        catalog_text = catalog.read_text(encoding="utf-8")
        if SCENARIO_ANCHOR not in scenario_text or CATALOG_MSGID + '\nmsgstr "' not in catalog_text:
            sys.exit(
                "the benchmark's anchors are no longer in the course; update benchmarks/preview.py"
            )

        times: dict[str, list[float]] = {kind: [] for kind in TARGETS}
        base = f"http://127.0.0.1:{port}/"
        with chromium() as browser:
            context = browser.new_context()  # type: ignore[attr-defined]
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(base) else route.abort()
                ),
            )
            page = context.new_page()
            for number in range(1, args.repeat + 1):
                # A scenario: the player of its page shows the new first scene.
                page.goto(base + SCENARIO_PAGE)
                page.locator(".wsp-text").wait_for()
                marker = f"Bench{number}s"
                edit = scenario_text.replace(SCENARIO_ANCHOR, f"{SCENARIO_ANCHOR} {marker}.", 1)
                took, line = time_edit(
                    preview, page, scenario, edit, ".wsp-text", marker, args.wait
                )
                times["scenario"].append(took)
                print(f"scenario    #{number}: {took:5.2f} s   {line}", flush=True)

                page.goto(base + CHAPTER_PAGE)
                page.locator("article").wait_for()
                marker = f"Bench{number}t"
                edit = catalog_text.replace(
                    CATALOG_MSGID + '\nmsgstr "', CATALOG_MSGID + f'\nmsgstr "{marker} ', 1
                )
                took, line = time_edit(preview, page, catalog, edit, "article", marker, args.wait)
                times["translation"].append(took)
                print(f"translation #{number}: {took:5.2f} s   {line}", flush=True)

                marker = f"Bench{number}c"
                edit = chapter_text + f"\n{marker} is a paragraph the benchmark added.\n"
                took, line = time_edit(preview, page, chapter, edit, "article", marker, args.wait)
                times["chapter"].append(took)
                print(f"chapter     #{number}: {took:5.2f} s   {line}", flush=True)
            context.close()
        print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        memory = worker_memory_mb(preview.process.pid)
        if memory is not None:
            print(f"the preview's Sphinx process holds {memory:.0f} MB (RSS)")
        medians = {kind: statistics.median(values) for kind, values in times.items()}
        for kind, value in medians.items():
            met = "met" if value < TARGETS[kind] else "MISSED"
            print(
                f"{kind:<12} median {value:.2f} s (min {min(times[kind]):.2f}, max "
                f"{max(times[kind]):.2f}); target under {TARGETS[kind]:.0f} s: {met}"
            )
        print(
            f"preview: scenario {medians['scenario']:.1f} s, translation "
            f"{medians['translation']:.1f} s, chapter {medians['chapter']:.1f} s "
            f"(full build {full:.1f} s)"
        )
    finally:
        if preview is not None:
            preview.stop()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
