"""Terms of the impact balance: each picks its sourced factors and applies one equation.

Every builder returns a :class:`~parkloop.impact.result.Term` (CO2e) or
:class:`~parkloop.impact.result.CostTerm` (EUR), zero with a note where an input is unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parkloop.energy.heat_pump import carnot_cop
from parkloop.impact.assumptions import (
    BASELINE_ROUTES,
    RECOVERY_BASELINES,
    TRANSPORT_MODES,
    Assumptions,
)
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
from parkloop.impact.factors import MASS_FACTOR_UNITS, ImpactReference, SubstitutionRule
from parkloop.impact.result import CostTerm, Range, Term, spread
from parkloop.reference.factors import Factor


def _map(r: Range, fn: Callable[[float], float]) -> Range:
    return Range.around(fn(r.central), fn(r.low), fn(r.high))


def _expect(factor: Factor, *units: str) -> Factor:
    if factor.unit not in units:
        raise ValueError(
            f"factor {factor.name} has unit {factor.unit!r}; this equation needs "
            f"{' or '.join(units)}"
        )
    return factor


def per_tonne(factor: Factor) -> Factor:
    """A material factor in t CO2e per t (value, low and high), keeping name and source."""
    k = MASS_FACTOR_UNITS[factor.unit]
    return Factor(
        factor.name,
        factor.value * k,
        "t CO2e per t",
        factor.year,
        factor.source,
        None if factor.low is None else factor.low * k,
        None if factor.high is None else factor.high * k,
    )


def latest(reference: ImpactReference, prefix: str) -> Factor | None:
    """The factor named ``prefix`` + a year, of the latest year; ``None`` when there is none."""
    names = [n for n in reference.factors if n.startswith(prefix) and n[len(prefix) :].isdigit()]
    return reference.factors[max(names)] if names else None


def grid_factor(reference: ImpactReference, country: str, margin: str) -> Factor | None:
    """The IFI grid margin factor of ``country`` (ISO 3166-1 alpha-2), latest year."""
    return latest(reference, f"grid_margin_{margin}_{country.lower()}_")


def fuel_factor(reference: ImpactReference, fuel: str) -> tuple[Range, tuple[Factor, ...]]:
    """CO2e [kg per MWh of fuel] of a fuel of the ``fuels`` mapping (IPCC 2006, AR5 GWPs)."""
    entry = reference.fuels[fuel]
    co2, ch4, n2o = (reference.factor(f"fuel_{entry.ipcc}_{g}") for g in ("co2", "ch4", "n2o"))
    gwp_ch4, gwp_n2o = reference.factor("gwp100_ch4_ar5"), reference.factor("gwp100_n2o_ar5")

    def ef(co2_kg_per_tj: float) -> float:
        return fuel_co2e_kg_per_mwh(
            co2_kg_per_tj,
            ch4.value,
            n2o.value,
            gwp_ch4.value,
            gwp_n2o.value,
            biogenic=entry.biogenic,
        )

    used = (ch4, n2o, gwp_ch4, gwp_n2o) if entry.biogenic else (co2, ch4, n2o, gwp_ch4, gwp_n2o)
    return (Range.exact(ef(co2.value)) if entry.biogenic else spread(co2, ef)), used


# --- Materials -------------------------------------------------------------------------------


def disposal_term(
    tonnes: float, resource_class: str | None, a: Assumptions, reference: ImpactReference
) -> Term:
    """Avoided CO2e of the supplier's present disposal route (``waste_<route>_<material>``)."""
    name = "avoided_disposal"
    if a.baseline == "unknown":
        return Term(
            name,
            "avoided",
            Range.zero(),
            note="what the supplier does with the residue today is not known (baseline "
            "unknown): avoided disposal is not counted",
        )
    entry = reference.disposal.get(resource_class or "")
    material = a.disposal_material or (entry.material if entry else None)
    if material is None:
        return Term(
            name,
            "avoided",
            Range.zero(),
            note=f"no UK waste factor material for resource class {resource_class}: avoided "
            "disposal is not counted (give disposal_material)",
        )
    candidates = [f"waste_{route}_{material}" for route in BASELINE_ROUTES[a.baseline]]
    found = next((reference.factors[n] for n in candidates if n in reference.factors), None)
    if found is None:
        return Term(
            name,
            "avoided",
            Range.zero(),
            note=f"no factor for {a.baseline} of {material} ({', '.join(candidates)}): avoided "
            "disposal is not counted",
        )
    factor = _expect(found, "kg CO2e per tonne")
    note = (
        "the energy the incinerator no longer recovers is not counted"
        if a.baseline == "incineration"
        else ""
    )
    co2e = spread(factor, lambda v: co2e_avoided_disposal(tonnes, v))
    return Term(name, "avoided", co2e, (factor,), note)


