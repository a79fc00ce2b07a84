"""The per-process park cache: fresh across workers, equal to the uncached results, and never
keyed or filled by one viewer for another.

A second ``Database`` on the same database plays a second web worker: it has its own engine,
so its own cache and its own write generation, and learns of the first one's writes only
through the park stamp.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from parkloop.domain.access import ANONYMOUS, Viewer, can_edit_company, can_see_flow
from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound
from parkloop.guide.steps import load_guide
from parkloop.matching.engine import MatchOptions
from parkloop.services import (
    cache,
    dashboard,
    demo,
    flows,
    guide,
    impact,
    inbox,
    inventory,
    matching,
    pipeline,
    synergies,
    users,
    views,
)
from parkloop.services import parks as park_service
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import Base, CompanyRow, FlowRow, MatchRow, SynergyRow
from parkloop.web.app import create_app
from tests.workbooks import valid_sheets, write_sheets

PARK = "Test Harbour"
FACILITATOR = Viewer((Membership("f@x.example", Role.FACILITATOR, PARK),))
MEMBER_C1 = Viewer((Membership("m1@x.example", Role.COMPANY_MEMBER, PARK, "C1"),))
MEMBER_C2 = Viewer((Membership("m2@x.example", Role.COMPANY_MEMBER, PARK, "C2"),))
FLOW_FIELDS = ("direction", "category", "name", "ewc", "quantity", "unit", "per", "confidentiality")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.CACHE.clear()
    yield
    cache.CACHE.clear()


@pytest.fixture
def twin(database: Database) -> Iterator[Database]:
    """A second engine on the same database: another web worker."""
    other = Database.from_url(database.engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def _import(database: Database, folder: Path, sheets: dict[str, Any]) -> None:
    park_service.import_workbook(database, write_sheets(folder, sheets))


@pytest.fixture
def park(database: Database, tmp_path: Path) -> str:
    _import(database, tmp_path / "workbook", valid_sheets())
    return PARK


def _flow_values(flow_id: str, **changes: str) -> dict[str, str]:
    row = next(r for r in valid_sheets()["flows"] if r["id"] == flow_id)
    return {k: v for k, v in row.items() if k in FLOW_FIELDS} | changes


def _version(database: Database, company_id: str, flow_id: str) -> int:
    return next(v for f, v in flows.company_flows(database, PARK, company_id) if f.id == flow_id)


def _names(database: Database, viewer: Viewer) -> dict[str, str]:
    return {v.flow.id: v.flow.name for v in views.park_view(database, PARK, viewer).flows}


def _stamp(database: Database) -> cache.Stamp | None:
    with database.reader() as session:
        return cache.read_stamp(session, PARK)


# --- a write through one worker is seen by the next request in another -------------------------


def test_a_flow_edit_in_one_worker_is_seen_by_the_next_read_in_another(
    database: Database, twin: Database, park: str
) -> None:
    assert _names(twin, FACILITATOR)["F1"] == "Fly ash"
    assert _names(twin, FACILITATOR)["F1"] == "Fly ash"  # now from the twin's cache
    version = _version(database, "C1", "F1")
    flows.save_flow(
        database,
        FACILITATOR,
        park,
        "C1",
        _flow_values("F1", name="Fly ash, dry"),
        flow_id="F1",
        expected_version=version,
    )
    assert _names(twin, FACILITATOR)["F1"] == "Fly ash, dry"
    assert cache.generation(twin.engine) == 0  # the twin learnt it from the stamp alone
    flows.delete_flow(database, FACILITATOR, park, "C1", "F1", version + 1)
    assert "F1" not in _names(twin, FACILITATOR)
    assert all(f.id != "F1" for f in park_service.park_workbook(twin, park).flows)


def test_a_synergy_move_in_one_worker_is_seen_by_the_next_read_in_another(
    database: Database, twin: Database, park: str
) -> None:
    def seen() -> tuple[dict[str, int], int, list[str], dict[str, list[tuple[str, str, float]]]]:
        board = pipeline.board(twin, FACILITATOR, park)
        return (
            pipeline.key_figures(twin, park, 0).synergies_by_status,
            impact.park_impact(twin, park, statuses=[SynergyStatus.IMPLEMENTED]).total.synergies,
            [c.status for cards in board.values() for c in cards],
            dashboard.flow_sankeys(twin, FACILITATOR, park),
        )

    assert seen()[2] == []
    synergy = synergies.identify(database, park, "F1", "C2", by="f@x.example")
    by_status, implemented, cards, _ = seen()
    assert by_status["identified"] == 1 and implemented == 0 and cards == ["identified"]
    assert seen() == seen()  # cached reads change nothing
    for version, status in enumerate(
        (SynergyStatus.CONTACTED, SynergyStatus.NEGOTIATING, SynergyStatus.IMPLEMENTED), start=1
    ):
        synergies.advance(database, synergy, status, by="f@x.example", expected_version=version)
        by_status, implemented, cards, sankeys = seen()
        assert by_status[status.value] == 1 and cards == [status.value]
    assert implemented == 1
    assert pipeline.implemented_pairs(twin, park) == [("F1", "C2")]
    assert any(target.startswith("to ") for _, target, _ in sankeys["t"])
    assert list(dashboard.synergy_timeline(twin, park)) == ["identified", "implemented"]


def test_an_import_in_one_worker_is_seen_by_the_next_read_in_another(
    database: Database, twin: Database, park: str, tmp_path: Path
) -> None:
    before = park_service.park_workbook(twin, park)
    totals = inventory.park_inventory(twin, park).years[0].totals
    sheets = valid_sheets()
    sheets["companies"][1]["name"] = "Cement Works Nord"
    sheets["energy"][0]["mwh"] = "300000"
    sheets["flows"].append(_flow_values("F3", name="Gypsum, second line") | {"id": "F6"})
    sheets["flows"][-1]["company_id"] = "C2"
    _import(database, tmp_path / "again", sheets)
    after = park_service.park_workbook(twin, park)
    assert [c.name for c in after.companies if c.id == "C2"] == ["Cement Works Nord"]
    assert len(after.flows) == len(before.flows) + 1
    assert [e.mwh for e in after.energy if e.carrier == "coal"] == [300000.0]
    assert inventory.park_inventory(twin, park).years[0].totals != totals


def test_the_web_app_of_another_worker_serves_the_change_on_its_next_request(
    database: Database, twin: Database, park: str
) -> None:
    url = f"/api/v1/parks/{quote(park)}/flows"
    with TestClient(create_app(twin)) as client:
        assert client.get(url).json()["items"][0]["name"] == "Fly ash"
        flows.save_flow(
            database,
            FACILITATOR,
            park,
            "C1",
            _flow_values("F1", name="Fly ash from unit 2"),
            flow_id="F1",
            expected_version=_version(database, "C1", "F1"),
        )
        assert client.get(url).json()["items"][0]["name"] == "Fly ash from unit 2"


def test_a_write_through_this_process_is_seen_within_the_same_second(
    database: Database, park: str
) -> None:
    """Server-side update times on SQLite have whole seconds: the write generation covers it."""
    assert park_service.list_companies(database, park)[0].name == "Power & Heat A/S"
    before = cache.generation(database.engine)
    with database.transaction() as session:
        row = session.scalars(select(CompanyRow).where(CompanyRow.key == "C1")).one()
        row.name = "Power & Heat"
    assert cache.generation(database.engine) == before + 1
    assert park_service.list_companies(database, park)[0].name == "Power & Heat"


# --- the stamp ---------------------------------------------------------------------------------


def test_the_stamp_covers_every_table_of_a_park_and_no_account_table() -> None:
    names = {table.name for table, _ in cache.park_tables()}
    assert {
        "parks",
        "companies",
        "flows",
        "energy_uses",
        "matches",
        "synergies",
        "synergy_events",
        "messages",
        "memberships",
        "guide_ticks",
    } <= names
    assert not names & {"users", "sessions", "api_tokens", "login_attempts", "outbox"}
    assert "jobs" not in names, "a job's progress writes must not empty the park's cache"
    for table in Base.metadata.sorted_tables:  # anything that refers to a park's rows
        if table.name in cache.BOOKKEEPING:
            continue
        if any(fk.column.table.name in names - {table.name} for fk in table.foreign_keys):
            assert table.name in names, table.name


def test_the_stamp_changes_on_every_kind_of_write(
    database: Database, park: str, tmp_path: Path
) -> None:
    facilitator = Account(0, "f@x.example", "F", FACILITATOR.memberships)
    sheets = valid_sheets()
    sync = {"n": 0}

    def reimport() -> None:
        sync["n"] += 1
        _import(database, tmp_path / f"import-{sync['n']}", sheets)

    def rename_company() -> None:
        sheets["companies"][2]["name"] = "Greenhouse Growers ApS"
        reimport()

    def change_energy() -> None:
        sheets["energy"][2]["mwh"] = "8100"
        reimport()

    def change_park() -> None:
        sheets["park"][0]["municipality"] = "Testby Kommune"
        reimport()

    def new_flow() -> None:
        flows.save_flow(database, FACILITATOR, park, "C3", _flow_values("F4", name="Heat"))

    def edit_flow() -> None:
        version = _version(database, "C2", "F3")
        values = _flow_values("F3", quantity="31")
        flows.save_flow(
            database, FACILITATOR, park, "C2", values, flow_id="F3", expected_version=version
        )

    def delete_flow() -> None:
        flows.delete_flow(database, FACILITATOR, park, "C3", "C3-F1", 1)

    def run_matching() -> None:
        matching.match_park(database, park, options=MatchOptions(top_k=3))

    def identify() -> None:
        synergies.identify(database, park, "F1", "C2", by="f@x.example")

    def advance() -> None:
        with database.reader() as session:
            synergy = session.scalars(select(SynergyRow)).one()
        synergies.advance(
            database,
            synergy.id,
            SynergyStatus.CONTACTED,
            by="f@x.example",
            expected_version=synergy.version,
        )

    def message() -> None:
        with database.reader() as session:
            synergy_id = session.scalars(select(SynergyRow.id)).one()
        pipeline.post_message(database, facilitator, synergy_id, "Shall we meet on Monday?")

    def member() -> None:
        users.create_user(database, "new@x.example", "New", "a long enough password here")
        users.add_membership(database, Membership("new@x.example", Role.COMPANY_MEMBER, park, "C3"))

    def tick() -> None:
        step = load_guide().steps[0]
        guide.set_tick(database, facilitator, park, step.id, step.done_when[0].id, True)

    writes: list[Callable[[], None]] = [
        rename_company,
        change_energy,
        change_park,
        new_flow,
        edit_flow,
        delete_flow,
        run_matching,
        run_matching,  # the same matches again: new rows all the same
        identify,
        advance,
        message,
        member,
        tick,
    ]
    seen = [_stamp(database)]
    for write in writes:
        write()
        stamp = _stamp(database)
        assert stamp != seen[-1], write.__name__
        seen.append(stamp)
    assert _stamp(database) == seen[-1]  # reading changes nothing


def test_the_stamp_of_an_unknown_park_is_none_and_its_reads_are_not_found(
    database: Database, park: str
) -> None:
    with database.reader() as session:
        assert cache.read_stamp(session, "Nowhere") is None
    with pytest.raises(NotFound, match="Test Harbour"):
        views.park_view(database, "Nowhere", ANONYMOUS)
    assert len(cache.CACHE) == 0


def test_one_web_request_reads_the_stamp_once_until_it_writes(
    database: Database, park: str
) -> None:
    def read(viewer: Viewer) -> None:
        views.park_view(database, park, viewer)
        dashboard.flow_sankeys(database, viewer, park)
        pipeline.key_figures(database, park, 0)

    read(FACILITATOR)
    queries: list[str] = []

    def count(*args: Any) -> None:
        queries.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with cache.request_scope():
            read(FACILITATOR)
            assert len(queries) == 1  # the stamp; everything else came from the cache
            del queries[:]
            read(ANONYMOUS)
            assert queries == []
            version = _version(database, "C1", "F1")
            flows.save_flow(
                database,
                FACILITATOR,
                park,
                "C1",
                _flow_values("F1", name="Ash"),
                flow_id="F1",
                expected_version=version,
            )
            assert _names(database, FACILITATOR)["F1"] == "Ash"
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


# --- the cache serves what the services computed, filtered for each viewer ---------------------


def test_two_viewers_with_different_rights_see_different_things_through_the_cache(
    database: Database, park: str
) -> None:
    everything = views.park_view(database, park, FACILITATOR)
    assert {v.flow.id for v in everything.flows} == {"F1", "F2", "F3", "F4", "F5"}
    outsider = views.park_view(database, park, ANONYMOUS)
    assert {v.flow.id for v in outsider.flows} == {"F1"}
    assert [c.id for c, _ in outsider.companies] == ["C1"]
    assert (outsider.hidden_flows, outsider.hidden_companies) == (4, 2)
    c1 = {v.flow.id for v in views.park_view(database, park, MEMBER_C1).flows}
    c2 = {v.flow.id for v in views.park_view(database, park, MEMBER_C2).flows}
    assert "F5" in c1 and "F5" not in c2  # a private flow: its own company only
    assert dashboard.flow_sankeys(database, ANONYMOUS, park) != dashboard.flow_sankeys(
        database, FACILITATOR, park
    )
    assert _names(database, ANONYMOUS) == {"F1": "Fly ash"}  # still, after the others
    for key in cache.CACHE._entries:  # nothing stored under (or for) a viewer
        assert not any(isinstance(part, Viewer | Membership) for part in key)


def _inbox_one_by_one(
    database: Database, viewer: Viewer, park: str, company_id: str
) -> list[inbox.MatchView]:
    """The match inbox as it was read before: one match, its flows and synergy at a time."""
    out = []
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        company = session.scalars(
            select(CompanyRow).where(
                CompanyRow.park_id == park_row.id, CompanyRow.key == company_id
            )
        ).one()
        own = select(FlowRow.id).where(FlowRow.company_id == company.id)
        rows = session.scalars(
            select(MatchRow)
            .where(
                MatchRow.park_id == park_row.id,
                (MatchRow.company_id == company.id) | MatchRow.supply_flow_id.in_(own),
            )
            .order_by(MatchRow.score.desc(), MatchRow.id)
        ).all()
        for row in rows:
            supply_row = session.get(FlowRow, row.supply_flow_id)
            receiver_row = session.get(CompanyRow, row.company_id)
            assert supply_row is not None and receiver_row is not None
            supplier = repo.company_to_domain(supply_row.company)
            receiver = repo.company_to_domain(receiver_row)
            supply = repo.flow_to_domain(supply_row)
            if not can_see_flow(viewer, park, supplier, supply):
                continue
            demand = None
            demand_row = session.get(FlowRow, row.demand_flow_id) if row.demand_flow_id else None
            if demand_row is not None:
                candidate = repo.flow_to_domain(demand_row)
                demand = candidate if can_see_flow(viewer, park, receiver, candidate) else None
            synergy = inbox._synergy_for(session, row)
            revealed = bool(synergy and synergy.revealed)
            asker = None
            if synergy is not None and synergy.requested_by_company_id is not None:
                asker = session.get(CompanyRow, synergy.requested_by_company_id)
            out.append(
                inbox.MatchView(
                    match_id=row.id,
                    side="receiver" if row.company_id == company.id else "supplier",
                    supply=supply,
                    supplier=inbox._party(viewer, park, supplier, revealed),
                    receiver=inbox._party(viewer, park, receiver, revealed),
                    demand=demand,
                    score=row.score,
                    distance_km=row.distance_km,
                    reasons=tuple(
                        r["text"]
                        for r in row.reasons
                        if demand is not None or r["kind"] != "listed"
                    ),
                    synergy_id=synergy.id if synergy else None,
                    status=synergy.status if synergy else None,
                    contact_requested_by=asker.key if asker else None,
                    revealed=revealed,
                )
            )
    return out


@pytest.fixture
def demo_park(database: Database) -> str:
    name = park_service.load_demo(database).park
    demo.load_demo_activity(database, name)
    return name


def _persona(role: Role, park: str, company: str | None = None) -> Viewer:
    where = None if role in (Role.ADMIN, Role.AUDITOR) else park
    return Viewer((Membership("p@x.example", role, where, company),))


def _reads(database: Database, viewer: Viewer, park: str) -> list[Any]:
    out: list[Any] = [
        park_service.park_workbook(database, park),
        views.park_view(database, park, viewer),
        views.map_data(database, park, viewer),
        dashboard.flow_sankeys(database, viewer, park),
        dashboard.synergy_timeline(database, park),
        pipeline.key_figures(database, park, 7),
        pipeline.board(database, viewer, park),
        pipeline.implemented_pairs(database, park),
        impact.park_impact(database, park),
        impact.park_impact(database, park, statuses=[SynergyStatus.CONTACTED]),
        impact.park_impact(database, park, heat_fuel="natural_gas"),
        inventory.park_inventory(database, park),
        inventory.park_inventory(database, park, 2023, gwp="ar6"),
    ]
    if viewer.is_admin or viewer.is_park_insider(park):
        out.append(inventory.inventory_for(database, viewer, park))
    return out


def test_cached_and_uncached_results_are_equal(database: Database, demo_park: str) -> None:
    personas = [
        ANONYMOUS,
        _persona(Role.ADMIN, demo_park),
        _persona(Role.AUDITOR, demo_park),
        _persona(Role.FACILITATOR, demo_park),
        _persona(Role.MUNICIPAL_OFFICER, demo_park),
        _persona(Role.COMPANY_MEMBER, demo_park, "C01"),
        _persona(Role.COMPANY_MEMBER, demo_park, "C02"),
    ]
    for viewer in personas:
        _reads(database, viewer, demo_park)  # fill the cache (or use what others filled)
        cached = _reads(database, viewer, demo_park)
        with cache.caching(False):
            direct = _reads(database, viewer, demo_park)
        assert cached == direct
    assert cache.CACHE.hits > 0 and len(cache.CACHE) > 0


def test_the_inbox_reads_a_fixed_number_of_queries_and_the_same_matches(
    database: Database, demo_park: str
) -> None:
    queries: list[str] = []

    def count(*args: Any) -> None:
        queries.append(str(args[2]))

    for viewer, company in [
        (_persona(Role.COMPANY_MEMBER, demo_park, "C01"), "C01"),
        (_persona(Role.FACILITATOR, demo_park), "C01"),
        (_persona(Role.COMPANY_MEMBER, demo_park, "C02"), "C02"),
    ]:
        assert can_edit_company(viewer, demo_park, company)
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            found = inbox.company_inbox(database, viewer, demo_park, company)
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        assert len(found) > 5 and len(queries) <= 8
        assert found == _inbox_one_by_one(database, viewer, demo_park, company)
        del queries[:]


# --- the cache itself --------------------------------------------------------------------------


def test_the_cache_keeps_the_newest_version_and_the_most_recent_entries() -> None:
    store = cache.ParkCache(max_entries=2)
    v1, v2 = (0, ("a",)), (0, ("b",))
    assert store.get(("x",), v1, lambda: 1) == 1
    assert store.get(("x",), v1, lambda: 2) == 1  # same version: stored
    assert store.get(("x",), v2, lambda: 3) == 3  # new version: computed again
    store.get(("y",), v1, lambda: 4)
    store.get(("x",), v2, lambda: 5)  # x is now the most recently used
    store.get(("z",), v1, lambda: 6)  # y goes
    assert len(store) == 2
    assert store.get(("y",), v1, lambda: 7) == 7 and store.get(("x",), v1, lambda: 8) == 8
    with pytest.raises(ZeroDivisionError):
        store.get(("w",), v1, lambda: 1 // 0)
    assert store.get(("w",), v1, lambda: 9) == 9  # a failure is not stored


def test_threads_asking_for_the_same_result_compute_it_once() -> None:
    store = cache.ParkCache()
    calls: list[int] = []
    start = threading.Barrier(8)
    results: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    def ask() -> None:
        start.wait()
        results.append(store.get(("park", "kind"), (0, ("s",)), slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 8 and len(calls) == 1
