"""The interface language: English, Swedish and Polish, switchable; numbers and dates per locale.

Translations live as gettext catalogues (``locales/<lang>/LC_MESSAGES/messages.po``) and are
compiled in memory when first used, so the package ships text files only. The language comes
from ``?lang=``, then the ``parkloop_lang`` cookie, then the browser's Accept-Language, then
English. Templates call ``_("text", name=value)``; numbers and dates go through the
``number`` and ``datetime`` filters (Babel, CLDR data).
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import pass_context
from starlette.requests import Request

from parkloop.domain.models import EnergyCarrier

LOCALES = ("en", "sv", "pl")
NAMES = {"en": "English", "sv": "Svenska", "pl": "Polski"}
COOKIE = "parkloop_lang"
# Texts that templates translate from data (statuses, categories, periods, visibility, roles):
# the extractor cannot see them, so they are listed here and checked by the tests.
RUNTIME_MESSAGES = (
    *("identified", "contacted", "negotiating", "implemented", "ended", "rejected", "new"),
    *(
        f"synergies {s}"
        for s in ("identified", "contacted", "negotiating", "implemented", "ended", "rejected")
    ),
    *("material", "energy", "water", "service", "capacity"),
    *("year", "month", "week", "day", "once"),
    *("private", "park", "public"),
    *("company member", "facilitator", "municipal officer", "auditor", "admin"),
    "not exchanged yet",
    *("draft", "submitted", "decided", "superseded"),
    *("met", "not_met", "awarded", "not_applicable", "accepted", "rejected", "more_info"),
    *(f"This certificate is {state}." for state in ("valid", "expired", "superseded")),
    *("saving", "performance", "capex", "opex", "lifetime_years", "payback_years", "check"),
    *(carrier.value for carrier in EnergyCarrier),
    *("queued", "running", "done", "failed", "engine", "supplies ranked", "matches stored"),
)
CATALOGUES = Path(__file__).parent / "locales"


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``locale`` (English: the texts as written)."""
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(request: Request) -> str:
    """The language for this request."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LOCALES:
        return str(asked)
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if not tag:
            continue
        language = tag.split("_")[0].lower()
        if language in LOCALES:
            return language
    return "en"


def _locale(context: Any) -> str:
    request = context.get("request")
    locale = getattr(getattr(request, "state", None), "locale", "en") if request else "en"
    return str(locale)


@pass_context
def translate(context: Any, message: str, **values: Any) -> str:
    """``_("...")`` in templates: the translated text, with ``%(name)s`` filled in."""
    text = translations(_locale(context)).gettext(message)
    return text % values if values else text


@pass_context
def number(context: Any, value: float | int | None, digits: int = 6) -> str:
    """A number written the way the reader's locale writes it (``1 234,5`` in Swedish)."""
    if value is None:
        return ""
    return format_decimal(value, format=f"#,##0.{'#' * digits}", locale=_locale(context))


@pass_context
def datetime(context: Any, value: dt.datetime) -> str:
    """A timestamp in the reader's locale (UTC)."""
    return format_datetime(value, format="short", tzinfo=dt.UTC, locale=_locale(context)) + " UTC"


def language_name(locale: str) -> str:
    return Locale.parse(locale).get_display_name(locale) or NAMES[locale]