def substitution_rule(
    resource_class: str | None,
    receiver_nace: str,
    a: Assumptions,
    reference: ImpactReference,
) -> SubstitutionRule | None:
    """The sourced rule for what the receiver replaces (``virgin_material`` picks one)."""
    rules = reference.substitutes.get(resource_class or "", ())
    if a.virgin_material is None:
        return next((r for r in rules if r.applies_to(receiver_nace)), None)
    if a.virgin_material == "none":
        return None
    for rule in rules:
        if rule.replaces == a.virgin_material:
            return rule
    options = ", ".join([*(r.replaces for r in rules), "none"])
    raise ValueError(
        f"unknown virgin_material {a.virgin_material!r} for resource class {resource_class}; "
        f"choose one of {options}"
    )


def virgin_terms(
    tonnes: float,
    resource_class: str | None,
    receiver_nace: str,
    a: Assumptions,
    reference: ImpactReference,
) -> tuple[Term, Term]:
    """Avoided virgin material and the processing that the residue needs instead."""
    rule = substitution_rule(resource_class, receiver_nace, a, reference)
    if a.baseline in RECOVERY_BASELINES:
        reason = (
            f"the residue is already recovered today (baseline {a.baseline}): sending it "
            "elsewhere avoids no further virgin material"
        )
        return (
            Term("avoided_virgin_material", "avoided", Range.zero(), note=reason),
            Term("processing", "added", Range.zero()),
        )
    if rule is None:
        why = (
            "virgin_material is none"
            if a.virgin_material == "none"
            else f"no sourced substitution for resource class {resource_class} at a receiver "
            f"in NACE {receiver_nace}"
        )
        return (
            Term("avoided_virgin_material", "avoided", Range.zero(), note=f"{why}: not counted"),
            Term("processing", "added", Range.zero()),
        )
    virgin = per_tonne(reference.factor(rule.virgin))
    avoided = Term(
        "avoided_virgin_material",
        "avoided",
        spread(virgin, lambda v: co2e_avoided_virgin_material(tonnes, v, rule.ratio)),
        (reference.factor(rule.virgin),),
        f"replaces {rule.replaces}, {rule.ratio:g} t per t ({rule.basis})",
    )
    if rule.secondary is None:
        processing = Term(
            "processing",
            "added",
            Range.zero(),
            note=f"processing of {resource_class} for use as {rule.replaces} is not counted: "
            "no sourced factor",
        )
    else:
        secondary = per_tonne(reference.factor(rule.secondary))
        processing = Term(
            "processing",
            "added",
            spread(secondary, lambda v: co2e_processing(tonnes, v, rule.ratio)),
            (reference.factor(rule.secondary),),
        )
    return avoided, processing


def transport_terms(
    tonnes: float, great_circle_km: float, a: Assumptions, reference: ImpactReference
) -> tuple[Term, CostTerm]:
    """CO2e and cost of moving the residue from the supplier to the receiver."""
    ef = _expect(reference.factor(TRANSPORT_MODES[a.transport_mode]), "kg CO2e per tonne-km")
    used: list[Factor] = [ef]
    note = ""
    if a.route_km is not None:
        km = a.route_km
    elif a.transport_mode == "road":
        circuity = reference.factor("road_circuity")
        km = great_circle_km * (a.circuity if a.circuity is not None else circuity.value)
        if a.circuity is None:
            used.append(circuity)
    else:
        km = great_circle_km
        note = f"{a.transport_mode} transport over the great-circle distance (give route_km)"
    co2e = Term(
        "transport",
        "added",
        spread(ef, lambda v: co2e_transport(tonnes, km, v)),
        tuple(used),
        note,
    )
    if a.transport_mode != "road":
        return co2e, CostTerm(
            "transport_cost",
            Range.zero(),
            note=f"no sourced freight cost for {a.transport_mode}: transport cost not counted",
        )
    payload, cost = reference.factor("truck_payload"), reference.factor("truck_cost_per_vehicle_km")
    eur = spread(cost, lambda v: transport_cost_eur(tonnes, km, payload.value, v))
    return co2e, CostTerm("transport_cost", -eur, (payload, cost))


