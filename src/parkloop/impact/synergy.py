"""Impact of a synergy: CO2e avoided and added, cost, tonnes diverted, water and energy.

The chain :func:`synergy_impact` evaluates one supply flow going to one receiver (a match or a
synergy). The baseline is consequential: what the exchange changes compared with what both
companies would do without it (the supplier's disposal route today, the virgin material, fuel
or water the receiver buys today), minus what the exchange itself adds (transport, processing,
pumping and heat-pump electricity, burning a fuel residue). Inputs no shipped file can give are
:class:`~parkloop.impact.assumptions.Assumptions`; where one is unknown, its term is zero and
the result carries a note.

The pure equations live in :mod:`parkloop.impact.equations` and are re-exported here; the terms
that pick sourced factors for them in :mod:`parkloop.impact.terms`.
"""

from __future__ import annotations

from parkloop.domain.models import Flow
from parkloop.impact.assumptions import RECOVERY_BASELINES, Assumptions
from parkloop.impact.equations import (
    co2e_avoided_disposal,
    co2e_avoided_heat_fuel,
    co2e_avoided_virgin_material,
    co2e_electricity,
    co2e_processing,
    co2e_transport,
    fuel_co2e_kg_per_mwh,
    heat_pump_delivered_mwh,
    transport_cost_eur,
)
from parkloop.impact.factors import ImpactReference, impact_reference
from parkloop.impact.result import CostTerm, Impact, Range, Term
from parkloop.impact.terms import (
    disposal_term,
    electricity_term,
    expense,
    heat_delivery,
    heat_fuel_term,
    saving,
    supplied_fuel_terms,
    transport_terms,
    virgin_terms,
    water_term,
)
from parkloop.reference.resource_classes import load_resource_classes
from parkloop.units import Category, Period, normalise

__all__ = [
    "Assumptions",
    "annual_amount",
    "co2e_avoided_disposal",
    "co2e_avoided_heat_fuel",
    "co2e_avoided_virgin_material",
    "co2e_electricity",
    "co2e_processing",
    "co2e_transport",
    "fuel_co2e_kg_per_mwh",
    "heat_pump_delivered_mwh",
    "price_per_canonical_unit",
    "synergy_impact",
    "transport_cost_eur",
]


def annual_amount(flow: Flow) -> tuple[float | None, str | None]:
    """A flow's yearly amount and canonical unit; ``(None, unit)`` for rates and one-offs."""
    normalised = flow.normalised()
    if normalised is None:
        return None, None
    if not normalised.per_year or normalised.value is None:
        return None, normalised.unit
    return normalised.value, normalised.unit


def price_per_canonical_unit(flow: Flow) -> float | None:
    """A flow's ``price_eur_per_unit`` per t, MWh or m3 (its canonical unit), if it has one.

    Examples
    --------
    >>> from parkloop.domain.models import Direction
    >>> f = Flow("F", "C", Direction.DEMAND, Category.MATERIAL, "sand", unit="kg",
    ...          price_eur_per_unit=0.02)
    >>> round(price_per_canonical_unit(f), 6)
    20.0
    """
    if flow.price_eur_per_unit is None or flow.unit is None:
        return None
    one = normalise(1.0, flow.unit, Period.YEAR)
    if not one.per_year or not one.value:
        return None
    return flow.price_eur_per_unit / one.value


def _capped(amount: float, wanted: float | None, unit: str, notes: list[str]) -> float:
    if wanted is not None and wanted < amount:
        notes.append(f"limited to the receiver's demand of {wanted:g} {unit}/yr")
        return wanted
    return amount


def _material(
    tonnes: float,
    resource_class: str | None,
    receiver_nace: str,
    distance_km: float,
    price: float | None,
    a: Assumptions,
    reference: ImpactReference,
) -> tuple[list[Term], list[CostTerm], float]:
    avoided_virgin, processing = virgin_terms(tonnes, resource_class, receiver_nace, a, reference)
    transport, transport_cost = transport_terms(tonnes, distance_km, a, reference)
    terms = [disposal_term(tonnes, resource_class, a, reference), avoided_virgin, processing]
    costs = [
        saving("avoided_purchase", tonnes, price, "the receiver's price for what it replaces"),
        saving("avoided_disposal_fee", tonnes, a.disposal_fee_eur_per_t, "the disposal fee"),
        transport_cost,
        expense("handling", a.handling_eur_per_yr, "the handling cost"),
    ]
    diverted = 0.0 if a.baseline in RECOVERY_BASELINES else tonnes
    return [*terms, transport], costs, diverted


