"""Reading process streams for pinch analysis from a CSV file."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from parkloop.energy.pinch import Stream
from parkloop.errors import Issue, ValidationError

REQUIRED = ("name", "supply_c", "target_c")
SHEET = "streams"


def read_streams(path: Path) -> list[Stream]:
    """Streams from a CSV with ``name,supply_c,target_c`` and ``cp_kw_per_k`` or ``heat_kw``.

    Raises
    ------
    ValidationError
        With every bad row and column: missing columns, non-numbers, equal supply and target,
        a CP or heat load that is not positive, or neither given.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Issue(SHEET, None, None, f"cannot read {path}: {exc}")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = reader.fieldnames or []
    issues = [
        Issue(SHEET, 1, c, "required column is missing") for c in REQUIRED if c not in columns
    ]
    if "cp_kw_per_k" not in columns and "heat_kw" not in columns:
        issues.append(Issue(SHEET, 1, "cp_kw_per_k", "give a cp_kw_per_k or a heat_kw column"))
    if issues:
        raise ValidationError(issues)
    streams: list[Stream] = []
    for row_number, row in enumerate(reader, start=2):
        values: dict[str, float] = {}
        for column in ("supply_c", "target_c", "cp_kw_per_k", "heat_kw"):
            cell = (row.get(column) or "").strip()
            if not cell:
                continue
            try:
                values[column] = float(cell)
            except ValueError:
                issues.append(Issue(SHEET, row_number, column, f"{cell!r} is not a number"))
                continue
            if not math.isfinite(values[column]):
                issues.append(Issue(SHEET, row_number, column, f"{cell!r} is not finite"))
        name = (row.get("name") or "").strip() or f"row {row_number}"
        if any(i.row == row_number for i in issues):
            continue
        try:
            if "supply_c" not in values or "target_c" not in values:
                raise ValueError("supply_c and target_c are required")
            if "cp_kw_per_k" in values:
                stream = Stream(name, values["supply_c"], values["target_c"], values["cp_kw_per_k"])
            elif "heat_kw" in values:
                if values["heat_kw"] <= 0 or values["supply_c"] == values["target_c"]:
                    raise ValueError("heat_kw must be positive and supply_c differ from target_c")
                stream = Stream.from_heat(
                    name, values["supply_c"], values["target_c"], values["heat_kw"]
                )
            else:
                raise ValueError("give cp_kw_per_k or heat_kw")
        except ValueError as exc:
            issues.append(Issue(SHEET, row_number, None, str(exc)))
            continue
        streams.append(stream)
    if issues:
        raise ValidationError(issues)
    if not streams:
        raise ValidationError([Issue(SHEET, None, None, "the file has no stream rows")])
    return streams