# --- Energy and water ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatDelivery:
    """Heat delivered to the receiver, the heat-pump electricity it needs, and how."""

    delivered_mwh: float
    electricity_mwh: float
    cop: float | None
    factors: tuple[Factor, ...]
    note: str


def heat_delivery(
    source_mwh: float,
    demand_mwh: float | None,
    source_c: float | None,
    sink_c: float | None,
    reference: ImpactReference,
) -> HeatDelivery:
    """Direct exchange when the source is hot enough, else a heat pump (Carnot fraction COP)."""
    approach = reference.factor("heat_exchanger_min_approach")
    if source_c is None or sink_c is None or source_c >= sink_c + approach.value:
        note = (
            "source or sink temperature not given: direct heat exchange assumed"
            if source_c is None or sink_c is None
            else ""
        )
        delivered = source_mwh if demand_mwh is None else min(source_mwh, demand_mwh)
        return HeatDelivery(delivered, 0.0, None, (), note)
    cop = carnot_cop(source_c, sink_c)
    if cop <= 1.0:
        return HeatDelivery(
            0.0, 0.0, cop, (), f"heat pump COP {cop:.2f} <= 1 from {source_c:g} C to {sink_c:g} C"
        )
    delivered = heat_pump_delivered_mwh(source_mwh, cop)
    if demand_mwh is not None:
        delivered = min(delivered, demand_mwh)
    return HeatDelivery(
        delivered,
        delivered / cop,
        cop,
        (reference.factor("heat_pump_carnot_fraction"), approach),
        f"heat pump from {source_c:g} C to {sink_c:g} C, COP {cop:.2f}",
    )


def default_boiler(receiver_nace: str) -> str:
    """District-heating boilers for NACE 35.3 (steam and air conditioning supply), else
    industrial boilers."""
    return "district_heating" if receiver_nace.startswith("35.3") else "industrial"


def _fuel_cap(fuel_mwh: float, a: Assumptions) -> tuple[float, str]:
    """Fuel [MWh/yr] limited to what the receiver buys today, with a note when limited."""
    cap = a.fuel_use_mwh_per_yr
    if cap is not None and fuel_mwh > cap:
        return cap, (
            f"avoided {a.heat_fuel} limited to the {cap:g} MWh/yr the receiver buys today "
            f"(the exchange would replace {fuel_mwh:g} MWh/yr)"
        )
    return fuel_mwh, ""


