"""Translations: gettext catalogs under ``locales/`` and the UI strings."""

from __future__ import annotations

import gettext
from pathlib import Path

from ..scenario import Translate, no_translation

DOMAINS = ("scenarios", "ui")


def translator(locales_dir: Path, lang: str) -> Translate:
    """A ``pgettext``-shaped function for ``lang`` over the compiled catalogs (``.mo``).

    English is the source language; a message without a translation comes back unchanged.
    """
    if lang == "en":
        return no_translation
    chain: list[gettext.NullTranslations] = []
    for domain in DOMAINS:
        try:
            chain.append(gettext.translation(domain, str(locales_dir), languages=[lang]))
        except OSError:
            continue
    if not chain:
        return no_translation

    def translate(context: str, message: str) -> str:
        for catalog in chain:
            found = catalog.pgettext(context, message)
            if found != message:
                return found
        return message

    return translate


def available_languages(locales_dir: Path) -> list[tuple[str, str]]:
    """(code, native name) of every language the course is built in, English first."""
    import yaml

    languages = [("en", "English")]
    listing = locales_dir / "languages.yml"
    if listing.is_file():
        data = yaml.safe_load(listing.read_text(encoding="utf-8")) or {}
        for code, info in (data.get("languages") or {}).items():
            if code != "en":
                languages.append((code, (info or {}).get("native", code)))
    return languages
