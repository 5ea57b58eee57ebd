"""One language per screen: a chapter or a scenario is shown whole in one language.

A reader who meets a Sasak heading, then an Indonesian paragraph, then a Sasak box, cannot tell
which text is the course's and which a stop-gap. So the unit of fallback is not the message but
the chapter (a book catalog, ``<domain>.po``) and the scenario (its messages in
``scenarios.po``): the first language of the reader's chain that translates *every* message of
the unit is the one the whole unit is shown in. A fuzzy, empty or unusable translation (one that
adds markup or a link, see ``safety.usable``) counts as missing, so a chapter 99% done is still
shown in the fallback language, with a one-line note in the reader's language saying so.

The interface (the theme's and the player's own words) keeps message-by-message fallback: it is
short, `waspada i18n status` shows it complete or not at a glance, and a button in Indonesian
beside Sasak text misleads no one about what the chapter says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog

from .languages import SOURCE, Language

Key = tuple[str, "str | None"]


def complete(keys: Iterable[Key], translated: Callable[[str, str | None], bool]) -> bool:
    """True when ``translated(message, context)`` holds for every one of ``keys``."""
    return all(translated(message, context) for message, context in keys)


def first_complete(chain: Sequence[str], is_complete: Callable[[str], bool]) -> str:
    """The first language of ``chain`` that ``is_complete``; the source language (English, the
    text itself) when none is."""
    for code in chain:
        if code == SOURCE or is_complete(code):
            return code
    return SOURCE


def chain_from(language: Language, code: str) -> tuple[str, ...]:
    """``language``'s chain from ``code`` on: the languages a unit shown in ``code`` reads."""
    chain = language.chain
    return chain[chain.index(code) :] if code in chain else (SOURCE,)


# -- over the project's catalogs ----------------------------------------------------------------

_templates: dict[tuple[str, int], list[Key]] = {}


def _template_keys(locales_dir: Path, domain: str) -> list[Key] | None:
    """The (message, context) pairs of ``templates/<domain>.pot``; None if there is none."""
    from .catalogs import _read, templates_dir

    path = templates_dir(locales_dir) / f"{domain}.pot"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), stamp)
    if key not in _templates:
        _templates[key] = [
            (str(m.id), m.context) for m in _read(path) if m.id and isinstance(m.id, str)
        ]
    return _templates[key]


def _translates(locales_dir: Path, code: str, domain: str, keys: list[Key]) -> bool:
    from .catalogs import _translation, po_path, read_catalog

    catalog: Catalog | None = read_catalog(po_path(locales_dir, code, domain))
    if catalog is None:
        return not keys
    return complete(
        keys, lambda message, context: _translation(catalog, message, context) is not None
    )


def chapter_language(locales_dir: Path, language: Language, domain: str) -> str:
    """The language a chapter (book catalog ``domain``) is shown in for ``language``'s readers.

    A chapter with no template (never extracted) is shown as written, in English."""
    keys = _template_keys(locales_dir, domain)
    if keys is None:
        return SOURCE
    return first_complete(language.chain, lambda code: _translates(locales_dir, code, domain, keys))


def scenario_language(locales_dir: Path, language: Language, scenario_id: str) -> str:
    """The language a scenario (its story, choices, feedback and endings) is played in."""
    keys = _template_keys(locales_dir, "scenarios")
    if keys is None:
        return SOURCE
    own = [
        (message, context)
        for message, context in keys
        if context == scenario_id or (context or "").startswith(f"{scenario_id}:")
    ]
    return first_complete(
        language.chain, lambda code: _translates(locales_dir, code, "scenarios", own)
    )
