"""Loose NACE and List of Waste codes (as case files write them) and their hierarchies."""

from __future__ import annotations

import re
from functools import lru_cache

from parkloop.reference.nace import load_nace
from parkloop.reference.waste import load_waste_list

# Similarity of two NACE codes by the deepest level they share (class, group, division, section).
NACE_LEVEL_SIMILARITY = {4: 1.0, 3: 0.75, 2: 0.5, 1: 0.2}
# Similarity of two List of Waste codes: same entry, same sub-chapter, same chapter.
WASTE_LEVEL_SIMILARITY = {3: 1.0, 2: 0.6, 1: 0.3}

_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4096)
def loose_nace(text: str) -> str | None:
    """The most precise NACE Rev. 2 code that a loosely written code supports.

    Case files write ``2351``, ``23.51``, ``4120*``, ``01`` or national five-digit codes; the
    result is the class, group or division that exists in NACE Rev. 2, or ``None``.

    Examples
    --------
    >>> loose_nace("4120*"), loose_nace("235110"), loose_nace("01"), loose_nace("0000")
    ('41.20', '23.51', '01', None)
    """
    digits = "".join(_DIGITS.findall(text or ""))
    nace = load_nace()
    for length in (4, 3, 2):
        if len(digits) >= length:
            code = digits[:2] if length == 2 else f"{digits[:2]}.{digits[2:length]}"
            if code in nace:
                return code
    return None


@lru_cache(maxsize=4096)
def loose_waste(text: str) -> tuple[str | None, bool]:
    """The List of Waste entry, sub-chapter or chapter a loosely written code supports.

    Returns the code (``NN NN NN``, ``NN NN`` or ``NN``) and whether the entry is hazardous.

    Examples
    --------
    >>> loose_waste("100102"), loose_waste("130701*"), loose_waste("100198")
    (('10 01 02', False), ('13 07 01', True), ('10 01', False))
    """
    digits = "".join(_DIGITS.findall(text or ""))
    waste = load_waste_list()
    if len(digits) >= 6:
        code = f"{digits[:2]} {digits[2:4]} {digits[4:6]}"
        if code in waste.entries:
            return code, waste.entries[code].hazardous
    for length in (4, 2):
        if len(digits) >= length:
            code = digits[:2] if length == 2 else f"{digits[:2]} {digits[2:4]}"
            if code in waste.headings:
                return code, False
    return None, False


@lru_cache(maxsize=65536)
def _nace_chain(code: str) -> tuple[str, ...]:
    return tuple(item.code for item in load_nace().ancestors(code))


@lru_cache(maxsize=1_000_000)
def nace_similarity(a: str | None, b: str | None) -> float:
    """Similarity [0, 1] of two NACE codes by the deepest level both belong to.

    Examples
    --------
    >>> nace_similarity("23.51", "23.51"), nace_similarity("23.51", "23.52")
    (1.0, 0.75)
    >>> nace_similarity("23.51", "23"), nace_similarity("23.51", "10.51")
    (0.5, 0.2)
    """
    if not a or not b:
        return 0.0
    shared = set(_nace_chain(a)) & set(_nace_chain(b))
    if not shared:
        return 0.0
    nace = load_nace()
    return NACE_LEVEL_SIMILARITY[max(nace.items[c].level for c in shared)]


def _waste_level(code: str) -> int:
    return 3 if len(code) == 8 else 2 if len(code) == 5 else 1


def waste_similarity(a: str | None, b: str | None) -> float:
    """Similarity [0, 1] of two List of Waste codes (entry, sub-chapter or chapter).

    Examples
    --------
    >>> waste_similarity("10 01 02", "10 01 02"), waste_similarity("10 01 02", "10 01 05")
    (1.0, 0.6)
    >>> waste_similarity("10 01 02", "10"), waste_similarity("10 01 02", "02 07 04")
    (0.3, 0.0)
    """
    if not a or not b:
        return 0.0
    a, b = a.rstrip("*"), b.rstrip("*")
    level = 0
    for depth, width in ((1, 2), (2, 5), (3, 8)):
        if len(a) >= width and len(b) >= width and a[:width] == b[:width]:
            level = depth
    return WASTE_LEVEL_SIMILARITY.get(level, 0.0)
