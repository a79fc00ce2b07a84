"""`parkloop certify`: the certification journey from the command line, with the web's rules."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.domain.people import Membership, Role
from parkloop.reference.standards import default_registry
from parkloop.services import parks as park_service
from parkloop.services import users
from parkloop.services.database import Database
from parkloop.settings import get_settings
from tests.webclient import PASSWORD


def test_a_park_is_certified_from_the_command_line(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = park_service.load_demo(database).park
    url = database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", url)
    get_settings.cache_clear()
    for email, membership in (
        ("manager@x.example", Membership("manager@x.example", Role.FACILITATOR, park)),
        ("auditor@x.example", Membership("auditor@x.example", Role.AUDITOR)),
    ):
        users.create_user(database, email, email, PASSWORD)
        users.add_membership(database, membership)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["certify", *args])
        assert result.exit_code == 0, result.output
        return result.output

    started = run("start", park, "--as", "manager@x.example")
    assessment = re.search(r"assessment (\d+)", started)
    assert assessment
    number = assessment.group(1)
    denied = runner.invoke(app, ["certify", "start", park, "--as", "auditor@x.example"])
    assert denied.exit_code == 1 and "facilitator" in denied.output
    mandatory = [c.id for c in default_registry().all()[0].criteria if c.mandatory]
    early = runner.invoke(app, ["certify", "submit", number, "--as", "manager@x.example"])
    assert early.exit_code == 2 and "mandatory criterion" in early.output
    for criterion in mandatory:
        run("answer", number, criterion, "met", "--as", "manager@x.example")
    run("submit", number, "--as", "manager@x.example")
    own = runner.invoke(
        app, ["certify", "review", number, mandatory[0], "accepted", "--as", "manager@x.example"]
    )
    assert own.exit_code == 1 and "auditor" in own.output
    for criterion in mandatory:
        run("review", number, criterion, "accepted", "--as", "auditor@x.example")
    until = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    decided = run("decide", number, "--valid-until", until, "--as", "auditor@x.example")
    code = re.search(r"certificate (\S+)", decided)
    assert code
    body = json.loads(run("verify", code.group(1), "--format", "json"))
    assert body["park"] == park and body["state"] == "valid" and body["valid_until"] == until
    unknown = runner.invoke(app, ["certify", "verify", "NOPE"])
    assert unknown.exit_code == 1
