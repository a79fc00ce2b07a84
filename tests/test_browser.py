"""The main journey in a real Chromium (Playwright driving Debian's chromium package).

A facilitator invites a company; its member signs in through the invitation, lists a supply
flow, sees a proposal after matching and asks to connect; the other company agrees; the
facilitator moves the synergy to implemented; the park's dashboard shows it. Screenshots of the
main pages are written to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn

from parkloop.domain.people import Membership, Role
from parkloop.services import parks as park_service
from parkloop.services import users
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.app import create_app
from tests.webclient import PASSWORD

CHROMIUM = os.environ.get("PARKLOOP_CHROMIUM") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

if CHROMIUM is None and os.environ.get("PARKLOOP_REQUIRE_BROWSER"):
    raise RuntimeError(
        "PARKLOOP_REQUIRE_BROWSER is set but no Chromium was found: run through `make test` "
        "(scripts/with-chromium.sh installs Debian's chromium)"
    )
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium: `make test` installs Debian's chromium"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Database, str]]:
    port = _free_port()
    monkeypatch.setenv("PARKLOOP_BASE_URL", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()
    database = Database.from_url(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    database.migrate()
    park = park_service.load_demo(database).park
    for email, membership in (
        ("facilitator@example.org", Membership("facilitator@example.org", Role.FACILITATOR, park)),
        ("admin@example.org", Membership("admin@example.org", Role.ADMIN)),
    ):
        users.create_user(database, email, email.split("@")[0].title(), PASSWORD)
        users.add_membership(database, membership)
    config = uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="error")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", database, park
    uv.should_exit = True
    thread.join(timeout=10)
    database.dispose()


def test_invite_list_match_connect_agree_implement(
    server: tuple[str, Database, str],
) -> None:
    from playwright.sync_api import sync_playwright

    base, database, park = server
    workbook = park_service.park_workbook(database, park)
    newcomer_company = "C05"  # the demo's sawmill, which lists wood residues
    assert newcomer_company in {c.id for c in workbook.companies}
    park_url = f"{base}/parks/{quote(park)}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        facilitator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        errors: list[str] = []
        facilitator.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def sign_in(page: object, email: str, password: str = PASSWORD) -> None:
            page.goto(f"{base}/login?next=/account")  # type: ignore[attr-defined]
            page.fill("input[name=email]", email)  # type: ignore[attr-defined]
            page.fill("input[name=password]", password)  # type: ignore[attr-defined]
            page.click("form.stacked button[type=submit]")  # type: ignore[attr-defined]
            page.wait_for_url(re.compile(r".*/account$"))  # type: ignore[attr-defined]

        sign_in(facilitator, "facilitator@example.org")
        facilitator.goto(park_url)
        facilitator.fill("#invite input[name=email]", "energy@sawmill.example")
        facilitator.select_option("#invite select[name=role]", "company_member")
        facilitator.fill("#invite input[name=company_id]", newcomer_company)
        facilitator.click("#invite button")
        link = facilitator.inner_text("#invitation-link")

        member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        member.goto(link)
        member.fill("input[name=name]", "Sawmill Energy Manager")
        member.fill("input[name=password]", PASSWORD)
        member.click("form.stacked button")
        member.wait_for_url(re.compile(r".*/account$"))
        assert "company member" in member.inner_text("#roles")

        company_url = f"{park_url}/companies/{newcomer_company}"
        member.goto(company_url)
        member.select_option("#new-flow select[name=direction]", "supply")
        member.select_option("#new-flow select[name=category]", "material")
        member.fill("#new-flow input[name=name]", "Bark and wood chips")
        member.fill("#new-flow input[name=ewc]", "03 01 01")
        member.fill("#new-flow input[name=quantity]", "2500")
        member.fill("#new-flow input[name=unit]", "t")
        member.click("#new-flow button")
        assert "Bark and wood chips" in member.inner_text("#company-flows")

        facilitator.goto(park_url)
        facilitator.click("#run-matching button")
        facilitator.wait_for_url(re.compile(r".*/jobs/\d+$"))
        # the job runs in its own process; its page reloads itself until the run has ended
        facilitator.wait_for_selector('#job-status[data-status="done"]', timeout=120_000)
        assert "100 %" in facilitator.inner_text("main")

        member.goto(company_url)
        rows = member.locator("#matches tbody tr", has_text="Bark and wood chips")
        assert rows.count() > 0, "the new flow got no proposal"
        first = rows.first
        receiver_label = first.locator("td").nth(2).inner_text()
        first.locator("input[name=note]").fill("About 2,500 t a year, dry")
        first.locator("button[value=connect]").click()
        member.wait_for_url(re.compile(r".*#inbox$"))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        member.screenshot(path=str(SCREENSHOTS / "company.png"), full_page=False)

        # The receiving company: the facilitator invites one of its people, who agrees.
        receiver_id = next(c.id for c in workbook.companies if c.name == receiver_label)
        facilitator.goto(park_url)
        facilitator.fill("#invite input[name=email]", "manager@receiver.example")
        facilitator.fill("#invite input[name=company_id]", receiver_id)
        facilitator.click("#invite button")
        link = facilitator.inner_text("#invitation-link")
        other = browser.new_context().new_page()
        other.goto(link)
        other.fill("input[name=name]", "Receiver Manager")
        other.fill("input[name=password]", PASSWORD)
        other.click("form.stacked button")
        other.wait_for_url(re.compile(r".*/account$"))
        other.goto(f"{park_url}/companies/{receiver_id}")
        asked = other.locator("#matches tbody tr", has_text="Bark and wood chips").first
        asked.locator("button[value=agree]").click()
        other.wait_for_url(re.compile(r".*#inbox$"))

        facilitator.goto(f"{park_url}/synergies")
        facilitator.locator("#column-negotiating a", has_text="Bark and wood chips").click()
        facilitator.select_option("#move select[name=status]", "implemented")
        facilitator.fill("#move input[name=note]", "Contract signed")
        facilitator.click("#move button")
        assert facilitator.get_attribute("#status", "data-status") == "implemented"
        facilitator.screenshot(path=str(SCREENSHOTS / "synergy.png"), full_page=False)

        facilitator.goto(f"{park_url}/synergies")
        facilitator.screenshot(path=str(SCREENSHOTS / "pipeline.png"), full_page=False)
        facilitator.goto(park_url)
        assert "1\nsynergies implemented" in facilitator.inner_text("#figures")
        facilitator.wait_for_selector("#map .leaflet-interactive", timeout=10_000)
        facilitator.screenshot(path=str(SCREENSHOTS / "park.png"), full_page=False)
        assert not [e for e in errors if "Content Security Policy" in e], errors
        browser.close()
