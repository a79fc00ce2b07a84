"""The toolbox recommender: applicable measures for a company or a park, with what they save.

For each measure of the right level that fits the site (see :mod:`.applicability`), the chain
estimates only what the catalogue and the caller's inputs support:

1. **Energy** [MWh/yr], per carrier c the measure changes and case k (low, central, high)::

       saving_c,k = s_k / 100 x E_c x u_c

   with s_k the catalogue's saving in % of the end use, E_c the carrier's use in the year and
   u_c the end-use share: the part of E_c that goes to the measure's end use. u_c must come
   from a sourced figure the caller gives (:class:`EndUseShare`, e.g. a metered share from an
   energy audit); for a measure whose end use is ``all``, u_c = 1. Without u_c, or with a saving
   in another unit, the saving stays as the catalogue states it and MWh are not estimated.
2. **Emissions** [t CO2e/yr] = sum_c saving_c x EF_c, with EF_c from :mod:`.emissions`.
3. **Money** [EUR/yr] = sum_c saving_c x p_c, with prices p_c [EUR/MWh] from the caller
   (:class:`CostInputs`); there is no shipped price file, so without prices there is no money.
4. **Cost**: abatement cost (C x CRF(r, n) + O - S) / t CO2e and simple payback C / (S - O)
   (:mod:`.costs`), with lifetime n from the catalogue and the caller's discount rate r. The
   capex C is either a figure in EUR per project, or the investment of one documented project
   with the energy it saved (unit ``EUR per N MWh/yr saved``), scaled in each case k to the
   saving the chain estimates: C_k = C_ref x saving_k / N (:func:`.costs.capex_for_saving`).
   Capex per kW or per kWh is not used: the installed size is not known. The fixed opex O is
   EUR per year or % of the investment per year; where the catalogue has no opex figure at all
   (the sources of many measures quote the investment and the energy saved only), O is not
   counted and the result says so in ``notes`` and names ``opex`` in ``missing``.

A measure missing any other of these is listed as applicable and not costed, with the missing
fields named. Rankings use only computed figures: costed measures by abatement cost, then by
payback, then the rest by emissions avoided, status and evidence, in catalogue order.

Examples
--------
>>> from parkloop.domain.models import Company, EnergyCarrier, EnergyUse
>>> from parkloop.reference.measures import default_registry
>>> company = Company("C1", "Dairy", "10.51", "DK", 55.7, 9.5)
>>> use = [EnergyUse("C1", 2023, EnergyCarrier.ELECTRICITY, 2400.0)]
>>> result = recommend_company(company, use, default_registry())
>>> leaks = next(r for r in result.recommendations if r.measure_id == "compressed_air_leak_repair")
>>> leaks.reasons[0], leaks.saving, leaks.saving_mwh
('uses 2,400 MWh electricity in 2023', '16 % of compressed_air', None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from parkloop.domain.models import Company, EnergyUse, Flow
from parkloop.reference.measures import Measure, MeasureRegistry, saved_energy_reference
from parkloop.toolbox.applicability import FlowTemperature, Site, assess, used_carriers
from parkloop.toolbox.costs import annualised_capex, capex_for_saving, simple_payback
from parkloop.toolbox.emissions import GRID_SERIES, GWP_SETS, NoFactorError, carrier_factor
from parkloop.toolbox.model import (
    CASES,
    CarrierSaving,
    CompanyRecommendations,
    CostInputs,
    EndUseShare,
    Estimate,
    Excluded,
    ParkRecommendations,
    Recommendation,
    ToolboxInputError,
    check_case,
    sum_estimates,
)

__all__ = [
    "CASES",
    "CompanyRecommendations",
    "Context",
    "CostInputs",
    "EndUseShare",
    "Estimate",
    "FlowTemperature",
    "ParkRecommendations",
    "Recommendation",
    "ToolboxInputError",
    "case_value",
    "energy_by_carrier",
    "evaluate",
    "flow_temperatures",
    "latest_year",
    "rank",
    "ratio",
    "recommend_company",
    "result_notes",
]

ALL_END_USES = "all"
PERCENT = "%"
CAPEX_UNITS = ("EUR", "EUR per project")
CAPEX_PER_SAVED = "EUR per N MWh/yr saved"
CAPEX_ACCEPTED = "capex in EUR per project or per MWh/yr saved"
OPEX_NOT_COUNTED = (
    "the catalogue has no sourced operating cost: the EUR figures count the investment and "
    "the energy saved only"
)
OPEX_PER_YEAR = "EUR per year"
OPEX_SHARE_OF_CAPEX = "% of investment per year"
_EVIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
NO_COST_INPUTS = "energy prices and discount rate"
NO_PRICES = "no energy prices or discount rate given: no EUR, EUR/t or payback figures"
NEEDS_SHARES = (
    "energy savings in MWh need a sourced end-use share; without one the saving is shown as "
    "the catalogue gives it (% of end use)"
)


@dataclass(frozen=True)
class Context:
    """The caller's choices for one evaluation of a site (a company, or a park as a whole)."""

    country: str | None
    company_id: str | None
    shares: tuple[EndUseShare, ...]
    costs: CostInputs | None
    grid_series: str
    gwp: str

    def __post_init__(self) -> None:
        for name, given, allowed in (
            ("grid series", self.grid_series, GRID_SERIES),
            ("gwp set", self.gwp, GWP_SETS),
        ):
            if given not in allowed:
                raise ToolboxInputError(
                    f"unknown {name} {given!r}; choose one of {', '.join(allowed)}"
                )


