"""Characters that make text show something other than what it says.

Bidirectional controls (the right-to-left override and its kin) reorder what a reader sees: a
label can read backwards from its real text, and a phone number can show digits in an order it
does not dial. A course written in Latin script never needs them, so every file an author or a
translator sends is scanned for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

BIDI_CONTROLS = frozenset(
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
_BIDI = re.compile(f"[{''.join(sorted(BIDI_CONTROLS))}]")


def bidi_controls(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(line, column, character)``, both from 1, for each bidi control in ``text``.

    >>> list(bidi_controls("call 129\\nor \\u202e921"))
    [(2, 4, '\\u202e')]
    """
    for match in _BIDI.finditer(text):
        at = match.start()
        yield text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1, match.group()


def describe(char: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def bidi_message(char: str) -> str:
    """The warning for one bidi control, the same for scenarios, help, profiles and catalogs."""
    return (
        f"invisible direction control {describe(char)} can make a label or a number show "
        "differently from what it is; delete it"
    )
