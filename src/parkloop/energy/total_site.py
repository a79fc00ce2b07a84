"""Total Site heat integration across the companies of a park.

Each company first recovers what it can inside its own process: its pinch targets at its own
minimum approach temperature. What is left, the pocket-free parts of its grand composite curve
(GCC), is a heat source below its pinch and a heat sink above it. The site source and sink
profiles combine these segments over all companies, and an intermediate loop (an ideal loop at
any temperature, steam mains at fixed saturation temperatures, or a hot-water circuit with a
supply and a return temperature) carries heat from sources to sinks, paying its approach
temperature once on the way in and once on the way out.

Temperature convention: each company's Problem Table uses the half shift (hot streams
-dT_min/2, cold streams +dT_min/2, giving T*). Source segments are then reported at hot-stream
temperature T* + dT_min/2 and sink segments at cold-stream temperature T* - dT_min/2, so the
loop approach dT_loop is the only temperature difference applied between a company and the loop.
With dT_loop = dT_min this is the utility scale T** of Klemes et al. (2011, section 4.6.2):
sources T* - dT_min/2, sinks T* + dT_min/2.

References
----------
Klemes J., Dhole V.R., Raissi K., Perry S.J., Puigjaner L. (1997), Targeting and design
methodology for reduction of fuel, power and CO2 on total sites, Applied Thermal Engineering
17(8-10), 993-1003.
Klemes J., Friedler F., Bulatov I., Varbanov P. (2011), Sustainability in the Process Industry:
Integration and Optimization, McGraw-Hill, ISBN 978-0-07-160554-0, section 4.6 (pp. 97-100:
Total Site Profiles without pockets, shift by dT_min/2, steam generation maximised from the
highest level and use from the lowest level, the Site Pinch).
Liew P.Y., Wan Alwi S.R., Varbanov P.S., Manan Z.A., Klemes J.J. (2012), A numerical technique
for Total Site sensitivity analysis, Applied Thermal Engineering 40, 397-408 (the Total Site
Problem Table Algorithm: a cascade over utility levels).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from parkloop.energy.pinch import PinchResult, Stream, problem_table

Kind = Literal["source", "sink"]
LOOP_METHODS = ("ideal", "steam", "hot_water")
Array = NDArray[np.float64]


class TotalSiteError(ValueError):
    """Total Site input that cannot be analysed; the message says how to fix it."""


@dataclass(frozen=True)
class Segment:
    """A straight piece of a company's pocket-free GCC [degC, kW].

    Sources lie at hot-stream temperature (T* + dT_min/2), sinks at cold-stream temperature
    (T* - dT_min/2); ``shifted_c`` gives the half-shifted T* of both ends.
    """

    company: str
    kind: Kind
    upper_c: float
    lower_c: float
    heat_kw: float
    dt_min_k: float

    @property
    def cp_kw_per_k(self) -> float:
        return self.heat_kw / (self.upper_c - self.lower_c)

    @property
    def shifted_c(self) -> tuple[float, float]:
        shift = -self.dt_min_k / 2 if self.kind == "source" else self.dt_min_k / 2
        return self.upper_c + shift, self.lower_c + shift


@dataclass(frozen=True)
class CompanyProfile:
    """A company's own pinch targets, what it can give the site (sources) and needs (sinks)."""

    company: str
    pinch: PinchResult
    sources: tuple[Segment, ...]
    sinks: tuple[Segment, ...]

    @property
    def source_kw(self) -> float:
        return sum((s.heat_kw for s in self.sources), 0.0)

    @property
    def sink_kw(self) -> float:
        return sum((s.heat_kw for s in self.sinks), 0.0)


def _check_finite(value: float, what: str, hint: str) -> None:
    if not math.isfinite(value):
        raise TotalSiteError(f"{what} must be a finite number, got {value!r}; {hint}")


