"""The European List of Waste (LoW, often called the EWC codes).

Source: Commission Decision 2000/532/EC as replaced by Decision 2014/955/EU (see
``data/list_of_waste.meta.yaml``). Entries are six-digit codes written ``NN NN NN``; an asterisk
marks a hazardous entry. Workbooks may write ``100105``, ``10 01 05`` or ``10 01 05*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parkloop.errors import ReferenceDataError
from parkloop.reference._files import Provenance, read_provenance, read_rows

FILENAME = "list_of_waste.csv"
HEADINGS_FILENAME = "list_of_waste_headings.csv"
COLUMNS = ("code", "hazardous", "entry_type", "subchapter", "description")
HEADING_COLUMNS = ("code", "level", "parent", "title")
ENTRY_TYPES = (
    "absolute hazardous",
    "absolute non-hazardous",
    "mirror hazardous",
    "mirror non-hazardous",
)

_CODE = re.compile(r"^(\d{2})[ .]?(\d{2})[ .]?(\d{2})\s*(\*)?$")


class WasteCodeError(ValueError):
    """A List of Waste code is malformed, unknown, or wrongly marked hazardous."""


@dataclass(frozen=True)
class WasteEntry:
    """One six-digit entry of the List of Waste."""

    code: str
    hazardous: bool
    entry_type: str
    subchapter: str
    description: str

    @property
    def chapter(self) -> str:
        return self.code[:2]

    @property
    def mirror(self) -> bool:
        return self.entry_type.startswith("mirror")

    @property
    def display(self) -> str:
        """The code as the legal list writes it, with ``*`` on hazardous entries."""
        return f"{self.code}*" if self.hazardous else self.code


@dataclass(frozen=True)
class WasteHeading:
    """A chapter (``NN``) or sub-chapter (``NN NN``) of the List of Waste."""

    code: str
    level: int
    parent: str | None
    title: str


def parse_code(text: str) -> tuple[str, bool]:
    """Split a typed code into its canonical ``NN NN NN`` form and whether it had an asterisk.

    Examples
    --------
    >>> parse_code("100105"), parse_code("13 02 05*")
    (('10 01 05', False), ('13 02 05', True))
    """
    match = _CODE.match(text.strip())
    if match is None:
        raise WasteCodeError(
            f"{text!r} is not written like a List of Waste code; use six digits such as "
            "10 01 05 or 100105, with * for a hazardous entry (13 02 05*)"
        )
    return " ".join(match.group(1, 2, 3)), match.group(4) is not None


class WasteList:
    """All entries and headings of the List of Waste."""

    def __init__(
        self, entries: list[WasteEntry], headings: list[WasteHeading], provenance: Provenance
    ) -> None:
        self.entries = {entry.code: entry for entry in entries}
        self.headings = {heading.code: heading for heading in headings}
        self.provenance = provenance
        if len(self.entries) != len(entries):
            raise ReferenceDataError(f"{FILENAME}: duplicate codes")
        for entry in entries:
            if entry.subchapter not in self.headings:
                raise ReferenceDataError(f"{FILENAME}: {entry.code} has unknown sub-chapter")
            if entry.entry_type not in ENTRY_TYPES:
                raise ReferenceDataError(f"{FILENAME}: {entry.code} has type {entry.entry_type!r}")

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, text: str) -> WasteEntry:
        """Return the entry for a typed code; check an asterisk only marks hazardous entries."""
        code, starred = parse_code(text)
        entry = self.entries.get(code)
        if entry is None:
            heading = self.headings.get(code[:5])
            where = f" (sub-chapter {code[:5]}: {heading.title})" if heading else ""
            raise WasteCodeError(
                f"{text.strip()!r} is not an entry of the European List of Waste{where}; "
                "check the code against Decision 2014/955/EU"
            )
        if starred and not entry.hazardous:
            raise WasteCodeError(
                f"{text.strip()!r}: entry {code} ({entry.description}) is non-hazardous in the "
                "List of Waste; remove the *"
            )
        return entry


@lru_cache(maxsize=1)
def load_waste_list() -> WasteList:
    """Load the shipped List of Waste."""
    entries = [
        WasteEntry(
            code=row["code"],
            hazardous=row["hazardous"] == "true",
            entry_type=row["entry_type"],
            subchapter=row["subchapter"],
            description=row["description"],
        )
        for row in read_rows(FILENAME, COLUMNS)
    ]
    headings = [
        WasteHeading(
            code=row["code"],
            level=int(row["level"]),
            parent=row["parent"] or None,
            title=row["title"],
        )
        for row in read_rows(HEADINGS_FILENAME, HEADING_COLUMNS)
    ]
    return WasteList(entries, headings, read_provenance(FILENAME))
