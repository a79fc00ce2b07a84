"""Checking the optional inventory sheets of a park workbook.

The sheets ``process_emissions``, ``waste``, ``freight``, ``streams``, ``energy_prices`` and
``end_use_shares`` feed the GHG inventory (process emissions, Scope 3 categories 4, 5 and 9),
Total Site heat integration and the toolbox's cost curve. Their allowed values come from the
shipped reference data, never from lists in this module: gases from the GWP100 entries of
``emission_factors.yaml``, waste treatments and freight modes from the factors the impact data
(``impact_factors.yaml``) can use, end uses from the measures catalogue.

Problems are collected by :class:`~parkloop.io.validate.Collector` like those of the other
sheets: each with its sheet, spreadsheet row and column, and the values allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from parkloop.domain.models import (
    Company,
    CompanyEndUseShare,
    Confidentiality,
    EnergyCarrier,
    EnergyPrice,
    EnergyUse,
    Flow,
    FreightTransport,
    Park,
    ParkWorkbook,
    ProcessEmission,
    ProcessStream,
    WasteArising,
)
from parkloop.energy.pinch import Stream
from parkloop.errors import ReferenceDataError
from parkloop.io.read import RawSheet, RawWorkbook
from parkloop.io.validate import Collector, RowReader, _ewc
from parkloop.reference.factors import load_factors

EMISSION_FILE = "emission_factors.yaml"
#: GWP100 entries of the emission-factor file: ``gwp100_<gas>[_<qualifier>]_<report>``.
GWP_NAME = re.compile(r"gwp100_(?P<gas>[a-z0-9]+)(?:_[a-z_]+)?_ar\d+")
#: The reference gas, whose GWP is 1 by definition and so has no entry of its own.
REFERENCE_GAS = "CO2"
#: Treatment always allowed in the ``waste`` sheet besides the disposal routes with a factor.
RECYCLING = "recycling"
FREIGHT_UNIT = "kg CO2e per tonne-km"
FIRST_YEAR = 1990
LAST_PRICE_YEAR = 2100
#: Shares of one carrier may add up to 1 plus this rounding slack (XLSX keeps 16 digits).
SHARE_SLACK = 1e-9
NOT_A_COMPANY = "{!r} is not the id of a company in the companies sheet or the park"


@lru_cache(maxsize=1)
def allowed_gases() -> tuple[str, ...]:
    """CO2 and every gas that ``emission_factors.yaml`` gives a GWP100 for (CH4, N2O...).

    Raises
    ------
    ReferenceDataError
        When the file has no GWP100 entry at all.
    """
    found = {m["gas"].upper() for n in load_factors(EMISSION_FILE) if (m := GWP_NAME.fullmatch(n))}
    if not found:
        raise ReferenceDataError(
            f"{EMISSION_FILE}: no gwp100_<gas>_<report> factor; the process_emissions sheet "
            "needs at least one"
        )
    return tuple(sorted(found | {REFERENCE_GAS}))


@lru_cache(maxsize=1)
def allowed_treatments() -> tuple[str, ...]:
    """The waste treatments with a disposal factor in the impact data, plus ``recycling``.

    A treatment is one of the disposal baselines of :mod:`parkloop.impact.assumptions`; it is
    allowed when ``emission_factors.yaml`` has a ``waste_<route>_<material>`` factor for one of
    its routes and a material that the ``disposal:`` mapping of ``impact_factors.yaml`` uses.
    """
    from parkloop.impact.assumptions import BASELINE_ROUTES
    from parkloop.impact.factors import impact_reference

    reference = impact_reference()
    materials = {entry.material for entry in reference.disposal.values()}
    found = [
        baseline
        for baseline, routes in BASELINE_ROUTES.items()
        if any(f"waste_{r}_{m}" in reference.factors for r in routes for m in materials)
    ]
    return tuple(found) if RECYCLING in found else (*found, RECYCLING)


@lru_cache(maxsize=1)
def allowed_freight_modes() -> tuple[str, ...]:
    """The freight modes whose factor the impact data has in kg CO2e per tonne-km.

    Raises
    ------
    ReferenceDataError
        When no mode has such a factor.
    """
    from parkloop.impact.assumptions import TRANSPORT_MODES
    from parkloop.impact.factors import impact_reference

    factors = impact_reference().factors
    found = tuple(
        mode
        for mode, name in TRANSPORT_MODES.items()
        if name in factors and factors[name].unit == FREIGHT_UNIT
    )
    if not found:
        raise ReferenceDataError(
            f"{EMISSION_FILE}: no freight factor in {FREIGHT_UNIT!r}; the freight sheet needs one"
        )
    return found


@lru_cache(maxsize=1)
def allowed_end_uses() -> tuple[str, ...]:
    """The end uses named by the measures of the built-in toolbox catalogue, except ``all``."""
    from parkloop.reference.measures import default_registry
    from parkloop.toolbox.recommend import ALL_END_USES

    uses = {measure.applicability.end_use for measure in default_registry()}
    return tuple(sorted(uses - {ALL_END_USES}))


@dataclass
class ExtraSheets:
    """The optional inventory sheets of a workbook, as domain objects."""

    process_emissions: list[ProcessEmission] = field(default_factory=list)
    waste: list[WasteArising] = field(default_factory=list)
    freight: list[FreightTransport] = field(default_factory=list)
    streams: list[ProcessStream] = field(default_factory=list)
    energy_prices: list[EnergyPrice] = field(default_factory=list)
    end_use_shares: list[CompanyEndUseShare] = field(default_factory=list)

    def workbook(
        self,
        park: Park | None,
        companies: list[Company],
        flows: list[Flow],
        energy: list[EnergyUse],
    ) -> ParkWorkbook:
        """The whole workbook: the main sheets given, with these optional sheets."""
        return ParkWorkbook(
            park,
            companies,
            flows,
            energy,
            process_emissions=self.process_emissions,
            waste=self.waste,
            freight=self.freight,
            streams=self.streams,
            energy_prices=self.energy_prices,
            end_use_shares=self.end_use_shares,
        )


def _company(reader: RowReader, company_ids: set[str]) -> str | None:
    company_id = reader.text("company_id", required=True)
    if company_id is not None and company_id not in company_ids:
        reader.fail("company_id", NOT_A_COMPANY.format(company_id))
    return company_id


def _year(reader: RowReader, last: int | None = None) -> int | None:
    last = dt.date.today().year + 1 if last is None else last
    return reader.integer("year", required=True, minimum=FIRST_YEAR, maximum=last)


def _term(reader: RowReader, column: str, allowed: Sequence[str]) -> str | None:
    """A required cell from ``allowed``, matched without regard to case or repeated spaces."""
    value = reader.text(column, required=True)
    if value is None:
        return None
    wanted = " ".join(value.split()).lower()
    for term in allowed:
        if term.lower() == wanted:
            return term
    reader.fail(column, f"{value!r} is not allowed; use one of: {', '.join(allowed)}")
    return None


def _positive(reader: RowReader, column: str, unit: str) -> float | None:
    value = reader.number(column, required=True)
    if value is not None and value <= 0:
        reader.fail(column, f"{value:g} must be greater than 0 {unit}")
        return None
    return value


def _repeated(
    reader: RowReader, column: str, key: tuple[object, ...], seen: dict[object, int], rule: str
) -> bool:
    """Report ``key`` when an earlier row had it (``rule`` says what must be unique)."""
    first = seen.get(key)
    if first is not None:
        reader.fail(column, f"is listed again (first on row {first}); {rule}")
        return True
    seen[key] = reader.row
    return False


def _process_emissions(
    sheet: RawSheet, company_ids: set[str], out: Collector
) -> list[ProcessEmission]:
    rows: list[ProcessEmission] = []
    seen: dict[object, int] = {}
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = _company(reader, company_ids)
        year = _year(reader)
        source = reader.text("source", required=True)
        gas = _term(reader, "gas", allowed_gases())
        tonnes = reader.number("tonnes", required=True, minimum=0, unit="t")
        biogenic = reader.boolean("biogenic")
        note = reader.text("note")
        if not reader.ok:
            continue
        assert company_id and year is not None and source and gas and tonnes is not None
        rule = f"give one row per company, year, source and gas ({gas} of {source!r} in {year})"
        if _repeated(reader, "gas", (company_id, year, source, gas), seen, rule):
            continue
        rows.append(ProcessEmission(company_id, year, source, gas, tonnes, biogenic, note))
    return rows


def _waste(sheet: RawSheet, company_ids: set[str], out: Collector) -> list[WasteArising]:
    rows: list[WasteArising] = []
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = _company(reader, company_ids)
        year = _year(reader)
        tonnes = _positive(reader, "tonnes", "t")
        treatment = _term(reader, "treatment", allowed_treatments())
        ewc = reader.convert("ewc", _ewc)
        note = reader.text("note")
        if reader.ok:
            assert company_id and year is not None and tonnes is not None and treatment
            rows.append(WasteArising(company_id, year, tonnes, treatment, ewc, note))
    return rows


def _freight(sheet: RawSheet, company_ids: set[str], out: Collector) -> list[FreightTransport]:
    rows: list[FreightTransport] = []
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = _company(reader, company_ids)
        year = _year(reader)
        mode = _term(reader, "mode", allowed_freight_modes())
        tonne_km = _positive(reader, "tonne_km", "tonne-km")
        note = reader.text("note")
        if reader.ok:
            assert company_id and year is not None and mode and tonne_km is not None
            rows.append(FreightTransport(company_id, year, mode, tonne_km, note))
    return rows


def _temperature(reader: RowReader, column: str) -> float | None:
    """A required temperature [degC] in the range the flows sheet allows."""
    return reader.number(column, required=True, minimum=-273.15, maximum=3000, unit="degC")


def _load(reader: RowReader) -> tuple[float | None, float | None]:
    """The stream's CP [kW/K] or heat load [kW]: exactly one of them, greater than 0."""
    given = [c for c in ("cp_kw_per_k", "heat_kw") if reader.cells.get(c, "").strip()]
    if not given:
        reader.fail("cp_kw_per_k", "is empty, and so is heat_kw; give one of them")
        return None, None
    if len(given) == 2:
        reader.fail("heat_kw", "cp_kw_per_k is given too; give cp_kw_per_k or heat_kw, not both")
        return None, None
    unit = "kW/K" if given[0] == "cp_kw_per_k" else "kW"
    value = _positive(reader, given[0], unit)
    return (value, None) if given[0] == "cp_kw_per_k" else (None, value)