@dataclass(frozen=True)
class Loop:
    """The intermediate loop that carries heat between companies.

    ``method`` is ``"ideal"`` (a loop that can run at any temperature: the upper bound),
    ``"steam"`` (mains at the saturation temperatures ``levels_c``) or ``"hot_water"`` (a circuit
    heated from ``return_c`` to ``supply_c``). ``loop_dt_k`` [K] is the approach between a
    company's stream and the loop, paid on the source side and again on the sink side.
    """

    method: str
    loop_dt_k: float
    levels_c: tuple[float, ...] = ()
    supply_c: float | None = None
    return_c: float | None = None

    def __post_init__(self) -> None:
        if self.method not in LOOP_METHODS:
            raise TotalSiteError(
                f"unknown loop method {self.method!r}; choose one of {', '.join(LOOP_METHODS)}"
            )
        _check_finite(self.loop_dt_k, "loop_dt_k", "give the loop approach in kelvin")
        if self.loop_dt_k < 0:
            raise TotalSiteError(f"loop_dt_k must be >= 0 K, got {self.loop_dt_k:g}")
        if self.method == "steam":
            if not self.levels_c:
                raise TotalSiteError("a steam loop needs at least one level: give levels_c [C]")
            for level in self.levels_c:
                _check_finite(level, "a steam level", "give saturation temperatures in C")
            if len(set(self.levels_c)) != len(self.levels_c):
                raise TotalSiteError(f"steam levels {self.levels_c} repeat; give each once")
            object.__setattr__(self, "levels_c", tuple(sorted(self.levels_c, reverse=True)))
        elif self.levels_c:
            raise TotalSiteError(f"levels_c is only used by the steam loop, not {self.method!r}")
        if self.method == "hot_water":
            if self.supply_c is None or self.return_c is None:
                raise TotalSiteError("a hot-water loop needs supply_c and return_c [C]")
            _check_finite(self.supply_c, "supply_c", "give the loop supply temperature in C")
            _check_finite(self.return_c, "return_c", "give the loop return temperature in C")
            if self.supply_c <= self.return_c:
                raise TotalSiteError(
                    f"hot-water supply ({self.supply_c:g} C) must be above its return "
                    f"({self.return_c:g} C): the loop carries heat from sources to sinks"
                )
        elif self.supply_c is not None or self.return_c is not None:
            raise TotalSiteError("supply_c and return_c are only used by the hot_water loop")


@dataclass(frozen=True)
class LoopBin:
    """One row of the site utility composite: a loop temperature band (or steam level) [degC],
    the site source heat that can enter the loop there and the site sink heat it can serve [kW]."""

    upper_c: float
    lower_c: float
    source_kw: float
    sink_kw: float


@dataclass(frozen=True)
class CompanyBalance:
    """A company's utilities [kW] before and after heat moves through the loop."""

    company: str
    dt_min_k: float
    hot_utility_kw: float
    cold_utility_kw: float
    heat_given_kw: float
    heat_received_kw: float

    @property
    def hot_utility_after_kw(self) -> float:
        return self.hot_utility_kw - self.heat_received_kw

    @property
    def cold_utility_after_kw(self) -> float:
        return self.cold_utility_kw - self.heat_given_kw


@dataclass(frozen=True)
class PairExchange:
    """Heat from ``source_company`` to ``sink_company`` through the loop [kW].

    ``potential_kw`` is what the pair could move with only each other on the loop, in the loop
    band ``loop_lower_c``..``loop_upper_c`` [degC]; ``allocated_kw`` is its share of the
    site-wide solution (rows sum to what a company gives, columns to what it receives).
    """

    source_company: str
    sink_company: str
    potential_kw: float
    allocated_kw: float
    loop_upper_c: float | None
    loop_lower_c: float | None


@dataclass(frozen=True)
class TotalSiteResult:
    """Site profiles, loop targets, company balances and pairwise exchange."""

    loop: Loop
    companies: tuple[CompanyProfile, ...]
    balances: tuple[CompanyBalance, ...]
    source_profile: tuple[Array, Array]  # (heat kW from 0 at the coldest point, T degC)
    sink_profile: tuple[Array, Array]
    bins: tuple[LoopBin, ...]
    heat_recovery_kw: float
    pairs: tuple[PairExchange, ...] = field(default=())

    @property
    def total_source_kw(self) -> float:
        return sum((c.source_kw for c in self.companies), 0.0)

    @property
    def total_sink_kw(self) -> float:
        return sum((c.sink_kw for c in self.companies), 0.0)