@dataclass
class _Log:
    """What could not be estimated, collected while one measure is evaluated."""

    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)

    def lack(self, name: str, note: str | None = None) -> None:
        if name not in self.missing:
            self.missing.append(name)
        if note is not None and note not in self.notes:
            self.notes.append(note)


def _scale(estimate: Estimate, factor: float) -> Estimate:
    return estimate.map(lambda value: value * factor)


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def energy_by_carrier(
    energy: Iterable[EnergyUse], company_id: str | None, year: int | None
) -> dict[str, float]:
    """Final energy used per carrier in ``year`` [MWh]; on-site generation rows are left out.

    ``company_id`` ``None`` sums over every company (a park).
    """
    totals: dict[str, float] = {}
    for row in energy:
        if row.onsite_generation or row.year != year:
            continue
        if company_id is not None and row.company_id != company_id:
            continue
        carrier = str(row.carrier.value)
        totals[carrier] = totals.get(carrier, 0.0) + row.mwh
    return totals


def latest_year(energy: Iterable[EnergyUse], company_id: str | None = None) -> int | None:
    """The latest year with recorded energy use (of one company, or of any), or ``None``."""
    years = [
        row.year
        for row in energy
        if not row.onsite_generation and (company_id is None or row.company_id == company_id)
    ]
    return max(years) if years else None


def flow_temperatures(flows: Iterable[Flow], company_id: str) -> tuple[FlowTemperature, ...]:
    """The temperatures of a company's listed flows that state one [degC]."""
    return tuple(
        FlowTemperature(f"flow {flow.id} ({flow.name})", flow.temperature_c)
        for flow in flows
        if flow.company_id == company_id and flow.temperature_c is not None
    )


def _share(ctx: Context, carrier: str, end_use: str) -> tuple[float, str] | None:
    if end_use == ALL_END_USES:
        return 1.0, "the measure's end use is all use of the carrier"
    matches = [
        s
        for s in ctx.shares
        if s.carrier == carrier and s.end_use == end_use and s.company_id in (None, ctx.company_id)
    ]
    specific = [s for s in matches if s.company_id is not None]
    chosen = specific or matches
    return (chosen[0].share, chosen[0].source) if chosen else None


def _factor(carrier: str, site: Site, ctx: Context, log: _Log) -> float | None:
    try:
        found = carrier_factor(
            carrier, ctx.country, site.year, grid_series=ctx.grid_series, gwp=ctx.gwp
        )
    except NoFactorError as exc:
        log.lack(f"emission factor for {carrier}", f"{exc}: t CO2e not estimated")
        return None
    text = f"{carrier}: {found.t_co2e_per_mwh:.6g} t {found.gases}/MWh, {found.method}"
    if text not in log.factors:
        log.factors.append(text)
    return found.t_co2e_per_mwh


def _saving_usable(measure: Measure, carriers: Sequence[str], log: _Log) -> bool:
    figure = measure.saving
    if figure is None:
        log.lack("saving", "the catalogue has no sourced saving figure: MWh not estimated")
        return False
    if figure.unit != PERCENT:
        log.lack(
            "saving as % of end use",
            f"the saving is given as '{figure.describe()}', not as a share of the end use: "
            "MWh not estimated",
        )
        return False
    if not carriers:
        log.lack("energy use", "no use of the carriers it changes is recorded: MWh not estimated")
        return False
    return True


