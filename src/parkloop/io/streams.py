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


def read_company_streams(path: Path) -> tuple[dict[str, list[Stream]], dict[str, float]]:
    """Streams per company from a CSV with a ``company`` column added to the stream columns.

    The stream columns are those of :func:`read_streams`. An optional ``dt_min_k`` column gives a
    company's own minimum approach temperature [K]; leave it empty to use the caller's default,
    and give the same value on every row of a company.

    Returns
    -------
    tuple of dict
        Streams by company, in file order, and ``dt_min_k`` by company for those that give one.

    Raises
    ------
    ValidationError
        With every bad row and column: the stream problems of :func:`read_streams`, a missing
        ``company`` column or cell, and a ``dt_min_k`` that is not a number >= 0 or differs
        between rows of one company.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Issue(SHEET, None, None, f"cannot read {path}: {exc}")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "company" not in (reader.fieldnames or []):
        issue = "required column is missing: name the company that owns each stream"
        raise ValidationError([Issue(SHEET, 1, "company", issue)])
    issues: list[Issue] = []
    owners: list[str] = []
    dts: dict[str, float] = {}
    first_row: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=2):
        company = (row.get("company") or "").strip()
        owners.append(company)
        if not company:
            issues.append(Issue(SHEET, row_number, "company", "empty: name the company"))
            continue
        cell = (row.get("dt_min_k") or "").strip()
        if not cell:
            continue
        try:
            dt = float(cell)
        except ValueError:
            issues.append(Issue(SHEET, row_number, "dt_min_k", f"{cell!r} is not a number"))
            continue
        if not math.isfinite(dt) or dt < 0:
            issues.append(Issue(SHEET, row_number, "dt_min_k", f"{cell!r}: give a number >= 0 K"))
        elif company in dts and dts[company] != dt:
            message = (
                f"{company!r} has dt_min_k {dts[company]:g} K on row {first_row[company]}; "
                "give one value per company"
            )
            issues.append(Issue(SHEET, row_number, "dt_min_k", message))
        else:
            dts.setdefault(company, dt)
            first_row.setdefault(company, row_number)
    try:
        streams = read_streams(path)
    except ValidationError as exc:
        issues.extend(exc.issues)
        streams = []
    if issues:
        raise ValidationError(sorted(issues, key=lambda i: (i.row or 0, i.column or "")))
    by_company: dict[str, list[Stream]] = {}
    for company, stream in zip(owners, streams, strict=True):
        by_company.setdefault(company, []).append(stream)
    return by_company, dts
