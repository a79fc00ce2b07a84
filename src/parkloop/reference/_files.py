"""Reading shipped data files and their sidecars."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from parkloop.errors import ReferenceDataError

_REQUIRED_META = ("name", "source", "year", "licence")


@dataclass(frozen=True)
class Provenance:
    """Where a reference table comes from."""

    name: str
    source: str
    year: int
    licence: str
    version: str | None = None


def read_rows(filename: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a shipped CSV and check its header is exactly ``columns``."""
    path = resources.files("parkloop.reference") / "data" / filename
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != columns:
        raise ReferenceDataError(
            f"{filename}: header {reader.fieldnames} differs from the expected {list(columns)}"
        )
    return list(reader)


def _describe(source: Any) -> str:
    """A one-line citation from a sidecar's ``source`` (a string, or titled parts with URLs)."""
    if isinstance(source, dict):
        parts = []
        for value in source.values():
            if isinstance(value, dict) and "title" in value:
                bits = [str(value["title"]).strip(), value.get("citation"), value.get("url")]
                parts.append(", ".join(str(b) for b in bits if b))
        return "; ".join(parts)
    return " ".join(str(source).split())


def read_provenance(filename: str) -> Provenance:
    """Read the ``.meta.yaml`` sidecar of a shipped data file."""
    meta_name = filename.rsplit(".", 1)[0] + ".meta.yaml"
    path = resources.files("parkloop.reference") / "data" / meta_name
    try:
        meta: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{filename} has no sidecar {meta_name}") from exc
    missing = [key for key in _REQUIRED_META if not meta.get(key)]
    if missing:
        raise ReferenceDataError(f"{meta_name} lacks {', '.join(missing)}")
    return Provenance(
        name=str(meta["name"]),
        source=_describe(meta["source"]),
        year=int(meta["year"]),
        licence=str(meta["licence"]).strip(),
        version=str(meta["version"]) if meta.get("version") else None,
    )
