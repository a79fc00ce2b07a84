"""The municipal guide in the platform: a park's progress, and the generated park report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import delete, select

from parkloop.domain.access import Viewer
from parkloop.domain.people import Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import Forbidden, NotFound
from parkloop.guide import report as park_report
from parkloop.guide.report_data import (
    CertificationStatus,
    FactorUsed,
    FlowChart,
    InventoryYear,
    KeyFigure,
    MapLink,
    MapSite,
    MeasureRow,
    PathwayPoint,
    ReportData,
    SankeyLink,
)
from parkloop.guide.report_data import (
    SynergyRow as ReportSynergy,
)
from parkloop.guide.steps import Guide, Progress, load_guide, progress
from parkloop.services import (
    certification,
    dashboard,
    impact,
    inventory,
    pathway,
    pipeline,
    toolbox,
)
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.services.pipeline import Card
from parkloop.services.views import ParkView, park_view
from parkloop.store import repo
from parkloop.store.tables import AssessmentRow, GuideTickRow
from parkloop.toolbox.model import CostInputs, EndUseShare, Estimate, ParkRecommendations

# Synergies drawn on the flows map: those under way or done (not ended or rejected).
MAP_STATUSES = ("identified", "contacted", "negotiating", "implemented")


def _may_follow(viewer: Viewer, park: str) -> bool:
    return viewer.is_admin or viewer.is_park_insider(park)


def _may_tick(account: Account, park: str) -> bool:
    return account.has_role(Role.FACILITATOR, park) or any(
        m.role is Role.MUNICIPAL_OFFICER and m.park == park for m in account.memberships
    )


def guide_progress(database: Database, viewer: Viewer, park: str) -> tuple[Guide, Progress]:
    """The guide and the park's progress through it (the park's people and admins)."""
    if not _may_follow(viewer, park):
        raise Forbidden(f"the guide progress of {park} is for the park's people")
    guide = load_guide()
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        rows = session.scalars(select(GuideTickRow).where(GuideTickRow.park_id == park_row.id))
        ticks: dict[str, set[str]] = {}
        for row in rows:
            ticks.setdefault(row.step_id, set()).add(row.item_id)
    return guide, progress(guide, ticks, strict=False)


def set_tick(
    database: Database, account: Account, park: str, step_id: str, item_id: str, done: bool
) -> None:
    """Mark a checklist item done or not (facilitators and the park's municipal officers)."""
    if not _may_tick(account, park):
        raise Forbidden(f"the park's facilitators and municipal officers track {park}'s steps")
    step = load_guide().step(step_id)
    if item_id not in {item.id for item in step.done_when}:
        raise NotFound(f"step {step_id!r} has no checklist item {item_id!r}")
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        session.execute(
            delete(GuideTickRow).where(
                GuideTickRow.park_id == park_row.id,
                GuideTickRow.step_id == step_id,
                GuideTickRow.item_id == item_id,
            )
        )
        if done:
            session.add(
                GuideTickRow(
                    park_id=park_row.id, step_id=step_id, item_id=item_id, by=account.email
                )
            )


def _flows_map(
    view: ParkView, cards: Sequence[Card]
) -> tuple[tuple[MapSite, ...], tuple[MapLink, ...]]:
    """The companies ``view`` may know, at their sites, and the synergies between them.

    Only companies of the park view are placed (as the dashboard map does, an anonymised
    company gets no dot: it would give its site away); a synergy is drawn when both of its
    companies are on the map, labelled as on the synergy board.
    """
    sites = tuple(MapSite(company.id, company.lat, company.lon) for company, _ in view.companies)
    on_map = {site.id for site in sites}
    links = tuple(
        MapLink(
            c.supplier.company_id,
            c.receiver.company_id,
            c.supply_name,
            c.status,
            c.supplier.label,
            c.receiver.label,
        )
        for c in cards
        if c.status in MAP_STATUSES
        and c.supplier.company_id in on_map
        and c.receiver.company_id in on_map
        and c.supplier.company_id is not None
        and c.receiver.company_id is not None
    )
    return sites, links


def _central(estimate: Estimate | None, case: str) -> float | None:
    return None if estimate is None else estimate.get(case)


def _measure_rows(recommended: ParkRecommendations) -> tuple[MeasureRow, ...]:
    """Company-level measures summed over the companies, then the park-level measures."""
    case = recommended.case
    summed = tuple(
        MeasureRow(
            t.measure_id,
            t.name,
            _central(t.co2e_t, case),
            _central(t.abatement_cost_eur_per_t, case),
            f"{len(t.companies)} compan{'y' if len(t.companies) == 1 else 'ies'}",
            _central(t.costed_co2e_t, case),
        )
        for t in recommended.totals
    )
    park = tuple(
        MeasureRow(
            m.measure_id,
            m.name,
            _central(m.co2e_t, case),
            _central(m.abatement_cost_eur_per_t, case),
            "park",
        )
        for m in recommended.park_measures
    )
    return summed + park


def _costing_missing(
    recommended: ParkRecommendations,
    costs: CostInputs | None,
    end_use_shares: Sequence[EndUseShare],
) -> tuple[str, ...]:
    """What the costing of the park's measures lacks, in words, for the report."""
    out: list[str] = []
    if costs is None:
        out.append(
            "energy prices per carrier [EUR/MWh] and a discount rate [1/yr]: parkloop ships no "
            "sourced price file and the rate is the investor's choice, so none were given"
        )
    if not end_use_shares:
        out.append(
            "end-use shares per carrier (from an energy audit or metering): without them the "
            "saving in MWh, and so the tonnes avoided, cannot be estimated"
        )
    recs = [r for c in recommended.companies for r in c.recommendations]
    by_measure: dict[str, set[str]] = {}
    for rec in (*recs, *recommended.park_measures):
        if not rec.costed:
            # one entry for every end-use share: their carriers and end uses vary by measure
            items = {"end-use shares" if m.startswith("end-use share") else m for m in rec.missing}
            by_measure.setdefault(rec.measure_id, set()).update(items)
    lacking = Counter(item for items in by_measure.values() for item in items)
    if lacking:
        counts = ", ".join(
            f"{item} ({n})" for item, n in sorted(lacking.items(), key=lambda p: (-p[1], p[0]))
        )
        out.append(
            f"inputs the recommender names as missing, with the number of measures: {counts}"
        )
    return tuple(out)


def report_data(
    database: Database,
    viewer: Viewer,
    park: str,
    on: dt.date,
    *,
    costs: CostInputs | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
) -> ReportData:
    """Everything the park report shows, as ``viewer`` may see it, for the date ``on``.

    ``costs`` (energy prices and a discount rate) and ``end_use_shares`` go to the toolbox
    recommender; with them the measures can be costed and the report draws their MACC.
    """
    if not _may_follow(viewer, park):
        raise Forbidden(f"the report of {park} is for the park's people and admins")
    view = park_view(database, park, viewer)
    figures = pipeline.key_figures(database, park, len(view.flows))
    done = impact.park_impact(database, park, statuses=[SynergyStatus.IMPLEMENTED])
    key = [
        KeyFigure("companies", float(len(view.companies))),
        KeyFigure("flows listed", float(figures.flows_visible)),
        KeyFigure("matches proposed", float(figures.matches)),
        *(KeyFigure(f"synergies {s}", float(n)) for s, n in figures.synergies_by_status.items()),
        KeyFigure("net CO2e avoided, implemented", done.total.co2e_net_t_per_yr.central, "t/yr"),
        KeyFigure("material diverted", done.total.tonnes_diverted_per_yr, "t/yr"),
    ]
    result, _ = inventory.inventory_for(database, viewer, park)
    years = tuple(
        InventoryYear(
            y.year,
            y.totals.scope1_tco2e,
            y.totals.scope2_location_tco2e,
            y.totals.scope2_market_tco2e,
            y.totals.biogenic_co2_t,
        )
        for y in result.years
    )
    flows = tuple(
        FlowChart(unit, tuple(SankeyLink(*link) for link in links), f"Supplies per year in {unit}")
        for unit, links in dashboard.flow_sankeys(database, viewer, park).items()
    )
    cards = [c for column in pipeline.board(database, viewer, park).values() for c in column]
    impacts = {s.synergy_id: s.impact for s in impact.park_impact(database, park).synergies}
    # the map shows the synergies of the synergy table, with the same company labels
    sites, links = _flows_map(view, [c for c in cards if c.synergy_id in impacts])
    synergies = tuple(
        ReportSynergy(
            c.supply_name,
            c.supplier.label,
            c.receiver.label,
            c.status,
            impacts[c.synergy_id].co2e_net_t_per_yr.central,
            impacts[c.synergy_id].co2e_net_t_per_yr.low,
            impacts[c.synergy_id].co2e_net_t_per_yr.high,
        )
        for c in cards
        if c.synergy_id in impacts
    )
    stored_costs, stored_shares = toolbox.park_cost_inputs(database, park)
    costs = costs or stored_costs
    end_use_shares = end_use_shares or stored_shares
    recommended = toolbox.recommend_for_park(
        database, park, costs=costs, end_use_shares=end_use_shares
    )
    if not any(m.has_bar for m in _measure_rows(recommended)):
        # only published ranges and no central figure: draw the curve at the ranges' low end
        low = toolbox.recommend_for_park(
            database, park, costs=costs, end_use_shares=end_use_shares, case="low"
        )
        if any(m.has_bar for m in _measure_rows(low)):
            recommended = low
    status = CertificationStatus()
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        decided = session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.park_id == park_row.id, AssessmentRow.status == "decided")
            .order_by(AssessmentRow.id.desc())
        ).first()
        if decided is not None and decided.certificate_code:
            record = certification.certificate(database, decided.certificate_code)
            status = CertificationStatus(record.level, record.valid_until, record.standard)
    _, guide_state = guide_progress(database, viewer, park)
    points: tuple[PathwayPoint, ...] = ()
    planned = pathway.park_pathway(database, park, today=on)
    if planned.comparison.pathways:
        first = planned.comparison.pathways[0]
        points = tuple(PathwayPoint(y.year, y.emissions_tco2e, y.target_tco2e) for y in first.years)
    factors = tuple(
        FactorUsed(f.name, f.value, f.unit, " ".join(f.source.split()))
        for f in result.factors.values()
    )
    assert view.park is not None
    return ReportData(
        park_name=view.park.name,
        country=view.park.country or "",
        generated_for=on,
        municipality=view.park.municipality,
        key_figures=tuple(key),
        inventory=years,
        flows=flows,
        synergies=synergies,
        measures=_measure_rows(recommended),
        pathway=points,
        certification=status,
        guide_progress=guide_state,
        factors=factors,
        map_sites=sites,
        map_links=links,
        costing_missing=_costing_missing(recommended, costs, end_use_shares),
        estimate_case=recommended.case,
    )


def report_html(
    database: Database,
    viewer: Viewer,
    park: str,
    on: dt.date,
    *,
    costs: CostInputs | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
) -> str:
    """The park report as HTML (see :func:`report_data` for the inputs)."""
    data = report_data(database, viewer, park, on, costs=costs, end_use_shares=end_use_shares)
    return park_report.render_html(data)


def report_pdf(
    database: Database,
    viewer: Viewer,
    park: str,
    on: dt.date,
    *,
    costs: CostInputs | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
) -> bytes:
    """The park report as PDF (see :func:`report_data` for the inputs)."""
    data = report_data(database, viewer, park, on, costs=costs, end_use_shares=end_use_shares)
    return park_report.render_pdf(data)
