"""The JSON API ``/api/v1``: the same services and permission rules as the pages.

Machine clients authenticate with ``Authorization: Bearer <token>`` (tokens are created on the
account page); a browser session works too, with the ``X-CSRF-Token`` header on writes. Lists
are paginated (``limit``, ``offset``) and answer ``{"items", "total", "limit", "offset"}``.
Errors answer ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from parkloop.domain.access import ANONYMOUS, Viewer, can_see_company
from parkloop.domain.models import Flow
from parkloop.domain.synergy import SynergyStatus
from parkloop.services import dashboard, flows, impact, inbox, inventory, pipeline
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.views import park_view
from parkloop.web.security import Csrf, SignedIn, current_account

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]


class FlowIn(BaseModel):
    """A flow as a client sends it: the workbook's `flows` columns, as text or numbers."""

    model_config = ConfigDict(extra="forbid")

    direction: str
    category: str
    name: str
    description: str | None = None
    ewc: str | None = None
    quantity: float | None = None
    unit: str | None = None
    per: str | None = None
    temperature_c: float | None = None
    pressure_bar: float | None = None
    quality: str | None = None
    available_from: str | None = None
    available_to: str | None = None
    price_eur_per_unit: float | None = None
    confidentiality: str | None = None

    def cells(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.model_dump().items() if v is not None}


def _viewer(request: Request) -> Viewer:
    account = current_account(request)
    return account.viewer if account else ANONYMOUS


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }


def flow_json(flow: Flow, version: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": flow.id,
        "direction": flow.direction.value,
        "category": flow.category.value,
        "name": flow.name,
        "description": flow.description,
        "ewc": flow.ewc,
        "quantity": flow.quantity,
        "unit": flow.unit,
        "per": flow.per.value,
        "temperature_c": flow.temperature_c,
        "confidentiality": flow.confidentiality.value,
    }
    if version is not None:
        out["version"] = version
    return out