def company_profile(
    company: str, streams: Sequence[Stream], dt_min_k: float, *, ambient_c: float | None = None
) -> CompanyProfile:
    """Pinch targets and pocket-free source and sink segments of one company.

    Parameters
    ----------
    company : str
        Name of the company.
    streams : sequence of Stream
        Its process streams, CP in [kW/K].
    dt_min_k : float
        Its own minimum approach temperature [K].
    ambient_c : float, optional
        Ambient temperature [degC]; source heat below it is left out.

    Returns
    -------
    CompanyProfile
        ``sinks`` sum to its minimum hot utility, ``sources`` to its minimum cold utility
        (less what lies below ambient).

    Notes
    -----
    With F the feasible cascade (the GCC) over shifted temperatures and F = 0 at the pinch,
    the pocket-free sink curve above the pinch is P(T*) = min_{t >= T*} F(t) and the source
    curve below it P(T*) = min_{t <= T*} F(t); each step of P between two interval boundaries
    is a segment. Heat in the pockets stays inside the company (Klemes et al. 2011, 4.6.2).

    Examples
    --------
    >>> p = company_profile("A", [Stream("H1", 170, 60, 3), Stream("H2", 150, 30, 1.5),
    ...                           Stream("C1", 20, 135, 2), Stream("C2", 80, 140, 4)], 10)
    >>> round(p.sink_kw, 6), round(p.source_kw, 6)
    (20.0, 60.0)
    """
    try:
        result = problem_table(streams, dt_min_k)
    except ValueError as exc:
        raise TotalSiteError(f"company {company!r}: {exc}") from None
    t, f = result.shifted_c, result.cascade_kw
    tolerance = 1e-9 * max(1.0, float(np.abs(np.diff(f)).sum()))
    zero = np.flatnonzero(f <= tolerance)
    top, bottom = int(zero[0]), int(zero[-1])
    half = dt_min_k / 2
    sink_env = np.minimum.accumulate(f[: top + 1])
    sinks = tuple(
        Segment(company, "sink", float(t[k] - half), float(t[k + 1] - half), float(heat), dt_min_k)
        for k, heat in enumerate(sink_env[:-1] - sink_env[1:])
        if heat > tolerance
    )
    source_env = np.minimum.accumulate(f[bottom:][::-1])[::-1]
    sources = []
    for k, heat in enumerate(source_env[1:] - source_env[:-1]):
        upper, lower = float(t[bottom + k] + half), float(t[bottom + k + 1] + half)
        if ambient_c is not None and lower < ambient_c:
            if upper <= ambient_c:
                continue
            heat, lower = heat * (upper - ambient_c) / (upper - lower), ambient_c
        if heat > tolerance:
            sources.append(Segment(company, "source", upper, lower, float(heat), dt_min_k))
    return CompanyProfile(company, result, tuple(sources), sinks)


def _overlap(segments: Sequence[Segment], shift_k: float, lo: Array, hi: Array) -> Array:
    """Heat [kW] of each segment, moved by ``shift_k``, lying in each band lo..hi: [S, G]."""
    upper = np.array([s.upper_c for s in segments], dtype=float) + shift_k
    lower = np.array([s.lower_c for s in segments], dtype=float) + shift_k
    heat = np.array([s.heat_kw for s in segments], dtype=float)
    inside = np.minimum(upper[:, None], hi[None, :]) - np.maximum(lower[:, None], lo[None, :])
    out: Array = heat[:, None] * np.clip(inside, 0.0, None) / (upper - lower)[:, None]
    return out


def _by_company(segments: Sequence[Segment], names: Sequence[str], heat: Array) -> Array:
    """Sum a [S, G] heat matrix into [G, n] per company."""
    out = np.zeros((heat.shape[1], len(names)))
    index = {name: i for i, name in enumerate(names)}
    for row, segment in zip(heat, segments, strict=True):
        out[:, index[segment.company]] += row
    return out


