"""The interface in English, Swedish and Polish: complete catalogues, switching, local numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient

from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.web import i18n
from parkloop.web.app import create_app

TEMPLATES = Path(i18n.__file__).parent / "templates"


def template_messages() -> set[str]:
    found = extract_from_dir(
        str(TEMPLATES), method_map=[("**.html", "jinja2")], options_map={"**.html": {}}
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("locale", ["sv", "pl"])
def test_every_interface_text_has_a_translation(locale: str) -> None:
    from babel.messages.pofile import read_po

    path = i18n.CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    texts = template_messages() | set(i18n.RUNTIME_MESSAGES)
    assert len(texts) > 100
    missing = sorted(t for t in texts if catalogue.get(t) is None or not catalogue.get(t).string)
    assert missing == []


@pytest.mark.parametrize("locale", ["sv", "pl"])
def test_translations_keep_their_placeholders(locale: str) -> None:
    import re

    catalogue = i18n.translations(locale)
    for text in template_messages():
        names = sorted(re.findall(r"%\((\w+)\)s", text))
        assert sorted(re.findall(r"%\((\w+)\)s", catalogue.gettext(text))) == names, text


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    park_service.load_demo(database)
    with TestClient(create_app(database)) as c:
        yield c


def test_the_language_is_chosen_by_link_then_cookie_then_browser(client: TestClient) -> None:
    assert "Sign in" in client.get("/").text
    swedish = client.get("/?lang=sv")
    assert "Logga in" in swedish.text and '<html lang="sv">' in swedish.text
    assert "Logga in" in client.get("/login").text  # the cookie remembers
    with TestClient(client.app) as other:
        polish = other.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
        assert "Zaloguj" in polish.text
        assert "Sign in" in other.get("/", headers={"Accept-Language": "fr-FR"}).text
        assert "Sign in" in other.get("/?lang=xx").text


def test_numbers_follow_the_locale(client: TestClient) -> None:
    class Request:
        class state:
            locale = "sv"

    context = {"request": Request()}
    # CLDR: Swedish groups with a no-break space and writes a decimal comma; Polish the same;
    # English uses a comma for groups and a point for decimals.
    assert i18n.number(context, 12345.5) == "12\xa0345,5"
    Request.state.locale = "en"
    assert i18n.number(context, 12345.5) == "12,345.5"
    Request.state.locale = "pl"
    assert i18n.number(context, 12345.5) == "12\xa0345,5"
