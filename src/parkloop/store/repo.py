"""Repositories: moving domain objects in and out of the tables. No commits here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from parkloop.domain.models import (
    Company,
    CompanyEndUseShare,
    Confidentiality,
    Direction,
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
from parkloop.errors import NotFound
from parkloop.store.tables import (
    CompanyRow,
    EndUseShareRow,
    EnergyPriceRow,
    EnergyUseRow,
    FlowRow,
    FreightRow,
    MatchRow,
    ParkRow,
    ProcessEmissionRow,
    ProcessStreamRow,
    WasteRow,
)
from parkloop.units import Category, Period

if TYPE_CHECKING:
    from parkloop.matching.engine import MatchResult

T = TypeVar("T")
#: The optional sheets whose rows belong to a company: workbook field, table, domain class.
#: Table columns carry the domain objects' field names.
COMPANY_SHEETS: tuple[tuple[str, type[Any], type[Any]], ...] = (
    ("process_emissions", ProcessEmissionRow, ProcessEmission),
    ("waste", WasteRow, WasteArising),
    ("freight", FreightRow, FreightTransport),
    ("streams", ProcessStreamRow, ProcessStream),
    ("end_use_shares", EndUseShareRow, CompanyEndUseShare),
)
#: Fields of those domain objects that are enumerations, stored as their text value.
STORED_AS_TEXT: dict[str, type[StrEnum]] = {
    "carrier": EnergyCarrier,
    "confidentiality": Confidentiality,
}


def find_park(session: Session, name: str) -> ParkRow | None:
    return session.scalars(select(ParkRow).where(ParkRow.name == name)).one_or_none()


def get_park(session: Session, name: str) -> ParkRow:
    park = find_park(session, name)
    if park is None:
        known = ", ".join(repr(n) for n in session.scalars(select(ParkRow.name))) or "none yet"
        raise NotFound(f"no park named {name!r}; parks: {known}")
    return park


def list_parks(session: Session) -> Sequence[ParkRow]:
    return session.scalars(select(ParkRow).order_by(ParkRow.name)).all()


def park_counts(session: Session) -> list[tuple[ParkRow, int, int]]:
    """Every park with its number of companies and flows."""
    companies = (
        select(CompanyRow.park_id, func.count().label("n")).group_by(CompanyRow.park_id).subquery()
    )
    flows = select(FlowRow.park_id, func.count().label("n")).group_by(FlowRow.park_id).subquery()
    query = (
        select(ParkRow, func.coalesce(companies.c.n, 0), func.coalesce(flows.c.n, 0))
        .outerjoin(companies, companies.c.park_id == ParkRow.id)
        .outerjoin(flows, flows.c.park_id == ParkRow.id)
        .order_by(ParkRow.name)
    )
    return [
        (park, int(n_companies), int(n_flows))
        for park, n_companies, n_flows in session.execute(query)
    ]


def company_keys(session: Session, park: ParkRow) -> set[str]:
    return set(session.scalars(select(CompanyRow.key).where(CompanyRow.park_id == park.id)))


def company_rows(session: Session, park: ParkRow) -> Sequence[CompanyRow]:
    return session.scalars(
        select(CompanyRow).where(CompanyRow.park_id == park.id).order_by(CompanyRow.id)
    ).all()


def flow_rows(session: Session, park: ParkRow) -> Sequence[FlowRow]:
    return session.scalars(
        select(FlowRow)
        .where(FlowRow.park_id == park.id)
        .options(selectinload(FlowRow.company))
        .order_by(FlowRow.id)
    ).all()


def park_to_domain(row: ParkRow) -> Park:
    return Park(
        row.name,
        row.country,
        row.municipality,
        row.lat,
        row.lon,
        row.discount_rate,
        row.discount_rate_source,
    )


def company_to_domain(row: CompanyRow) -> Company:
    return Company(
        id=row.key,
        name=row.name,
        nace=row.nace,
        country=row.country,
        lat=row.lat,
        lon=row.lon,
        city=row.city,
        employees=row.employees,
        website=row.website,
        visibility=Confidentiality(row.visibility),
        notes=dict(row.notes or {}),
    )


def flow_to_domain(row: FlowRow) -> Flow:
    return Flow(
        id=row.key,
        company_id=row.company.key,
        direction=Direction(row.direction),
        category=Category(row.category),
        name=row.name,
        description=row.description,
        ewc=row.ewc,
        quantity=row.quantity,
        unit=row.unit,
        per=Period(row.per),
        temperature_c=row.temperature_c,
        pressure_bar=row.pressure_bar,
        quality=row.quality,
        available_from=row.available_from,
        available_to=row.available_to,
        price_eur_per_unit=row.price_eur_per_unit,
        confidentiality=Confidentiality(row.confidentiality),
        notes=dict(row.notes or {}),
    )


def load_workbook(session: Session, park: ParkRow) -> ParkWorkbook:
    """The whole park as a workbook (everything, whatever its confidentiality)."""
    companies = company_rows(session, park)
    energy = session.scalars(
        select(EnergyUseRow)
        .join(CompanyRow)
        .where(CompanyRow.park_id == park.id)
        .options(selectinload(EnergyUseRow.company))
        .order_by(EnergyUseRow.id)
    ).all()
    keys = {c.id: c.key for c in companies}
    prices = session.scalars(
        select(EnergyPriceRow).where(EnergyPriceRow.park_id == park.id).order_by(EnergyPriceRow.id)
    )
    optional = {
        attr: [_to_domain(row, cls, keys) for row in _company_table(session, table, keys)]
        for attr, table, cls in COMPANY_SHEETS
    }
    return ParkWorkbook(
        park=park_to_domain(park),
        companies=[company_to_domain(c) for c in companies],
        flows=[flow_to_domain(f) for f in flow_rows(session, park)],
        energy=[
            EnergyUse(e.company.key, e.year, EnergyCarrier(e.carrier), e.mwh, e.onsite_generation)
            for e in energy
        ],
        process_emissions=optional["process_emissions"],
        waste=optional["waste"],
        freight=optional["freight"],
        streams=optional["streams"],
        energy_prices=[_to_domain(row, EnergyPrice, keys) for row in prices],
        end_use_shares=optional["end_use_shares"],
    )


def _company_table(session: Session, table: type[Any], keys: dict[int, str]) -> Sequence[Any]:
    """The rows of ``table`` that belong to the companies ``keys`` (ids), in insertion order."""
    return session.scalars(
        select(table).where(table.company_id.in_(list(keys))).order_by(table.id)
    ).all()


def _to_domain(row: Any, cls: type[T], keys: dict[int, str]) -> T:
    """The domain object ``cls`` of an optional sheet's ``row``: same names, ids as keys."""
    values = {f.name: getattr(row, f.name) for f in fields(cls)}  # type: ignore[arg-type]
    for name, enum in STORED_AS_TEXT.items():
        if name in values:
            values[name] = enum(values[name])
    if "company_id" in values:
        values["company_id"] = keys[values["company_id"]]
    return cls(**values)


