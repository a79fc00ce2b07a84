"""Reference tables: complete, consistent, and equal row by row to an independent tabulation."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from parkloop.reference.countries import CountryCodeError, country_name, normalise_country
from parkloop.reference.nace import NaceCodeError, load_nace, normalise_code
from parkloop.reference.waste import WasteCodeError, load_waste_list, parse_code


def test_nace_has_every_item_of_the_four_levels() -> None:
    # NACE Rev. 2 (Regulation (EC) No 1893/2006): 21 sections, 88 divisions, 272 groups,
    # 615 classes (Eurostat, "NACE Rev. 2 - Statistical classification", 2008, p. 15).
    nace = load_nace()
    assert Counter(item.level for item in nace.items.values()) == {1: 21, 2: 88, 3: 272, 4: 615}


def test_nace_parents_climb_to_a_section() -> None:
    chain = [item.code for item in load_nace().ancestors("2351")]
    assert chain == ["23.51", "23.5", "23", "C"]
    assert load_nace().get("23.51").description == "Manufacture of cement"


def test_nace_codes_are_accepted_with_or_without_the_dot() -> None:
    assert normalise_code("3511") == normalise_code("35.11") == "35.11"
    with pytest.raises(NaceCodeError, match="not written like a NACE code"):
        normalise_code("35-11")
    with pytest.raises(NaceCodeError, match=r"not a NACE Rev\. 2 code"):
        load_nace().get("35.19")


def test_nace_names_its_source() -> None:
    provenance = load_nace().provenance
    assert "1893/2006" in provenance.source and provenance.year == 2006
    assert "2011/833/EU" in provenance.licence


def test_list_of_waste_counts_match_the_legal_list() -> None:
    # Decision 2014/955/EU: 842 entries, 408 of them marked hazardous (*), in 20 chapters.
    waste = load_waste_list()
    assert len(waste) == 842
    assert sum(e.hazardous for e in waste.entries.values()) == 408
    assert sum(h.level == 1 for h in waste.headings.values()) == 20


def test_hazardous_flags_agree_with_entry_types() -> None:
    for entry in load_waste_list().entries.values():
        assert entry.hazardous == entry.entry_type.endswith(" hazardous"), entry.code


def test_list_of_waste_lookup_accepts_the_usual_spellings() -> None:
    waste = load_waste_list()
    assert waste.lookup("100105").code == "10 01 05"
    assert waste.lookup("13 02 05*").display == "13 02 05*"
    assert waste.lookup("130205").hazardous
    assert parse_code("10.01.05") == ("10 01 05", False)
    with pytest.raises(WasteCodeError, match="non-hazardous"):
        waste.lookup("10 01 05*")
    with pytest.raises(WasteCodeError, match=r"sub-chapter 10 01"):
        waste.lookup("10 01 98")


def test_list_of_waste_names_its_source() -> None:
    provenance = load_waste_list().provenance
    assert "2014/955/EU" in provenance.source and provenance.year == 2014


def test_countries_come_from_iso_3166() -> None:
    assert normalise_country("fi") == "FI"
    assert country_name("EE") == "Estonia"
    with pytest.raises(CountryCodeError, match="did you mean SE"):
        normalise_country("SWE")
    with pytest.raises(CountryCodeError):
        normalise_country("XX")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _words(text: str) -> str:
    """Compare text without case, spacing and a closing full stop."""
    return re.sub(r"\s+", "", text).lower().rstrip(".")


def test_nace_equals_the_shared_tabulation_row_by_row(shared_data: Path) -> None:
    theirs = _read(shared_data / "nace_rev2.csv")
    ours = list(load_nace().items.values())
    assert [r["code"] for r in theirs] == [i.code for i in ours]
    for row, item in zip(theirs, ours, strict=True):
        assert (int(row["level"]), row["parent"] or None) == (item.level, item.parent), item.code
        assert row["description"].strip() == item.description, item.code


# Where the shared tabulation departs from the text of Decision 2014/955/EU (checked against two
# independent copies of the Official Journal text): "waste"/"wastes", "others than".
LEGAL_TEXT_WORDING = {"06 08 02", "07 02 16", "07 02 17", "11 03 02", "16 11 02", "16 11 06"}


def test_list_of_waste_equals_the_shared_tabulation_row_by_row(shared_data: Path) -> None:
    theirs = _read(shared_data / "ewc_list_of_waste.csv")
    ours = list(load_waste_list().entries.values())
    assert [r["code"] for r in theirs] == [e.code for e in ours]
    for row, entry in zip(theirs, ours, strict=True):
        assert (row["hazardous"] == "true") == entry.hazardous, entry.code
        assert row["entry_type"].lower() == entry.entry_type, entry.code
        assert row["subchapter"] == entry.subchapter, entry.code
        if entry.code not in LEGAL_TEXT_WORDING:
            assert _words(row["description"]) == _words(entry.description), entry.code
