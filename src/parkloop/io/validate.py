"""Checking every cell of a raw workbook and building domain objects from it.

All problems of a workbook are collected (up to ``max_issues``) and raised together, so a user
fixes a file in one pass. Nothing here touches a database: ids already stored in the target park
come in as ``known_company_ids``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TypeVar

from parkloop.domain.models import (
    Company,
    Confidentiality,
    Direction,
    EnergyCarrier,
    EnergyUse,
    Flow,
    Park,
    ParkWorkbook,
)
from parkloop.errors import Issue, ValidationError
from parkloop.io.read import RawSheet, RawWorkbook
from parkloop.io.schema import SHEETS_BY_NAME
from parkloop.reference.countries import CountryCodeError, normalise_country
from parkloop.reference.nace import NaceCodeError, load_nace
from parkloop.reference.waste import WasteCodeError, load_waste_list
from parkloop.units import Category, Period, UnitError, check_unit_for_category

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

# Characters that neither XLSX nor most tools can keep: C0 controls other than tab and line feed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n"})


class _Cap(Exception):
    """Raised internally when the issue cap is reached."""


class Collector:
    """Collects issues up to a cap."""

    def __init__(self, max_issues: int) -> None:
        self.issues: list[Issue] = []
        self.max_issues = max_issues
        self.truncated = False

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.issues) >= self.max_issues:
            self.truncated = True
            raise _Cap
        self.issues.append(Issue(sheet, row, column, message))


class RowReader:
    """Typed access to the cells of one row; each problem is reported once, with its place."""

    def __init__(self, sheet: str, row: int, cells: dict[str, str], out: Collector) -> None:
        self.sheet, self.row, self.cells, self.out = sheet, row, cells, out
        self.ok = True

    def fail(self, column: str | None, message: str) -> None:
        self.ok = False
        self.out.add(self.sheet, self.row, column, message)

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = self.cells.get(column, "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if not value:
            if required:
                self.fail(column, "is empty; this column is required")
            return None
        bad = CONTROL_CHARACTERS.search(value)
        if bad is not None:
            self.fail(
                column,
                f"contains the control character {bad.group()!r}; remove it (line breaks and "
                "tabs are allowed)",
            )
            return None
        return value

    def convert(
        self, column: str, parse: Callable[[str], T], *, required: bool = False
    ) -> T | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def number(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        strictly_positive: bool = False,
        unit: str = "",
    ) -> float | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            hint = " (use a point as decimal separator)" if "," in value else ""
            self.fail(column, f"{value!r} is not a number{hint}")
            return None
        if not math.isfinite(number):
            self.fail(column, f"{value!r} is not a finite number")
            return None
        suffix = f" {unit}" if unit else ""
        if strictly_positive and number <= 0:
            self.fail(column, f"{value} must be greater than 0{suffix}; leave it empty if unknown")
            return None
        if minimum is not None and number < minimum:
            self.fail(column, f"{value} is below the smallest allowed value {minimum:g}{suffix}")
            return None
        if maximum is not None and number > maximum:
            self.fail(column, f"{value} is above the largest allowed value {maximum:g}{suffix}")
            return None
        return number

    def integer(
        self, column: str, *, required: bool = False, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        number = self.number(column, required=required)
        if number is None:
            return None
        if not number.is_integer():
            self.fail(column, f"{number:g} must be a whole number")
            return None
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and {maximum}" if maximum is not None else ""
            self.fail(column, f"{number:g} must be between {minimum}{upper}")
            return None
        return int(number)

    def choice(self, column: str, enum: type[E], *, default: E | None = None) -> E | None:
        value = self.text(column, required=default is None)
        if value is None:
            return default
        try:
            return enum(value.lower())
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(column, f"{value!r} is not allowed; use one of: {allowed}")
            return None

    def boolean(self, column: str) -> bool:
        value = (self.text(column) or "false").lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.fail(column, f"{value!r} is not allowed; use true or false")
        return False

    def date(self, column: str) -> dt.date | None:
        def parse(value: str) -> dt.date:
            try:
                return dt.date.fromisoformat(value[:10] if "T" in value else value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None

        return self.convert(column, parse)

    def notes(self, extra_columns: Iterable[str]) -> dict[str, str]:
        return {c: self.cells[c] for c in extra_columns if self.cells.get(c, "").strip()}


def _unique(
    sheet: str, row: int, column: str, key: str, seen: dict[str, int], out: Collector
) -> bool:
    if key in seen:
        out.add(
            sheet,
            row,
            column,
            f"id {key!r} is used again (first on row {seen[key]}); ids must be unique",
        )
        return False
    seen[key] = row
    return True


def _latlon(reader: RowReader, *, required: bool) -> tuple[float | None, float | None]:
    lat = reader.number("lat", required=required, minimum=-90, maximum=90, unit="degrees")
    lon = reader.number("lon", required=required, minimum=-180, maximum=180, unit="degrees")
    return lat, lon


def _nace(value: str) -> str:
    try:
        return load_nace().get(value).code
    except NaceCodeError as exc:
        raise ValueError(str(exc)) from None


def _ewc(value: str) -> str:
    try:
        return load_waste_list().lookup(value).display
    except WasteCodeError as exc:
        raise ValueError(str(exc)) from None


def _country(value: str) -> str:
    try:
        return normalise_country(value)
    except CountryCodeError as exc:
        raise ValueError(str(exc)) from None


def _park(sheet: RawSheet, out: Collector) -> Park | None:
    if not sheet.rows:
        out.add(sheet.name, None, None, "the park sheet has a header but no row; add one row")
        return None
    if len(sheet.rows) > 1:
        out.add(sheet.name, sheet.rows[1][0], None, "the park sheet must have exactly one row")
    row, cells = sheet.rows[0]
    reader = RowReader(sheet.name, row, cells, out)
    name = reader.text("name", required=True)
    country = reader.convert("country", _country)
    lat, lon = _latlon(reader, required=False)
    rate = reader.number("discount_rate", minimum=0, unit="per year")
    if rate is not None and rate >= 1:
        reader.fail("discount_rate", f"{rate:g} must be below 1; give a fraction (0.05 for 5 %)")
    rate_source = reader.text("discount_rate_source")
    if rate is not None and rate_source is None:
        reader.fail(
            "discount_rate_source",
            "is empty but a discount_rate is given; say where the rate comes from",
        )
    if not reader.ok or name is None:
        return None
    return Park(name, country, reader.text("municipality"), lat, lon, rate, rate_source)


def _companies(sheet: RawSheet, out: Collector) -> list[Company]:
    companies: list[Company] = []
    seen: dict[str, int] = {}
    extras = sheet.extra_columns()
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        key = reader.text("id", required=True)
        if key is not None and not _unique(sheet.name, row, "id", key, seen, out):
            reader.ok = False
        name = reader.text("name", required=True)
        nace = reader.convert("nace", _nace, required=True)
        country = reader.convert("country", _country, required=True)
        lat, lon = _latlon(reader, required=True)
        employees = reader.integer("employees", maximum=10_000_000)
        visibility = reader.choice("visibility", Confidentiality, default=Confidentiality.PARK)
        if reader.ok:
            assert key and name and nace and country and lat is not None and lon is not None
            assert visibility is not None
            companies.append(
                Company(
                    id=key,
                    name=name,
                    nace=nace,
                    country=country,
                    lat=lat,
                    lon=lon,
                    city=reader.text("city"),
                    employees=employees,
                    website=reader.text("website"),
                    visibility=visibility,
                    notes=reader.notes(extras),
                )
            )
    return companies


def _flow_unit(
    reader: RowReader, category: Category | None, quantity: float | None, per: Period | None
) -> str | None:
    unit = reader.text("unit")
    if unit is None:
        if quantity is not None:
            reader.fail("unit", "is empty but a quantity is given; add its unit (t, m3, MWh...)")
        return None
    if category is None:
        return unit
    try:
        kind = check_unit_for_category(unit, category)
    except UnitError as exc:
        reader.fail("unit", str(exc))
        return None
    if kind.is_rate and per not in (None, Period.YEAR):
        reader.fail(
            "per",
            f"unit {unit!r} is already a rate ({kind.name}); leave 'per' empty or 'year', or "
            "give an amount such as MWh or t per " + (per.value if per else "period"),
        )
    return unit


def _flows(sheet: RawSheet, company_ids: set[str], out: Collector) -> list[Flow]:
    flows: list[Flow] = []
    seen: dict[str, int] = {}
    extras = sheet.extra_columns()
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        key = reader.text("id", required=True)
        if key is not None and not _unique(sheet.name, row, "id", key, seen, out):
            reader.ok = False
        company_id = reader.text("company_id", required=True)
        if company_id is not None and company_id not in company_ids:
            reader.fail(
                "company_id",
                f"{company_id!r} is not the id of a company in the companies sheet or the park",
            )
        direction = reader.choice("direction", Direction)
        category = reader.choice("category", Category)
        name = reader.text("name", required=True)
        ewc = reader.convert("ewc", _ewc)
        if ewc is not None and category not in (None, Category.MATERIAL, Category.WATER):
            reader.fail(
                "ewc",
                "a List of Waste code applies to material and water flows only; "
                f"this flow is {category.value if category else ''}",
            )
        quantity = reader.number("quantity", strictly_positive=True)
        per = reader.choice("per", Period, default=Period.YEAR)
        unit = _flow_unit(reader, category, quantity, per)
        temperature = reader.number("temperature_c", minimum=-273.15, maximum=3000, unit="degC")
        pressure = reader.number("pressure_bar", minimum=0, maximum=1000, unit="bar")
        available_from = reader.date("available_from")
        available_to = reader.date("available_to")
        if available_from and available_to and available_to < available_from:
            reader.fail("available_to", f"{available_to} is before available_from {available_from}")
        price = reader.number("price_eur_per_unit")
        confidentiality = reader.choice(
            "confidentiality", Confidentiality, default=Confidentiality.PARK
        )
        if reader.ok:
            assert key and company_id and direction and category and name and per
            assert confidentiality is not None
            flows.append(
                Flow(
                    id=key,
                    company_id=company_id,
                    direction=direction,
                    category=category,
                    name=name,
                    description=reader.text("description"),
                    ewc=ewc,
                    quantity=quantity,
                    unit=unit,
                    per=per,
                    temperature_c=temperature,
                    pressure_bar=pressure,
                    quality=reader.text("quality"),
                    available_from=available_from,
                    available_to=available_to,
                    price_eur_per_unit=price,
                    confidentiality=confidentiality,
                    notes=reader.notes(extras),
                )
            )
    return flows


def _energy(sheet: RawSheet, company_ids: set[str], out: Collector) -> list[EnergyUse]:
    uses: list[EnergyUse] = []
    seen: dict[tuple[str, int, str, bool], int] = {}
    this_year = dt.date.today().year
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = reader.text("company_id", required=True)
        if company_id is not None and company_id not in company_ids:
            reader.fail(
                "company_id",
                f"{company_id!r} is not the id of a company in the companies sheet or the park",
            )
        year = reader.integer("year", required=True, minimum=1990, maximum=this_year + 1)
        carrier = reader.choice("carrier", EnergyCarrier)
        mwh = reader.number("mwh", required=True, minimum=0, unit="MWh")
        onsite = reader.boolean("onsite_generation")
        if reader.ok:
            assert company_id and year is not None and carrier and mwh is not None
            key = (company_id, year, carrier.value, onsite)
            if key in seen:
                reader.fail(
                    "carrier",
                    f"{carrier.value} in {year} for {company_id} is listed "
                    f"again (first on row {seen[key]}); give one row per carrier and year",
                )
                continue
            seen[key] = row
            uses.append(EnergyUse(company_id, year, carrier, mwh, onsite))
    return uses


def validate_workbook(
    raw: RawWorkbook,
    *,
    known_company_ids: Iterable[str] = (),
    max_issues: int = 200,
) -> ParkWorkbook:
    """Check every cell of ``raw`` and return the workbook as domain objects.

    Parameters
    ----------
    raw : RawWorkbook
        Cells as read by :func:`parkloop.io.read.read_workbook`.
    known_company_ids : iterable of str
        Company ids already in the target park, which rows of the other sheets may refer to.
    max_issues : int
        Stop collecting after this many problems.

    Raises
    ------
    ValidationError
        With every problem found, each located by sheet, row and column.
    """
    # The optional inventory sheets are checked in their own module, which builds on this one.
    from parkloop.io.validate_extra import ExtraSheets, validate_extra_sheets

    out = Collector(max_issues)
    extra = ExtraSheets()
    park: Park | None = None
    companies: list[Company] = []
    flows: list[Flow] = []
    energy: list[EnergyUse] = []
    try:
        if "park" in raw.sheets:
            park = _park(raw.sheets["park"], out)
        companies = _companies(raw.sheets["companies"], out)
        ids = {c.id for c in companies} | set(known_company_ids)
        ids |= {cells.get("id", "").strip() for _, cells in raw.sheets["companies"].rows}
        flows = _flows(raw.sheets["flows"], ids, out)
        if "energy" in raw.sheets:
            energy = _energy(raw.sheets["energy"], ids, out)
        extra = validate_extra_sheets(raw, ids, out)
    except _Cap:
        pass
    if out.issues:
        raise ValidationError(out.issues, truncated=out.truncated)
    assert set(raw.sheets) <= set(SHEETS_BY_NAME)
    return extra.workbook(park, companies, flows, energy)


def validate_flow(cells: dict[str, str], company_ids: Iterable[str]) -> Flow:
    """Check one flow entered in a form or sent to the API, with the workbook's rules.

    Problems are reported for sheet ``flows`` without a row number, by field.
    """
    columns = list(cells)
    sheet = RawSheet("flows", columns, [(0, cells)])
    out = Collector(50)
    flows = _flows(sheet, set(company_ids), out)
    if out.issues:
        raise ValidationError([Issue(i.sheet, None, i.column, i.message) for i in out.issues])
    return flows[0]


def validate_flows_sheet(
    sheet: RawSheet, company_ids: Iterable[str], max_issues: int = 200
) -> list[Flow]:
    """Check every row of a flows sheet; problems carry the spreadsheet row number."""
    out = Collector(max_issues)
    flows: list[Flow] = []
    with contextlib.suppress(_Cap):
        flows = _flows(sheet, set(company_ids), out)
    if out.issues:
        raise ValidationError(out.issues, truncated=out.truncated)
    return flows
