"""Pure equations of the impact of a synergy: numbers in, numbers out, units in the names."""

from __future__ import annotations

#: Terajoules per megawatt-hour: 1 MWh = 3.6 GJ by the definition of the watt-hour.
TJ_PER_MWH = 0.0036


def co2e_avoided_disposal(tonnes_per_yr: float, disposal_kg_co2e_per_t: float) -> float:
    """CO2e [t/yr] of the disposal the supplier no longer needs.

    Notes
    -----
    CO2e = m [t/yr] x EF_disposal [kg CO2e/t] / 1000

    Examples
    --------
    >>> co2e_avoided_disposal(1000.0, 520.5327)
    520.5327
    """
    return tonnes_per_yr * disposal_kg_co2e_per_t / 1000.0


def co2e_avoided_virgin_material(
    tonnes_per_yr: float, virgin_t_co2e_per_t: float, ratio: float = 1.0
) -> float:
    """CO2e [t/yr] of the virgin material the receiver no longer produces or buys.

    Notes
    -----
    CO2e = m [t/yr] x r [t virgin per t residue] x EF_virgin [t CO2e/t]

    Examples
    --------
    >>> co2e_avoided_virgin_material(1000.0, 0.52)
    520.0
    """
    return tonnes_per_yr * ratio * virgin_t_co2e_per_t


def co2e_processing(
    tonnes_per_yr: float, secondary_t_co2e_per_t: float, ratio: float = 1.0
) -> float:
    """CO2e [t/yr] of making the product from the residue instead (same form as the credit)."""
    return tonnes_per_yr * ratio * secondary_t_co2e_per_t


def fuel_co2e_kg_per_mwh(
    co2_kg_per_tj: float,
    ch4_kg_per_tj: float,
    n2o_kg_per_tj: float,
    gwp_ch4: float,
    gwp_n2o: float,
    *,
    biogenic: bool = False,
) -> float:
    """CO2e [kg per MWh of fuel, NCV] of burning a fuel; biogenic CO2 is not counted.

    Notes
    -----
    EF = (EF_CO2 [0 if biogenic] + EF_CH4 x GWP_CH4 + EF_N2O x GWP_N2O) [kg/TJ] x 0.0036 TJ/MWh

    Examples
    --------
    >>> round(fuel_co2e_kg_per_mwh(56_100, 1, 0.1, 28, 265), 3)  # natural gas, IPCC 2006, AR5
    202.156
    """
    co2 = 0.0 if biogenic else co2_kg_per_tj
    return (co2 + ch4_kg_per_tj * gwp_ch4 + n2o_kg_per_tj * gwp_n2o) * TJ_PER_MWH


def co2e_avoided_heat_fuel(
    heat_mwh_per_yr: float, boiler_efficiency: float, fuel_kg_co2e_per_mwh: float
) -> float:
    """CO2e [t/yr] of the fuel a boiler no longer burns to make ``heat_mwh_per_yr``.

    Notes
    -----
    CO2e = Q [MWh/yr] / eta [MWh heat per MWh fuel] x EF_fuel [kg CO2e/MWh fuel] / 1000

    Examples
    --------
    >>> round(co2e_avoided_heat_fuel(1000.0, 0.925, 202.156), 2)
    218.55
    """
    if boiler_efficiency <= 0:
        raise ValueError("boiler_efficiency must be > 0")
    return heat_mwh_per_yr / boiler_efficiency * fuel_kg_co2e_per_mwh / 1000.0


def co2e_electricity(electricity_mwh_per_yr: float, grid_kg_co2e_per_kwh: float) -> float:
    """CO2e [t/yr] of electricity: MWh x kg/kWh (1 MWh x 1 kg/kWh = 1 t).

    Examples
    --------
    >>> co2e_electricity(100.0, 0.155)
    15.5
    """
    return electricity_mwh_per_yr * grid_kg_co2e_per_kwh


def co2e_transport(tonnes_per_yr: float, distance_km: float, kg_co2e_per_tkm: float) -> float:
    """CO2e [t/yr] of moving ``tonnes_per_yr`` over ``distance_km``.

    Notes
    -----
    CO2e = m [t/yr] x d [km] x EF [kg CO2e per t-km] / 1000

    Examples
    --------
    >>> round(co2e_transport(1000.0, 14.4, 0.078), 4)
    1.1232
    """
    return tonnes_per_yr * distance_km * kg_co2e_per_tkm / 1000.0


def transport_cost_eur(
    tonnes_per_yr: float, distance_km: float, payload_t: float, eur_per_vehicle_km: float
) -> float:
    """Cost [EUR/yr] of trucking: loaded trips x km x cost per vehicle-km (empty returns not
    counted).

    Examples
    --------
    >>> round(transport_cost_eur(1131.0, 10.0, 11.31, 1.5), 2)
    1500.0
    """
    return tonnes_per_yr / payload_t * distance_km * eur_per_vehicle_km


def heat_pump_delivered_mwh(source_heat_mwh_per_yr: float, cop: float) -> float:
    """Heat [MWh/yr] a heat pump delivers from ``source_heat``: Q = Q_source x COP / (COP - 1).

    Examples
    --------
    >>> heat_pump_delivered_mwh(750.0, 4.0)
    1000.0
    """
    if cop <= 1:
        raise ValueError("a heat pump needs COP > 1")
    return source_heat_mwh_per_yr * cop / (cop - 1.0)