def router(db: Database) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["api"])

    @api.get("/parks/{park}/companies")
    def companies(
        request: Request, park: str, limit: Limit = 100, offset: Offset = 0
    ) -> dict[str, Any]:
        """Companies of a park that the caller may know by name."""
        viewer = _viewer(request)
        items = [
            {
                "id": c.id,
                "name": c.name,
                "nace": c.nace,
                "country": c.country,
                "city": c.city,
                "employees": c.employees,
            }
            for c in park_service.list_companies(db, park)
            if can_see_company(viewer, park, c)
        ]
        return _page(items, limit, offset)

    @api.get("/parks/{park}/flows")
    def park_flows(
        request: Request,
        park: str,
        direction: Annotated[str | None, Query(pattern="^(supply|demand)$")] = None,
        category: str | None = None,
        company_id: str | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Flows the caller may see; a company the caller may not know is anonymised."""
        view = park_view(db, park, _viewer(request))
        items = [
            flow_json(v.flow) | {"company_id": v.company_id, "company": v.company_label}
            for v in view.flows
            if (direction is None or v.flow.direction.value == direction)
            and (category is None or v.flow.category.value == category)
            and (company_id is None or v.company_id == company_id)
        ]
        return _page(items, limit, offset)

    @api.post("/parks/{park}/companies/{company_id}/flows", status_code=201, dependencies=[Csrf])
    def create_flow(park: str, company_id: str, body: FlowIn, account: SignedIn) -> dict[str, Any]:
        """List a new flow for a company (its members, the park's facilitators, admins)."""
        flow, version = flows.save_flow(db, account.viewer, park, company_id, body.cells())
        return flow_json(flow, version)

    @api.put("/parks/{park}/companies/{company_id}/flows/{flow_id}", dependencies=[Csrf])
    def update_flow(
        park: str,
        company_id: str,
        flow_id: str,
        body: FlowIn,
        account: SignedIn,
        version: Annotated[int, Query(ge=1, description="The version you read")],
    ) -> dict[str, Any]:
        """Replace a flow's fields; refused with 409 when it changed since ``version``."""
        flow, new_version = flows.save_flow(
            db,
            account.viewer,
            park,
            company_id,
            body.cells(),
            flow_id=flow_id,
            expected_version=version,
        )
        return flow_json(flow, new_version)

    @api.delete(
        "/parks/{park}/companies/{company_id}/flows/{flow_id}",
        status_code=204,
        dependencies=[Csrf],
    )
    def delete_flow(
        park: str,
        company_id: str,
        flow_id: str,
        account: SignedIn,
        version: Annotated[int, Query(ge=1, description="The version you read")],
    ) -> None:
        flows.delete_flow(db, account.viewer, park, company_id, flow_id, version)

    @api.get("/parks/{park}/companies/{company_id}/matches")
    def matches(
        park: str, company_id: str, account: SignedIn, limit: Limit = 100, offset: Offset = 0
    ) -> dict[str, Any]:
        """The company's match inbox (its people, the park's facilitators and admins)."""
        items = [
            {
                "match_id": m.match_id,
                "side": m.side,
                "supply_flow_id": m.supply.id,
                "supply": m.supply.name,
                "supplier": {"company_id": m.supplier.company_id, "label": m.supplier.label},
                "receiver": {"company_id": m.receiver.company_id, "label": m.receiver.label},
                "demand_flow_id": m.demand.id if m.demand else None,
                "score": round(m.score, 4),
                "distance_km": round(m.distance_km, 2),
                "reasons": list(m.reasons),
                "synergy_id": m.synergy_id,
                "status": m.status,
            }
            for m in inbox.company_inbox(db, account.viewer, park, company_id)
        ]
        return _page(items, limit, offset)

    @api.get("/parks/{park}/synergies")
    def park_synergies(
        park: str,
        account: SignedIn,
        status: str | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Synergies the caller may see, optionally of one status."""
        items = [
            {
                "id": c.synergy_id,
                "status": c.status,
                "version": c.version,
                "supply_flow_id": c.supply_flow_id,
                "supply": c.supply_name,
                "supplier": {"company_id": c.supplier.company_id, "label": c.supplier.label},
                "receiver": {"company_id": c.receiver.company_id, "label": c.receiver.label},
            }
            for column, cards in pipeline.board(db, account.viewer, park).items()
            if status is None or column == status
            for c in cards
        ]
        return _page(items, limit, offset)

    @api.get("/parks/{park}/report")
    def report(request: Request, park: str) -> dict[str, Any]:
        """The park's figures as its reader may see them: key figures, impact of implemented
        synergies (with ranges), supplies per unit by sector and destination, and, for the
        park's people and admins, the scope 1 and 2 inventory totals per year."""
        viewer = _viewer(request)
        view = park_view(db, park, viewer)
        figures = pipeline.key_figures(db, park, len(view.flows))
        totals = impact.park_impact(db, park, statuses=[SynergyStatus.IMPLEMENTED]).total
        body: dict[str, Any] = {
            "park": {
                "name": view.park.name,
                "country": view.park.country,
                "municipality": view.park.municipality,
            },
            "figures": {
                "flows_visible": figures.flows_visible,
                "matches": figures.matches,
                "synergies_by_status": figures.synergies_by_status,
            },
            "implemented_impact": {
                "synergies": totals.synergies,
                "co2e_net_t_per_yr": asdict(totals.co2e_net_t_per_yr),
                "cost_eur_per_yr": asdict(totals.cost_eur_per_yr),
                "tonnes_diverted_per_yr": totals.tonnes_diverted_per_yr,
                "water_saved_m3_per_yr": totals.water_saved_m3_per_yr,
                "energy_mwh_per_yr": totals.energy_mwh_per_yr,
            },
            "supplies_per_unit": {
                unit: [{"from": s, "to": t, "value": v} for s, t, v in links]
                for unit, links in dashboard.flow_sankeys(db, viewer, park).items()
            },
            "inventory": None,
        }
        if viewer.is_admin or viewer.is_park_insider(park):
            result, _ = inventory.inventory_for(db, viewer, park)
            body["inventory"] = {
                str(y.year): {
                    "scope1_tco2e": y.totals.scope1_tco2e,
                    "scope2_location_tco2e": y.totals.scope2_location_tco2e,
                    "scope2_market_tco2e": y.totals.scope2_market_tco2e,
                    "biogenic_co2_t": y.totals.biogenic_co2_t,
                }
                for y in result.years
            }
        return body

    return api