def _carrier_savings(
    measure: Measure, site: Site, ctx: Context, log: _Log
) -> tuple[CarrierSaving, ...]:
    carriers = used_carriers(measure, site)
    usable = _saving_usable(measure, carriers, log)
    end_use = measure.applicability.end_use
    rows = []
    for carrier in carriers:
        use = site.energy_mwh[carrier]
        share = _share(ctx, carrier, end_use)
        saving = None
        if usable and measure.saving is not None and share is not None:
            saving = _scale(Estimate.of_figure(measure.saving), use * share[0] / 100.0)
        elif usable and measure.saving is not None:
            log.lack(
                f"end-use share of {carrier} for {end_use}",
                f"saving {measure.saving.describe()} of {end_use}; no sourced end-use share of "
                f"{carrier} for {end_use}: MWh not estimated",
            )
        factor = _factor(carrier, site, ctx, log) if saving is not None else None
        price = ctx.costs.prices_eur_per_mwh.get(carrier) if ctx.costs is not None else None
        if saving is not None and ctx.costs is not None and price is None:
            log.lack(f"price of {carrier}", f"no price given for {carrier}: no EUR figures")
        rows.append(
            CarrierSaving(
                carrier=carrier,
                use_mwh=use,
                end_use_share=None if share is None else share[0],
                share_source=None if share is None else share[1],
                saving_mwh=saving,
                t_co2e_per_mwh=factor,
                price_eur_per_mwh=price,
            )
        )
    return tuple(rows)


def _totals(
    rows: Sequence[CarrierSaving],
) -> tuple[Estimate | None, Estimate | None, Estimate | None]:
    """(MWh, t CO2e, EUR) over the carriers; each ``None`` unless every carrier has it."""
    savings = [r.saving_mwh for r in rows]
    if not rows or any(s is None for s in savings):
        return None, None, None
    mwh = sum_estimates(s for s in savings if s is not None)
    co2e = None
    if all(r.t_co2e_per_mwh is not None for r in rows):
        co2e = sum_estimates(
            _scale(r.saving_mwh, r.t_co2e_per_mwh or 0.0) for r in rows if r.saving_mwh
        )
    eur = None
    if all(r.price_eur_per_mwh is not None for r in rows):
        eur = sum_estimates(
            _scale(r.saving_mwh, r.price_eur_per_mwh or 0.0) for r in rows if r.saving_mwh
        )
    return mwh, co2e, eur


def _constant(value: float) -> Estimate:
    return Estimate(value, value, value)


def _per_case(fn: Callable[..., float | None], *estimates: Estimate) -> Estimate:
    """``fn`` applied case by case; ``None`` where any estimate lacks the case."""
    values: list[float | None] = []
    for case in CASES:
        args = [e.get(case) for e in estimates]
        values.append(None if any(a is None for a in args) else fn(*args))
    return Estimate(*values)


def _capex(measure: Measure, saving_mwh: Estimate | None, log: _Log) -> Estimate | None:
    """Investment [EUR] per case: a figure per project, or scaled to the MWh saved."""
    figure = measure.capex
    if figure is None:
        log.lack("capex", "the catalogue has no sourced investment figure")
        return None
    reference = saved_energy_reference(figure.unit)
    if figure.unit not in CAPEX_UNITS and reference is None:
        log.lack(
            CAPEX_ACCEPTED,
            f"the investment is given as '{figure.describe()}', not per project or as "
            f"'{CAPEX_PER_SAVED}': the installed size is not known, so no investment is "
            "estimated",
        )
        return None
    if figure.value is None:
        log.lack("capex central value", f"the investment is a range ({figure.describe()})")
        return None
    capex = figure.value
    if reference is None:
        return _constant(capex)
    if saving_mwh is None:
        return None  # the saving is not estimated; ``missing`` already says why
    scaled = saving_mwh.map(lambda saved: capex_for_saving(capex, reference, saved))
    note = f"investment {figure.describe()}, scaled to the MWh saved here: {scaled.describe()} EUR"
    if note not in log.notes:
        log.notes.append(note)
    return scaled


