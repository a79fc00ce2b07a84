"""Total Site heat integration of process streams: from a streams CSV or a stored park.

Both entry points end in :func:`company_total_site`, so a park's ``streams`` sheet and the same
rows written to a CSV with a ``company`` column give the same result. The loop is built from
the options of ``parkloop heat site``: an ideal loop by default, steam mains with
``steam_levels_c``, or a hot-water circuit with ``hot_water_supply_c`` and
``hot_water_return_c``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from parkloop.energy.pinch import Stream
from parkloop.energy.total_site import Loop, TotalSiteResult, total_site
from parkloop.errors import ParkloopError
from parkloop.io.streams import read_company_streams
from parkloop.io.validate_extra import pinch_streams
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook

#: Minimum approach inside a company [K] for the companies whose streams give none.
DEFAULT_DT_MIN_K = 10.0
#: The columns of a park workbook's ``streams`` sheet, as named in the error for a park without.
STREAM_COLUMNS = (
    "company_id, name, supply_c, target_c, cp_kw_per_k or heat_kw, and optionally dt_min_k "
    "and confidentiality"
)


@dataclass(frozen=True)
class SiteOptions:
    """The options of ``parkloop heat site``, the same for a CSV and for a stored park.

    ``dt_min_k`` [K] is the approach of a company whose streams give none; ``loop_dt_k``,
    ``steam_levels_c`` and ``hot_water_supply_c``/``hot_water_return_c`` [degC] describe the loop
    (:func:`site_loop`); source heat below ``ambient_c`` [degC] is left out.
    """

    dt_min_k: float = DEFAULT_DT_MIN_K
    loop_dt_k: float | None = None
    steam_levels_c: Sequence[float] | None = None
    hot_water_supply_c: float | None = None
    hot_water_return_c: float | None = None
    ambient_c: float | None = None


class NoStreams(ParkloopError):
    """The park has no process streams to integrate."""

    code = "no_streams"


def site_loop(
    dt_by_company: Mapping[str, float],
    *,
    loop_dt_k: float | None = None,
    steam_levels_c: Sequence[float] | None = None,
    hot_water_supply_c: float | None = None,
    hot_water_return_c: float | None = None,
) -> Loop:
    """The intermediate loop the options describe.

    Parameters
    ----------
    dt_by_company : mapping of str to float
        Minimum approach of each company [K]; the loop approach defaults to the largest.
    loop_dt_k : float, optional
        Approach between a company and the loop [K], paid on each side.
    steam_levels_c : sequence of float, optional
        Saturation temperatures of the steam mains [degC]; gives a steam loop.
    hot_water_supply_c, hot_water_return_c : float, optional
        Supply and return of a hot-water loop [degC]; either gives a hot-water loop.

    Returns
    -------
    Loop
        ``steam``, ``hot_water`` or, without either, ``ideal``.

    Raises
    ------
    ValueError
        For steam levels together with hot water, or a loop the options do not make whole
        (:class:`~parkloop.energy.total_site.TotalSiteError`).

    Examples
    --------
    >>> site_loop({"A": 10.0, "B": 5.0}).method, site_loop({"A": 10.0, "B": 5.0}).loop_dt_k
    ('ideal', 10.0)
    >>> site_loop({"A": 10.0}, loop_dt_k=8.0, steam_levels_c=[90.0, 120.0]).levels_c
    (120.0, 90.0)
    """
    approach = max(dt_by_company.values()) if loop_dt_k is None else loop_dt_k
    hot_water = hot_water_supply_c is not None or hot_water_return_c is not None
    if steam_levels_c and hot_water:
        raise ValueError("give --steam-level or --hot-water-supply/return, not both")
    if steam_levels_c:
        return Loop("steam", approach, levels_c=tuple(steam_levels_c))
    if hot_water:
        return Loop("hot_water", approach, supply_c=hot_water_supply_c, return_c=hot_water_return_c)
    return Loop("ideal", approach)


def company_total_site(
    companies: Mapping[str, Sequence[Stream]],
    dts: Mapping[str, float],
    options: SiteOptions = SiteOptions(),
) -> TotalSiteResult:
    """Total Site analysis of streams per company, with each company's own approach.

    Parameters
    ----------
    companies : mapping of str to sequence of Stream
        Each company's process streams (CP [kW/K]).
    dts : mapping of str to float
        ``dt_min_k`` [K] of the companies whose streams give one.
    options : SiteOptions
        The approach of every other company, the loop and the ambient cut-off.

    Returns
    -------
    TotalSiteResult
        As :func:`parkloop.energy.total_site.total_site` gives it.

    Raises
    ------
    ValueError
        For inconsistent options or streams, with what to change.

    Examples
    --------
    >>> a = [Stream("A-hot", 150, 60, 2.0), Stream("A-cold", 40, 70, 1.0)]
    >>> b = [Stream("B-cold", 50, 100, 1.5)]
    >>> round(company_total_site({"A": a, "B": b}, {}).heat_recovery_kw, 1)
    75.0
    """
    dt_by_company = {name: dts.get(name, options.dt_min_k) for name in companies}
    if not dt_by_company:
        raise ValueError("no companies: give at least one company with its streams")
    loop = site_loop(
        dt_by_company,
        loop_dt_k=options.loop_dt_k,
        steam_levels_c=options.steam_levels_c,
        hot_water_supply_c=options.hot_water_supply_c,
        hot_water_return_c=options.hot_water_return_c,
    )
    return total_site(companies, dt_by_company, loop, ambient_c=options.ambient_c)


def csv_total_site(
    path: Path,
    options: SiteOptions = SiteOptions(),
) -> TotalSiteResult:
    """Total Site analysis of a streams CSV with a ``company`` column.

    The file format is that of :func:`parkloop.io.streams.read_company_streams`; the options
    are those of :func:`company_total_site`.

    Raises
    ------
    ValidationError
        With every bad row and column of the file.
    ValueError
        For inconsistent options, with what to change.
    """
    companies, dts = read_company_streams(path)
    return company_total_site(companies, dts, options)


def park_total_site(
    database: Database,
    park: str,
    options: SiteOptions = SiteOptions(),
) -> TotalSiteResult:
    """Total Site analysis of the process streams stored for park ``park``.

    Every stream of the park's ``streams`` sheet takes part, whatever its confidentiality: this
    is the operator's analysis of the whole park. A company's ``dt_min_k`` is the one its rows
    give, else ``options.dt_min_k``; the other options are those of :func:`company_total_site`.

    Raises
    ------
    NotFound
        When there is no park of that name.
    NoStreams
        When the park has no process streams, saying which sheet and columns to add.
    ValueError
        For inconsistent options, with what to change.
    """
    streams = park_workbook(database, park).streams
    if not streams:
        raise NoStreams(
            f"park {park!r} has no process streams: add a `streams` sheet ({STREAM_COLUMNS}) "
            f"to its workbook and import it with `parkloop import PATH --park {park!r}`"
        )
    companies, dts = pinch_streams(streams)
    return company_total_site(companies, dts, options)
