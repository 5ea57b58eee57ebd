"""Lighthouse scores of a chapter page and a scenario page of the built course.

Run: npm ci && python benchmarks/lighthouse.py [--profile full] [--lang en]
         [--output _build/html] [--chapter recruitment.html]
         [--scenario practice/cafe-singer.html] [--runs 3] [--reports DIR]

Runs the project's own Lighthouse 12 (node_modules/.bin/lighthouse, a devDependency pinned in
package-lock.json; `npm ci` installs it) with CHROME_PATH=/usr/bin/chromium, headless, on its
default mobile settings (Moto G Power screen, simulated slow 4G, 4x CPU slow-down), against
pages served from a web server on 127.0.0.1 that gzips text files like a production static host
(--no-gzip to send them raw). OUTPUT/PROFILE/LANG is built first with `waspada build` when
missing. Nothing is fetched from the internet. Runs --runs times per page (default 3; the
performance score moves by several points from run to run) and prints the median performance,
accessibility and best-practices scores next to the targets of issue 7 (95, 100, 100), the
metrics behind the performance score of the median run, and the audits that lost points. Each
Lighthouse run is cut off after --timeout seconds (default 180); the JSON reports are kept in
--reports DIR when given.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import CHROMIUM, ROOT, add_site_arguments, site_folder, static_server

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100}
METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("speed-index", "Speed Index"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
)


def lighthouse(url: str, report: Path, timeout: float) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--quiet",
    ]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run(command, env=env, check=True, timeout=timeout)
    return json.loads(report.read_text(encoding="utf-8"))


def score(data: dict, category: str) -> int | None:
    value = data["categories"][category]["score"]
    return None if value is None else round(value * 100)


def print_report(name: str, runs: list[dict]) -> bool:
    """Median scores over the runs next to the targets; the details of the median run."""
    ok = True
    print(f"\n{name} ({len(runs)} runs; median, min-max)")
    for data in runs:
        if data.get("runtimeError"):
            print(f"  runtime error: {data['runtimeError'].get('message')}")
    for category, target in CATEGORIES.items():
        values = [v for v in (score(d, category) for d in runs) if v is not None]
        value = round(statistics.median(values)) if values else None
        met = value is not None and value >= target
        ok = ok and met
        spread = f"{min(values)}-{max(values)}" if values else "-"
        print(
            f"  {category:<16}{'-' if value is None else value:>5}  ({spread:>7})   "
            f"target >= {target:<5}{'met' if met else 'missed'}"
        )
    ordered = sorted(runs, key=lambda d: score(d, "performance") or 0)
    data = ordered[len(ordered) // 2]
    audits = data["audits"]
    print(
        "  metrics: "
        + ", ".join(f"{label} {audits[key]['displayValue']}" for key, label in METRICS)
    )
    lcp = (audits.get("largest-contentful-paint-element") or {}).get("details") or {}
    for table in lcp.get("items", [])[:1]:
        for item in table.get("items", [])[:1]:
            print(f"  LCP element: {(item.get('node') or {}).get('snippet', '')[:100]}")
    savings = sorted(
        (
            audit
            for audit in audits.values()
            if ((audit.get("details") or {}).get("overallSavingsMs") or 0) > 0
        ),
        key=lambda audit: -audit["details"]["overallSavingsMs"],
    )
    for audit in savings[:4]:
        print(
            f"  opportunity: {audit['id']}, about {audit['details']['overallSavingsMs']:.0f} ms"
            + (f" ({audit['displayValue']})" if audit.get("displayValue") else "")
        )
    for category in CATEGORIES:
        refs = data["categories"][category]["auditRefs"]
        lost = [
            audits[ref["id"]]
            for ref in refs
            if ref["weight"] > 0
            and audits[ref["id"]]["score"] is not None
            and audits[ref["id"]]["score"] < 1
            and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
        ]
        for audit in lost:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            print(f"    {category}: {audit['id']} score {audit['score']:.2f}{value}")
            if category != "performance":  # say what failed (console errors, a11y nodes)
                for item in (audit.get("details") or {}).get("items", [])[:4]:
                    where = (item.get("sourceLocation") or {}).get("url") or (
                        (item.get("node") or {}).get("snippet", "")
                    )
                    print(f"      {item.get('description', '')[:90]} {where}".rstrip())
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_site_arguments(parser)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--reports", type=Path, help="keep the JSON reports in this folder")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per Lighthouse run")
    parser.add_argument("--no-gzip", action="store_true", help="serve text files uncompressed")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing; run `npm ci` in {ROOT} first")
    output = args.output.resolve()
    site_folder(output, args.profile, args.lang)
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"Lighthouse {version}, mobile defaults, "
        f"{'raw' if args.no_gzip else 'gzip'} over local HTTP"
    )
    with tempfile.TemporaryDirectory() as tmp:
        reports = args.reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        all_ok = True
        with static_server(output, compress=not args.no_gzip) as base:
            for name in (args.chapter, args.scenario):
                url = f"{base}/{args.profile}/{args.lang}/{name}"
                stem = name.replace("/", "_").removesuffix(".html")
                runs = [
                    lighthouse(url, reports / f"{stem}-{run + 1}.json", args.timeout)
                    for run in range(args.runs)
                ]
                all_ok = print_report(name, runs) and all_ok
    print("\nall targets met" if all_ok else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
