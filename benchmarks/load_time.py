"""Load time of a chapter page and a scenario page on a slow connection (400 kbps, 400 ms).

Run: python benchmarks/load_time.py [--profile full] [--lang en] [--output _build/html]
                                     [--chapter recruitment.html]
                                     [--scenario practice/cafe-singer.html] [--repeat 3]

Serves OUTPUT (default: the project's _build/html; PROFILE/LANG is built first with `waspada
build` when missing) from a web server on 127.0.0.1 that gzips text files like a production
static host (--no-gzip to send them raw), and opens each page in headless Chromium with a cold
cache (a fresh browser context per load) and the network throttled through the DevTools
Protocol (Network.emulateNetworkConditions: 400 kbps down and up, 400 ms latency). Prints, per
page, the median and worst time from navigation to the first contentful paint, to
DOMContentLoaded, to the load event and to the scenario being visible (.wsp-root, on a page
that has one), next to the target of issue 7: at most 4 s. Each load is cut off after
--timeout seconds (default 120).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import add_site_arguments, chromium, site_folder, static_server

TARGET_SECONDS = 4.0
KBPS = 400
LATENCY_MS = 400


# Runs before the page's own scripts: on every rendered frame (so after the render-blocking
# style sheets), note when .wsp-root first has a box and is not hidden, in ms since navigation.
VISIBLE_PROBE = """
(() => {
  const probe = () => {
    const root = document.querySelector('.wsp-root');
    if (root && root.getClientRects().length && getComputedStyle(root).visibility !== 'hidden') {
      window.__wspVisible = performance.now();
    } else if (performance.now() < 300000) {
      requestAnimationFrame(probe);
    }
  };
  requestAnimationFrame(probe);
})();
"""


def throttled_load(browser: object, url: str, timeout: float) -> dict[str, float | None]:
    """One cold load of ``url`` on the emulated slow connection; times in seconds."""
    context = browser.new_context(viewport={"width": 412, "height": 823})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": KBPS * 1000 / 8,  # bytes per second
                "uploadThroughput": KBPS * 1000 / 8,
            },
        )
        page.add_init_script(VISIBLE_PROBE)
        began = time.perf_counter()
        page.goto(url, wait_until="load", timeout=timeout * 1000)
        visible = None
        if page.locator(".wsp-payload, .wsp-root").count():
            remaining = max(1.0, timeout - (time.perf_counter() - began))
            page.wait_for_function("() => window.__wspVisible", timeout=remaining * 1000)
            visible = page.evaluate("() => window.__wspVisible") / 1000
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " const p = performance.getEntriesByName('first-contentful-paint')[0];"
            " return {fcp: p ? p.startTime : null, dcl: n.domContentLoadedEventEnd,"
            " load: n.loadEventEnd}; }"
        )
        return {
            "fcp": timing["fcp"] / 1000 if timing["fcp"] else None,
            "dcl": timing["dcl"] / 1000,
            "load": timing["load"] / 1000,
            "visible": visible,
        }
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_site_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120, help="seconds per load")
    parser.add_argument("--no-gzip", action="store_true", help="serve text files uncompressed")
    args = parser.parse_args()
    output = args.output.resolve()
    site_folder(output, args.profile, args.lang)
    print(
        f"{KBPS} kbps down/up, {LATENCY_MS} ms latency, cold cache, "
        f"{'uncompressed' if args.no_gzip else 'gzip'} over local HTTP, {args.repeat} loads each"
    )
    print(f"{'page':<28}{'time to':<20}{'median s':>9}{'max s':>8}{'target':>9}")
    with static_server(output, compress=not args.no_gzip) as base, chromium() as browser:
        for name in (args.chapter, args.scenario):
            url = f"{base}/{args.profile}/{args.lang}/{name}"
            runs = [throttled_load(browser, url, args.timeout) for _ in range(args.repeat)]
            for key, label, target in (
                ("fcp", "first paint (FCP)", ""),
                ("dcl", "DOMContentLoaded", ""),
                ("load", "load event", f"<= {TARGET_SECONDS:g} s"),
                ("visible", "scenario visible", f"<= {TARGET_SECONDS:g} s"),
            ):
                values = [r[key] for r in runs if r[key] is not None]
                if not values:
                    continue
                print(
                    f"{name:<28}{label:<20}{statistics.median(values):>9.2f}{max(values):>8.2f}"
                    f"{target:>9}".rstrip()
                )
                name = ""
    return 0


if __name__ == "__main__":
    sys.exit(main())
