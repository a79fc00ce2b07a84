"""Reading the raw cells of a park workbook, with file-level checks.

Readers return every cell as a string (empty for a blank cell) so that one validator serves CSV,
XLSX and JSON alike. Problems with a file as a whole (size, encoding, delimiter, missing or
duplicated columns) are collected as :class:`~parkloop.errors.Issue` objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parkloop.errors import Issue, ValidationError
from parkloop.io.schema import SHEETS, SHEETS_BY_NAME, SheetSpec

DEFAULT_MAX_BYTES = 50_000_000  # 50 MB (SI)
MAX_ROWS_PER_SHEET = 200_000


@dataclass
class RawSheet:
    """The cells of one sheet: ``rows`` pairs a spreadsheet row number with its cells."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def extra_columns(self) -> list[str]:
        spec = SHEETS_BY_NAME[self.name]
        return [c for c in self.columns if c not in spec.columns]


@dataclass
class RawWorkbook:
    sheets: dict[str, RawSheet]
    source: str


def _cell_text(value: Any) -> str:
    """A cell as text: numbers without spurious decimals, dates as ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _check_columns(sheet: RawSheet, issues: list[Issue]) -> None:
    spec = SHEETS_BY_NAME[sheet.name]
    seen: set[str] = set()
    for column in sheet.columns:
        if column in seen:
            issues.append(
                Issue(sheet.name, 1, column, "this column appears twice; keep one of them")
            )
        seen.add(column)
    extras = sheet.extra_columns()
    for column in spec.required:
        if column not in seen:
            close = difflib.get_close_matches(column, extras, n=1)
            hint = f" (is {close[0]!r} meant to be {column!r}?)" if close else ""
            optional = f" and may have {', '.join(spec.optional)}" if spec.optional else ""
            issues.append(
                Issue(
                    sheet.name,
                    1,
                    column,
                    f"required column is missing{hint}; the sheet needs "
                    f"{', '.join(spec.required)}{optional}",
                )
            )
    for column in sheet.columns:
        if not column:
            issues.append(Issue(sheet.name, 1, None, "a column has no name in the header row"))


def _check_size(path: Path, max_bytes: int, sheet: str, issues: list[Issue]) -> bool:
    size = path.stat().st_size
    if size > max_bytes:
        issues.append(
            Issue(
                sheet,
                None,
                None,
                f"{path.name} is {size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB "
                "limit; split the workbook or raise PARKLOOP_MAX_UPLOAD_MB",
            )
        )
        return False
    if size == 0:
        spec = SHEETS_BY_NAME.get(sheet)
        columns = ", ".join(spec.required) if spec else "the sheet's columns"
        issues.append(
            Issue(sheet, None, None, f"{path.name} is empty; it needs a header row ({columns})")
        )
        return False
    return True


def _read_csv_sheet(path: Path, spec: SheetSpec, issues: list[Issue]) -> RawSheet | None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        issues.append(
            Issue(
                spec.name,
                line,
                None,
                f"{path.name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at row {line}); "
                "save it as 'CSV UTF-8 (comma delimited)'",
            )
        )
        return None
    if "\x00" in text:
        issues.append(Issue(spec.name, None, None, f"{path.name} is binary, not a CSV file"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    if not any(cell.strip() for cell in header):
        issues.append(
            Issue(
                spec.name,
                None,
                None,
                f"{path.name} has no header row; the first row must "
                f"name the columns ({', '.join(spec.required)})",
            )
        )
        return None
    if len(header) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in header[0]:
                issues.append(
                    Issue(
                        spec.name,
                        1,
                        None,
                        f"{path.name} separates columns with {label}; parkloop reads "
                        "comma-separated files: save it as 'CSV UTF-8 (comma delimited)'",
                    )
                )
                return None
    sheet = RawSheet(spec.name, [h.strip() for h in header])
    width = len(header)
    for index, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            issues.append(
                Issue(
                    spec.name,
                    index,
                    None,
                    f"this row has {len(cells)} cells but the header names {width} columns; "
                    "quote cells that contain commas",
                )
            )
            continue
        padded = cells + [""] * (width - len(cells))
        sheet.rows.append(
            (index, {c: v.strip() for c, v in zip(sheet.columns, padded, strict=True)})
        )
        if len(sheet.rows) > MAX_ROWS_PER_SHEET:
            issues.append(
                Issue(spec.name, index, None, f"more than {MAX_ROWS_PER_SHEET} rows; split it")
            )
            return None
    return sheet


def _read_csv_folder(folder: Path, max_bytes: int, issues: list[Issue]) -> dict[str, RawSheet]:
    sheets: dict[str, RawSheet] = {}
    for spec in SHEETS:
        path = folder / f"{spec.name}.csv"
        if not path.exists():
            if spec.mandatory_sheet:
                issues.append(
                    Issue(spec.name, None, None, f"{spec.name}.csv is missing from {folder}")
                )
            continue
        if not _check_size(path, max_bytes, spec.name, issues):
            continue
        sheet = _read_csv_sheet(path, spec, issues)
        if sheet is not None:
            sheets[spec.name] = sheet
    return sheets


def _read_xlsx(path: Path, issues: list[Issue]) -> dict[str, RawSheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        issues.append(Issue("workbook", None, None, f"{path.name} is not a readable XLSX: {exc}"))
        return {}
    sheets: dict[str, RawSheet] = {}
    names = {name.strip().lower(): name for name in book.sheetnames}
    try:
        for spec in SHEETS:
            if spec.name not in names:
                if spec.mandatory_sheet:
                    issues.append(
                        Issue(spec.name, None, None, f"{path.name} has no sheet {spec.name!r}")
                    )
                continue
            rows = book[names[spec.name]].iter_rows(values_only=True)
            header = [_cell_text(v) for v in next(rows, ())]
            while header and not header[-1]:
                header.pop()
            if not header:
                issues.append(Issue(spec.name, None, None, "the sheet is empty; it needs a header"))
                continue
            sheet = RawSheet(spec.name, header)
            for index, values in enumerate(rows, start=2):
                cells = [_cell_text(v) for v in values]
                if not any(cells):
                    continue
                cells += [""] * (len(header) - len(cells))
                sheet.rows.append((index, dict(zip(header, cells[: len(header)], strict=True))))
                if len(sheet.rows) > MAX_ROWS_PER_SHEET:
                    issues.append(
                        Issue(spec.name, index, None, f"more than {MAX_ROWS_PER_SHEET} rows")
                    )
                    break
            sheets[spec.name] = sheet
    finally:
        book.close()
    return sheets


def _read_json(path: Path, issues: list[Issue]) -> dict[str, RawSheet]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        issues.append(Issue("workbook", None, None, f"{path.name} is not valid UTF-8 JSON: {exc}"))
        return {}
    if not isinstance(document, dict):
        issues.append(Issue("workbook", None, None, "the JSON document must be an object"))
        return {}
    sheets: dict[str, RawSheet] = {}
    for spec in SHEETS:
        value = document.get(spec.name)
        if value is None:
            if spec.mandatory_sheet:
                issues.append(Issue(spec.name, None, None, f"the JSON has no {spec.name!r} key"))
            continue
        records = [value] if spec.name == "park" and isinstance(value, dict) else value
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            issues.append(Issue(spec.name, None, None, "must be a list of objects"))
            continue
        # A JSON record names its fields itself; absent required fields are reported per row.
        columns: list[str] = list(spec.columns)
        for record in records:
            columns.extend(str(k) for k in record if str(k) not in columns)
        sheet = RawSheet(spec.name, columns)
        for index, record in enumerate(records, start=2):
            sheet.rows.append((index, {str(k): _cell_text(v) for k, v in record.items()}))
        sheets[spec.name] = sheet
    return sheets


def read_workbook(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawWorkbook:
    """Read the raw cells of a workbook at ``path``: a CSV folder, an ``.xlsx`` or a ``.json``.

    Raises
    ------
    ValidationError
        With every file-level problem found: missing file or sheet, size over ``max_bytes``,
        empty file, encoding other than UTF-8, a delimiter other than a comma, missing or
        repeated columns.
    """
    issues: list[Issue] = []
    if not path.exists():
        raise ValidationError([Issue("workbook", None, None, f"{path} does not exist")])
    if path.is_dir():
        sheets = _read_csv_folder(path, max_bytes, issues)
    else:
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".json"):
            raise ValidationError(
                [
                    Issue(
                        "workbook",
                        None,
                        None,
                        f"{path.name}: give a folder of CSV files, an .xlsx or a .json file",
                    )
                ]
            )
        if not _check_size(path, max_bytes, "workbook", issues):
            raise ValidationError(issues)
        sheets = _read_xlsx(path, issues) if suffix == ".xlsx" else _read_json(path, issues)
    for sheet in sheets.values():
        _check_columns(sheet, issues)
    if issues:
        raise ValidationError(issues)
    return RawWorkbook(sheets, str(path))


def read_sheet_files(paths: dict[str, Path], *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawWorkbook:
    """Read named CSV files as the sheets of one workbook (``{"companies": path, ...}``)."""
    issues: list[Issue] = []
    sheets: dict[str, RawSheet] = {}
    for name, path in paths.items():
        spec = SHEETS_BY_NAME[name]
        if not path.is_file():
            issues.append(Issue(name, None, None, f"{path} does not exist"))
            continue
        if not _check_size(path, max_bytes, name, issues):
            continue
        sheet = _read_csv_sheet(path, spec, issues)
        if sheet is not None:
            sheets[name] = sheet
    for spec in SHEETS:
        if spec.mandatory_sheet and spec.name not in paths:
            issues.append(Issue(spec.name, None, None, f"the {spec.name} sheet is required"))
    for sheet in sheets.values():
        _check_columns(sheet, issues)
    if issues:
        raise ValidationError(issues)
    return RawWorkbook(sheets, ", ".join(str(p) for p in paths.values()))


def read_flows_sheet(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawSheet:
    """Read just the ``flows`` sheet: a flows CSV, or the ``flows`` sheet of an ``.xlsx``.

    Used for listing one company's flows from a file. Raises :class:`ValidationError` with
    every file-level problem (type, size, encoding, columns).
    """
    issues: list[Issue] = []
    suffix = path.suffix.lower()
    spec = SHEETS_BY_NAME["flows"]
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(
            [Issue("flows", None, None, f"{path.name}: give a flows .csv or an .xlsx workbook")]
        )
    if not _check_size(path, max_bytes, "flows", issues):
        raise ValidationError(issues)
    if suffix == ".csv":
        sheet = _read_csv_sheet(path, spec, issues)
    else:
        found = _read_xlsx(path, [])
        sheet = found.get("flows")
        if sheet is None and not issues:
            issues.append(Issue("flows", None, None, f"{path.name} has no readable 'flows' sheet"))
    if sheet is not None:
        _check_columns(sheet, issues)
    if issues or sheet is None:
        raise ValidationError(issues)
    return sheet