def _to_columns(item: Any, ids: dict[str, int]) -> dict[str, Any]:
    """The column values of an optional sheet's domain object ``item``: ids as row ids."""
    values = {k: v.value if isinstance(v, StrEnum) else v for k, v in asdict(item).items()}
    if "company_id" in values:
        values["company_id"] = ids[values["company_id"]]
    return values


def _apply_company(row: CompanyRow, company: Company) -> None:
    row.name = company.name
    row.nace = company.nace
    row.country = company.country
    row.lat = company.lat
    row.lon = company.lon
    row.city = company.city
    row.employees = company.employees
    row.website = company.website
    row.visibility = company.visibility.value
    row.notes = dict(company.notes)


def apply_flow(row: FlowRow, flow: Flow, company: CompanyRow) -> None:
    normalised = flow.normalised()
    row.company = company
    row.direction = flow.direction.value
    row.category = flow.category.value
    row.name = flow.name
    row.description = flow.description
    row.ewc = flow.ewc
    row.quantity = flow.quantity
    row.unit = flow.unit
    row.per = flow.per.value
    row.annual_quantity = normalised.value if normalised else None
    row.canonical_unit = normalised.unit if normalised else None
    row.temperature_c = flow.temperature_c
    row.pressure_bar = flow.pressure_bar
    row.quality = flow.quality
    row.available_from = flow.available_from
    row.available_to = flow.available_to
    row.price_eur_per_unit = flow.price_eur_per_unit
    row.confidentiality = flow.confidentiality.value
    row.notes = dict(flow.notes)


