"""Resource classes: what kinds of residual resources which sectors can use (sourced).

Loaded from ``data/resource_classes.yaml``; every receiver link names its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from parkloop.errors import ReferenceDataError
from parkloop.reference.nace import NaceCodeError, load_nace
from parkloop.reference.waste import load_waste_list

FILENAME = "resource_classes.yaml"
LANGUAGES = ("en", "sv", "da", "fi", "de", "pl", "et", "lv", "lt")


@dataclass(frozen=True)
class Receiver:
    nace: str
    use: str
    source: str


@dataclass(frozen=True)
class ResourceClass:
    id: str
    label: str
    category: str
    ewc: tuple[str, ...]
    temperature_c: tuple[float, float] | None
    keywords: dict[str, tuple[str, ...]]
    receivers: tuple[Receiver, ...]

    @property
    def is_heat(self) -> bool:
        return self.temperature_c is not None


def _parse(entry: dict[str, Any]) -> ResourceClass:
    cid = str(entry["id"])
    nace = load_nace()
    waste = load_waste_list()
    for code in entry.get("ewc") or []:
        if code not in waste.entries and code not in waste.headings:
            raise ReferenceDataError(f"{FILENAME}: class {cid} has unknown List of Waste {code}")
    receivers = []
    for rec in entry.get("receivers") or []:
        try:
            code = nace.get(str(rec["nace"])).code
        except NaceCodeError as exc:
            raise ReferenceDataError(f"{FILENAME}: class {cid}: {exc}") from None
        if not rec.get("source"):
            raise ReferenceDataError(f"{FILENAME}: class {cid}, receiver {code} has no source")
        receivers.append(Receiver(code, str(rec.get("use", "")), str(rec["source"])))
    temperature = entry.get("temperature_c")
    keywords = {
        lang: tuple(str(k).lower() for k in (entry.get("keywords") or {}).get(lang) or [])
        for lang in LANGUAGES
    }
    return ResourceClass(
        id=cid,
        label=str(entry["label"]),
        category=str(entry["category"]),
        ewc=tuple(entry.get("ewc") or []),
        temperature_c=(float(temperature[0]), float(temperature[1])) if temperature else None,
        keywords=keywords,
        receivers=tuple(receivers),
    )


@lru_cache(maxsize=1)
def load_resource_classes() -> tuple[ResourceClass, ...]:
    """Load and check the shipped resource classes."""
    path = resources.files("parkloop.reference") / "data" / FILENAME
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    classes = tuple(_parse(entry) for entry in document["classes"])
    ids = [c.id for c in classes]
    if len(set(ids)) != len(ids):
        raise ReferenceDataError(f"{FILENAME}: duplicate class ids")
    return classes
