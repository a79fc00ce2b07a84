"""Schemathesis against the OpenAPI schema: no request the schema allows makes a server error.

Runs every /api/v1 operation anonymously and with a facilitator's bearer token, on the demo
park with stored matches, with a bounded number of examples per operation (warnings are errors
in this suite, so checks that only warn are not relied on: the assertion is explicit).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from parkloop.domain.people import Membership, Role
from parkloop.matching.engine import MatchOptions
from parkloop.services import accounts, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.matching import match_park
from parkloop.web.app import create_app
from tests.webclient import PASSWORD

TOKEN: dict[str, str] = {}


@pytest.fixture
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    database = Database.from_url(f"sqlite:///{path}")
    database.migrate()
    park = park_service.load_demo(database).park
    match_park(database, park, options=MatchOptions(top_k=3))
    users.create_user(database, "facilitator@example.org", "Facilitator", PASSWORD)
    users.add_membership(database, Membership("facilitator@example.org", Role.FACILITATOR, park))
    TOKEN["value"] = accounts.create_api_token(database, "facilitator@example.org", "fuzz")
    app = create_app(database)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    database.dispose()


def test_no_api_request_causes_a_server_error(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            for headers in ({}, {"Authorization": f"Bearer {TOKEN['value']}"}):
                response = case.call(headers=headers)
                statuses.append(response.status_code)
                assert response.status_code < 500, (
                    case.method,
                    case.formatted_path,
                    response.text,
                )

        check()
    # Many requests ran, and both successes and refusals were among them.
    assert len(statuses) > 100
    assert any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses)
