"""ISO 3166-1 countries, from the pycountry package (which carries the iso-codes database)."""

from __future__ import annotations

import pycountry


class CountryCodeError(ValueError):
    """A country code is not an ISO 3166-1 alpha-2 code."""


BALTIC_SEA_REGION = ("DK", "SE", "FI", "EE", "LV", "LT", "PL", "DE", "NO")


def normalise_country(text: str) -> str:
    """Return the ISO 3166-1 alpha-2 code for ``text`` (case-insensitive).

    Examples
    --------
    >>> normalise_country(" se ")
    'SE'
    """
    code = text.strip().upper()
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    hint = ""
    if len(code) == 3:
        match = pycountry.countries.get(alpha_3=code)
        if match is not None:
            hint = f" (did you mean {match.alpha_2}, the two-letter code of {match.name}?)"
    raise CountryCodeError(
        f"{text!r} is not an ISO 3166-1 alpha-2 country code{hint}; use two letters such as "
        "DK, SE, FI, EE, LV, LT, PL or DE"
    )


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code