def _cascade(supply: Array, demand: Array) -> Array:
    """Flows [P, Q] down ordered bins [G]: each bin's demand takes the hottest heat still free at
    or above it, shared pro rata between parties at the same temperature."""
    pool = np.zeros_like(supply)
    flows = np.zeros((supply.shape[1], demand.shape[1]))
    for g in range(supply.shape[0]):
        pool[g] = supply[g]
        need = float(demand[g].sum())
        if need <= 0:
            continue
        available = pool[: g + 1].sum(axis=1)
        before = np.concatenate([[0.0], np.cumsum(available)[:-1]])
        take = np.clip(need - before, 0.0, available)
        share = np.divide(take, available, out=np.zeros_like(take), where=available > 0)
        given = (pool[: g + 1] * share[:, None]).sum(axis=0)
        pool[: g + 1] *= (1.0 - share)[:, None]
        flows += np.outer(given, demand[g] / need)
    return flows


def _bins(loop: Loop, sources: Sequence[Segment], sinks: Sequence[Segment]) -> tuple[Array, ...]:
    """Loop bins (upper, lower) and the source / sink heat that reaches each: [G], [S, G]."""
    dt = loop.loop_dt_k
    if loop.method == "steam":
        levels = np.array(loop.levels_c)
        upper = lower = levels
        src_lo, src_hi = levels, np.concatenate([[np.inf], levels[:-1]])
        snk_lo, snk_hi = np.concatenate([levels[1:], [-np.inf]]), levels
    else:
        points = [s.upper_c - dt for s in sources] + [s.lower_c - dt for s in sources]
        points += [s.upper_c + dt for s in sinks] + [s.lower_c + dt for s in sinks]
        if loop.supply_c is not None and loop.return_c is not None:
            points += [loop.supply_c, loop.return_c]
        grid = np.unique(np.array(points, dtype=float))[::-1]
        upper, lower = grid[:-1], grid[1:]
        src_lo = snk_lo = lower
        src_hi = snk_hi = upper
    source_heat = _overlap(sources, -dt, src_lo, src_hi) if sources else np.zeros((0, len(upper)))
    sink_heat = _overlap(sinks, dt, snk_lo, snk_hi) if sinks else np.zeros((0, len(upper)))
    return upper, lower, source_heat, sink_heat


def _cp_source(loop: Loop, sources: Sequence[Segment]) -> float:
    """Largest hot-water loop CP [kW/K] the sources can heat from return to supply:
    CP (T_s - T) <= source heat at loop temperatures above T, for every T in [T_r, T_s)."""
    assert loop.supply_c is not None and loop.return_c is not None
    t_s, t_r, dt = loop.supply_c, loop.return_c, loop.loop_dt_k
    if not sources:
        return 0.0
    x = np.array([t_r] + [b - dt for s in sources for b in (s.upper_c, s.lower_c)])
    x = x[(x >= t_r) & (x < t_s)]
    above = _overlap(sources, -dt, x, np.full_like(x, np.inf)).sum(axis=0)
    return float((above / (t_s - x)).min())


def _cp_sink(loop: Loop, sinks: Sequence[Segment]) -> float:
    """Largest hot-water loop CP [kW/K] the sinks can cool from supply to return:
    CP (T - T_r) <= sink heat at loop temperatures below T, for every T in (T_r, T_s]."""
    assert loop.supply_c is not None and loop.return_c is not None
    t_s, t_r, dt = loop.supply_c, loop.return_c, loop.loop_dt_k
    if not sinks:
        return 0.0
    y = np.array([t_s] + [b + dt for s in sinks for b in (s.upper_c, s.lower_c)])
    y = y[(y > t_r) & (y <= t_s)]
    below = _overlap(sinks, dt, np.full_like(y, -np.inf), y).sum(axis=0)
    return float((below / (y - t_r)).min())


Band = tuple[float | None, float | None]