def heat_fuel_term(
    heat_mwh: float,
    receiver_nace: str,
    country: str,
    a: Assumptions,
    reference: ImpactReference,
) -> Term:
    """Avoided CO2e of the fuel (or district heat) the receiver no longer needs for the heat."""
    name = "avoided_heat_fuel"
    fuel = a.heat_fuel
    if fuel == "unknown":
        return Term(
            name,
            "avoided",
            Range.zero(),
            note="the fuel the heat replaces is not known (heat_fuel unknown): avoided fuel "
            "is not counted",
        )
    if fuel == "district_heat":
        dh = latest(reference, f"district_heat_{country.lower()}_")
        if dh is None:
            return Term(
                name,
                "avoided",
                Range.zero(),
                note=f"no district heat factor for {country}: avoided heat is not counted",
            )
        dh = _expect(dh, "kg CO2e per kWh")
        bought, note = _fuel_cap(heat_mwh, a)
        return Term(name, "avoided", spread(dh, lambda v: co2e_electricity(bought, v)), (dh,), note)
    boiler = a.boiler or default_boiler(receiver_nace)
    efficiency_name = reference.boilers.get(boiler, {}).get(fuel)
    if efficiency_name is None:
        known = ", ".join(reference.boilers.get(boiler, {})) or "none"
        return Term(
            name,
            "avoided",
            Range.zero(),
            note=f"no sourced efficiency of a {boiler} boiler on {fuel} (known: {known}): "
            "avoided fuel is not counted",
        )
    efficiency = _expect(reference.factor(efficiency_name), "MWh heat per MWh fuel")
    fuel_mwh, note = _fuel_cap(heat_mwh / efficiency.value, a)
    if fuel == "electricity":
        grid = grid_factor(reference, country, a.grid_margin)
        if grid is None:
            return Term(
                name,
                "avoided",
                Range.zero(),
                note=f"no grid margin factor for {country}: avoided electricity is not counted",
            )
        co2e = spread(grid, lambda v: co2e_electricity(fuel_mwh, v))
        return Term(name, "avoided", co2e, (efficiency, grid), note)
    ef, used = fuel_factor(reference, fuel)
    heat_replaced = fuel_mwh * efficiency.value
    co2e = _map(ef, lambda v: co2e_avoided_heat_fuel(heat_replaced, efficiency.value, v))
    return Term(name, "avoided", co2e, (efficiency, *used), note)


def supplied_fuel_terms(
    mwh: float, supplied: str, a: Assumptions, reference: ImpactReference
) -> tuple[Term, Term]:
    """A fuel residue (biogas...) burnt instead of the receiver's fuel, energy for energy."""
    burnt, used = fuel_factor(reference, supplied)
    added = Term(
        "fuel_combustion",
        "added",
        _map(burnt, lambda v: mwh * v / 1000.0),
        used,
    )
    if a.heat_fuel not in reference.fuels:
        return Term(
            "avoided_fuel",
            "avoided",
            Range.zero(),
            note=f"the fuel that {supplied} replaces is not known or not a fuel "
            f"(heat_fuel {a.heat_fuel}): avoided fuel is not counted",
        ), added
    ef, replaced = fuel_factor(reference, a.heat_fuel)
    fuel_mwh, note = _fuel_cap(mwh, a)
    avoided = Term(
        "avoided_fuel",
        "avoided",
        _map(ef, lambda v: fuel_mwh * v / 1000.0),
        replaced,
        note,
    )
    return avoided, added


def water_term(m3: float, reference: ImpactReference) -> Term:
    """Avoided CO2e of the public water supply the receiver no longer draws."""
    factor = _expect(reference.factor("water_supply"), "kg CO2e per m3")
    return Term(
        "avoided_water_supply",
        "avoided",
        spread(factor, lambda v: m3 * v / 1000.0),
        (factor,),
        "UK public water supply factor; no Baltic figure was found",
    )


def electricity_term(
    name: str,
    mwh: float | None,
    country: str,
    a: Assumptions,
    reference: ImpactReference,
    missing: str,
) -> Term:
    """Added CO2e of electricity [MWh/yr] at the grid margin of ``country``."""
    if mwh is None:
        return Term(name, "added", Range.zero(), note=missing)
    if mwh == 0:
        return Term(name, "added", Range.zero())
    grid = grid_factor(reference, country, a.grid_margin)
    if grid is None:
        return Term(
            name,
            "added",
            Range.zero(),
            note=f"no grid margin factor for {country}: {name} is not counted",
        )
    return Term(name, "added", spread(grid, lambda v: co2e_electricity(mwh, v)), (grid,))


# --- Cost ------------------------------------------------------------------------------------


def saving(name: str, amount: float, price: float | None, what: str) -> CostTerm:
    """A saving [EUR/yr] of ``amount`` at ``price``; zero with a note when the price is unknown."""
    if price is None:
        return CostTerm(name, Range.zero(), note=f"{what} is not known: {name} is not counted")
    return CostTerm(name, Range.exact(amount * price))


def expense(name: str, eur_per_yr: float | None, what: str) -> CostTerm:
    """A cost [EUR/yr] of the exchange; zero with a note when it is not known."""
    if eur_per_yr is None:
        return CostTerm(name, Range.zero(), note=f"{what} is not known: {name} is not counted")
    return CostTerm(name, Range.exact(-eur_per_yr))
