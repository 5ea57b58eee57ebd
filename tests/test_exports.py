"""Exports for other platforms: one-file HTML, Kolibri zips, SCORM 1.2 packages."""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from waspada.cli import main

ROOT = Path(__file__).parents[1]
NS = {
    "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
}
# A minimal Twine 2 Snowman story is about 130 KB (44 KB gzipped); ours must be smaller.
TWINE_STORY_BYTES = 130 * 1024


def external_urls(text: str) -> list[str]:
    """Addresses a browser would fetch from another host (namespace names in XML excluded)."""
    return re.findall(r"""(?:src|href|action|url\()\s*=?\s*["']?((?:https?:)?//[^"' )>]+)""", text)


def test_one_file_export_is_self_contained_and_smaller_than_a_twine_story(tmp_path, capsys):
    out = tmp_path / "cafe.html"
    assert main(["--project", str(ROOT), "export", "html", "cafe-singer", "--lang", "id",
                 "-o", str(out)]) == 0  # fmt: skip
    said = capsys.readouterr().out
    data = out.read_bytes()
    assert (
        f"{len(data) / 1024:.0f} KB ({len(gzip.compress(data, 9)) / 1024:.0f} KB gzipped)" in said
    )
    assert len(data) < TWINE_STORY_BYTES
    page = data.decode()
    assert external_urls(page) == []
    assert '<html lang="id">' in page
    assert "default-src 'none'" in page  # the CSP forbids every request
    assert "Kerja menyanyi di kota" in page  # the Indonesian title, in the payload and fallback
    assert "</script" not in page.split('class="wsp-payload">')[1].split("</script>")[0]


def test_one_file_export_refuses_to_overwrite_and_unknown_languages(tmp_path, capsys):
    out = tmp_path / "cafe.html"
    out.write_text("mine")
    args = ["--project", str(ROOT), "export", "html", "cafe-singer", "-o", str(out)]
    assert main(args) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert main([*args, "--force", "--lang", "xx"]) == 1
    assert "unknown language xx; the course has: en, id, jv, su, sas" in capsys.readouterr().err


def test_scorm_manifest_lists_one_sco_per_module_and_every_file():
    from waspada.interop.packages import Sco, scorm_manifest

    files = ["a.html", "b.html", "_static/x.css"]
    xml = scorm_manifest(
        "course-1", "A & B", [Sco("a", "a.html", "Module <A>"), Sco("b", "b.html", "B")], files
    )
    root = ElementTree.fromstring(xml)
    assert root.find("cp:metadata/cp:schemaversion", NS).text == "1.2"
    items = root.findall("cp:organizations/cp:organization/cp:item", NS)
    assert [i.find("cp:title", NS).text for i in items] == ["Module <A>", "B"]
    resources = {r.get("identifier"): r for r in root.findall("cp:resources/cp:resource", NS)}
    scos = [r for r in resources.values() if r.get(f"{{{NS['adlcp']}}}scormtype") == "sco"]
    assert [r.get("href") for r in scos] == ["a.html", "b.html"]
    assert all(r.find("cp:dependency", NS).get("identifierref") == "RES-COURSE" for r in scos)
    listed = [f.get("href") for f in resources["RES-COURSE"].findall("cp:file", NS)]
    assert listed == files


@pytest.mark.build
def test_scorm_package_has_its_manifest_at_the_root_and_lists_every_file(tmp_path, capsys):
    assert main(["--project", str(ROOT), "export", "scorm", "--profile", "health", "--lang",
                 "id", "-o", str(tmp_path)]) == 0  # fmt: skip
    assert "3 modules" in capsys.readouterr().out
    package = tmp_path / "waspada-health-id-scorm12.zip"
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        manifest = archive.read("imsmanifest.xml").decode()
        pages = [archive.read(n).decode() for n in names if n.endswith(".html")]
    root = ElementTree.fromstring(manifest)
    content = [page for page in pages if 'class="wsp-article"' in page]  # not redirects
    assert len(content) >= 10
    listed = {f.get("href") for f in root.iter(f"{{{NS['cp']}}}file")}
    assert names - {"imsmanifest.xml"} == listed
    scos = [
        r.get("href")
        for r in root.iter(f"{{{NS['cp']}}}resource")
        if r.get(f"{{{NS['adlcp']}}}scormtype") == "sco"
    ]
    assert scos == ["what-is-trafficking.html", "health.html", "health-workers.html"]
    titles = [t.text for t in root.iter(f"{{{NS['cp']}}}title")]
    assert titles and not [t for t in titles if t.endswith(("¶", "#"))], titles
    assert all("_static/waspada/lms.js" in page for page in content)
    assert all(external_urls(page) == [] for page in pages)


def test_scorm_item_titles_leave_out_the_headings_permalink_sign(tmp_path):
    """A platform lists each module by the title of its page, not "What is trafficking?¶"."""
    from waspada.interop.packages import page_title

    page = tmp_path / "what-is-trafficking.html"
    page.write_text(
        '<main><h1>What is trafficking?<a class="headerlink" href="#what-is-trafficking" '
        'title="Link to this heading">¶</a></h1></main>',
        encoding="utf-8",
    )
    assert page_title(page) == "What is trafficking?"
    page.write_text("<h1>C&amp;A <em>sign</em> #1</h1>", encoding="utf-8")
    assert page_title(page) == "C&A sign #1"


@pytest.mark.parametrize("fmt", ["scorm", "kolibri"])
def test_package_export_refuses_an_output_that_is_a_file(tmp_path, capsys, fmt):
    out = tmp_path / "packages.zip"
    out.write_text("mine")
    assert main(["--project", str(ROOT), "export", fmt, "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert f"waspada export {fmt}: error: {out} is a file; -o names the folder for the zip " in (
        captured.err
    )
    assert "Traceback" not in captured.err and "building" not in captured.out
    assert out.read_text() == "mine"


def test_one_file_export_to_standard_output_with_a_dash(tmp_path, monkeypatch, capsysbinary):
    """`-o -` is standard output, as for every Unix tool: no file named '-' appears."""
    monkeypatch.chdir(tmp_path)
    assert main(["--project", str(ROOT), "export", "html", "cafe-singer", "-o", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out.startswith(b"<!DOCTYPE html>") and captured.out.endswith(b"</html>\n")
    assert b"wrote the page to standard output: " in captured.err
    assert list(tmp_path.iterdir()) == []


def test_scorm_refuses_an_unknown_profile_before_building(tmp_path, capsys):
    assert main(["--project", str(ROOT), "export", "scorm", "--profile", "helth", "--lang",
                 "en", "-o", str(tmp_path)]) == 1  # fmt: skip
    captured = capsys.readouterr()
    assert "unknown profile helth; the course has: full, village, health, school" in captured.err
    assert "building" not in captured.out


@pytest.mark.build
def test_kolibri_zip_has_index_html_at_its_root(tmp_path, capsys):
    assert main(["--project", str(ROOT), "export", "kolibri", "--profile", "school", "--lang",
                 "jv", "-o", str(tmp_path)]) == 0  # fmt: skip
    with zipfile.ZipFile(tmp_path / "waspada-school-jv.zip") as archive:
        names = archive.namelist()
        index = archive.read("index.html").decode()
        pages = [archive.read(n).decode() for n in names if n.endswith(".html")]
    assert "guides/school-lessons.html" in index
    assert "guides/school-lessons.html" in names and ".buildinfo" not in names
    assert all(external_urls(page) == [] for page in pages)


def test_export_help_documents_every_format(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    for fmt in ("html", "twee", "kolibri", "scorm"):
        assert fmt in text
