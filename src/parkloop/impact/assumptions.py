"""Assumptions about one exchange that no shipped file can give, checked on creation."""

from __future__ import annotations

from dataclasses import dataclass

from parkloop.impact.factors import impact_reference

BASELINES = (
    "landfill",
    "incineration",
    "recycling",
    "composting",
    "anaerobic_digestion",
    "unknown",
)
#: Baselines in which the residue is already recovered: moving it avoids no virgin production.
RECOVERY_BASELINES = ("recycling", "composting", "anaerobic_digestion")
#: Baseline -> routes of the UK waste factors (``waste_<route>_<material>``), first found wins.
BASELINE_ROUTES: dict[str, tuple[str, ...]] = {
    "landfill": ("landfill",),
    "incineration": ("incineration_energy_recovery",),
    "recycling": ("closed_loop_recycling", "open_loop_recycling"),
    "composting": ("composting",),
    "anaerobic_digestion": ("anaerobic_digestion",),
}
BOILERS = ("industrial", "district_heating", "building")
#: Freight mode -> factor of ``emission_factors.yaml`` [kg CO2e per tonne-km].
TRANSPORT_MODES: dict[str, str] = {
    "road": "freight_road_all_articulated_hgv",
    "rail": "freight_rail",
    "sea": "freight_sea_general_cargo",
    "sea_bulk": "freight_sea_bulk_carrier",
    "roro": "freight_sea_roro_ferry",
}
GRID_MARGINS = ("combined", "operating")
#: Heat fuels that are not combustion fuels of the ``fuels`` mapping.
OTHER_HEAT_FUELS = ("electricity", "district_heat", "unknown")


def _choice(name: str, value: str, options: tuple[str, ...]) -> None:
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(options)}")


def _non_negative(name: str, value: float | None) -> None:
    if value is not None and not value >= 0:
        raise ValueError(f"{name} must be >= 0 (or left out when not known), got {value!r}")


@dataclass(frozen=True)
class Assumptions:
    """What the shipped data cannot know about one exchange; the defaults are cautious.

    Parameters
    ----------
    baseline : str
        What the supplier does with the residue today: ``landfill``, ``incineration``,
        ``recycling``, ``composting``, ``anaerobic_digestion`` or ``unknown`` (no avoided
        disposal is counted).
    disposal_material : str, optional
        Material of the UK waste factors to use instead of the resource class's own.
    virgin_material : str, optional
        What the receiver replaces (``clinker``, ``aggregates``...), chosen among the sourced
        rules of the resource class; ``none`` for no credit; by default the rule that fits the
        receiver's NACE class.
    heat_fuel : str
        The fuel the receiver burns today for the heat (``natural_gas``, ``biomass``...),
        ``electricity``, ``district_heat`` or ``unknown`` (no avoided fuel is counted).
    fuel_use_mwh_per_yr : float, optional
        What the receiver buys of ``heat_fuel`` today [MWh/yr]: the avoided fuel cannot exceed
        it.
    boiler : str, optional
        ``industrial``, ``district_heating`` or ``building``; by default ``district_heating``
        for receivers in NACE 35.3 and ``industrial`` otherwise.
    transport_mode : str
        ``road``, ``rail``, ``sea``, ``sea_bulk`` or ``roro``.
    route_km : float, optional
        Transport distance [km]; by default the great-circle distance, times the road circuity
        factor for road.
    circuity : float, optional
        Road km per great-circle km instead of the sourced factor.
    grid_margin : str
        ``combined`` or ``operating`` margin of the grid for electricity added or avoided.
    pumping_mwh_per_yr : float, optional
        Electricity for pumping heat or water between the sites [MWh/yr].
    avoided_price_eur_per_unit : float, optional
        What the receiver pays today per t, MWh or m3; by default the price of its demand flow.
    disposal_fee_eur_per_t : float, optional
        What the supplier pays today to get rid of a tonne.
    handling_eur_per_yr : float, optional
        Cost of storing, loading and treating the residue for the exchange.
    electricity_price_eur_per_mwh : float, optional
        Price of the electricity the exchange adds (pumping, heat pump).
    """

    baseline: str = "unknown"
    disposal_material: str | None = None
    virgin_material: str | None = None
    heat_fuel: str = "unknown"
    fuel_use_mwh_per_yr: float | None = None
    boiler: str | None = None
    transport_mode: str = "road"
    route_km: float | None = None
    circuity: float | None = None
    grid_margin: str = "combined"
    pumping_mwh_per_yr: float | None = None
    avoided_price_eur_per_unit: float | None = None
    disposal_fee_eur_per_t: float | None = None
    handling_eur_per_yr: float | None = None
    electricity_price_eur_per_mwh: float | None = None

    def __post_init__(self) -> None:
        reference = impact_reference()
        _choice("baseline", self.baseline, BASELINES)
        _choice("heat_fuel", self.heat_fuel, (*reference.fuels, *OTHER_HEAT_FUELS))
        if self.boiler is not None:
            _choice("boiler", self.boiler, BOILERS)
        _choice("transport_mode", self.transport_mode, tuple(TRANSPORT_MODES))
        _choice("grid_margin", self.grid_margin, GRID_MARGINS)
        if self.disposal_material is not None:
            _choice(
                "disposal_material",
                self.disposal_material,
                tuple(sorted(reference.waste_materials())),
            )
        for name in (
            "route_km",
            "circuity",
            "pumping_mwh_per_yr",
            "fuel_use_mwh_per_yr",
            "avoided_price_eur_per_unit",
            "disposal_fee_eur_per_t",
            "handling_eur_per_yr",
            "electricity_price_eur_per_mwh",
        ):
            _non_negative(name, getattr(self, name))
