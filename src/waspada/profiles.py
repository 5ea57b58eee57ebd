"""Course profiles (``profiles.yml``): which pages and scenarios make up each course.

One set of sources gives several courses: the full course, a village session kit, a self-paced
course for health workers and a school kit. A profile names its first page (``root``), the
chapters that follow it, and the scenarios its practice section offers. ``waspada build
--profile village`` builds exactly those pages; everything else under ``book/`` is left out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .scenario._yaml import Reader, excerpt, read_entries
from .scenario.model import AUDIENCES, Scenario
from .scenario.problems import Location, Problem, suggest

_PAGE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)*$")

PROFILE_KEYS = ("title", "description", "root", "chapters", "scenarios", "mode")
MODES = ("learner", "facilitator")
PRACTICE_INDEX = "practice/index"
DEFAULT_PROFILE = "full"  # a project without profiles.yml builds its _toc.yml under this name


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    description: str
    root: str
    chapters: tuple[str, ...]
    # Stories in the practice section: an audience name, "all", or an explicit list of ids.
    scenarios: str | tuple[str, ...] = "all"
    # How its scenarios open in the Voila gallery: for one learner, or for a facilitated group.
    mode: str = "learner"
    location: Location = field(default=Location(""), compare=False, repr=False)

    def scenario_ids(self, stories: Mapping[str, Scenario]) -> list[str]:
        """The stories this profile offers, in the order of their titles."""
        if isinstance(self.scenarios, tuple):
            return [sid for sid in self.scenarios if sid in stories]
        chosen = [
            s for s in stories.values() if self.scenarios == "all" or self.scenarios in s.audiences
        ]
        return [s.id for s in sorted(chosen, key=lambda s: s.title)]

    def documents(self, stories: Mapping[str, Scenario]) -> list[str]:
        """Every page of the built course, in reading order (docnames under book/)."""
        docs = [self.root, *self.chapters]
        sids = self.scenario_ids(stories)
        if sids:
            docs += [PRACTICE_INDEX, *(f"practice/{sid}" for sid in sids)]
        return docs

    def toc(self, stories: Mapping[str, Scenario]) -> dict[str, object]:
        """A sphinx-external-toc (jb-book) table of contents for this profile."""
        chapters: list[dict[str, object]] = [{"file": doc} for doc in self.chapters]
        sids = self.scenario_ids(stories)
        if sids:
            chapters.append(
                {"file": PRACTICE_INDEX, "sections": [{"file": f"practice/{sid}"} for sid in sids]}
            )
        return {"format": "jb-book", "root": self.root, "chapters": chapters}


def load_profiles(
    path: Path, *, book_dir: Path | None = None, display: str | None = None
) -> tuple[dict[str, Profile], list[Problem]]:
    """Read ``profiles.yml``; with ``book_dir``, also check that every page exists."""
    r, entries = read_entries(path, display or str(path), "profiles.yml", "profiles")
    out: dict[str, Profile] = {}
    for pname, (key_node, value_node) in entries.items():
        if r.slug(key_node, "profile name") is None:
            continue
        what = f"profile '{pname}'"
        spec = r.mapping(
            value_node, what, allowed=PROFILE_KEYS, required=("title", "root", "chapters")
        )
        if spec is None or not all(k in spec for k in ("title", "root", "chapters")):
            continue
        title = r.text(spec["title"][1], f"the title of {what}")
        description = (
            r.text(spec["description"][1], f"the description of {what}")
            if "description" in spec
            else ""
        )
        root = _page(r, spec["root"][1], f"the root page of {what}", book_dir)
        chapters: list[str] = []
        for item in r.sequence(spec["chapters"][1], f"the chapters of {what}") or []:
            page = _page(r, item, f"a chapter of {what}", book_dir)
            if page is None:
                continue
            if page == root or page in chapters:
                r.error(item, f"'{page}' is listed twice in {what}; remove one")
                continue
            chapters.append(page)
        scenarios: str | tuple[str, ...] = "all"
        if "scenarios" in spec:
            node = spec["scenarios"][1]
            items = r.sequence(node, f"the scenarios of {what}", allow_scalar=True) or []
            values = [r.text(item, f"a scenario of {what}") or "" for item in items]
            if len(values) == 1 and values[0] in (*AUDIENCES, "all"):
                scenarios = values[0]
            else:
                scenarios = tuple(v for v in values if v)
        mode = "learner"
        if "mode" in spec:
            mode = r.text(spec["mode"][1], f"the mode of {what}") or "learner"
            if mode not in MODES:
                r.error(spec["mode"][1], f"the mode of {what} must be one of: {', '.join(MODES)}")
                mode = "learner"
        if title is None or root is None:
            continue
        out[pname] = Profile(
            pname,
            title,
            description or "",
            root,
            tuple(chapters),
            scenarios,
            mode,
            r.loc(key_node),
        )
    return out, r.problems


def _page(r: Reader, node: object, what: str, book_dir: Path | None) -> str | None:
    page = r.text(node, what)  # type: ignore[arg-type]
    if page is None:
        return None
    page = page.removesuffix(".md")
    if not _PAGE.match(page):
        # A page name becomes a path in the table of contents: it must stay under book/.
        r.error(
            node,  # type: ignore[arg-type]
            f"{what}: '{excerpt(page)}' is not a page name; name a page under book/ without "
            "'.md', in lower-case letters, digits and hyphens, such as 'guides/village-session'",
        )
        return None
    if book_dir is not None and not (book_dir / f"{page}.md").is_file():
        known = [str(p.relative_to(book_dir).with_suffix("")) for p in book_dir.rglob("*.md")]
        r.error(
            node,  # type: ignore[arg-type]
            f"{what}: there is no book/{page}.md{suggest(page, known)}; "
            "name a page under book/ without '.md'",
        )
        return None
    return page


def check_profile_scenarios(
    profiles: Mapping[str, Profile], scenario_ids: Collection[str]
) -> list[Problem]:
    """Scenario ids named in profiles must exist."""
    problems = []
    for profile in profiles.values():
        if isinstance(profile.scenarios, tuple):
            for sid in profile.scenarios:
                if sid not in scenario_ids:
                    problems.append(
                        Problem(
                            profile.location,
                            f"profile '{profile.name}' names the unknown scenario "
                            f"'{sid}'{suggest(sid, scenario_ids)}",
                        )
                    )
    return problems
