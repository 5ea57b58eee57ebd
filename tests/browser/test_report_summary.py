"""The merged session summary (``waspada report merge``) in Chromium: opened from disk it asks
for nothing, its policy stops any request, it is accessible, its charts show the shares, and it
prints on A4 with the figures and the hidden small counts."""

from __future__ import annotations

import io
import random
import re

import pytest
from tests.test_report import record, write_csv

from waspada.cli import main
from waspada.project import Project
from waspada.report.schema import spec_for_project

from .conftest import ROOT, assert_policy_blocks_a_cdn_image, axe_violations, watch_failed_requests

pytestmark = pytest.mark.browser


def test_summary_opens_from_disk_prints_and_asks_for_nothing(page, tmp_path, requests_seen):
    spec = spec_for_project(Project(ROOT))
    rng = random.Random(30)
    records = [record(spec, rng, n, district="Kupang") for n in range(10)]
    records.append(record(spec, rng, 50, district="Desa Kecil", women=3))
    sessions = write_csv(tmp_path / "sessions.csv", spec, records)
    out = tmp_path / "summary.html"
    assert main(["--project", str(ROOT), "report", "merge", str(sessions), "-o", str(out)]) == 0

    failures = watch_failed_requests(page)
    page.goto(out.as_uri())
    assert page.locator("h1").inner_text() == "Waspada sessions: summary"
    page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
    assert requests_seen.urls == [out.as_uri()]
    assert axe_violations(page) == []

    if spec.items:  # the after bar of the first item is as long as its share of the 200 px
        item = spec.items[0].id
        right = sum(r[f"q_{item}_after_right"] for r in records)
        given = sum(r[f"q_{item}_after_total"] for r in records)
        width = page.locator("svg").first.locator("rect").nth(3).get_attribute("width")
        assert float(width) == pytest.approx(200 * right / given, abs=0.1)

    village = page.locator("tr", has_text="Desa Kecil").first.locator("td")
    assert village.nth(3).inner_text() == "<5"  # women: 3

    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    women = sum(r["women"] for r in records)
    assert re.search(rf"\b{women}\b", text) and "<5" in text
    assert_policy_blocks_a_cdn_image(page, failures)
