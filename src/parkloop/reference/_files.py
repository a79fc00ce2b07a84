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
        source=str(meta["source"]).strip(),
        year=int(meta["year"]),
        licence=str(meta["licence"]).strip(),
        version=str(meta["version"]) if meta.get("version") else None,
    )
