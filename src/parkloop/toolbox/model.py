"""Inputs and results of the toolbox recommender (plain frozen dataclasses).

Every number a result holds is either read from the catalogue, the factor file or the caller's
inputs, or computed from them; ``None`` means "not estimated", and the result's ``missing`` and
``notes`` say why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from parkloop.errors import ParkloopError
from parkloop.reference.measures import CARRIERS, Figure
from parkloop.toolbox.macc import Macc

CASES = ("low", "central", "high")
# Carriers a caller may give a price or an end-use share for: the catalogue's and ``other``.
KNOWN_CARRIERS = (*CARRIERS, "other")


class ToolboxInputError(ParkloopError, ValueError):
    """An input of the recommender is invalid (a price, share, rate or case)."""

    code = "invalid_input"


def check_case(case: str) -> str:
    """``case`` if it is one of :data:`CASES`, else :class:`ToolboxInputError`."""
    if case not in CASES:
        raise ToolboxInputError(f"unknown case {case!r}; choose one of {', '.join(CASES)}")
    return case


def _check_carrier(carrier: str, what: str) -> None:
    if carrier not in KNOWN_CARRIERS:
        raise ToolboxInputError(
            f"{what}: unknown carrier {carrier!r}; choose one of {', '.join(KNOWN_CARRIERS)}"
        )


@dataclass(frozen=True)
class Estimate:
    """A low / central / high triple; a case the source gives no figure for is ``None``."""

    low: float | None = None
    central: float | None = None
    high: float | None = None

    @classmethod
    def of_figure(cls, figure: Figure) -> Estimate:
        """The figure's ``low``, ``value`` and ``high`` as the three cases."""
        return cls(figure.low, figure.value, figure.high)

    def get(self, case: str) -> float | None:
        """The value of one case of :data:`CASES`."""
        return {"low": self.low, "central": self.central, "high": self.high}[check_case(case)]

    def map(self, fn: Callable[[float], float | None]) -> Estimate:
        """Apply ``fn`` to every case that has a value."""
        return Estimate(
            *(None if v is None else fn(v) for v in (self.low, self.central, self.high))
        )

    def combine(self, other: Estimate, fn: Callable[[float, float], float | None]) -> Estimate:
        """Case by case ``fn(self, other)``; ``None`` where either has no value."""
        mine = (self.low, self.central, self.high)
        pairs = zip(mine, (other.low, other.central, other.high), strict=True)
        return Estimate(*(None if a is None or b is None else fn(a, b) for a, b in pairs))

    def is_empty(self) -> bool:
        return self.low is None and self.central is None and self.high is None

    def describe(self) -> str:
        """The triple as text, e.g. ``'12 (10-14)'`` or ``'10-65'``; ``''`` when empty."""

        def num(x: float) -> str:
            return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

        if self.low is not None and self.high is not None:
            span = f"{num(self.low)} to {num(self.high)}"
        elif self.low is not None:
            span = f"at least {num(self.low)}"
        elif self.high is not None:
            span = f"up to {num(self.high)}"
        else:
            span = ""
        if self.central is None:
            return span
        return f"{num(self.central)} ({span})" if span else num(self.central)


def sum_estimates(items: Iterable[Estimate]) -> Estimate:
    """Case by case sum; a case is ``None`` when any item lacks it. Empty input: all ``None``.

    Examples
    --------
    >>> sum_estimates([Estimate(1.0, 2.0, None), Estimate(3.0, 4.0, 5.0)])
    Estimate(low=4.0, central=6.0, high=None)
    """
    total: Estimate | None = None
    for item in items:
        total = item if total is None else total.combine(item, lambda a, b: a + b)
    return total if total is not None else Estimate()


@dataclass(frozen=True)
class EndUseShare:
    """The share of a carrier's use that goes to one end use, from a metered or audited figure.

    ``end_use`` is written as in the measure's ``applicability.end_use`` (``compressed_air``,
    ``steam generation``...); ``source`` says where the share comes from; ``company_id`` limits
    it to one company (``None``: every company and the park as a whole).
    """

    carrier: str
    end_use: str
    share: float
    source: str
    company_id: str | None = None

    def __post_init__(self) -> None:
        _check_carrier(self.carrier, "end-use share")
        if not self.end_use.strip():
            raise ToolboxInputError("end-use share: give the end use, e.g. compressed_air")
        if not math.isfinite(self.share) or not 0.0 <= self.share <= 1.0:
            raise ToolboxInputError(
                f"end-use share of {self.carrier} for {self.end_use}: {self.share!r} is not "
                "allowed; give a fraction between 0 and 1"
            )
        if not self.source.strip():
            raise ToolboxInputError(
                f"end-use share of {self.carrier} for {self.end_use}: say where it comes from "
                "(source), e.g. the energy audit that measured it"
            )