def _pair_potentials(
    loop: Loop, profiles: Sequence[CompanyProfile], supply: Array, demand: Array, bins: Array
) -> tuple[Array, list[list[Band]]]:
    """Heat each ordered pair could move with only each other on the loop [n, n], and its band."""
    n = len(profiles)
    upper, lower = bins
    bands: list[list[Band]] = [[(None, None)] * n for _ in range(n)]
    if loop.method == "hot_water":
        assert loop.supply_c is not None and loop.return_c is not None
        cp_src = np.array([_cp_source(loop, p.sources) for p in profiles])
        cp_snk = np.array([_cp_sink(loop, p.sinks) for p in profiles])
        potential = np.minimum(cp_src[:, None], cp_snk[None, :]) * (loop.supply_c - loop.return_c)
    else:
        short = np.cumsum(demand, axis=0)[:, None, :] - np.cumsum(supply, axis=0)[:, :, None]
        potential = demand.sum(axis=0)[None, :] - np.clip(short.max(axis=0, initial=0.0), 0, None)
    np.fill_diagonal(potential, 0.0)
    scale = 1.0 + float(supply.sum() + demand.sum())
    potential = np.where(potential > 1e-9 * scale, potential, 0.0)
    for i in range(n):
        hot = np.flatnonzero(supply[:, i] > 0)
        for j in range(n):
            if potential[i, j] <= 0:
                continue
            if loop.method == "hot_water":
                bands[i][j] = (loop.supply_c, loop.return_c)
                continue
            cold = np.flatnonzero(demand[:, j] > 0)
            cold = cold[cold >= hot[0]]
            bands[i][j] = (float(upper[hot[0]]), float(lower[cold[-1]]))
    return potential, bands


def _site_flows(loop: Loop, supply: Array, demand: Array, bins: Array, cp_kw_per_k: float) -> Array:
    """Heat [n, n] from each company's sources to each company's sinks in the site solution."""
    if loop.method != "hot_water":
        return _cascade(supply, demand)
    assert loop.supply_c is not None and loop.return_c is not None
    upper, lower = bins
    inside = np.minimum(upper, loop.supply_c) - np.maximum(lower, loop.return_c)
    carried = np.clip(inside, 0.0, None) * cp_kw_per_k
    into_loop = _cascade(supply, np.diag(carried))
    out_of_loop = _cascade(np.diag(carried), demand)
    per_kw = np.divide(
        out_of_loop, carried[:, None], out=np.zeros_like(out_of_loop), where=carried[:, None] > 0
    )
    return np.asarray(into_loop @ per_kw, dtype=float)


def _profile(segments: Sequence[Segment]) -> tuple[Array, Array]:
    """Composite of segments: heat [kW] from 0 at the coldest point, against T [degC]."""
    if not segments:
        return np.zeros(1), np.zeros(1)
    temps = np.unique([b for s in segments for b in (s.upper_c, s.lower_c)])
    heat = _overlap(segments, 0.0, temps[:-1], temps[1:]).sum(axis=0)
    return np.concatenate([[0.0], np.cumsum(heat)]), temps


def _dt_by_company(names: Sequence[str], dt_min_k: float | Mapping[str, float]) -> dict[str, float]:
    if isinstance(dt_min_k, Mapping):
        missing = [name for name in names if name not in dt_min_k]
        if missing:
            raise TotalSiteError(
                f"no dt_min_k for {', '.join(map(repr, missing))}; give one per company"
            )
        dts = {name: float(dt_min_k[name]) for name in names}
    else:
        dts = dict.fromkeys(names, float(dt_min_k))
    for name, dt in dts.items():
        _check_finite(dt, f"dt_min_k of {name!r}", "give the minimum approach in kelvin")
        if dt < 0:
            raise TotalSiteError(f"dt_min_k of {name!r} must be >= 0 K, got {dt:g}")
    return dts


