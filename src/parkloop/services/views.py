"""What a viewer may see of a park, ready for a page or the API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from parkloop.domain.access import Viewer, anonymised_label, can_see_company, can_see_flow
from parkloop.domain.models import Company, Flow, Park
from parkloop.reference.nace import load_nace
from parkloop.services import pipeline
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


def park_view(database: Database, name: str, viewer: Viewer) -> ParkView:
    """The park as ``viewer`` may see it; hidden rows are only counted.

    A flow ``viewer`` may see whose company it may not know is shown with the company
    anonymised (sector and size band), never with its name or id.
    """
    workbook = park_workbook(database, name)
    nace = load_nace()
    by_id = {c.id: c for c in workbook.companies}
    companies = [
        (c, nace.get(c.nace).description)
        for c in workbook.companies
        if can_see_company(viewer, name, c)
    ]
    flows = []
    for flow in workbook.flows:
        company = by_id[flow.company_id]
        if not can_see_flow(viewer, name, company, flow):
            continue
        normalised = flow.normalised()
        annual_value, annual_unit = None, ""
        if normalised is not None and normalised.value is not None:
            annual_value = normalised.value
            annual_unit = f"{normalised.unit}{'/yr' if normalised.per_year else ''}"
        if can_see_company(viewer, name, company):
            flows.append(FlowView(flow, company.id, company.name, annual_value, annual_unit))
        else:
            label = anonymised_label(company, nace.get(company.nace).description)
            flows.append(FlowView(flow, None, label, annual_value, annual_unit))
    assert workbook.park is not None
    return ParkView(
        park=workbook.park,
        companies=companies,
        flows=flows,
        hidden_companies=len(workbook.companies) - len(companies),
        hidden_flows=len(workbook.flows) - len(flows),
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
