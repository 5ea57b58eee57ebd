"""Where a course project keeps its sources, found from any folder inside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .profiles import DEFAULT_PROFILE, Profile, load_profiles
from .scenario import Collection, Problem, load_collection


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
    def build_dir(self) -> Path:
        return self.root / "_build"

    def scenario_files(self) -> list[Path]:
        return sorted([*self.scenario_dir.glob("*.yml"), *self.scenario_dir.glob("*.yaml")])

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
        if not self.profiles_file.is_file():
            return {}, []
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

    def load(self, files: list[Path] | None = None) -> Collection:
        help_file = self.help_file if self.help_file.is_file() else None
        return load_collection(
            files if files is not None else self.scenario_files(), help_file, display_root=self.root
        )
