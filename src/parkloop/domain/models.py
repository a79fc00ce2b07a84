"""Parks, companies (sites), resource flows, energy use and the optional inventory sheets.

Everything here is listed in a park workbook: the optional sheets give process emissions, waste,
freight, process streams for heat integration, energy prices and end-use shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from parkloop.units import Category, Normalised, Period, normalise


class Confidentiality(StrEnum):
    """Who may see a company or a flow.

    ``private``: the company's own members (and platform admins); ``park``: members of any
    organisation in the same park, its facilitators and municipal officers; ``public``: anyone.
    """

    PRIVATE = "private"
    PARK = "park"
    PUBLIC = "public"


class Direction(StrEnum):
    """Whether a site has a flow to give (``supply``) or needs it (``demand``)."""

    SUPPLY = "supply"
    DEMAND = "demand"


class EnergyCarrier(StrEnum):
    """Final energy carriers of the ``energy`` sheet."""

    ELECTRICITY = "electricity"
    NATURAL_GAS = "natural_gas"
    LPG = "lpg"
    FUEL_OIL = "fuel_oil"
    DIESEL = "diesel"
    GASOLINE = "gasoline"
    COAL = "coal"
    PEAT = "peat"
    BIOMASS = "biomass"
    BIOGAS = "biogas"
    HYDROGEN = "hydrogen"
    WASTE = "waste"
    DISTRICT_HEAT = "district_heat"
    STEAM = "steam"
    OTHER = "other"


@dataclass(frozen=True)
class Park:
    """An industrial area or business park."""

    name: str
    country: str | None = None
    municipality: str | None = None
    lat: float | None = None
    lon: float | None = None
    discount_rate: float | None = None
    discount_rate_source: str | None = None


@dataclass(frozen=True)
class Company:
    """A company's site in a park; ``id`` is the workbook id, unique within the park."""

    id: str
    name: str
    nace: str
    country: str
    lat: float
    lon: float
    city: str | None = None
    employees: int | None = None
    website: str | None = None
    visibility: Confidentiality = Confidentiality.PARK
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    """A resource a site has (supply) or needs (demand).

    ``quantity`` is in ``unit`` per ``per``; :meth:`normalised` gives it per year in a canonical
    unit (t, m3, MWh...) or as a rate (kW, t/h) where the unit is a rate.
    """

    id: str
    company_id: str
    direction: Direction
    category: Category
    name: str
    description: str | None = None
    ewc: str | None = None
    quantity: float | None = None
    unit: str | None = None
    per: Period = Period.YEAR
    temperature_c: float | None = None
    pressure_bar: float | None = None
    quality: str | None = None
    available_from: dt.date | None = None
    available_to: dt.date | None = None
    price_eur_per_unit: float | None = None
    confidentiality: Confidentiality = Confidentiality.PARK
    notes: dict[str, str] = field(default_factory=dict)

    def normalised(self) -> Normalised | None:
        """The quantity per year in its canonical unit, or ``None`` when no quantity is given."""
        if self.quantity is None or self.unit is None:
            return None
        return normalise(self.quantity, self.unit, self.per)


@dataclass(frozen=True)
class EnergyUse:
    """Final energy a site used of one carrier in one year [MWh]."""

    company_id: str
    year: int
    carrier: EnergyCarrier
    mwh: float
    onsite_generation: bool = False


@dataclass(frozen=True)
class ProcessEmission:
    """Greenhouse gas a site emits from a process, not from burning fuel [t of ``gas`` per year].

    ``gas`` is ``CO2`` or a gas the shipped emission factors give a GWP100 for (``CH4``,
    ``N2O``); ``biogenic`` marks gas of biogenic origin (for methane it selects the non-fossil
    GWP where the GWP set has one).
    """

    company_id: str
    year: int
    source: str
    gas: str
    tonnes: float
    biogenic: bool = False
    note: str | None = None


@dataclass(frozen=True)
class WasteArising:
    """Waste a site sends off in one year [t] and the treatment it gets (Scope 3 category 5)."""

    company_id: str
    year: int
    tonnes: float
    treatment: str
    ewc: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FreightTransport:
    """Freight transport bought by a site in one year [tonne-km] (Scope 3 categories 4 and 9)."""

    company_id: str
    year: int
    mode: str
    tonne_km: float
    note: str | None = None


@dataclass(frozen=True)
class ProcessStream:
    """A process stream of a site for pinch and Total Site analysis.

    Exactly one of ``cp_kw_per_k`` (heat capacity flow rate [kW/K]) and ``heat_kw`` (heat load
    [kW]) is given, as it was written in the workbook; the stream is hot (to be cooled) when
    ``supply_c > target_c``. ``dt_min_k`` is the company's own minimum approach temperature [K].
    """

    company_id: str
    name: str
    supply_c: float
    target_c: float
    cp_kw_per_k: float | None = None
    heat_kw: float | None = None
    dt_min_k: float | None = None
    confidentiality: Confidentiality = Confidentiality.PRIVATE

    @property
    def cp(self) -> float:
        """The heat capacity flow rate CP [kW/K], given or computed from the heat load."""
        if self.cp_kw_per_k is not None:
            return self.cp_kw_per_k
        if self.heat_kw is None:
            raise ValueError(f"stream {self.name!r} has neither cp_kw_per_k nor heat_kw")
        return self.heat_kw / abs(self.supply_c - self.target_c)


@dataclass(frozen=True)
class EnergyPrice:
    """The price of an energy carrier in one year [EUR/MWh] and where it comes from."""

    carrier: EnergyCarrier
    eur_per_mwh: float
    year: int
    source: str


@dataclass(frozen=True)
class CompanyEndUseShare:
    """The share (0..1] of a company's use of a carrier that goes to one end use, with source."""

    company_id: str
    carrier: EnergyCarrier
    end_use: str
    share: float
    source: str


@dataclass(frozen=True)
class ParkWorkbook:
    """Everything a park workbook holds, validated; the optional sheets default to empty."""

    park: Park | None
    companies: list[Company]
    flows: list[Flow]
    energy: list[EnergyUse]
    process_emissions: list[ProcessEmission] = field(default_factory=list)
    waste: list[WasteArising] = field(default_factory=list)
    freight: list[FreightTransport] = field(default_factory=list)
    streams: list[ProcessStream] = field(default_factory=list)
    energy_prices: list[EnergyPrice] = field(default_factory=list)
    end_use_shares: list[CompanyEndUseShare] = field(default_factory=list)
