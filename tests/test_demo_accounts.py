"""Demo accounts and activity, and creating accounts from the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.domain.people import Membership, Role
from parkloop.errors import ConfigurationError
from parkloop.services import accounts, demo, pipeline, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.settings import Settings


def test_demo_activity_gives_every_role_an_account_matches_and_synergies(
    database: Database,
) -> None:
    park = park_service.load_demo(database).park
    people = demo.load_demo_activity(database, park)
    assert {p.role for p in people} == set(Role)
    for person in people:
        signed = accounts.sign_in(database, person.email, demo.DEMO_PASSWORD, "test")
        assert signed.account.email == person.email
    facilitator = accounts.sign_in(
        database, "facilitator@havnestad.example", demo.DEMO_PASSWORD, "test"
    ).account
    board = pipeline.board(database, facilitator.viewer, park)
    assert len(board["contacted"]) == 2
    demo.load_demo_activity(database, park)  # a second run changes nothing
    assert len(pipeline.board(database, facilitator.viewer, park)["contacted"]) == 2


def test_demo_accounts_are_refused_in_production(database: Database) -> None:
    park = park_service.load_demo(database).park
    with pytest.raises(ConfigurationError, match="production"):
        demo.load_demo_activity(
            database, park, Settings(environment="production", secret_key="x" * 40)
        )


def test_user_add_creates_an_account_with_its_role(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = park_service.load_demo(database).park
    monkeypatch.setenv(
        "PARKLOOP_DATABASE_URL", str(database.engine.url.render_as_string(hide_password=False))
    )
    from parkloop.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    args = [
        "user",
        "add",
        "new@example.org",
        "--name",
        "New",
        "--role",
        "facilitator",
        "--park",
        park,
        "--password-stdin",
    ]
    done = runner.invoke(app, args, input="a long enough passphrase\n")
    assert done.exit_code == 0, done.output
    assert users.memberships(database, "new@example.org") == [
        Membership("new@example.org", Role.FACILITATOR, park)
    ]
    short = runner.invoke(app, [*args[:2], "other@example.org", *args[3:]], input="short\n")
    assert short.exit_code == 2 and "at least 15 characters" in short.output
    no_park = runner.invoke(
        app,
        [
            "user",
            "add",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "facilitator",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert no_park.exit_code == 2 and "give park" in no_park.output


def test_a_municipal_officer_of_a_municipality_works_for_all_its_parks(
    database: Database,
) -> None:
    park = park_service.load_demo(database).park
    municipality = park_service.park_workbook(database, park).park.municipality  # type: ignore[union-attr]
    assert municipality
    users.create_user(database, "officer@town.example", "Officer", "a long enough passphrase")
    users.add_membership(
        database,
        Membership(
            "officer@town.example", Role.MUNICIPAL_OFFICER, municipality=municipality.upper()
        ),
    )
    users.create_user(database, "elsewhere@town.example", "Other", "a long enough passphrase")
    users.add_membership(
        database,
        Membership("elsewhere@town.example", Role.MUNICIPAL_OFFICER, municipality="Elsewhere"),
    )
    from parkloop.domain.access import Viewer

    ours = Viewer(tuple(users.memberships(database, "officer@town.example")))
    theirs = Viewer(tuple(users.memberships(database, "elsewhere@town.example")))
    assert ours.is_park_insider(park) and not theirs.is_park_insider(park)
    with pytest.raises(ValueError, match="park or a municipality"):
        Membership("x@town.example", Role.MUNICIPAL_OFFICER)
    with pytest.raises(ValueError, match="only a municipal officer"):
        Membership("x@town.example", Role.FACILITATOR, park, municipality="Havnestad")