@dataclass(frozen=True)
class CostInputs:
    """What costing needs from the caller: energy prices [EUR/MWh] and a discount rate [1/yr].

    There is no default for either: the project ships no sourced price file, and the rate is
    the investor's choice.
    """

    prices_eur_per_mwh: Mapping[str, float]
    discount_rate: float

    def __post_init__(self) -> None:
        for carrier, price in self.prices_eur_per_mwh.items():
            _check_carrier(carrier, "price")
            if not math.isfinite(price) or price < 0:
                raise ToolboxInputError(
                    f"price of {carrier}: {price!r} EUR/MWh is not allowed; give a number >= 0"
                )
        rate = self.discount_rate
        if not math.isfinite(rate) or not 0.0 <= rate <= 1.0:
            raise ToolboxInputError(
                f"discount rate {rate!r} is not allowed; give a fraction per year between 0 "
                "and 1 (not a percentage)"
            )


@dataclass(frozen=True)
class CarrierSaving:
    """The saving of one carrier the measure changes, and the figures behind it."""

    carrier: str
    use_mwh: float
    end_use_share: float | None
    share_source: str | None
    saving_mwh: Estimate | None
    t_co2e_per_mwh: float | None
    price_eur_per_mwh: float | None


@dataclass(frozen=True)
class Recommendation:
    """One applicable measure for one company (or for the park), with what could be estimated.

    ``status`` is ``'applies'`` when every rule was confirmed and ``'check'`` when some could
    not be (``to_check``); ``costed`` is True when an abatement cost could be computed.
    Money is in the catalogue's price year (``price_year``) and the caller's energy prices.
    """

    measure_id: str
    name: str
    level: str
    topic: str
    evidence: str
    site: str
    status: str
    reasons: tuple[str, ...]
    to_check: tuple[str, ...]
    saving: str | None
    carriers: tuple[CarrierSaving, ...]
    saving_mwh: Estimate | None
    co2e_t: Estimate | None
    energy_cost_saving_eur: Estimate | None
    capex_eur: float | None
    opex_eur_per_yr: float | None
    lifetime_years: float | None
    price_year: int | None
    net_annual_cost_eur: Estimate | None
    abatement_cost_eur_per_t: Estimate | None
    payback_years: Estimate | None
    catalogue_payback: str | None
    costed: bool
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    factors: tuple[str, ...]


@dataclass(frozen=True)
class Excluded:
    """A measure of the right level that does not fit, and why."""

    measure_id: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CompanyRecommendations:
    """The ranked recommendations for one company in one year."""

    company_id: str
    name: str
    nace: str
    country: str
    year: int | None
    case: str
    energy_mwh: dict[str, float]
    recommendations: tuple[Recommendation, ...]
    not_applicable: tuple[Excluded, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class MeasureTotal:
    """A company-level measure summed over the park's companies it applies to.

    Sums run over the companies where the figure was estimated (listed in ``estimated`` and
    ``costed``); the abatement cost is the summed net annual cost over the summed tonnes of the
    costed companies (``costed_co2e_t``, the width of the measure's bar on the park's MACC).
    """

    measure_id: str
    name: str
    companies: tuple[str, ...]
    estimated: tuple[str, ...]
    costed: tuple[str, ...]
    saving_mwh: Estimate | None
    co2e_t: Estimate | None
    energy_cost_saving_eur: Estimate | None
    costed_co2e_t: Estimate | None
    net_annual_cost_eur: Estimate | None
    abatement_cost_eur_per_t: Estimate | None


@dataclass(frozen=True)
class ParkRecommendations:
    """Company results, park-level measures, totals per measure and the park's MACC."""

    park: str
    year: int | None
    case: str
    companies: tuple[CompanyRecommendations, ...]
    park_measures: tuple[Recommendation, ...]
    park_not_applicable: tuple[Excluded, ...]
    totals: tuple[MeasureTotal, ...]
    macc: Macc
    notes: tuple[str, ...] = field(default=())