def _stream_dt(
    reader: RowReader, company_id: str | None, dts: dict[str, tuple[float, int]]
) -> float | None:
    """``dt_min_k`` [K] > 0, the same on every row of a company that gives one."""
    value = reader.number("dt_min_k", unit="K")
    if value is None:
        return None
    if value <= 0:
        reader.fail("dt_min_k", f"{value:g} must be greater than 0 K; leave it empty if unknown")
        return None
    if company_id is None:
        return value
    first = dts.setdefault(company_id, (value, reader.row))
    if first[0] != value:
        reader.fail(
            "dt_min_k",
            f"{company_id!r} has dt_min_k {first[0]:g} K on row {first[1]}; give one value per "
            "company",
        )
        return None
    return value


def _streams(sheet: RawSheet, company_ids: set[str], out: Collector) -> list[ProcessStream]:
    if not {"cp_kw_per_k", "heat_kw"} & set(sheet.columns):
        out.add(sheet.name, 1, "cp_kw_per_k", "give a cp_kw_per_k or a heat_kw column")
        return []
    rows: list[ProcessStream] = []
    seen: dict[object, int] = {}
    dts: dict[str, tuple[float, int]] = {}
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = _company(reader, company_ids)
        name = reader.text("name", required=True)
        supply, target = _temperature(reader, "supply_c"), _temperature(reader, "target_c")
        if supply is not None and target is not None and supply == target:
            reader.fail("target_c", f"{target:g} equals supply_c; a stream must change temperature")
        cp, heat = _load(reader)
        dt_min = _stream_dt(reader, company_id, dts)
        confidentiality = reader.choice(
            "confidentiality", Confidentiality, default=Confidentiality.PRIVATE
        )
        if not reader.ok:
            continue
        assert company_id and name and supply is not None and target is not None
        assert confidentiality is not None
        rule = f"name each stream of a company once ({name!r} of {company_id})"
        if _repeated(reader, "name", (company_id, name), seen, rule):
            continue
        rows.append(
            ProcessStream(company_id, name, supply, target, cp, heat, dt_min, confidentiality)
        )
    return rows


