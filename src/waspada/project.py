"""Where a course project keeps its sources, found from any folder inside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .profiles import DEFAULT_PROFILE, Profile, load_profiles
from .scenario import Collection, Problem, Service, load_collection
from .scenario._yaml import regular_file_problem
from .scenario.district import District, load_district
from .scenario.problems import Location, Severity, sort_problems


class ProjectError(Exception):
    """No course project here, or one that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def discover(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` holding ``_config.yml`` and ``scenarios/``."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "_config.yml").is_file() and (folder / "scenarios").is_dir():
                return cls(folder)
        raise ProjectError(
            f"no Waspada course found in {here} or above it (looked for _config.yml next to a "
            "scenarios/ folder); run the command inside the course folder or pass --project"
        )

    @property
    def scenario_dir(self) -> Path:
        return self.root / "scenarios"

    @property
    def help_file(self) -> Path:
        return self.root / "help.yml"

    @property
    def book_dir(self) -> Path:
        return self.root / "book"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def config_file(self) -> Path:
        return self.root / "_config.yml"

    @property
    def toc_file(self) -> Path:
        return self.root / "_toc.yml"

    @property
    def profiles_file(self) -> Path:
        return self.root / "profiles.yml"

    @property
    def districts_dir(self) -> Path:
        return self.root / "districts"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    def scenario_files(self) -> list[Path]:
        """The scenario files to read: regular files inside the course (see :meth:`skipped`)."""
        return self._scan()[0]

    def skipped(self) -> list[Problem]:
        """A warning for each ``scenarios/*.yml`` entry that is not read, and why."""
        return self._scan()[1]

    def _scan(self, folder: Path | None = None) -> tuple[list[Path], list[Problem]]:
        # districts/_template.yml is the form to copy, not a district.
        passed_over = (".", "#", "_") if folder == self.districts_dir else (".", "#")
        folder = folder or self.scenario_dir
        files: list[Path] = []
        problems: list[Problem] = []
        root = self.root.resolve()
        for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            # Hidden files and editors' lock and backup files (.#x.yml, #x.yml#, x.yml~) are
            # not the author's: pass over them without a word.
            if path.name.startswith(passed_over) or path.name.endswith("~"):
                continue
            shown = f"{folder.name}/{path.name}"
            why = None
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                why = (
                    "a link to a file outside the course; copy the file into "
                    f"{folder.name}/ instead"
                )
            else:
                problem = regular_file_problem(path, shown)
                why = problem.message if problem else None
            if why is None:
                files.append(path)
            else:
                problems.append(Problem(Location(shown), f"skipped: {why}", Severity.WARNING))
        return files, problems

    def profiles(self) -> dict[str, Profile]:
        """The course profiles; a project without profiles.yml has just "full" (its _toc.yml).

        Raises ProjectError when profiles.yml has errors (``waspada check`` lists them all).
        """
        profiles, problems = self.read_profiles()
        errors = [p for p in problems if p.is_error]
        if errors:
            raise ProjectError(f"{errors[0]} (run 'waspada check' for every problem)")
        return profiles

    def read_profiles(self) -> tuple[dict[str, Profile], list[Problem]]:
        """profiles.yml with every problem found in it (none, and no profiles, without it)."""
        if not (self.profiles_file.exists() or self.profiles_file.is_symlink()):
            return {}, []  # optional; anything by that name is read, or reported as unreadable
        return load_profiles(self.profiles_file, book_dir=self.book_dir, display="profiles.yml")

    def require_languages(self, codes: Iterable[str]) -> None:
        """Raise ProjectError naming the course's languages if any of ``codes`` is not one."""
        from .i18n import available_languages

        known = [code for code, _ in available_languages(self.locales_dir)]
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ProjectError(
                f"unknown language {', '.join(unknown)}; the course has: {', '.join(known)} "
                "(see locales/languages.yml)"
            )

    def profile_names(self) -> list[str]:
        """The profiles to build: those of profiles.yml, or "full" (the _toc.yml) without it."""
        return list(self.profiles()) or [DEFAULT_PROFILE]

    def require_profiles(self, names: Iterable[str]) -> None:
        """Raise ProjectError naming the course's profiles if any of ``names`` is not one."""
        declared = self.profile_names()
        unknown = [name for name in names if name not in declared]
        if unknown:
            raise ProjectError(
                f"unknown profile {', '.join(unknown)}; the course has: {', '.join(declared)} "
                "(see profiles.yml)"
            )

    def district_files(self) -> list[Path]:
        """The district overlays to read: ``districts/<id>.yml``, never ``_template.yml``."""
        return self._scan(self.districts_dir)[0]

    def skipped_districts(self) -> list[Problem]:
        """A warning for each ``districts/*.yml`` entry that is not read, and why."""
        return self._scan(self.districts_dir)[1]

    def district(self, district_id: str, services: dict[str, Service]) -> District:
        """The district ``district_id`` names; ProjectError if there is none or it has errors."""
        known = [p.stem for p in self.district_files()]
        if district_id not in known:
            where = f"{self.districts_dir.name}/{district_id}.yml"
            have = f"the course has: {', '.join(known)}" if known else "the course has none yet"
            raise ProjectError(
                f"unknown district '{district_id}': there is no {where} ({have}); copy "
                f"{self.districts_dir.name}/_template.yml to {where} and fill it in"
            )
        path = self.districts_dir / f"{district_id}.yml"
        district, problems = load_district(
            path, services, display=f"{self.districts_dir.name}/{path.name}"
        )
        errors = [p for p in problems if p.is_error]
        if district is None or errors:
            first = errors[0] if errors else f"{path.name} could not be read"
            raise ProjectError(f"{first} (run 'waspada check' for every problem)")
        return district

    def load(self, files: list[Path] | None = None) -> Collection:
        """Load the scenarios (all of them, or ``files``) with the help directory.

        help.yml is a core file: without it endings would show no help at all, so a missing or
        unreadable one is an error, not a reason to skip the help checks.
        """
        skipped: list[Problem] = []
        if files is None:
            files, skipped = self._scan()
        collection = load_collection(files, self.help_file, display_root=self.root)
        if skipped:
            collection.problems = sort_problems([*collection.problems, *skipped])
        return collection
