"""Phone numbers typed into course text, which should come from help.yml instead.

A number typed into a chapter, a scenario or a translation goes stale on its own: when a service
changes its number, help.yml is corrected and the typed copies are not. So every number a reader
sees comes from help.yml (``{help-contact}`sapa-129``` in a chapter, ``help:`` in a scenario),
and :func:`find_phone_numbers` finds the ones typed by hand.

What counts as phone-like: a run of digits with separators (``-``, ``.``, spaces, brackets) that
starts with ``+`` (an international number, 7 or more digits) or with ``0`` (a national number:
7 or more digits, or an area code and a number such as ``021-129``). The national short codes the
course explains (110, 112, 129, 148, 171) are three digits with no leading zero and are fine, as
are years, dates, law numbers ("UU 21/2007"), money ("Rp 600.000.000") and counts ("2,356").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A candidate: an optional "(" or "+", then digits and separators, ending on a digit. It may not
# continue a word, a path or a number ("PMC2978168", "berita/591741", "d-378712", "1.5"). Its
# length is bounded (no phone number is longer), so a hostile line of digits and spaces costs
# linear time, not quadratic.
_CANDIDATE = re.compile(r"(?<![\w/.,+-])[(+]{0,2}\d[\d(). -]{0,24}\d(?![\w/]|[.,-]\d)")
# An area code and a number: "021-129", "(021) 5795 1275", "0274.123".
_AREA = re.compile(r"^\(?0\d{1,4}\)?[ .-]+\d{3,}")
# Dates are not numbers to call: 06-12-2026, 06.12.2026, 2026-12-06.
_DATE = re.compile(r"^(\d{1,2}[-. ]\d{1,2}[-. ]\d{2,4}|\d{4}-\d{2}-\d{2})$")
MIN_DIGITS = 7


@dataclass(frozen=True)
class PhoneNumber:
    """A phone-like number at ``line``:``column`` (both from 1) of a text."""

    text: str
    line: int
    column: int


def is_phone_like(candidate: str) -> bool:
    """Whether a run of digits and separators looks like a phone number to call.

    >>> [is_phone_like(s) for s in ("+62-21-2924-4800", "08111-129-129", "0800-1000", "021-129")]
    [True, True, True, True]
    >>> [is_phone_like(s) for s in ("129", "110", "2007", "2026-12-06", "06-12-2026", "0.5")]
    [False, False, False, False, False, False]
    """
    text = candidate.strip()
    digits = sum(ch.isdigit() for ch in text)
    bare = text.lstrip("(")
    if _DATE.match(bare):
        return False
    if bare.startswith("+"):
        return digits >= MIN_DIGITS
    if bare.startswith("0"):
        return digits >= MIN_DIGITS or bool(_AREA.match(text))
    return False


def find_phone_numbers(text: str) -> Iterator[PhoneNumber]:
    """Every phone-like number in ``text``, with its line and column."""
    for number, line in enumerate(text.splitlines(), 1):
        for match in _CANDIDATE.finditer(line):
            value = match.group().strip()
            if is_phone_like(value):
                yield PhoneNumber(value, number, match.start() + 1)