def total_site(
    companies: Mapping[str, Sequence[Stream]],
    dt_min_k: float | Mapping[str, float],
    loop: Loop | None = None,
    *,
    ambient_c: float | None = None,
) -> TotalSiteResult:
    """Total Site profiles, heat recovery through a loop, and pairwise exchange between companies.

    Parameters
    ----------
    companies : mapping of str to sequence of Stream
        Each company's process streams, CP in [kW/K].
    dt_min_k : float or mapping of str to float
        Minimum approach temperature inside each company [K], one value or one per company.
    loop : Loop, optional
        The intermediate loop; by default an ideal loop with ``loop_dt_k`` = the largest
        ``dt_min_k``. Its approach must be at least half of every company's ``dt_min_k``, or the
        loop could hand a company's own surplus back to its own deficit.
    ambient_c : float, optional
        Ambient temperature [degC]; source heat below it is left out of the site.

    Returns
    -------
    TotalSiteResult
        Company profiles and balances, site source and sink profiles, the site utility composite
        (``bins``), ``heat_recovery_kw`` and every ordered pair of companies.

    Notes
    -----
    In loop temperatures a source segment moves down by dT_loop and a sink segment up by
    dT_loop, so source heat at T_s can reach sink heat at T_k only if T_s - T_k >= 2 dT_loop.
    Ideal and steam loops: ordered bins (temperature intervals, or steam levels with each source
    raising steam at the highest level it can and each sink using the lowest level that serves
    it) are cascaded from the top, R = sum_k D_k - max(0, max_g sum_{k<=g} (D_k - S_k)); this is
    the Total Site Problem Table cascade (Liew et al. 2012). Hot-water loop from T_r to T_s:
    R = CP (T_s - T_r) with CP = min over T of H_source(>= T) / (T_s - T) and
    H_sink(<= T) / (T - T_r). After integration a company's hot utility is Q_H - received and
    its cold utility Q_C - given.

    Examples
    --------
    >>> a = [Stream("A-hot", 150, 60, 2.0), Stream("A-cold", 40, 70, 1.0)]
    >>> b = [Stream("B-cold", 50, 100, 1.5)]
    >>> r = total_site({"A": a, "B": b}, 10, Loop("ideal", 10))
    >>> round(r.total_source_kw, 1), round(r.total_sink_kw, 1), round(r.heat_recovery_kw, 1)
    (150.0, 75.0, 75.0)
    """
    names = list(companies)
    if not names:
        raise TotalSiteError("no companies: give at least one company with its streams")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise TotalSiteError(f"company name {name!r} is blank; name every company")
    dts = _dt_by_company(names, dt_min_k)
    if ambient_c is not None:
        _check_finite(ambient_c, "ambient_c", "give the ambient temperature in C or leave it out")
    loop = loop if loop is not None else Loop("ideal", max(dts.values()))
    for name, dt in dts.items():
        if loop.loop_dt_k < dt / 2:
            raise TotalSiteError(
                f"loop_dt_k ({loop.loop_dt_k:g} K) is below half the dt_min_k of company "
                f"{name!r} ({dt:g} K): the loop would hand a company's own surplus back to its "
                f"own deficit, which its pinch analysis rules out; use a loop approach of at "
                f"least {dt / 2:g} K"
            )
    profiles = [company_profile(n, companies[n], dts[n], ambient_c=ambient_c) for n in names]
    sources = [s for p in profiles for s in p.sources]
    sinks = [s for p in profiles for s in p.sinks]
    upper, lower, source_heat, sink_heat = _bins(loop, sources, sinks)
    supply = _by_company(sources, names, source_heat)
    demand = _by_company(sinks, names, sink_heat)
    bins = np.array([upper, lower])
    cp = 0.0
    if loop.method == "hot_water":
        cp = min(_cp_source(loop, sources), _cp_sink(loop, sinks))
    flows = _site_flows(loop, supply, demand, bins, cp)
    potential, bands = _pair_potentials(loop, profiles, supply, demand, bins)
    balances = tuple(
        CompanyBalance(
            p.company,
            dts[p.company],
            p.pinch.hot_utility_kw,
            p.pinch.cold_utility_kw,
            float(flows[i].sum()),
            float(flows[:, i].sum()),
        )
        for i, p in enumerate(profiles)
    )
    pairs = tuple(
        PairExchange(names[i], names[j], float(potential[i, j]), float(flows[i, j]), *bands[i][j])
        for i in range(len(names))
        for j in range(len(names))
        if i != j
    )
    return TotalSiteResult(
        loop=loop,
        companies=tuple(profiles),
        balances=balances,
        source_profile=_profile(sources),
        sink_profile=_profile(sinks),
        bins=tuple(
            LoopBin(float(u), float(lo), float(s), float(d))
            for u, lo, s, d in zip(
                upper, lower, supply.sum(axis=1), demand.sum(axis=1), strict=True
            )
        ),
        heat_recovery_kw=float(flows.sum()),
        pairs=pairs,
    )