def _energy(
    supply: Flow,
    demand: Flow | None,
    mwh: float,
    wanted: float | None,
    resource_class: str | None,
    receiver_nace: str,
    country: str,
    price: float | None,
    a: Assumptions,
    reference: ImpactReference,
    notes: list[str],
) -> tuple[list[Term], list[CostTerm], float]:
    heat_classes = {c.id for c in load_resource_classes() if c.is_heat}
    costs = [expense("handling", a.handling_eur_per_yr, "the handling cost")]
    pumping = electricity_term(
        "pumping_electricity",
        a.pumping_mwh_per_yr,
        country,
        a,
        reference,
        "pumping electricity not given (pumping_mwh_per_yr): not counted",
    )
    if resource_class in heat_classes:
        sink_c = demand.temperature_c if demand is not None else None
        heat = heat_delivery(mwh, wanted, supply.temperature_c, sink_c, reference)
        if heat.note:
            notes.append(heat.note)
        hp = electricity_term(
            "heat_pump_electricity", heat.electricity_mwh, country, a, reference, ""
        )
        hp = Term(hp.name, hp.side, hp.co2e_t_per_yr, (*heat.factors, *hp.factors), hp.note)
        terms = [heat_fuel_term(heat.delivered_mwh, receiver_nace, country, a, reference), hp]
        electricity = heat.electricity_mwh + (a.pumping_mwh_per_yr or 0.0)
        costs += [
            saving("avoided_purchase", heat.delivered_mwh, price, "the receiver's heat price"),
            _electricity_cost(electricity, a),
        ]
        return [*terms, pumping], costs, heat.delivered_mwh
    exchanged = _capped(mwh, wanted, "MWh", notes)
    supplied = reference.supplied_fuels.get(resource_class or "")
    if supplied is not None:
        terms = list(supplied_fuel_terms(exchanged, supplied, a, reference))
        costs += [saving("avoided_purchase", exchanged, price, "the receiver's fuel price")]
        return terms, costs, exchanged
    notes.append(
        f"no avoided-emission method for energy of resource class {resource_class}: "
        "only the energy is reported"
    )
    return [], costs, exchanged


def _electricity_cost(mwh: float, a: Assumptions) -> CostTerm:
    if mwh == 0:
        return CostTerm("electricity_cost", Range.zero())
    price = a.electricity_price_eur_per_mwh
    return expense(
        "electricity_cost", None if price is None else mwh * price, "the electricity price"
    )


def _water(
    m3: float,
    wanted: float | None,
    country: str,
    price: float | None,
    a: Assumptions,
    reference: ImpactReference,
    notes: list[str],
) -> tuple[list[Term], list[CostTerm], float]:
    exchanged = _capped(m3, wanted, "m3", notes)
    pumping = electricity_term(
        "pumping_electricity",
        a.pumping_mwh_per_yr,
        country,
        a,
        reference,
        "pumping electricity not given (pumping_mwh_per_yr): not counted",
    )
    costs = [
        saving("avoided_purchase", exchanged, price, "the receiver's water price"),
        _electricity_cost(a.pumping_mwh_per_yr or 0.0, a),
        expense("handling", a.handling_eur_per_yr, "the handling cost"),
    ]
    return [water_term(exchanged, reference), pumping], costs, exchanged


def _empty(notes: list[str]) -> Impact:
    return Impact.from_terms(
        [],
        [],
        tonnes_diverted_per_yr=0.0,
        water_saved_m3_per_yr=0.0,
        energy_mwh_per_yr=0.0,
        notes=notes,
    )