def _energy_prices(sheet: RawSheet, out: Collector) -> list[EnergyPrice]:
    rows: list[EnergyPrice] = []
    seen: dict[object, int] = {}
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        carrier = reader.choice("carrier", EnergyCarrier)
        price = _positive(reader, "eur_per_mwh", "EUR/MWh")
        year = _year(reader, LAST_PRICE_YEAR)
        source = reader.text("source", required=True)
        if not reader.ok:
            continue
        assert carrier and price is not None and year is not None and source
        rule = f"give one price per carrier and year ({carrier.value} in {year})"
        if _repeated(reader, "year", (carrier, year), seen, rule):
            continue
        rows.append(EnergyPrice(carrier, price, year, source))
    return rows


def _end_use_shares(
    sheet: RawSheet, company_ids: set[str], out: Collector
) -> list[CompanyEndUseShare]:
    rows: list[CompanyEndUseShare] = []
    seen: dict[object, int] = {}
    groups: dict[tuple[str, EnergyCarrier], list[tuple[int, float]]] = {}
    for row, cells in sheet.rows:
        reader = RowReader(sheet.name, row, cells, out)
        company_id = _company(reader, company_ids)
        carrier = reader.choice("carrier", EnergyCarrier)
        end_use = _term(reader, "end_use", allowed_end_uses())
        share = _positive(reader, "share", "(a fraction, 0.25 for 25 %)")
        if share is not None and share > 1:
            reader.fail(
                "share", f"{share:g} is above 1; give the share as a fraction (0.25 for 25 %)"
            )
        source = reader.text("source", required=True)
        if not reader.ok:
            continue
        assert company_id and carrier and end_use and share is not None and source
        rule = f"give one share per company, carrier and end use ({end_use} of {carrier.value})"
        if _repeated(reader, "end_use", (company_id, carrier, end_use), seen, rule):
            continue
        groups.setdefault((company_id, carrier), []).append((row, share))
        rows.append(CompanyEndUseShare(company_id, carrier, end_use, share, source))
    for (company_id, carrier), members in groups.items():
        total = sum(share for _, share in members)
        if total > 1 + SHARE_SLACK:
            numbers = [str(row) for row, _ in members]
            out.add(
                sheet.name,
                members[-1][0],
                "share",
                f"the shares of {carrier.value} for {company_id} on rows "
                f"{', '.join(numbers[:-1])} and {numbers[-1]} add up to {total:g}; together they "
                "may not exceed 1",
            )
    return rows


