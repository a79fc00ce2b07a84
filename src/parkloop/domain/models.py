"""Parks, companies (sites), resource flows and energy use, as listed in a park workbook."""

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
class ParkWorkbook:
    """Everything a park workbook holds, validated."""

    park: Park | None
    companies: list[Company]
    flows: list[Flow]
    energy: list[EnergyUse]
