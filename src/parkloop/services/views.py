"""What a viewer may see of a park, ready for a page or the API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from parkloop.domain.access import Viewer, anonymised_label, can_see_company, can_see_flow
from parkloop.domain.models import Company, Flow, Park
from parkloop.reference.nace import load_nace
from parkloop.services import cache, pipeline
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook


@dataclass(frozen=True)
class FlowView:
    """A flow as one viewer sees it: ``company_id`` is None when its company is anonymised."""

    flow: Flow
    company_id: str | None
    company_label: str
    annual_value: float | None  # the quantity per year (or as given for one-off amounts)
    annual_unit: str  # canonical unit, with "/yr" when per year


@dataclass(frozen=True)
class ParkView:
    park: Park
    companies: list[tuple[Company, str]]
    flows: list[FlowView]
    hidden_companies: int
    hidden_flows: int


@dataclass(frozen=True)
class _Listing:
    """A flow with what every viewer's view of it needs (park-wide; filtered per viewer)."""

    flow: Flow
    company: Company
    annual_value: float | None
    annual_unit: str
    anonymised: str  # the company's label for viewers who may not know it


@dataclass(frozen=True)
class _ParkListing:
    park: Park
    companies: tuple[tuple[Company, str], ...]  # every company, with its sector
    flows: tuple[_Listing, ...]


def _park_listing(database: Database, name: str) -> _ParkListing:
    """Every company and flow of the park with sectors, annual values and anonymised labels.

    The same for every viewer, so it is cached per park stamp; :func:`park_view` filters it.
    """

    def compute() -> _ParkListing:
        workbook = park_workbook(database, name)
        assert workbook.park is not None
        nace = load_nace()
        by_id = {c.id: c for c in workbook.companies}
        sectors = {c.id: nace.get(c.nace).description for c in workbook.companies}
        listings = []
        for flow in workbook.flows:
            company = by_id[flow.company_id]
            normalised = flow.normalised()
            annual_value, annual_unit = None, ""
            if normalised is not None and normalised.value is not None:
                annual_value = normalised.value
                annual_unit = f"{normalised.unit}{'/yr' if normalised.per_year else ''}"
            label = anonymised_label(company, sectors[company.id])
            listings.append(_Listing(flow, company, annual_value, annual_unit, label))
        return _ParkListing(
            park=workbook.park,
            companies=tuple((c, sectors[c.id]) for c in workbook.companies),
            flows=tuple(listings),
        )

    return cache.park_cached(database, name, "listing", (), compute)


def park_view(database: Database, name: str, viewer: Viewer) -> ParkView:
    """The park as ``viewer`` may see it; hidden rows are only counted.

    A flow ``viewer`` may see whose company it may not know is shown with the company
    anonymised (sector and size band), never with its name or id.
    """
    listing = _park_listing(database, name)
    companies = [(c, sector) for c, sector in listing.companies if can_see_company(viewer, name, c)]
    flows = []
    for item in listing.flows:
        flow, company = item.flow, item.company
        if not can_see_flow(viewer, name, company, flow):
            continue
        if can_see_company(viewer, name, company):
            flows.append(
                FlowView(flow, company.id, company.name, item.annual_value, item.annual_unit)
            )
        else:
            flows.append(FlowView(flow, None, item.anonymised, item.annual_value, item.annual_unit))
    return ParkView(
        park=listing.park,
        companies=companies,
        flows=flows,
        hidden_companies=len(listing.companies) - len(companies),
        hidden_flows=len(listing.flows) - len(flows),
    )


def map_data(database: Database, name: str, viewer: Viewer) -> dict[str, list[dict[str, object]]]:
    """Companies ``viewer`` may know, placed on the map, and implemented exchanges between them.

    Anonymised companies are left off: a dot on a map would give their site away.
    """
    workbook = park_workbook(database, name)
    nace = load_nace()
    known = {c.id: c for c in workbook.companies if can_see_company(viewer, name, c)}
    companies: list[dict[str, object]] = [
        {
            "id": c.id,
            "name": c.name,
            "lat": c.lat,
            "lon": c.lon,
            "sector": nace.get(c.nace).description,
            "href": f"/parks/{quote(name)}/companies/{quote(c.id)}",
        }
        for c in known.values()
    ]
    flows = {f.id: f for f in workbook.flows}
    exchanges: list[dict[str, object]] = []
    for supply_id, receiver_id in pipeline.implemented_pairs(database, name):
        supply = flows.get(supply_id)
        if supply is None or supply.company_id not in known or receiver_id not in known:
            continue
        a, b = known[supply.company_id], known[receiver_id]
        exchanges.append({"from": [a.lat, a.lon], "to": [b.lat, b.lon], "label": supply.name})
    return {"companies": companies, "exchanges": exchanges}