def validate_extra_sheets(
    raw: RawWorkbook, company_ids: Iterable[str], out: Collector
) -> ExtraSheets:
    """Check the optional inventory sheets of ``raw`` that are present.

    Parameters
    ----------
    raw : RawWorkbook
        Cells as read by :func:`parkloop.io.read.read_workbook`.
    company_ids : iterable of str
        Companies of the workbook and of the park, which rows may refer to.
    out : Collector
        Where problems go; it raises when its cap is reached.
    """
    ids = set(company_ids)
    sheets = raw.sheets
    found = ExtraSheets()
    if "process_emissions" in sheets:
        found.process_emissions = _process_emissions(sheets["process_emissions"], ids, out)
    if "waste" in sheets:
        found.waste = _waste(sheets["waste"], ids, out)
    if "freight" in sheets:
        found.freight = _freight(sheets["freight"], ids, out)
    if "streams" in sheets:
        found.streams = _streams(sheets["streams"], ids, out)
    if "energy_prices" in sheets:
        found.energy_prices = _energy_prices(sheets["energy_prices"], out)
    if "end_use_shares" in sheets:
        found.end_use_shares = _end_use_shares(sheets["end_use_shares"], ids, out)
    return found


def pinch_streams(
    streams: Iterable[ProcessStream],
) -> tuple[dict[str, list[Stream]], dict[str, float]]:
    """Process streams as pinch :class:`~parkloop.energy.pinch.Stream` objects per company.

    Returns
    -------
    tuple of dict
        Streams by company id, in the given order, and ``dt_min_k`` [K] by company for those
        that give one: the shape :func:`parkloop.io.streams.read_company_streams` returns, ready
        for :func:`parkloop.energy.total_site.total_site`.

    Examples
    --------
    >>> from parkloop.domain.models import ProcessStream
    >>> hot = ProcessStream("C1", "condensate", 90.0, 40.0, heat_kw=100.0, dt_min_k=10.0)
    >>> by_company, dts = pinch_streams([hot])
    >>> by_company["C1"][0].cp_kw_per_k, dts
    (2.0, {'C1': 10.0})
    """
    by_company: dict[str, list[Stream]] = {}
    dts: dict[str, float] = {}
    for stream in streams:
        by_company.setdefault(stream.company_id, []).append(
            Stream(stream.name, stream.supply_c, stream.target_c, stream.cp)
        )
        if stream.dt_min_k is not None:
            dts.setdefault(stream.company_id, stream.dt_min_k)
    return by_company, dts
