"""Page weight of the built course: requests and bytes of every page, loaded in Chromium.

Run: python benchmarks/page_weight.py [--profile full] [--lang en] [--output _build/html]
                                      [--page practice/cafe-singer.html ...] [--check]

Serves OUTPUT (default: the project's _build/html) from a web server on 127.0.0.1, opens every
page of OUTPUT/PROFILE/LANG (building it first with `waspada build --profile P --lang L
--output OUTPUT` when it has no index.html) in headless Chromium with a cold cache, waits for
the load event and for the network to go idle, and records every request the page makes. Prints,
per page, the requests and bytes by type (html, css, js, font, image, other) raw and gzipped,
then the median and maximum over the pages next to the targets of issue 7: at most 100 KB
gzipped, at most 12 requests, no external request (any host other than 127.0.0.1; they are
recorded and aborted, never sent), and the largest resources.

Gzipped bytes are what a gzip-serving web server sends: each response body compressed here with
gzip level 6, or its raw size when gzip does not make it smaller (woff2, png, jpeg). KB = 1024
bytes. Exit status 0 (this measures; it does not judge), or with --check 1 if a page misses a
target. Takes about one second per page; every wait is bounded.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import add_site_arguments, chromium, pages_of, site_folder, static_server

TARGET_GZIP_KB = 100
TARGET_REQUESTS = 12
TARGET_EXTERNAL = 0
KINDS = ("html", "css", "js", "font", "image", "other")
PAGE_TIMEOUT_MS = 30_000
IDLE_TIMEOUT_MS = 10_000
KB = 1024


@dataclass
class Resource:
    url: str
    kind: str
    raw: int
    gz: int


@dataclass
class PageLoad:
    name: str
    url: str
    resources: list[Resource] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.resources) + len(self.external) + len(self.failed)

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.resources)


def kind_of(resource_type: str, content_type: str, url: str) -> str:
    by_type = {
        "document": "html",
        "stylesheet": "css",
        "script": "js",
        "font": "font",
        "image": "image",
    }
    if resource_type in by_type:
        return by_type[resource_type]
    content_type = content_type.split(";")[0].strip().lower()
    path = urlparse(url).path.lower()
    if content_type == "text/html" or path.endswith((".html", ".htm")):
        return "html"
    if content_type == "text/css" or path.endswith(".css"):
        return "css"
    if "javascript" in content_type or path.endswith((".js", ".mjs")):
        return "js"
    if content_type.startswith("font/") or path.endswith((".woff", ".woff2", ".ttf", ".otf")):
        return "font"
    if content_type.startswith("image/"):
        return "image"
    return "other"


def gzipped_size(body: bytes) -> int:
    return min(len(body), len(gzip.compress(body, compresslevel=6, mtime=0)))


def is_local(url: str) -> bool:
    parts = urlparse(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == "127.0.0.1"


def load(browser: object, base: str, name: str, url: str) -> PageLoad:
    """Open ``url`` in a fresh context (a cold cache) and measure everything it fetched."""
    result = PageLoad(name, url.removeprefix(base))
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    finished: list[object] = []

    def route(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if is_local(request.url):
            route.continue_()  # type: ignore[attr-defined]
        else:  # recorded, never sent: the benchmark itself stays offline
            result.external.append(request.url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfinished", lambda request: finished.append(request))
    page.on(
        "requestfailed",
        lambda r: None if not is_local(r.url) else result.failed.append(r.url),
    )
    try:
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        try:
            page.wait_for_load_state("networkidle", timeout=IDLE_TIMEOUT_MS)
        except Exception:
            print(f"  ({name}: network not idle after {IDLE_TIMEOUT_MS / 1000:.0f} s)")
        for request in finished:
            if not is_local(request.url):  # type: ignore[attr-defined]
                continue
            response = request.response()  # type: ignore[attr-defined]
            try:
                body = response.body() if response else b""
            except Exception:
                body = b""
            content_type = response.headers.get("content-type", "") if response else ""
            result.resources.append(
                Resource(
                    request.url.removeprefix(base),  # type: ignore[attr-defined]
                    kind_of(request.resource_type, content_type, request.url),  # type: ignore[attr-defined]
                    len(body),
                    gzipped_size(body),
                )
            )
    finally:
        context.close()
    return result


def kb(n: float) -> str:
    return f"{n / KB:8.1f}"


def print_page(load: PageLoad) -> None:
    print(f"\n{load.name}")
    print(f"  {'type':<7}{'requests':>9}{'raw KB':>9}{'gzip KB':>9}")
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for r in load.resources:
        by_kind[r.kind].append(r)
    for kind in KINDS:
        items = by_kind.get(kind, [])
        if items:
            raw = sum(r.raw for r in items)
            gz = sum(r.gz for r in items)
            print(f"  {kind:<7}{len(items):>9} {kb(raw)} {kb(gz)}")
    if load.failed:
        print(f"  {'failed':<7}{len(load.failed):>9}   {', '.join(load.failed[:3])}")
    print(
        f"  {'total':<7}{load.requests:>9} {kb(load.total('raw'))} {kb(load.total('gz'))}"
        f"   external: {len(load.external)}"
    )
    for url in load.external[:5]:
        print(f"    external: {url}")


def print_summary(loads: list[PageLoad]) -> bool:
    """The median and maximum next to the targets; return whether every page meets them."""
    rows = [
        ("requests", [p.requests for p in loads], TARGET_REQUESTS, lambda v: f"{v:.0f}"),
        ("gzip KB", [p.total("gz") / KB for p in loads], TARGET_GZIP_KB, lambda v: f"{v:.1f}"),
        ("raw KB", [p.total("raw") / KB for p in loads], None, lambda v: f"{v:.1f}"),
        ("external", [len(p.external) for p in loads], TARGET_EXTERNAL, lambda v: f"{v:.0f}"),
    ]
    print(f"\nsummary over {len(loads)} pages")
    print(f"  {'':<10}{'median':>9}{'max':>9}{'target':>9}  pages over the target")
    ok = True
    for label, values, target, fmt in rows:
        line = f"  {label:<10}{fmt(statistics.median(values)):>9}{fmt(max(values)):>9}"
        if target is None:
            print(line)
            continue
        over = sum(v > target for v in values)
        ok = ok and not over
        print(f"{line}{'<= ' + str(target):>9}  {over} of {len(loads)}")
    heaviest = max(loads, key=lambda p: p.total("gz"))
    print(f"  heaviest page: {heaviest.name} ({heaviest.total('gz') / KB:.1f} KB gzipped)")
    by_kind = {
        kind: statistics.median(sum(r.gz for r in p.resources if r.kind == kind) for p in loads)
        for kind in KINDS
    }
    print(
        "  median gzip KB by type: "
        + ", ".join(f"{kind} {by_kind[kind] / KB:.1f}" for kind in KINDS)
    )
    seen: dict[str, tuple[Resource, int]] = {}
    for p in loads:
        for r in p.resources:
            key = r.url.split("?")[0]
            if r.url == p.url:
                continue  # the page itself
            old = seen.get(key)
            seen[key] = (r, (old[1] if old else 0) + 1)
    print("\nlargest resources other than the pages themselves (gzip KB, raw KB, pages loading it)")
    for r, count in sorted(seen.values(), key=lambda item: -item[0].gz)[:12]:
        print(f"  {kb(r.gz)} {kb(r.raw)} {count:>4}  {r.kind:<6}{r.url.split('?')[0]}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_site_arguments(parser, pages=False)
    parser.add_argument(
        "--page",
        action="append",
        help="only this page, relative to PROFILE/LANG (repeat for several; default: every page)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a page misses a target")
    args = parser.parse_args()
    output = args.output.resolve()
    folder = site_folder(output, args.profile, args.lang)
    names = args.page or [p.relative_to(folder).as_posix() for p in pages_of(folder)]
    loads = []
    with static_server(output) as base, chromium() as browser:
        prefix = f"{base}/{args.profile}/{args.lang}/"
        print(f"{len(names)} pages of {folder}, served at {prefix}")
        for name in names:
            page_load = load(browser, base, name, prefix + name)
            print_page(page_load)
            loads.append(page_load)
    ok = print_summary(loads)
    print("\nall targets met" if ok else "\nsome pages miss a target")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