def _opex(measure: Measure, capex: Estimate | None, log: _Log) -> tuple[Estimate | None, bool]:
    """(opex [EUR/yr] per case or ``None``, whether a missing figure blocks the costing).

    A measure without any opex figure is costed without it; an opex figure that cannot be used
    (a range, an unknown unit) blocks the costing.
    """
    figure = measure.opex
    if figure is None:
        log.lack("opex", OPEX_NOT_COUNTED)
        return None, False
    if figure.value is None:
        log.lack("opex central value", f"the operating cost is a range ({figure.describe()})")
        return None, True
    share = figure.value
    if figure.unit == OPEX_PER_YEAR:
        return _constant(share), False
    if figure.unit.startswith(OPEX_SHARE_OF_CAPEX):
        if figure.basis and "variable" in figure.basis:
            note = "the variable operating cost in the source's basis is not counted"
            if note not in log.notes:
                log.notes.append(note)
        if capex is None:
            return None, True
        return capex.map(lambda invested: invested * share / 100.0), False
    log.lack(
        "opex in EUR per year or % of investment",
        f"the operating cost is given as '{figure.describe()}'",
    )
    return None, True


def _lifetime(measure: Measure, log: _Log) -> float | None:
    figure = measure.lifetime_years
    if figure is None:
        log.lack("lifetime_years", "the catalogue has no sourced lifetime")
        return None
    if figure.value is None:
        log.lack("lifetime_years central value", f"the lifetime is a range ({figure.describe()})")
    return figure.value


def _money(
    capex: Estimate | None,
    opex: Estimate | None,
    lifetime: float | None,
    energy_eur: Estimate | None,
    co2e: Estimate | None,
    costs: CostInputs | None,
) -> tuple[Estimate | None, Estimate | None, Estimate | None]:
    """(net annual cost, abatement cost, payback) per case, ``None`` where an input is missing.

    ``opex`` ``None`` means the operating cost is not counted.
    """
    if costs is None or energy_eur is None or capex is None:
        return None, None, None
    running = opex if opex is not None else _constant(0.0)
    payback = _per_case(simple_payback, capex, energy_eur, running)
    if lifetime is None:
        return None, None, payback
    rate = costs.discount_rate
    net = _per_case(
        lambda invested, saved, fixed: annualised_capex(invested, rate, lifetime) + fixed - saved,
        capex,
        energy_eur,
        running,
    )
    abatement = None if co2e is None else net.combine(co2e, ratio)
    return net, abatement, payback


def _price_year(measure: Measure) -> int | None:
    for figure in (measure.capex, measure.opex):
        if figure is not None and figure.year is not None:
            return figure.year
    return None


def _recommend(measure: Measure, site: Site, ctx: Context) -> Recommendation | Excluded:
    """Evaluate one measure for one site."""
    found = assess(measure, site)
    if not found.applies:
        return Excluded(measure.id, measure.name, found.rejections)
    log = _Log()
    rows = _carrier_savings(measure, site, ctx, log)
    mwh, co2e, energy_eur = _totals(rows)
    capex = _capex(measure, mwh, log)
    opex, opex_blocks = _opex(measure, capex, log)
    lifetime = _lifetime(measure, log)
    net, abatement, payback = (None, None, None)
    if not opex_blocks:
        net, abatement, payback = _money(capex, opex, lifetime, energy_eur, co2e, ctx.costs)
    if ctx.costs is None:
        log.lack(NO_COST_INPUTS)
    if ctx.costs is not None and payback is not None and payback.is_empty():
        log.notes.append("the energy cost saved does not exceed the operating cost: no payback")
    saving = measure.saving
    saving_text = None
    if saving is not None:
        of = f" of {measure.applicability.end_use}" if saving.unit == PERCENT else ""
        saving_text = f"{saving.describe()}{of}"
    payback_figure = measure.payback_years
    return Recommendation(
        measure_id=measure.id,
        name=measure.name,
        level=measure.level,
        topic=measure.topic,
        evidence=measure.evidence,
        site=site.label,
        status="check" if found.to_check else "applies",
        reasons=found.reasons,
        to_check=found.to_check,
        saving=saving_text,
        carriers=rows,
        saving_mwh=mwh,
        co2e_t=co2e,
        energy_cost_saving_eur=energy_eur if ctx.costs is not None else None,
        capex_eur=case_value(capex, "central"),
        opex_eur_per_yr=case_value(opex, "central"),
        lifetime_years=lifetime,
        price_year=_price_year(measure),
        net_annual_cost_eur=net,
        abatement_cost_eur_per_t=abatement,
        payback_years=payback,
        catalogue_payback=(
            f"{payback_figure.describe()} ({payback_figure.basis or 'no basis given'})"
            if payback_figure is not None
            else None
        ),
        costed=abatement is not None and not abatement.is_empty(),
        missing=tuple(log.missing),
        notes=tuple(log.notes),
        factors=tuple(log.factors),
    )


