"""NACE Rev. 2, the statistical classification of economic activities in the EU.

Source: Regulation (EC) No 1893/2006, Annex I (see ``data/nace_rev2.meta.yaml``).
Codes are written as in the regulation: sections ``A``..``U``, divisions ``23``, groups ``23.5``,
classes ``23.51``. Workbooks may also write classes without the dot (``2351``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parkloop.errors import ReferenceDataError
from parkloop.reference._files import Provenance, read_provenance, read_rows

FILENAME = "nace_rev2.csv"
COLUMNS = ("level", "code", "parent", "description")
LEVEL_NAMES = {1: "section", 2: "division", 3: "group", 4: "class"}

_DIGITS = re.compile(r"^\d{2,4}$")
_DOTTED = re.compile(r"^\d{2}(\.\d{1,2})?$")


class NaceCodeError(ValueError):
    """A NACE code is malformed or not in NACE Rev. 2."""


@dataclass(frozen=True)
class NaceItem:
    """One item of NACE Rev. 2 at any of its four levels."""

    code: str
    level: int
    parent: str | None
    description: str


class NaceTable:
    """The whole classification, with parent links."""

    def __init__(self, items: list[NaceItem], provenance: Provenance) -> None:
        self.items = {item.code: item for item in items}
        self.provenance = provenance
        if len(self.items) != len(items):
            raise ReferenceDataError(f"{FILENAME}: duplicate codes")
        for item in items:
            if item.parent is not None and item.parent not in self.items:
                raise ReferenceDataError(
                    f"{FILENAME}: {item.code} has unknown parent {item.parent}"
                )

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self.items

    def get(self, code: str) -> NaceItem:
        """Return the item for a code written in any accepted form."""
        canonical = normalise_code(code)
        try:
            return self.items[canonical]
        except KeyError:
            raise NaceCodeError(
                f"{code!r} is not a NACE Rev. 2 code; give a class such as 23.51 (cement) or "
                "a division such as 23"
            ) from None

    def ancestors(self, code: str) -> list[NaceItem]:
        """The item and its parents, from the item up to its section."""
        chain = [self.get(code)]
        while chain[-1].parent is not None:
            chain.append(self.items[chain[-1].parent])
        return chain


def normalise_code(text: str) -> str:
    """Write a NACE code the way the regulation does.

    Examples
    --------
    >>> [normalise_code(code) for code in ("2351", " 23.51 ", "235", "c")]
    ['23.51', '23.51', '23.5', 'C']
    """
    code = text.strip().upper()
    if len(code) == 1 and code.isalpha():
        return code
    if _DIGITS.match(code):
        return code if len(code) == 2 else f"{code[:2]}.{code[2:]}"
    if _DOTTED.match(code):
        return code
    raise NaceCodeError(
        f"{text!r} is not written like a NACE code; use a class such as 23.51 or 2351, a group "
        "such as 23.5, a division such as 23 or a section letter"
    )


@lru_cache(maxsize=1)
def load_nace() -> NaceTable:
    """Load the shipped NACE Rev. 2 table."""
    rows = read_rows(FILENAME, COLUMNS)
    items = [
        NaceItem(
            code=row["code"],
            level=int(row["level"]),
            parent=row["parent"] or None,
            description=row["description"],
        )
        for row in rows
    ]
    return NaceTable(items, read_provenance(FILENAME))