def synergy_impact(
    supply: Flow,
    *,
    receiver_nace: str,
    country: str,
    distance_km: float,
    resource_class: str | None = None,
    demand: Flow | None = None,
    assumptions: Assumptions | None = None,
) -> Impact:
    """Impact per year of ``supply`` going to a receiver, with every factor it used.

    Parameters
    ----------
    supply : Flow
        The supply flow; its yearly amount in t, MWh or m3 is what is exchanged, limited to
        the demand flow's amount where one is given in the same unit.
    receiver_nace : str
        NACE Rev. 2 class of the receiver (picks the virgin material it replaces and, for heat,
        the default boiler type).
    country : str
        ISO 3166-1 alpha-2 code of the receiver's site (grid and district heat factors).
    distance_km : float
        Great-circle distance between the two sites [km].
    resource_class : str, optional
        Id of the resource class of the supply flow (``parkloop.matching.knowledge``).
    demand : Flow, optional
        The receiver's listed demand: caps the amount, gives the sink temperature for heat and
        the receiver's present price.
    assumptions : Assumptions, optional
        Baseline route, heat fuel, prices...; the defaults leave unknown terms at zero.

    Returns
    -------
    Impact
        Avoided, added and net CO2e [t/yr] as low/central/high, cost [EUR/yr], tonnes
        diverted [t/yr], water saved [m3/yr], energy [MWh/yr], the terms, the factors used and
        notes on what was not counted.

    Notes
    -----
    Materials (t/yr, m): avoided = disposal m x EF_route + virgin m x r x EF_virgin;
    added = processing m x r x EF_secondary + transport m x d x c x EF_tkm.
    Heat (MWh/yr, Q delivered, via a heat pump when the source is not hot enough): avoided =
    Q / eta x EF_fuel; added = (Q / COP + E_pumping) x EF_grid. Fuel residues: avoided =
    E x EF_replaced fuel, added = E x EF_residue. Water (m3/yr, V): avoided = V x EF_supply,
    added = E_pumping x EF_grid. Net = avoided - added, low = avoided_low - added_high.
    Cost = avoided purchase + avoided disposal fee - transport - handling - electricity.

    Examples
    --------
    >>> from parkloop.domain.models import Direction
    >>> gypsum = Flow("F", "C", Direction.SUPPLY, Category.MATERIAL, "FGD gypsum",
    ...               quantity=1000, unit="t")
    >>> r = synergy_impact(gypsum, receiver_nace="23.62", country="DK", distance_km=10.0,
    ...                    resource_class="gypsum", assumptions=Assumptions(baseline="landfill"))
    >>> round(r.co2e_avoided_t_per_yr.central, 2), round(r.co2e_added_t_per_yr.central, 3)
    (71.95, 0.936)
    """
    a = assumptions if assumptions is not None else Assumptions()
    reference = impact_reference()
    classes = {c.id for c in load_resource_classes()}
    if resource_class is not None and resource_class not in classes:
        raise ValueError(f"unknown resource class {resource_class!r}")
    if distance_km < 0:
        raise ValueError("distance_km must be >= 0")
    notes: list[str] = []
    if resource_class is None:
        notes.append("resource class not recognised: no substitution or disposal factor applies")
    amount, unit = annual_amount(supply)
    if amount is None:
        notes.append(
            f"flow {supply.id} has no yearly amount (none given, a rate or a one-off): "
            "impact not computed"
        )
        return _empty(notes)
    wanted, wanted_unit = annual_amount(demand) if demand is not None else (None, None)
    same_unit = demand is not None and wanted_unit == unit
    wanted = wanted if same_unit else None
    price = a.avoided_price_eur_per_unit
    if price is None and demand is not None and same_unit:
        price = price_per_canonical_unit(demand)
    tonnes = water = energy = 0.0
    if supply.category is Category.MATERIAL and unit == "t":
        exchanged = _capped(amount, wanted, "t", notes)
        terms, costs, tonnes = _material(
            exchanged, resource_class, receiver_nace, distance_km, price, a, reference
        )
    elif supply.category is Category.ENERGY and unit == "MWh":
        terms, costs, energy = _energy(
            supply,
            demand,
            amount,
            wanted,
            resource_class,
            receiver_nace,
            country,
            price,
            a,
            reference,
            notes,
        )
    elif supply.category is Category.WATER and unit == "m3":
        terms, costs, water = _water(amount, wanted, country, price, a, reference, notes)
    else:
        notes.append(
            f"no impact method for {supply.category.value} flows in {unit}: only materials in "
            "t, energy in MWh and water in m3 are evaluated"
        )
        return _empty(notes)
    return Impact.from_terms(
        terms,
        costs,
        tonnes_diverted_per_yr=tonnes,
        water_saved_m3_per_yr=water,
        energy_mwh_per_yr=energy,
        notes=notes,
    )
