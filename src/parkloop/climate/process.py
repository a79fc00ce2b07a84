"""Process emissions (the ``process_emissions`` sheet) as scope 1 lines of the GHG inventory.

A process row gives tonnes of one gas that a site releases from a process rather than from
burning fuel: CO2 from calcination or an upgrading unit, CH4 lost from digesters, N2O from
wastewater treatment, refrigerant leaks. Each row becomes one
:class:`~parkloop.climate.results.ProcessLine`:

- t CO2e = t of the gas x its GWP100 from the chosen IPCC report (AR5 or AR6), the same
  ``gwp100_*`` entries of ``emission_factors.yaml`` that weight CH4 and N2O from combustion;
  CO2 has a GWP of 1 by definition and so no entry;
- biogenic CO2 is reported beside the scopes, never in them (GHG Protocol Corporate Standard,
  as for CO2 from burning biomass); biogenic CH4 and N2O count in scope 1, and biogenic CH4
  takes the non-fossil GWP where the report gives one (AR6);
- a gas without a GWP100 of the chosen report is left without emissions and listed as a gap.
"""

from __future__ import annotations

import math
from typing import Final, Literal

from parkloop.climate.factor_choice import FACTOR_FILE, FactorChoice, FactorTable, check_gwp
from parkloop.climate.results import Estimate, ProcessLine
from parkloop.domain.models import ProcessEmission
from parkloop.errors import ReferenceDataError

#: The reference gas of GWP100, 1 by definition (no entry in the factor file).
CO2: Final = "CO2"
#: Every GWP100 entry is in kg CO2e per kg of its gas; the gas's name follows.
GWP_UNIT_PREFIX: Final = "kg CO2e per kg "


def process_tco2e(tonnes: float, gwp100: float) -> float:
    """Emissions [t CO2e] of ``tonnes`` [t] of a gas with global warming potential ``gwp100``.

    Parameters
    ----------
    tonnes : float
        Mass of the gas released [t].
    gwp100 : float
        Global warming potential over 100 years [kg CO2e per kg of the gas]; 1 for CO2.

    Returns
    -------
    float
        ``tonnes x gwp100`` [t CO2e].

    Notes
    -----
    E [t CO2e] = m [t] x GWP100: each gas is converted to CO2 equivalents with its global
    warming potential (GHG Protocol Corporate Standard).

    References
    ----------
    World Resources Institute and WBCSD (2004), The Greenhouse Gas Protocol: A Corporate
    Accounting and Reporting Standard, revised edition, https://ghgprotocol.org/corporate-standard

    Examples
    --------
    0.256 t of N2O with the AR5 GWP100 of 265:

    >>> round(process_tco2e(0.256, 265.0), 3)
    67.84
    """
    if not math.isfinite(tonnes) or tonnes < 0:
        raise ValueError(f"process emissions must be a finite number of t >= 0, not {tonnes!r}")
    return tonnes * gwp100


def process_gwp(
    table: FactorTable, gas: str, gwp: str = "ar5", *, biogenic: bool = False
) -> FactorChoice:
    """The GWP100 entry of ``gas`` from IPCC ``gwp``, or a choice saying that there is none.

    The entry is ``gwp100_<gas>_<report>`` (``gwp100_n2o_ar5``); where the report splits a gas
    by origin (AR6 methane), ``gwp100_<gas>_non_fossil_<report>`` for biogenic gas and
    ``gwp100_<gas>_fossil_<report>`` otherwise.

    Raises
    ------
    ValueError
        For a GWP set other than ``ar5`` or ``ar6``, or for CO2, which has no entry.
    ReferenceDataError
        When the entry found is not in kg CO2e per kg of the gas.

    Examples
    --------
    >>> from parkloop.climate.factor_choice import default_table
    >>> process_gwp(default_table(), "CH4", "ar6", biogenic=True).factor.name
    'gwp100_ch4_non_fossil_ar6'
    >>> process_gwp(default_table(), "HFC134A", "ar5").factor.value
    1300.0
    """
    report = check_gwp(gwp)
    if gas.upper() == CO2:
        raise ValueError("CO2 is the reference gas of GWP100 (1 by definition); it has no entry")
    key = gas.lower()
    origin = "non_fossil" if biogenic else "fossil"
    names = (f"gwp100_{key}_{origin}_{report}", f"gwp100_{key}_{report}")
    factor = next((table.factors[n] for n in names if n in table.factors), None)
    if factor is None:
        return FactorChoice(
            None,
            f"{gas}: {FACTOR_FILE} has no GWP100 of IPCC {report.upper()} for this gas "
            f"({names[1]}); the row is left without emissions",
        )
    if not factor.unit.startswith(GWP_UNIT_PREFIX):
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {factor.name} has unit {factor.unit!r}; a GWP100 entry must "
            f"be in '{GWP_UNIT_PREFIX}<gas>'"
        )
    return FactorChoice(factor)


def _line(
    row: ProcessEmission,
    scope: Literal[1] | None,
    estimate: Estimate | None,
    *,
    biogenic_co2_t: float = 0.0,
    gap: str | None = None,
    notes: tuple[str, ...] = (),
) -> ProcessLine:
    return ProcessLine(
        company_id=row.company_id,
        year=row.year,
        source=row.source,
        gas=row.gas,
        tonnes=row.tonnes,
        biogenic=row.biogenic,
        scope=scope,
        estimate=estimate,
        biogenic_co2_t=biogenic_co2_t,
        gap=gap,
        notes=notes,
        note=row.note,
    )


def process_line(row: ProcessEmission, table: FactorTable, gwp: str = "ar5") -> ProcessLine:
    """One process-emissions row as a scope 1 line [t CO2e], or biogenic CO2 outside the scopes.

    Examples
    --------
    >>> from parkloop.climate.factor_choice import default_table
    >>> row = ProcessEmission("C1", 2024, "sludge digestion", "CH4", 10.0, biogenic=True)
    >>> line = process_line(row, default_table())
    >>> line.scope, line.estimate.tco2e, line.estimate.factors
    (1, 280.0, ('gwp100_ch4_ar5',))
    >>> vented = ProcessEmission("C1", 2024, "upgrading", "CO2", 500.0, biogenic=True)
    >>> line = process_line(vented, default_table())
    >>> line.scope, line.estimate, line.biogenic_co2_t
    (None, None, 500.0)
    """
    check_gwp(gwp)
    if row.gas.upper() == CO2:
        tonnes = process_tco2e(row.tonnes, 1.0)
        if not row.biogenic:
            return _line(row, 1, Estimate(tonnes, ()))
        note = (
            f"{row.source}: biogenic CO2 is reported outside the scopes (GHG Protocol Corporate "
            "Standard), like CO2 from burning biomass"
        )
        return _line(row, None, None, biogenic_co2_t=tonnes, notes=(note,))
    choice = process_gwp(table, row.gas, gwp, biogenic=row.biogenic)
    if choice.factor is None:
        return _line(row, 1, None, gap=choice.note)
    notes: tuple[str, ...] = ()
    if row.biogenic:
        notes = (
            f"{row.source}: biogenic {row.gas} counts in scope 1; only biogenic CO2 is reported "
            "outside the scopes",
        )
    estimate = Estimate(process_tco2e(row.tonnes, choice.factor.value), (choice.factor.name,))
    return _line(row, 1, estimate, notes=notes)
