"""Hypothesis strategies for valid park workbooks."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from parkloop.domain.models import (
    Company,
    CompanyEndUseShare,
    Confidentiality,
    Direction,
    EnergyCarrier,
    EnergyPrice,
    EnergyUse,
    Flow,
    FreightTransport,
    Park,
    ParkWorkbook,
    ProcessEmission,
    ProcessStream,
    WasteArising,
)
from parkloop.io.validate_extra import (
    allowed_end_uses,
    allowed_freight_modes,
    allowed_gases,
    allowed_treatments,
)
from parkloop.reference.nace import load_nace
from parkloop.reference.waste import load_waste_list
from parkloop.units import Category, Period

NACE_CODES = sorted(code for code, item in load_nace().items.items() if item.level >= 2)
WASTE_CODES = sorted(entry.display for entry in load_waste_list().entries.values())
UNITS = {
    Category.MATERIAL: ["t", "kg", "m3", "t/h"],
    Category.ENERGY: ["MWh", "GJ", "kWh", "kW", "MW"],
    Category.WATER: ["m3", "m3/h", "t"],
    Category.SERVICE: ["h", "t", "m2"],
    Category.CAPACITY: ["m2", "m3", "t", "kW"],
}
RATES = {"t/h", "kW", "MW", "m3/h"}

# Printable text in the region's languages, stripped, with inner spaces and line breaks.
_letters = st.characters(
    categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\u2028\u2029"
)
text = st.text(_letters, min_size=1, max_size=40).map(str.strip).filter(bool)
long_text = st.lists(text, min_size=1, max_size=3).map("\n".join)
ids = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_", min_size=1, max_size=8)
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
confidentiality = st.sampled_from(list(Confidentiality))
countries = st.sampled_from(["DK", "SE", "FI", "EE", "LV", "LT", "PL", "DE", "NO"])
note_keys = st.sampled_from(["internal_ref", "contact", "remark"])


def _notes() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(note_keys, text, max_size=2)


@st.composite
def companies(draw: st.DrawFn, key: str) -> Company:
    return Company(
        id=key,
        name=draw(text),
        nace=draw(st.sampled_from(NACE_CODES)),
        country=draw(countries),
        lat=draw(st.floats(min_value=-90, max_value=90)),
        lon=draw(st.floats(min_value=-180, max_value=180)),
        city=draw(st.none() | text),
        employees=draw(st.none() | st.integers(min_value=0, max_value=100_000)),
        website=draw(st.none() | st.just("https://example.org/a")),
        visibility=draw(confidentiality),
        notes=draw(_notes()),
    )


@st.composite
def flows(draw: st.DrawFn, key: str, company_ids: list[str]) -> Flow:
    category = draw(st.sampled_from(list(Category)))
    has_quantity = draw(st.booleans())
    unit = draw(st.sampled_from(UNITS[category])) if has_quantity else None
    per = Period.YEAR if unit in RATES else draw(st.sampled_from(list(Period)))
    start = draw(st.none() | dates)
    end = draw(st.none() | dates.filter(lambda d: start is None or d >= start))
    ewc = None
    if category in (Category.MATERIAL, Category.WATER):
        ewc = draw(st.none() | st.sampled_from(WASTE_CODES))
    return Flow(
        id=key,
        company_id=draw(st.sampled_from(company_ids)),
        direction=draw(st.sampled_from(list(Direction))),
        category=category,
        name=draw(text),
        description=draw(st.none() | long_text),
        ewc=ewc,
        quantity=draw(positive) if has_quantity else None,
        unit=unit,
        per=per,
        temperature_c=draw(st.none() | st.floats(min_value=-50, max_value=1500)),
        pressure_bar=draw(st.none() | st.floats(min_value=0, max_value=300)),
        quality=draw(st.none() | text),
        available_from=start,
        available_to=end,
        price_eur_per_unit=draw(st.none() | finite),
        confidentiality=draw(confidentiality),
        notes=draw(_notes()),
    )


years = st.integers(2000, 2025)
temperatures = st.floats(min_value=-50, max_value=1500)


@st.composite
def parks(draw: st.DrawFn) -> Park:
    rate = draw(st.none() | st.floats(min_value=0, max_value=1, exclude_max=True))
    return Park(
        name=draw(text),
        country=draw(st.none() | countries),
        municipality=draw(st.none() | text),
        lat=draw(st.none() | st.floats(min_value=-90, max_value=90)),
        lon=draw(st.none() | st.floats(min_value=-180, max_value=180)),
        discount_rate=rate,
        discount_rate_source=None if rate is None else draw(text),
    )


@st.composite
def process_emissions(draw: st.DrawFn, company_ids: list[str]) -> list[ProcessEmission]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(company_ids), years, text, st.sampled_from(allowed_gases())),
            max_size=4,
            unique=True,
        )
    )
    return [
        ProcessEmission(
            company,
            year,
            source,
            gas,
            draw(st.floats(min_value=0, max_value=1e9)),
            draw(st.booleans()),
            draw(st.none() | long_text),
        )
        for company, year, source, gas in keys
    ]


@st.composite
def waste(draw: st.DrawFn, company_ids: list[str]) -> WasteArising:
    return WasteArising(
        company_id=draw(st.sampled_from(company_ids)),
        year=draw(years),
        tonnes=draw(positive),
        treatment=draw(st.sampled_from(allowed_treatments())),
        ewc=draw(st.none() | st.sampled_from(WASTE_CODES)),
        note=draw(st.none() | text),
    )


@st.composite
def freight(draw: st.DrawFn, company_ids: list[str]) -> FreightTransport:
    return FreightTransport(
        company_id=draw(st.sampled_from(company_ids)),
        year=draw(years),
        mode=draw(st.sampled_from(allowed_freight_modes())),
        tonne_km=draw(positive),
        note=draw(st.none() | text),
    )


@st.composite
def streams(draw: st.DrawFn, company_ids: list[str]) -> list[ProcessStream]:
    keys = draw(st.lists(st.tuples(st.sampled_from(company_ids), text), max_size=5, unique=True))
    dts = {c: draw(st.none() | st.floats(min_value=0.5, max_value=40)) for c in company_ids}
    out = []
    for company, name in keys:
        supply = draw(temperatures)
        target = draw(temperatures.filter(lambda t, s=supply: abs(t - s) >= 0.1))
        by_cp = draw(st.booleans())
        load = draw(positive)
        out.append(
            ProcessStream(
                company,
                name,
                supply,
                target,
                cp_kw_per_k=load if by_cp else None,
                heat_kw=None if by_cp else load,
                dt_min_k=dts[company] if draw(st.booleans()) else None,
                confidentiality=draw(confidentiality),
            )
        )
    return out


@st.composite
def energy_prices(draw: st.DrawFn) -> list[EnergyPrice]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(list(EnergyCarrier)), st.integers(1990, 2100)),
            max_size=4,
            unique=True,
        )
    )
    return [EnergyPrice(c, draw(positive), year, draw(text)) for c, year in keys]


@st.composite
def end_use_shares(draw: st.DrawFn, company_ids: list[str]) -> list[CompanyEndUseShare]:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(company_ids),
                st.sampled_from(list(EnergyCarrier)),
                st.sampled_from(allowed_end_uses()),
            ),
            max_size=5,
            unique=True,
        )
    )
    totals: dict[tuple[str, EnergyCarrier], float] = {}
    out = []
    for company, carrier, end_use in keys:
        share = draw(st.floats(min_value=1e-6, max_value=1))
        if totals.get((company, carrier), 0.0) + share > 1:
            continue  # the shares of one carrier may not add up to more than 1
        totals[(company, carrier)] = totals.get((company, carrier), 0.0) + share
        out.append(CompanyEndUseShare(company, carrier, end_use, share, draw(text)))
    return out


@st.composite
def workbooks(draw: st.DrawFn) -> ParkWorkbook:
    company_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    flow_ids = draw(st.lists(ids, min_size=0, max_size=8, unique=True))
    energy_keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(company_ids),
                st.integers(2000, 2025),
                st.sampled_from(list(EnergyCarrier)),
                st.booleans(),
            ),
            max_size=6,
            unique=True,
        )
    )
    return ParkWorkbook(
        park=draw(st.none() | parks()),
        companies=[draw(companies(key)) for key in company_ids],
        flows=[draw(flows(key, company_ids)) for key in flow_ids],
        energy=[
            EnergyUse(c, y, carrier, draw(st.floats(min_value=0, max_value=1e9)), onsite)
            for c, y, carrier, onsite in energy_keys
        ],
        process_emissions=draw(process_emissions(company_ids)),
        waste=draw(st.lists(waste(company_ids), max_size=4)),
        freight=draw(st.lists(freight(company_ids), max_size=4)),
        streams=draw(streams(company_ids)),
        energy_prices=draw(energy_prices()),
        end_use_shares=draw(end_use_shares(company_ids)),
    )
