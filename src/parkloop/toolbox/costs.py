"""Annualised cost, abatement cost and simple payback of a measure.

Notes
-----
Capital recovery factor for a real discount rate r [1/yr] over a lifetime of n years::

    CRF(r, n) = r (1 + r)^n / ((1 + r)^n - 1),   CRF(0, n) = 1 / n

Abatement cost [EUR/t CO2e], with capex C [EUR], fixed operating cost O [EUR/yr], energy cost
saving S [EUR/yr] and emissions avoided E [t CO2e/yr]::

    AC = (C x CRF(r, n) + O - S) / E

A negative abatement cost means the measure saves money over its life while it cuts emissions.
Simple payback [years] = C / (S - O); there is none when S - O <= 0.

Where a source gives the investment C_ref of one documented project together with the energy
that project saved each year, E_ref [MWh/yr], the investment for a saving E [MWh/yr] is taken
in proportion::

    C = C_ref x E / E_ref

This keeps the cost per MWh saved of the documented project and ignores economies of scale.

References
----------
Kesicki, F. and Ekins, P. (2012). Marginal abatement cost curves: a call for caution. Climate
Policy 12(2), 219-236. https://doi.org/10.1080/14693062.2011.582347

Examples
--------
>>> round(capital_recovery_factor(0.05, 10), 6)
0.129505
>>> round(abatement_cost(annualised_capex(1000.0, 0.05, 10), 50.0, 400.0, 10.0), 2)
-22.05
"""

from __future__ import annotations

import math


def _check_rate(rate: float) -> None:
    if not math.isfinite(rate) or not 0.0 <= rate <= 1.0:
        raise ValueError(
            f"discount rate {rate!r} is not allowed; give a fraction per year between 0 and 1 "
            "(not a percentage)"
        )


def capital_recovery_factor(rate: float, years: float) -> float:
    """CRF = r (1 + r)^n / ((1 + r)^n - 1) [1/yr]; 1/n when r = 0.

    Parameters
    ----------
    rate : float
        Discount rate [1/yr], a fraction between 0 and 1.
    years : float
        Lifetime [years], > 0.

    Examples
    --------
    >>> capital_recovery_factor(0.0, 20)
    0.05
    """
    _check_rate(rate)
    if not math.isfinite(years) or years <= 0:
        raise ValueError(f"lifetime {years!r} years is not allowed; give a number > 0")
    if rate == 0.0:
        return 1.0 / years
    growth = float((1.0 + rate) ** years)
    return rate * growth / (growth - 1.0)


def annualised_capex(capex_eur: float, rate: float, years: float) -> float:
    """Investment spread evenly over the lifetime at ``rate`` [EUR/yr]: C x CRF(r, n)."""
    return capex_eur * capital_recovery_factor(rate, years)


def abatement_cost(
    capex_annual_eur: float,
    opex_eur_per_yr: float,
    energy_cost_saving_eur_per_yr: float,
    co2e_avoided_t_per_yr: float,
) -> float:
    """Cost per tonne avoided: (C x CRF + O - S) / E [EUR/t CO2e].

    Parameters
    ----------
    capex_annual_eur : float
        Annualised investment [EUR/yr] (see :func:`annualised_capex`).
    opex_eur_per_yr : float
        Fixed operating cost [EUR/yr].
    energy_cost_saving_eur_per_yr : float
        Money the energy saved is worth [EUR/yr].
    co2e_avoided_t_per_yr : float
        Emissions avoided [t CO2e/yr], > 0.
    """
    if not co2e_avoided_t_per_yr > 0:
        raise ValueError(
            f"emissions avoided {co2e_avoided_t_per_yr!r} t/yr: an abatement cost needs > 0"
        )
    net = capex_annual_eur + opex_eur_per_yr - energy_cost_saving_eur_per_yr
    return net / co2e_avoided_t_per_yr


def capex_for_saving(
    reference_capex_eur: float, reference_saving_mwh: float, saving_mwh: float
) -> float:
    """Investment scaled to a saving: C_ref x E / E_ref [EUR].

    Parameters
    ----------
    reference_capex_eur : float
        Investment of the documented project [EUR].
    reference_saving_mwh : float
        Energy that project saved [MWh/yr], > 0.
    saving_mwh : float
        Energy the measure saves at the site [MWh/yr], >= 0.

    Examples
    --------
    >>> capex_for_saving(311000.0, 1325.0, 2650.0)
    622000.0
    """
    if not math.isfinite(reference_saving_mwh) or reference_saving_mwh <= 0:
        raise ValueError(
            f"reference saving {reference_saving_mwh!r} MWh/yr is not allowed; give a number > 0"
        )
    if not math.isfinite(saving_mwh) or saving_mwh < 0:
        raise ValueError(f"saving {saving_mwh!r} MWh/yr is not allowed; give a number >= 0")
    return reference_capex_eur * saving_mwh / reference_saving_mwh


def simple_payback(
    capex_eur: float, energy_cost_saving_eur_per_yr: float, opex_eur_per_yr: float
) -> float | None:
    """Years until the investment is paid back: C / (S - O); ``None`` when S - O <= 0.

    Examples
    --------
    >>> simple_payback(1000.0, 400.0, 50.0)
    2.857142857142857
    >>> simple_payback(1000.0, 40.0, 50.0) is None
    True
    """
    net = energy_cost_saving_eur_per_yr - opex_eur_per_yr
    if net <= 0:
        return None
    return capex_eur / net
