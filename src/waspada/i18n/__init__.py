"""Translations: gettext catalogs under ``locales/``, the fallback chain and the UI strings.

Babel is imported only when catalogs are actually read, so ``waspada check`` and ``waspada
play`` in English stay as light as the scenario core.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..scenario import Translate, no_translation

if TYPE_CHECKING:
    from .catalogs import Language

__all__ = ["available_languages", "language", "load_languages", "translator"]


def load_languages(locales_dir: Path) -> dict[str, Language]:
    from .catalogs import load_languages as load

    return load(locales_dir)


def language(locales_dir: Path | None, code: str) -> Language:
    """The language ``code`` as declared in languages.yml (English if unknown)."""
    from .catalogs import ENGLISH

    if locales_dir is None:
        return ENGLISH
    return load_languages(locales_dir).get(code, ENGLISH)


def translator(locales_dir: Path | None, lang: str) -> Translate:
    """A ``pgettext``-shaped function for ``lang`` over the scenario and UI catalogs.

    A message missing in ``lang`` is looked up along its fallback chain (Sasak -> Indonesian ->
    English), so a reader never sees an empty string.
    """
    if lang == "en" or locales_dir is None:
        return no_translation
    from .catalogs import CODE_DOMAINS, lookup_chain

    return lookup_chain(locales_dir, language(locales_dir, lang), CODE_DOMAINS)


def available_languages(locales_dir: Path) -> list[tuple[str, str]]:
    """(code, native name) of every course language, English first."""
    return [(code, lang.native) for code, lang in load_languages(locales_dir).items()]
