"""Translations: gettext catalogs under ``locales/``, the fallback chain and the UI strings."""

from __future__ import annotations

from pathlib import Path

from ..scenario import Translate, no_translation
from .catalogs import CODE_DOMAINS, ENGLISH, Language, load_languages, lookup_chain

__all__ = ["Language", "available_languages", "language", "load_languages", "translator"]


def language(locales_dir: Path | None, code: str) -> Language:
    """The language ``code`` as declared in languages.yml (English if unknown)."""
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
    return lookup_chain(locales_dir, language(locales_dir, lang), CODE_DOMAINS)


def available_languages(locales_dir: Path) -> list[tuple[str, str]]:
    """(code, native name) of every course language, English first."""
    return [(code, lang.native) for code, lang in load_languages(locales_dir).items()]