def evaluate(
    measures: Iterable[Measure], site: Site, ctx: Context
) -> tuple[list[Recommendation], tuple[Excluded, ...]]:
    recommendations: list[Recommendation] = []
    excluded: list[Excluded] = []
    for measure in measures:
        outcome = _recommend(measure, site, ctx)
        if isinstance(outcome, Excluded):
            excluded.append(outcome)
        else:
            recommendations.append(outcome)
    return recommendations, tuple(excluded)


def case_value(estimate: Estimate | None, case: str) -> float | None:
    return None if estimate is None else estimate.get(case)


def rank(
    recommendations: Iterable[Recommendation], case: str = "central"
) -> tuple[Recommendation, ...]:
    """Order recommendations: costed ones by abatement cost, the rest after them.

    Within equal abatement cost (or none), by payback, then emissions avoided (largest first),
    status (confirmed first) and evidence; ties keep catalogue order.
    """
    check_case(case)

    def key(item: Recommendation) -> tuple[bool, float, bool, float, float, bool, int]:
        cost = case_value(item.abatement_cost_eur_per_t, case)
        payback = case_value(item.payback_years, case)
        co2e = case_value(item.co2e_t, case)
        return (
            cost is None,
            cost or 0.0,
            payback is None,
            payback or 0.0,
            -(co2e or 0.0),
            item.status != "applies",
            _EVIDENCE_ORDER.get(item.evidence, len(_EVIDENCE_ORDER)),
        )

    return tuple(sorted(recommendations, key=key))


def result_notes(costs: CostInputs | None, year: int | None) -> tuple[str, ...]:
    notes = [NEEDS_SHARES]
    if costs is None:
        notes.append(NO_PRICES)
    if year is None:
        notes.append("no energy use recorded: measures that need a carrier are left to check")
    return tuple(notes)


def recommend_company(
    company: Company,
    energy: Iterable[EnergyUse],
    registry: MeasureRegistry,
    *,
    year: int | None = None,
    temperatures: Sequence[FlowTemperature] = (),
    sizes: Mapping[str, float] | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    costs: CostInputs | None = None,
    grid_series: str = "eea",
    gwp: str = "ar5",
    case: str = "central",
) -> CompanyRecommendations:
    """Applicable company-level measures for ``company``, ranked, with what they save.

    Parameters
    ----------
    company : Company
        The company: NACE code, country (for the grid factor), employees.
    energy : iterable of EnergyUse
        Energy rows (other companies' rows and on-site generation are ignored).
    registry : MeasureRegistry
        The catalogue of measures.
    year : int, optional
        The year of energy use; the company's latest year by default.
    temperatures : sequence of FlowTemperature
        Temperatures the company works at [degC] (e.g. of its listed heat flows).
    sizes : mapping of unit to size, optional
        The company's size in the units of size thresholds (``{'boiler hp': 150}``); the
        number of employees is added under ``'employees'`` when known.
    end_use_shares : sequence of EndUseShare
        Sourced shares of a carrier's use per end use; without one, MWh are not estimated.
    costs : CostInputs, optional
        Energy prices [EUR/MWh] and discount rate; ``None``: no money figures.
    grid_series : {'eea', 'ember', 'national', 'residual_mix'}
        The grid factor series for electricity (see :mod:`.emissions`).
    gwp : {'ar5', 'ar6'}
        Global warming potentials for fuels.
    case : {'low', 'central', 'high'}
        The case the ranking uses.

    Returns
    -------
    CompanyRecommendations
    """
    check_case(case)
    chosen = year if year is not None else latest_year(energy, company.id)
    energy = list(energy)
    known_sizes = dict(sizes or {})
    if company.employees is not None:
        known_sizes.setdefault("employees", float(company.employees))
    site = Site(
        label=company.id,
        nace=(company.nace,),
        energy_mwh=energy_by_carrier(energy, company.id, chosen),
        year=chosen,
        temperatures=tuple(temperatures),
        sizes=known_sizes,
    )
    ctx = Context(company.country, company.id, tuple(end_use_shares), costs, grid_series, gwp)
    recommendations, excluded = evaluate(registry.filter(level="company"), site, ctx)
    return CompanyRecommendations(
        company_id=company.id,
        name=company.name,
        nace=company.nace,
        country=company.country,
        year=chosen,
        case=case,
        energy_mwh=dict(site.energy_mwh),
        recommendations=rank(recommendations, case),
        not_applicable=excluded,
        notes=result_notes(costs, chosen),
    )
