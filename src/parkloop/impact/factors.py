"""Reference data of the impact calculation: factors and the mappings that pick them.

Loads ``reference/data/impact_factors.yaml`` (its ``factors`` in the format of
``emission_factors.yaml``, read by :func:`parkloop.reference.factors.load_factors`) and checks
every mapping against the shipped factors, resource classes and NACE Rev. 2 at first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from parkloop.errors import ReferenceDataError
from parkloop.reference.factors import Factor, load_factors, matching_factors
from parkloop.reference.nace import NaceCodeError, load_nace
from parkloop.reference.resource_classes import load_resource_classes

FILENAME = "impact_factors.yaml"
EMISSION_FILENAME = "emission_factors.yaml"
#: Disposal routes of the UK waste factors, as ``waste_<route>_<material>``.
WASTE_ROUTES = (
    "landfill",
    "incineration_energy_recovery",
    "open_loop_recycling",
    "closed_loop_recycling",
    "composting",
    "anaerobic_digestion",
)
#: Units a material factor may have, with the multiplier to t CO2e per t.
MASS_FACTOR_UNITS: dict[str, float] = {
    "kg CO2e per tonne": 1e-3,
    "t CO2 per t clinker": 1.0,
    "t CO2 per t crude steel": 1.0,
}


@dataclass(frozen=True)
class FuelEntry:
    """A heat fuel: the IPCC 2006 fuel name of ``emission_factors.yaml`` and biogenic CO2."""

    ipcc: str
    biogenic: bool


@dataclass(frozen=True)
class DisposalEntry:
    """The UK waste-factor material a resource class is, and why."""

    material: str
    reason: str


@dataclass(frozen=True)
class SubstitutionRule:
    """What a resource class replaces at receivers in ``receivers`` (NACE prefixes)."""

    resource_class: str
    receivers: tuple[str, ...]
    replaces: str
    virgin: str
    secondary: str | None
    ratio: float
    basis: str

    def applies_to(self, nace: str) -> bool:
        """Whether a receiver of NACE class ``nace`` lies within one of :attr:`receivers`."""
        return any(nace == code or nace.startswith(code) for code in self.receivers)


@dataclass(frozen=True)
class ImpactReference:
    """All factors (emission, matching and impact files) and the impact mappings."""

    factors: Mapping[str, Factor]
    fuels: Mapping[str, FuelEntry]
    supplied_fuels: Mapping[str, str]
    boilers: Mapping[str, Mapping[str, str]]
    disposal: Mapping[str, DisposalEntry]
    substitutes: Mapping[str, tuple[SubstitutionRule, ...]]

    def factor(self, name: str) -> Factor:
        try:
            return self.factors[name]
        except KeyError:
            raise ReferenceDataError(f"no shipped factor named {name!r}") from None

    def waste_materials(self) -> frozenset[str]:
        """Materials that have at least one ``waste_<route>_<material>`` factor."""
        out = set()
        for name in self.factors:
            for route in WASTE_ROUTES:
                prefix = f"waste_{route}_"
                if name.startswith(prefix):
                    out.add(name.removeprefix(prefix))
        return frozenset(out)


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReferenceDataError(f"{FILENAME}: {where} lacks {key!r} (a non-empty text)")
    return " ".join(value.split())


def _known_factor(factors: Mapping[str, Factor], name: Any, where: str, field: str) -> str:
    if not isinstance(name, str) or name not in factors:
        raise ReferenceDataError(
            f"{FILENAME}: {where} has {field} {name!r}, which is not a factor of "
            f"{EMISSION_FILENAME} or {FILENAME}"
        )
    return name


def _parse_fuels(raw: Mapping[str, Any], factors: Mapping[str, Factor]) -> dict[str, FuelEntry]:
    out = {}
    for fuel, entry in raw.items():
        where = f"fuel {fuel}"
        ipcc = _text(entry, "ipcc", where)
        for gas in ("co2", "ch4", "n2o"):
            _known_factor(factors, f"fuel_{ipcc}_{gas}", where, "ipcc fuel")
        biogenic = entry.get("biogenic")
        if not isinstance(biogenic, bool):
            raise ReferenceDataError(f"{FILENAME}: {where} needs biogenic: true or false")
        out[str(fuel)] = FuelEntry(ipcc, biogenic)
    return out


def _parse_supplied(
    raw: Mapping[str, Any], classes: frozenset[str], fuels: Mapping[str, FuelEntry]
) -> dict[str, str]:
    out = {}
    for cid, fuel in raw.items():
        if cid not in classes:
            raise ReferenceDataError(f"{FILENAME}: supplied_fuels: no resource class {cid!r}")
        if fuel not in fuels:
            raise ReferenceDataError(
                f"{FILENAME}: supplied_fuels of class {cid} names fuel {fuel!r}; use one of "
                f"{', '.join(fuels)}"
            )
        out[str(cid)] = str(fuel)
    return out


def _parse_boilers(
    raw: Mapping[str, Any], factors: Mapping[str, Factor], fuels: Mapping[str, FuelEntry]
) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    allowed = (*fuels, "electricity")
    for boiler, by_fuel in raw.items():
        out[str(boiler)] = {}
        for fuel, name in (by_fuel or {}).items():
            if fuel not in allowed:
                raise ReferenceDataError(
                    f"{FILENAME}: boiler {boiler} names fuel {fuel!r}; use one of "
                    f"{', '.join(allowed)}"
                )
            where = f"boiler {boiler}, fuel {fuel}"
            out[str(boiler)][str(fuel)] = _known_factor(factors, name, where, "efficiency")
    return out


def _parse_disposal(
    raw: Mapping[str, Any], classes: frozenset[str], materials: frozenset[str]
) -> dict[str, DisposalEntry]:
    out = {}
    for cid, entry in raw.items():
        where = f"disposal of class {cid}"
        if cid not in classes:
            raise ReferenceDataError(f"{FILENAME}: {where}: no such resource class")
        material = _text(entry, "material", where)
        if material not in materials:
            raise ReferenceDataError(
                f"{FILENAME}: {where} has material {material!r}; use one of "
                f"{', '.join(sorted(materials))}"
            )
        out[str(cid)] = DisposalEntry(material, _text(entry, "reason", where))
    return out


def _parse_rule(
    cid: str, i: int, entry: Mapping[str, Any], factors: Mapping[str, Factor]
) -> SubstitutionRule:
    where = f"substitutes of class {cid}, rule {i + 1}"
    nace = load_nace()
    receivers = []
    for code in entry.get("receivers") or []:
        try:
            receivers.append(nace.get(str(code)).code)
        except NaceCodeError as exc:
            raise ReferenceDataError(f"{FILENAME}: {where}, receivers: {exc}") from None
    if not receivers:
        raise ReferenceDataError(f"{FILENAME}: {where} lists no receivers (NACE codes)")
    secondary = entry.get("secondary")
    ratio = entry.get("ratio")
    if not isinstance(ratio, int | float) or isinstance(ratio, bool) or ratio <= 0:
        raise ReferenceDataError(f"{FILENAME}: {where} has ratio {ratio!r}; give a number > 0")
    rule = SubstitutionRule(
        resource_class=cid,
        receivers=tuple(receivers),
        replaces=_text(entry, "replaces", where),
        virgin=_known_factor(factors, entry.get("virgin"), where, "virgin"),
        secondary=None
        if secondary is None
        else _known_factor(factors, secondary, where, "secondary"),
        ratio=float(ratio),
        basis=_text(entry, "basis", where),
    )
    for name in (rule.virgin, rule.secondary):
        if name is not None and factors[name].unit not in MASS_FACTOR_UNITS:
            raise ReferenceDataError(
                f"{FILENAME}: {where}: factor {name} has unit {factors[name].unit!r}; a "
                f"substitution factor needs one of {', '.join(MASS_FACTOR_UNITS)}"
            )
    return rule


def _parse_substitutes(
    raw: Mapping[str, Any], classes: frozenset[str], factors: Mapping[str, Factor]
) -> dict[str, tuple[SubstitutionRule, ...]]:
    out = {}
    for cid, rules in raw.items():
        if cid not in classes:
            raise ReferenceDataError(f"{FILENAME}: substitutes of class {cid}: no such class")
        out[str(cid)] = tuple(_parse_rule(str(cid), i, r, factors) for i, r in enumerate(rules))
    return out


@lru_cache(maxsize=1)
def impact_reference() -> ImpactReference:
    """Load and check the impact factors and mappings (cached).

    Raises
    ------
    ReferenceDataError
        Naming the section, entry and field that is wrong and what is allowed.
    """
    own = load_factors(FILENAME)
    emission = load_factors(EMISSION_FILENAME)
    matching = matching_factors()
    clash = sorted((set(own) & set(emission)) | (set(own) & set(matching)))
    if clash:
        raise ReferenceDataError(
            f"{FILENAME}: factors {', '.join(clash)} are already shipped in another file; "
            "remove them here"
        )
    factors = {**emission, **matching, **own}
    path = resources.files("parkloop.reference") / "data" / FILENAME
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    classes = frozenset(c.id for c in load_resource_classes())
    fuels = _parse_fuels(document.get("fuels") or {}, factors)
    reference = ImpactReference(factors, fuels, {}, {}, {}, {})
    return ImpactReference(
        factors=factors,
        fuels=fuels,
        supplied_fuels=_parse_supplied(document.get("supplied_fuels") or {}, classes, fuels),
        boilers=_parse_boilers(document.get("boilers") or {}, factors, fuels),
        disposal=_parse_disposal(
            document.get("disposal") or {}, classes, reference.waste_materials()
        ),
        substitutes=_parse_substitutes(document.get("substitutes") or {}, classes, factors),
    )