def save_workbook(session: Session, name: str, workbook: ParkWorkbook) -> ParkRow:
    """Create or update park ``name`` from ``workbook``; rows with known ids are updated."""
    park = find_park(session, name)
    if park is None:
        park = ParkRow(name=name)
        session.add(park)
    info = workbook.park
    if info is not None:
        park.country = info.country or park.country
        park.municipality = info.municipality or park.municipality
        park.lat = info.lat if info.lat is not None else park.lat
        park.lon = info.lon if info.lon is not None else park.lon
        if info.discount_rate is not None:
            park.discount_rate = info.discount_rate
            park.discount_rate_source = info.discount_rate_source
    if park.country is None and workbook.companies:
        countries = [c.country for c in workbook.companies]
        park.country = max(sorted(set(countries)), key=countries.count)
    session.flush()

    companies = {c.key: c for c in company_rows(session, park)}
    for company in workbook.companies:
        row = companies.get(company.id)
        if row is None:
            row = CompanyRow(park_id=park.id, key=company.id)
            session.add(row)
            companies[company.id] = row
        _apply_company(row, company)
    session.flush()

    flows = {f.key: f for f in flow_rows(session, park)}
    for flow in workbook.flows:
        frow = flows.get(flow.id)
        if frow is None:
            frow = FlowRow(park_id=park.id, key=flow.id, version=1)
            session.add(frow)
            flows[flow.id] = frow
        else:
            frow.version = (frow.version or 1) + 1
        apply_flow(frow, flow, companies[flow.company_id])

    existing = {
        (e.company.key, e.year, e.carrier, e.onsite_generation): e
        for c in companies.values()
        for e in c.energy
    }
    for use in workbook.energy:
        key = (use.company_id, use.year, use.carrier.value, use.onsite_generation)
        erow = existing.get(key)
        if erow is None:
            erow = EnergyUseRow(
                company=companies[use.company_id],
                year=use.year,
                carrier=use.carrier.value,
                onsite_generation=use.onsite_generation,
            )
            session.add(erow)
            existing[key] = erow
        erow.mwh = use.mwh
    session.flush()
    replace_optional_sheets(session, park, workbook)
    return park


def replace_optional_sheets(session: Session, park: ParkRow, workbook: ParkWorkbook) -> None:
    """Replace the park's stored rows of each optional sheet that ``workbook`` has rows for.

    A sheet with rows replaces all of the park's rows of that sheet (process emissions, waste,
    freight, streams, energy prices, end-use shares); a sheet without rows leaves them as they
    are. Every company the rows name must already be stored in the park. Nothing is committed:
    the caller's transaction makes the import all or nothing.
    """
    ids = {c.key: c.id for c in company_rows(session, park)}
    for attr, table, _ in COMPANY_SHEETS:
        items = getattr(workbook, attr)
        if items:
            session.execute(delete(table).where(table.company_id.in_(list(ids.values()))))
            session.add_all(table(**_to_columns(item, ids)) for item in items)
    if workbook.energy_prices:
        session.execute(delete(EnergyPriceRow).where(EnergyPriceRow.park_id == park.id))
        session.add_all(
            EnergyPriceRow(park_id=park.id, **_to_columns(price, ids))
            for price in workbook.energy_prices
        )
    session.flush()


def replace_matches(session: Session, park: ParkRow, results: Sequence[MatchResult]) -> int:
    """Replace the stored matches of ``park`` with ``results``; return how many were stored."""
    session.execute(delete(MatchRow).where(MatchRow.park_id == park.id))
    flows = {f.key: f.id for f in flow_rows(session, park)}
    companies = {c.key: c.id for c in company_rows(session, park)}
    count = 0
    for result in results:
        for rank, candidate in enumerate(result.candidates, start=1):
            session.add(
                MatchRow(
                    park_id=park.id,
                    supply_flow_id=flows[result.supply_flow_id],
                    company_id=companies[candidate.company_id],
                    demand_flow_id=flows[candidate.demand_flow_id]
                    if candidate.demand_flow_id
                    else None,
                    rank=rank,
                    score=candidate.score,
                    distance_km=candidate.distance_km,
                    reasons=[
                        {"kind": kind, "text": text}
                        for kind, text in zip(
                            candidate.reason_kinds, candidate.reasons, strict=True
                        )
                    ],
                )
            )
            count += 1
    session.flush()
    return count


def stored_matches(
    session: Session, park: ParkRow
) -> list[tuple[str, str, str | None, int, float]]:
    """(supply flow, company, demand flow, rank, score) of the stored matches of ``park``."""
    flows = {f.id: f.key for f in flow_rows(session, park)}
    companies = {c.id: c.key for c in company_rows(session, park)}
    rows = session.scalars(
        select(MatchRow).where(MatchRow.park_id == park.id).order_by(MatchRow.id)
    )
    return [
        (
            flows[r.supply_flow_id],
            companies[r.company_id],
            flows[r.demand_flow_id] if r.demand_flow_id else None,
            r.rank,
            r.score,
        )
        for r in rows
    ]


def synergy_decisions(session: Session) -> list[tuple[Flow, str, str]]:
    """Every synergy as (supply flow, receiver NACE, status), for facilitator feedback."""
    from parkloop.store.tables import SynergyRow

    out = []
    for row in session.scalars(select(SynergyRow).order_by(SynergyRow.id)):
        supply = session.get(FlowRow, row.supply_flow_id)
        receiver = session.get(CompanyRow, row.receiver_company_id)
        if supply is not None and receiver is not None:
            out.append((flow_to_domain(supply), receiver.nace, row.status))
    return out
