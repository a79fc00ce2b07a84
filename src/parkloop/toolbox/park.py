"""The toolbox recommender for a park: every company, park-level measures, totals and the MACC.

Each company is evaluated as in :func:`~parkloop.toolbox.recommend.recommend_company`, for one
year. Company-level measures are then summed over the companies they apply to, and park-level
measures are evaluated on the park as one site: every company's NACE code, the summed energy
use per carrier and every listed flow temperature. The MACC has one bar per costed measure.

Notes
-----
For a company-level measure m over its costed companies i::

    abatement cost_m [EUR/t CO2e] = sum_i net annual cost_m,i / sum_i CO2e_m,i

Sums do not remove overlaps between measures that act on the same end use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from parkloop.domain.models import ParkWorkbook
from parkloop.reference.measures import Measure, MeasureRegistry
from parkloop.toolbox.applicability import Site
from parkloop.toolbox.macc import Macc, MaccItem, macc_curve
from parkloop.toolbox.model import (
    CostInputs,
    EndUseShare,
    MeasureTotal,
    ParkRecommendations,
    Recommendation,
    check_case,
    sum_estimates,
)
from parkloop.toolbox.recommend import (
    Context,
    case_value,
    energy_by_carrier,
    evaluate,
    flow_temperatures,
    latest_year,
    rank,
    ratio,
    recommend_company,
    result_notes,
)

__all__ = ["recommend_park"]


def _measure_total(measure: Measure, items: Sequence[Recommendation]) -> MeasureTotal:
    estimated = [r for r in items if r.saving_mwh is not None]
    with_co2e = [r for r in items if r.co2e_t is not None]
    with_eur = [r for r in items if r.energy_cost_saving_eur is not None]
    costed = [r for r in items if r.costed]
    net = sum_estimates(r.net_annual_cost_eur for r in costed if r.net_annual_cost_eur)
    tonnes = sum_estimates(r.co2e_t for r in costed if r.co2e_t)
    return MeasureTotal(
        measure_id=measure.id,
        name=measure.name,
        companies=tuple(r.site for r in items),
        estimated=tuple(r.site for r in estimated),
        costed=tuple(r.site for r in costed),
        saving_mwh=sum_estimates(r.saving_mwh for r in estimated if r.saving_mwh)
        if estimated
        else None,
        co2e_t=sum_estimates(r.co2e_t for r in with_co2e if r.co2e_t) if with_co2e else None,
        energy_cost_saving_eur=sum_estimates(
            r.energy_cost_saving_eur for r in with_eur if r.energy_cost_saving_eur
        )
        if with_eur
        else None,
        costed_co2e_t=tonnes if costed else None,
        net_annual_cost_eur=net if costed else None,
        abatement_cost_eur_per_t=net.combine(tonnes, ratio) if costed else None,
    )


def _park_macc(
    totals: Sequence[MeasureTotal], park_measures: Sequence[Recommendation], case: str
) -> Macc:
    items: list[MaccItem] = []
    omitted: list[str] = []
    for total in totals:
        tonnes = case_value(total.costed_co2e_t, case)
        cost = case_value(total.abatement_cost_eur_per_t, case)
        if not total.costed:
            omitted.append(f"{total.measure_id}: not costed for any company")
        elif tonnes is None or cost is None or tonnes <= 0:
            omitted.append(f"{total.measure_id}: no {case} case")
        else:
            items.append(MaccItem(total.measure_id, total.name, tonnes, cost))
    for rec in park_measures:
        tonnes, cost = case_value(rec.co2e_t, case), case_value(rec.abatement_cost_eur_per_t, case)
        if tonnes is None or cost is None or tonnes <= 0:
            lacking = ", ".join(rec.missing) or f"no {case} case"
            omitted.append(f"{rec.measure_id}: not costed ({lacking})")
        else:
            items.append(MaccItem(rec.measure_id, f"{rec.name} (park)", tonnes, cost))
    return macc_curve(items, case=case, omitted=omitted)


def _park_site(workbook: ParkWorkbook, name: str, year: int | None) -> Site:
    return Site(
        label=name,
        nace=tuple(c.nace for c in workbook.companies),
        energy_mwh=energy_by_carrier(workbook.energy, None, year),
        year=year,
        temperatures=tuple(
            t for c in workbook.companies for t in flow_temperatures(workbook.flows, c.id)
        ),
    )


def _park_country(workbook: ParkWorkbook) -> str | None:
    if workbook.park is not None and workbook.park.country:
        return workbook.park.country
    countries = {c.country for c in workbook.companies}
    return countries.pop() if len(countries) == 1 else None


def _sort_totals(totals: Iterable[MeasureTotal], case: str) -> tuple[MeasureTotal, ...]:
    def key(total: MeasureTotal) -> tuple[bool, float, float]:
        cost = case_value(total.abatement_cost_eur_per_t, case)
        return cost is None, cost or 0.0, -(case_value(total.co2e_t, case) or 0.0)

    return tuple(sorted(totals, key=key))


def recommend_park(
    workbook: ParkWorkbook,
    registry: MeasureRegistry,
    *,
    name: str | None = None,
    year: int | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    costs: CostInputs | None = None,
    grid_series: str = "eea",
    gwp: str = "ar5",
    case: str = "central",
) -> ParkRecommendations:
    """Recommendations for every company of a park, park-level measures, totals and the MACC.

    Parameters
    ----------
    workbook : ParkWorkbook
        The park: companies, flows (for their temperatures) and energy use.
    registry : MeasureRegistry
        The catalogue of measures.
    name : str, optional
        The park's name when the workbook has no park sheet.
    year : int, optional
        The year of energy use for every company; the park's latest year by default.
    end_use_shares, costs, grid_series, gwp, case
        As for :func:`recommend_company`. Shares without a ``company_id`` also apply to the
        park's summed use for park-level measures.

    Returns
    -------
    ParkRecommendations
        Company-level measures per company and summed per measure (``totals``), park-level
        measures evaluated on the park's summed energy use, and the MACC of every costed
        measure in ``case``.

    Notes
    -----
    Park-level measures use the park's country (or the companies' common country) for the grid
    factor; sums over companies are not corrected for measures that overlap (a shared network
    and each company's own measure on the same end use).
    """
    check_case(case)
    title = workbook.park.name if workbook.park is not None else (name or "park")
    chosen = year if year is not None else latest_year(workbook.energy)
    companies = tuple(
        recommend_company(
            company,
            workbook.energy,
            registry,
            year=chosen,
            temperatures=flow_temperatures(workbook.flows, company.id),
            end_use_shares=end_use_shares,
            costs=costs,
            grid_series=grid_series,
            gwp=gwp,
            case=case,
        )
        for company in workbook.companies
    )
    shares = tuple(s for s in end_use_shares if s.company_id is None)
    ctx = Context(_park_country(workbook), None, shares, costs, grid_series, gwp)
    park_recs, park_excluded = evaluate(
        registry.filter(level="park"), _park_site(workbook, title, chosen), ctx
    )
    by_measure: dict[str, list[Recommendation]] = {}
    for result in companies:
        for rec in result.recommendations:
            by_measure.setdefault(rec.measure_id, []).append(rec)
    totals = _sort_totals(
        (
            _measure_total(m, by_measure[m.id])
            for m in registry.filter(level="company")
            if m.id in by_measure
        ),
        case,
    )
    ranked_park = rank(park_recs, case)
    return ParkRecommendations(
        park=title,
        year=chosen,
        case=case,
        companies=companies,
        park_measures=ranked_park,
        park_not_applicable=park_excluded,
        totals=totals,
        macc=_park_macc(totals, ranked_park, case),
        notes=result_notes(costs, chosen),
    )
