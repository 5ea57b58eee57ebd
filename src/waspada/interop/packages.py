"""Course packages for other platforms: Kolibri HTML5 apps and SCORM 1.2 for learning platforms.

Both are a built course (one profile, one language) in a zip, with ``index.html`` (Kolibri) or
``imsmanifest.xml`` (SCORM) at the root. Nothing in them loads from another host: they are the
same pages as the offline book. A SCORM build adds ``lms.js`` to every page, which reports to
the platform when one is there (see ``waspada/book/static/lms.js``).
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_HEADERLINK = re.compile(
    r"<a\b[^>]*\bclass=[\"'][^\"']*\bheaderlink\b[^>]*>.*?</a>", re.S | re.IGNORECASE
)

# A fixed timestamp for every zip entry, so the same course gives the same zip.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def zip_folder(folder: Path, target: Path) -> int:
    """Zip the course files under ``folder`` (paths relative to it); return how many."""
    files = course_files(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in files:
            path = folder / name
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return len(files)


def course_files(folder: Path) -> list[str]:
    """Every file a built course needs (relative, sorted); Sphinx's build records are left
    out (imsmanifest.xml, when written, is included)."""
    skip = {".buildinfo", "objects.inv"}
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in skip and ".doctrees" not in p.parts
    )


def page_title(page: Path) -> str:
    """A built page's own title (its <h1>), without the site name the <title> adds."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    raw = match.group(1) if match else page.stem
    # Sphinx ends every heading with a permalink, <a class="headerlink" ...>¶</a> (or "#" in
    # some themes): its sign is no part of the title a learning platform lists.
    raw = _HEADERLINK.sub("", raw)
    return html.unescape(re.sub(r"<[^>]+>", "", raw)).strip()


@dataclass(frozen=True)
class Sco:
    """One module a platform tracks on its own: its launch page and title."""

    identifier: str
    href: str
    title: str


def scorm_manifest(identifier: str, title: str, scos: Iterable[Sco], files: list[str]) -> str:
    """imsmanifest.xml for SCORM 1.2: one item and one SCO resource per module, every file of
    the course listed once in a shared asset resource that each SCO depends on."""
    scos = list(scos)
    items = "".join(
        f"""
      <item identifier={quoteattr("ITEM-" + sco.identifier)} identifierref={
            quoteattr("RES-" + sco.identifier)
        } isvisible="true">
        <title>{escape(sco.title)}</title>
      </item>"""
        for sco in scos
    )
    resources = "".join(
        f"""
    <resource identifier={quoteattr("RES-" + sco.identifier)} type="webcontent" \
adlcp:scormtype="sco" href={quoteattr(sco.href)}>
      <file href={quoteattr(sco.href)}/>
      <dependency identifierref="RES-COURSE"/>
    </resource>"""
        for sco in scos
    )
    listed = "".join(f"\n      <file href={quoteattr(name)}/>" for name in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(identifier)} version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
      http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd
      http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>{escape(title)}</title>{items}
    </organization>
  </organizations>
  <resources>{resources}
    <resource identifier="RES-COURSE" type="webcontent" adlcp:scormtype="asset">{listed}
    </resource>
  </resources>
</manifest>
"""
