"""Sourced numeric factors (value, range, unit, year, source) from shipped YAML files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from parkloop.errors import ReferenceDataError


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

    def cite(self) -> str:
        return f"{self.name} = {self.value:g} {self.unit} ({' '.join(self.source.split())})"


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
        )
    return out


def matching_factors() -> dict[str, Factor]:
    return load_factors("matching_factors.yaml")
