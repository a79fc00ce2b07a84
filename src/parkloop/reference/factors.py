"""Sourced numeric factors (value, range, unit, year, source) from shipped YAML files.

Besides the required ``value``, ``unit``, ``year`` and ``source``, an entry may carry ``low`` and
``high`` (the range its source gives) and two optional labels: ``basis`` (``location``, ``market``
or ``margin`` for electricity factors, in the sense of the GHG Protocol Scope 2 Guidance) and
``gas`` (``CO2``, ``CO2e``, ``CH4`` or ``N2O``, the gas the value counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from parkloop.errors import ReferenceDataError

Basis = Literal["location", "market", "margin"]
Gas = Literal["CO2", "CO2e", "CH4", "N2O"]
BASES: tuple[Basis, ...] = ("location", "market", "margin")
GASES: tuple[Gas, ...] = ("CO2", "CO2e", "CH4", "N2O")


@dataclass(frozen=True)
class Factor:
    """A number with its unit and source; ``low``/``high`` where the source gives a range."""

    name: str
    value: float
    unit: str
    year: int
    source: str
    low: float | None = None
    high: float | None = None
    basis: Basis | None = None
    gas: Gas | None = None

    def cite(self) -> str:
        return f"{self.name} = {self.value:g} {self.unit} ({' '.join(self.source.split())})"


def _basis(filename: str, name: str, raw: Any) -> Basis | None:
    """The optional ``basis`` label of entry ``name``, checked against :data:`BASES`."""
    if raw is None:
        return None
    for basis in BASES:
        if raw == basis:
            return basis
    raise ReferenceDataError(
        f"{filename}: factor {name} has basis {raw!r}; "
        f"use one of {', '.join(BASES)} or leave it out"
    )


def _gas(filename: str, name: str, raw: Any) -> Gas | None:
    """The optional ``gas`` label of entry ``name``, checked against :data:`GASES`."""
    if raw is None:
        return None
    for gas in GASES:
        if raw == gas:
            return gas
    raise ReferenceDataError(
        f"{filename}: factor {name} has gas {raw!r}; use one of {', '.join(GASES)} or leave it out"
    )


@lru_cache(maxsize=8)
def load_factors(filename: str) -> dict[str, Factor]:
    """Load the ``factors`` mapping of a shipped YAML file, checking every entry is sourced."""
    path = resources.files("parkloop.reference") / "data" / filename
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Factor] = {}
    for name, entry in document.get("factors", {}).items():
        missing = [k for k in ("value", "unit", "year", "source") if entry.get(k) in (None, "")]
        if missing:
            raise ReferenceDataError(f"{filename}: factor {name} lacks {', '.join(missing)}")
        out[name] = Factor(
            name=name,
            value=float(entry["value"]),
            unit=str(entry["unit"]),
            year=int(entry["year"]),
            source=str(entry["source"]),
            low=float(entry["low"]) if entry.get("low") is not None else None,
            high=float(entry["high"]) if entry.get("high") is not None else None,
            basis=_basis(filename, name, entry.get("basis")),
            gas=_gas(filename, name, entry.get("gas")),
        )
    return out


def matching_factors() -> dict[str, Factor]:
    return load_factors("matching_factors.yaml")
