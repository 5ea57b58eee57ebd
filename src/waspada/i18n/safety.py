"""What a translation may not add to its English message.

Translations come from volunteers (Weblate, e-mail), so each ``msgstr`` is compared with its
``msgid``: it may not add HTML, link targets (MyST links, autolinks, bare URLs), roles or
directives, and its ``{placeholders}`` are plain names, exactly those of the English. The same
rules serve twice: ``waspada check`` reports each broken message, and every place that uses a
translation (the player, exports, the book's compiled catalogs) takes a message that breaks them
as missing, so the next language of the fallback chain, and at last the English, is shown
instead. Even an unchecked catalog cannot inject markup or a format string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A placeholder, role or directive name: letters, digits, "_" and "-" (eval-rst).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_BRACES = re.compile(r"\{([^{}\n]*)\}")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|www\.)[^<>\s]*)>")
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*|!--|!|\?)")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)", re.MULTILINE)
_URL = re.compile(
    r"(?<![\w/.-])(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.|(?:javascript|vbscript|data|mailto|file):"
    r"(?=\S))[^\s<>()\[\]\"'`]*",
    re.IGNORECASE,
)
_MARKERS = re.compile(r"`+|\*\*|(?<!\*)\*(?!\*)")
# Plain prose has none of these: such a message needs no closer look (most of a catalog).
_SPECIAL = re.compile(r"[<>{}\[\]()*`:]|www\.", re.IGNORECASE)
# A translation may be longer than its English, but not by this much: a 50 MB msgstr is no
# translation, and a page built from it would be that large.
LENGTH_FACTOR = 10
LENGTH_SLACK = 1000


@dataclass(frozen=True)
class Finding:
    """One rule a translation breaks; ``error`` False for a warning."""

    message: str
    error: bool = True


def _braces(text: str) -> tuple[list[str], list[str], list[str], int]:
    """(placeholders, roles and directives, names that are not plain, stray braces)."""
    placeholders, roles, odd = [], [], []
    for match in _BRACES.finditer(text):
        name = match.group(1)
        before = text[: match.start()]
        after = text[match.end() : match.end() + 1]
        if not _NAME.fullmatch(name):
            odd.append(name)
        elif after == "`" or before.endswith(("```", ":::", "~~~")):
            roles.append(name)
        else:
            placeholders.append(name)
    rest = _BRACES.sub("", text)
    return placeholders, roles, odd, rest.count("{") + rest.count("}")


def _links(text: str) -> list[str]:
    """Every link target: MyST links and reference definitions, autolinks, bare URLs."""
    found = [m.group(1) for m in _LINK_TARGET.finditer(text)]
    found += [m.group(1) for m in _REFERENCE.finditer(text)]
    found += [m.group(1) for m in _AUTOLINK.finditer(text)]
    stripped = _LINK_TARGET.sub("](", _AUTOLINK.sub(" ", _REFERENCE.sub("", text)))
    found += [m.group(0) for m in _URL.finditer(stripped)]
    return sorted(t for t in found if t)


def _tags(text: str) -> set[str]:
    return {m.group(1).lower() for m in _TAG.finditer(_AUTOLINK.sub(" ", text))}


def _markers(text: str) -> list[str]:
    """Code spans and emphasis markers, counted (code text may be translated, not dropped)."""
    return sorted("`" if m.group(0)[0] == "`" else m.group(0) for m in _MARKERS.finditer(text))


@lru_cache(maxsize=65536)
def compare(source: str, target: str) -> tuple[Finding, ...]:
    """Every rule ``target`` (a translation) breaks against ``source`` (its English)."""
    out: list[Finding] = []
    if len(target) > LENGTH_FACTOR * len(source) + LENGTH_SLACK:
        out.append(
            Finding(
                f"the translation is {len(target):,} characters long, far longer than the "
                f"English ({len(source):,}); translate the message, nothing more"
            )
        )
        return tuple(out)  # a text this long is not examined further
    if not _SPECIAL.search(target) and not _SPECIAL.search(source):
        return ()
    added_tags = sorted(_tags(target) - _tags(source))
    if added_tags:
        shown = ", ".join(f"<{t}>" for t in added_tags)
        out.append(
            Finding(
                f"the translation adds HTML ({shown}) that the English lacks; translations may "
                "not add HTML: remove it"
            )
        )
    wanted_links, got_links = _links(source), _links(target)
    added = [t for t in dict.fromkeys(got_links) if got_links.count(t) > wanted_links.count(t)]
    dropped = [t for t in dict.fromkeys(wanted_links) if wanted_links.count(t) > got_links.count(t)]
    if added:
        out.append(
            Finding(
                f"the translation adds the link target {', '.join(added)} that the English "
                "lacks; keep each link target exactly as in the English"
            )
        )
    elif dropped:
        out.append(
            Finding(
                f"the translation drops the link target {', '.join(dropped)}; keep each link "
                "target exactly as in the English"
            )
        )
    want_ph, want_roles, _, want_stray = _braces(source)
    got_ph, got_roles, odd, stray = _braces(target)
    for name in odd:
        out.append(
            Finding(
                f"'{{{name}}}' is not a plain placeholder; placeholders are names only, exactly "
                "as in the English (such as {number})"
            )
        )
    new_roles = sorted(set(got_roles) - set(want_roles))
    if new_roles:
        shown = ", ".join(f"{{{r}}}" for r in new_roles)
        out.append(
            Finding(
                f"the translation adds the role or directive {shown} that the English lacks; "
                "remove it"
            )
        )
    if not odd and set(got_ph) != set(want_ph):
        out.append(
            Finding(
                f"the translation's placeholders {sorted(set(got_ph))} differ from the "
                f"source's {sorted(set(want_ph))}; keep every {{name}} exactly as in the English"
            )
        )
    if stray > want_stray:
        out.append(
            Finding(
                "the translation has a stray '{' or '}' that the English lacks; remove it or "
                "write the placeholder in full, such as {number}"
            )
        )
    changed = _markers(source) != _markers(target) or sorted(got_roles) != sorted(want_roles)
    if changed and not new_roles:
        out.append(
            Finding(
                "the translation's markup differs from the source (roles, `code` or * "
                "emphasis); keep each marker as in the English"
            )
        )
    return tuple(out)


def usable(source: str, target: str) -> bool:
    """``target`` may be shown in place of ``source``: it breaks no rule above."""
    return not any(f.error for f in compare(source, target))
