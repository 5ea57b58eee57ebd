"""Build time of the whole course: a cold build, then an incremental one after editing a chapter.

Run: python benchmarks/build_time.py [--profile full ...] [--lang en ...] [--timeout 1500]

Copies the project's git-tracked files (`git ls-files`, as they are in the working tree) to a
temporary folder, so the cold build starts with no _build/ at all (no doctrees, no compiled
catalogs, no tables of contents) and the working tree's _build/ is never touched. Then times
`waspada build` there (every profile and language by default; --profile/--lang to narrow),
appends a space to book/health.md and times the same command again (Sphinx re-reads only what
changed). Prints both wall times, how many documents Sphinx read and pages it wrote, and the
target of issue 7: a cold build of the full course in all languages in at most 120 s. Each build is
stopped after --timeout seconds; the copy is deleted at the end (--keep to keep it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_COLD_SECONDS = 120
EDITED = "book/health.md"


def copy_sources(destination: Path) -> int:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    count = 0
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            count += 1
    return count


def timed_build(project: Path, options: list[str], log: Path, timeout: float) -> tuple[float, str]:
    """Run `waspada build` in ``project``; return its wall time and what it wrote."""
    command = [sys.executable, "-m", "waspada", "--project", str(project), "build", *options]
    began = time.perf_counter()
    began_clock = time.time() - 1  # file times have coarse resolution on some file systems
    with log.open("w") as out:
        process = subprocess.run(
            command, cwd=project, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    took = time.perf_counter() - began
    text = log.read_text(errors="replace")
    if process.returncode:
        sys.exit(f"the build failed (exit {process.returncode}); its output:\n{text[-3000:]}")
    return took, written_since(project, began_clock)


def written_since(project: Path, began: float) -> str:
    """How many documents Sphinx (re)read and how many pages it wrote since ``began``."""
    build = project / "_build"
    doctrees = [p for p in build.glob(".doctrees/*/**/*.doctree") if p.stat().st_mtime >= began]
    pages = [p for p in build.glob("html/**/*.html") if p.stat().st_mtime >= began]
    sites = len(list(build.glob(".doctrees/*/environment.pickle")))
    return f"{sites} sites; {len(doctrees)} documents read, {len(pages)} pages written"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="append", help="only this profile (repeatable)")
    parser.add_argument("--lang", action="append", help="only this language (repeatable)")
    parser.add_argument("--timeout", type=float, default=1500, help="seconds per build")
    parser.add_argument("--keep", action="store_true", help="keep the copy and its logs")
    args = parser.parse_args()
    options = [f"--profile={p}" for p in args.profile or []] + [
        f"--lang={lang}" for lang in args.lang or []
    ]
    what = (
        f"profiles {', '.join(args.profile) if args.profile else 'all'}, "
        f"languages {', '.join(args.lang) if args.lang else 'all'}"
    )
    tmp = Path(tempfile.mkdtemp(prefix="waspada-build-time-"))
    try:
        project = tmp / "course"
        count = copy_sources(project)
        print(f"copied {count} tracked files to {project}; building {what}", flush=True)
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
        cold, wrote = timed_build(project, options, tmp / "cold.log", args.timeout)
        print(f"cold build:        {cold:7.1f} s   ({wrote})", flush=True)
        time.sleep(1.5)
        with (project / EDITED).open("a", encoding="utf-8") as chapter:
            chapter.write(" ")
        warm, wrote = timed_build(project, options, tmp / "incremental.log", args.timeout)
        print(f"incremental build: {warm:7.1f} s   ({wrote}) after editing {EDITED}")
        print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        met = "met" if cold <= TARGET_COLD_SECONDS else "missed"
        print(
            f"target: cold build of the full course in all languages <= {TARGET_COLD_SECONDS} s"
            f" ({met} for {what})"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
