"""Concurrency and faults: parallel imports, kill -9 in the middle of a write, PostgreSQL restarts.

- Imports into different parks run side by side; imports into one park are serialised by the
  park's write lock, and the park ends equal to exactly one workbook.
- A process killed with SIGKILL in the middle of an import (the CLI) or of a synergy status
  change (the web server) leaves the database with all or none of the change.
- A PostgreSQL server stopped or restarted under the running app: requests in flight and while it
  is down get a 503 ("database unavailable, try again"; JSON under /api/), and the same app
  answers normally once the server is back.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound
from parkloop.services import parks as park_service
from parkloop.services import synergies, users
from parkloop.services.database import Database
from parkloop.store import db as store_db
from parkloop.web.app import UNAVAILABLE, create_app, database_unavailable
from tests.webclient import PASSWORD, sign_in, token_on
from tests.workbooks import Row, valid_sheets, write_sheets

ROOT = Path(__file__).resolve().parent.parent
PG_DATA = os.environ.get("PARKLOOP_TEST_POSTGRES_DATA")
PG_BIN = os.environ.get("PARKLOOP_TEST_POSTGRES_BIN")
FACILITATOR = "facilitator@example.org"

Sheets = dict[str, list[Row]]
Signature = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, float], ...]]


# --- workbooks and what a park holds -------------------------------------------------------


def park_sheets(park: str, companies: int, flows_per_company: int, tag: str) -> Sheets:
    """A valid workbook; the same ``companies`` and ``flows_per_company`` give the same ids,
    and ``tag`` changes every name and quantity, so two tags never look alike."""
    bump = sum(map(ord, tag)) % 97
    return {
        "park": [{"name": park, "country": "DK"}],
        "companies": [
            {
                "id": f"C{i:05d}",
                "name": f"Company {i} {tag}",
                "nace": "23.51",
                "country": "DK",
                "lat": f"{55.0 + i * 1e-4:.5f}",
                "lon": "9.7",
            }
            for i in range(companies)
        ],
        "flows": [
            {
                "id": f"F{i:05d}-{j}",
                "company_id": f"C{i:05d}",
                "direction": "supply" if j % 2 else "demand",
                "category": "material",
                "name": f"Flow {i}.{j} {tag}",
                "quantity": str(10 + j + bump),
                "unit": "t",
            }
            for i in range(companies)
            for j in range(flows_per_company)
        ],
    }


def expected(sheets: Sheets) -> Signature:
    companies = tuple(sorted((c["id"], c["name"]) for c in sheets["companies"]))
    flows = tuple(sorted((f["id"], f["name"], float(f["quantity"])) for f in sheets["flows"]))
    return companies, flows


def stored(database: Database, park: str) -> Signature | None:
    """What park ``park`` holds, in the form of :func:`expected`; ``None`` when it is absent."""
    try:
        workbook = park_service.park_workbook(database, park)
    except NotFound:
        return None
    companies = tuple(sorted((c.id, c.name) for c in workbook.companies))
    flows = tuple(sorted((f.id, f.name, float(f.quantity or 0)) for f in workbook.flows))
    return companies, flows


def url_of(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    until = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > until:
            pytest.fail(f"gave up after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.005)


# --- concurrency ------------------------------------------------------------------------------


def test_twenty_parallel_imports_into_twenty_parks_all_succeed(
    database: Database, tmp_path: Path
) -> None:
    books = {f"Park {i:02d}": park_sheets(f"Park {i:02d}", 15, 3, f"p{i}") for i in range(1, 21)}
    paths = {name: write_sheets(tmp_path / name, sheets) for name, sheets in books.items()}
    start = threading.Barrier(len(paths))

    def run(name: str) -> park_service.ImportReport:
        start.wait()
        return park_service.import_workbook(database, paths[name])

    with ThreadPoolExecutor(len(paths)) as pool:
        reports = list(pool.map(run, paths))
    assert sorted(r.park for r in reports) == sorted(books)
    assert all(r.created and r.companies == 15 and r.flows == 45 for r in reports)
    for name, sheets in books.items():
        assert stored(database, name) == expected(sheets), name
    counts = {p.name: (p.companies, p.flows) for p in park_service.list_parks(database)}
    assert counts == {name: (15, 45) for name in books}


@pytest.mark.parametrize("existing", [False, True], ids=["new park", "existing park"])
def test_concurrent_imports_into_one_park_are_serialised_and_whole(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    if existing:
        base = park_sheets("Shared Park", 120, 4, "base")
        park_service.import_workbook(database, write_sheets(tmp_path / "base", base))
    books = [park_sheets("Shared Park", 120, 4, f"v{i}") for i in range(4)]
    paths = [write_sheets(tmp_path / f"v{i}", sheets) for i, sheets in enumerate(books)]
    held: dict[int, list[float]] = {}  # worker -> [park lock granted, commit begins]
    worker = threading.local()
    real_lock = store_db.lock_park

    def timed_lock(session: Any, name: str) -> None:
        real_lock(session, name)
        held[worker.index] = [time.monotonic()]

    def on_commit(_connection: Any) -> None:
        index = getattr(worker, "index", None)
        if index is not None and index in held:
            held[index].append(time.monotonic())  # the lock is still held here

    monkeypatch.setattr(store_db, "lock_park", timed_lock)
    event.listen(database.engine, "commit", on_commit)
    start = threading.Barrier(len(paths))

    def run(index: int) -> park_service.ImportReport:
        worker.index = index
        start.wait()
        return park_service.import_workbook(database, paths[index])

    try:
        with ThreadPoolExecutor(len(paths)) as pool:
            reports = list(pool.map(run, range(len(paths))))
    finally:
        event.remove(database.engine, "commit", on_commit)
    assert [r.park for r in reports] == ["Shared Park"] * 4
    assert sum(r.created for r in reports) == (0 if existing else 1)
    order = sorted(held, key=lambda i: held[i][0])
    spans = [held[i] for i in order]
    assert all(len(span) == 2 for span in spans), spans
    for (_, done), (begun, _) in pairwise(spans):
        assert done < begun, f"imports interleaved: {spans}"
    assert stored(database, "Shared Park") == expected(books[order[-1]])


def test_a_locked_park_does_not_hold_up_imports_into_other_parks(
    postgres_database: Database, tmp_path: Path
) -> None:
    first = write_sheets(tmp_path / "a", park_sheets("Park A", 10, 2, "a"))
    second = write_sheets(tmp_path / "b", park_sheets("Park B", 10, 2, "b"))
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    with postgres_database.engine.connect() as holder:
        holder.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": store_db.park_lock_key("Park A")}
        )
        with ThreadPoolExecutor(1) as pool:
            blocked = pool.submit(park_service.import_workbook, postgres_database, first)
            with postgres_database.engine.connect() as probe:
                wait_for(
                    lambda: probe.execute(waiting).scalar_one() == 1, "the import of Park A to wait"
                )
            park_service.import_workbook(postgres_database, second)
            assert stored(postgres_database, "Park B") is not None
            assert not blocked.done()
            holder.rollback()
            assert blocked.result(timeout=30).park == "Park A"
    assert stored(postgres_database, "Park A") == expected(park_sheets("Park A", 10, 2, "a"))


# --- kill -9 ------------------------------------------------------------------------------------


def writing_started(database: Database) -> Callable[[], bool]:
    """A probe that turns true once another process writes rows of the park in a transaction it
    has not committed: on SQLite the rollback journal exists, on PostgreSQL another session holds
    a row lock on the companies table."""
    if database.engine.dialect.name == "sqlite":
        journal = Path(f"{database.engine.url.database}-journal")
        return journal.exists
    query = text(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'companies' AND l.mode = 'RowExclusiveLock' "
        "AND l.pid <> pg_backend_pid()"
    )

    def probe() -> bool:
        with database.engine.connect() as connection:
            return bool(connection.execute(query).scalar_one())

    return probe


def child_env(database: Database, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARKLOOP_")}
    return env | {
        "PARKLOOP_DATABASE_URL": url_of(database),
        "PARKLOOP_DATA_DIR": str(tmp_path / "child-data"),
    }


def test_kill_9_in_the_middle_of_an_import_leaves_the_park_old_or_complete(
    database: Database, tmp_path: Path
) -> None:
    old = park_sheets("Big Park", 100, 5, "old")
    new = park_sheets("Big Park", 800, 5, "new")  # the first 100 companies update old ones
    park_service.import_workbook(database, write_sheets(tmp_path / "old", old))
    path = write_sheets(tmp_path / "new", new)
    command = [sys.executable, "-m", "parkloop", "import", str(path), "--format", "json"]
    env = child_env(database, tmp_path)
    started = writing_started(database)
    child = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: started() or child.poll() is not None, "the import to start writing")
        assert child.poll() is None, "the import ended before it could be killed: make it bigger"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    after = Database.from_url(url_of(database))  # a fresh engine: SQLite replays its journal
    try:
        assert stored(after, "Big Park") in (expected(old), expected(new))
        # the park's lock died with the process: the same import now runs to the end
        assert not park_service.import_workbook(after, path).created
        assert stored(after, "Big Park") == expected(new)
    finally:
        after.dispose()


def serve_pausing(port: int, marker: str) -> None:
    """Run the web app, and stop for good in the commit of a transaction that updated a
    synergy, after writing ``marker``: every change is sent, none is committed.

    The test below starts this in a child process (``python -c``) and kills it there.
    """
    import uvicorn

    def flag(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE SYNERGIES"):
            connection.info["synergy_updated"] = True

    def pause(connection: Any) -> None:
        if connection.info.pop("synergy_updated", False):
            Path(marker).write_text("paused in commit\n", encoding="utf-8")
            time.sleep(600)

    def forget(connection: Any) -> None:
        connection.info.pop("synergy_updated", None)

    event.listen(Engine, "before_cursor_execute", flag)
    event.listen(Engine, "commit", pause)
    event.listen(Engine, "rollback", forget)
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running(
    command: list[str], env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process answering on ``port``; killed on the way out if still running."""
    server = subprocess.Popen(command, env=env, cwd=ROOT)

    def up() -> bool:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}")
        try:
            return httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0).status_code == 200
        except httpx2.HTTPError:
            return False

    try:
        wait_for(up, "the server to answer", timeout_s=60)
        yield server
    finally:
        server.kill()
        server.wait()


@contextmanager
def signed_in(port: int) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60.0) as client:
        token = token_on(client.get("/login").text)
        answer = client.post(
            "/login", data={"email": FACILITATOR, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 303, answer.text
        yield client


def move(client: httpx2.Client, synergy: int, version: int) -> httpx2.Response | Exception:
    """Ask the server to move ``synergy`` on to ``contacted``; the answer, or the error of a
    connection that broke."""
    token = token_on(client.get(f"/synergies/{synergy}").text)
    try:
        return client.post(
            f"/synergies/{synergy}/status",
            data={"status": "contacted", "version": str(version), "csrf_token": token},
        )
    except httpx2.HTTPError as exc:
        return exc


def test_kill_9_in_the_middle_of_a_synergy_status_change_leaves_it_unchanged(
    database: Database, tmp_path: Path
) -> None:
    park = park_service.import_workbook(
        database, write_sheets(tmp_path / "book", valid_sheets())
    ).park
    users.create_user(database, FACILITATOR, "Facilitator", PASSWORD)
    users.add_membership(database, Membership(FACILITATOR, Role.FACILITATOR, park))
    synergy = synergies.identify(database, park, "F1", "C2", by=FACILITATOR)
    env = child_env(database, tmp_path)
    marker = tmp_path / "paused"
    port = free_port()
    code = f"from tests.test_faults import serve_pausing; serve_pausing({port}, {str(marker)!r})"
    with (
        running([sys.executable, "-c", code], env, port) as server,
        signed_in(port) as client,
        ThreadPoolExecutor(1) as pool,
    ):
        answer = pool.submit(move, client, synergy, 1)
        wait_for(marker.exists, "the status change to reach its commit")
        server.send_signal(signal.SIGKILL)
        assert server.wait(timeout=30) == -signal.SIGKILL
        assert isinstance(answer.result(timeout=30), httpx2.HTTPError)

    after = Database.from_url(url_of(database))  # a fresh engine: SQLite replays its journal
    try:
        story, version = synergies.get(after, synergy)
        assert (story.status, version, len(story.history)) == (SynergyStatus.IDENTIFIED, 1, 1)
        # the app started again on the same database makes the change in full
        restarted = TestClient(create_app(after))
        assert sign_in(restarted, FACILITATOR).status_code == 303
        token = token_on(restarted.get(f"/synergies/{synergy}").text)
        moved = restarted.post(
            f"/synergies/{synergy}/status",
            data={"status": "contacted", "version": "1", "csrf_token": token},
            follow_redirects=False,
        )
        assert moved.status_code == 303
        story, version = synergies.get(after, synergy)
        assert (story.status, version, len(story.history)) == (SynergyStatus.CONTACTED, 2, 2)
    finally:
        after.dispose()


# --- PostgreSQL restarts ------------------------------------------------------------------------


def pg_ctl(*args: str) -> None:
    """Run the test server's ``pg_ctl`` (as the postgres user when we are root); ``restart``
    also starts a stopped server, with the options it last ran with."""
    assert PG_DATA and PG_BIN
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    log = str(Path(PG_DATA).parent / "server.log")
    subprocess.run(
        [*runner, str(Path(PG_BIN) / "pg_ctl"), "-D", PG_DATA, "-l", log, "-w", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture
def restartable(postgres_database: Database) -> Iterator[Database]:
    """The PostgreSQL test database, on a server this test may stop and start: it is running
    again afterwards, whatever the test did."""
    if not (PG_DATA and PG_BIN):
        message = (
            "PARKLOOP_TEST_POSTGRES_DATA / _BIN are not set: run under scripts/with-postgres.sh"
        )
        if os.environ.get("PARKLOOP_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield postgres_database
    finally:
        pg_ctl("restart", "-m", "fast")


class PauseOnce:
    """Hold the next statement that reads the parks table until ``go`` is set: a request
    in flight while the server goes away."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.armed = False
        self.holding = threading.Event()
        self.go = threading.Event()

    def __call__(self, _connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.armed and "FROM parks" in statement:
            self.armed = False
            self.holding.set()
            self.go.wait(timeout=30)

    def __enter__(self) -> PauseOnce:
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self)


def assert_unavailable(response: httpx2.Response, api: bool) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"]
    if api:
        assert response.json()["error"] == {
            "code": "database_unavailable",
            "message": UNAVAILABLE,
            "details": [],
        }
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert UNAVAILABLE in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("statement", "message", "unavailable"),
    [
        (None, "unable to open database file", True),
        ("UPDATE parks SET name = ?", "database is locked", True),
        ("SELECT parks.discount_rate FROM parks", "no such column: parks.discount_rate", False),
        ("SELECT * FROM missing", "no such table: missing", False),
    ],
)
def test_only_errors_of_reaching_the_database_count_as_unavailable(
    statement: str | None, message: str, unavailable: bool
) -> None:
    error = OperationalError(statement, None, sqlite3.OperationalError(message))
    assert database_unavailable(error) is unavailable
    assert database_unavailable(PoolTimeout("QueuePool limit reached")) is True
    assert database_unavailable(ValueError("not a database error")) is False


def test_postgresql_stop_and_restart_give_503_then_the_same_app_recovers(
    restartable: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = restartable
    park = park_service.import_workbook(
        database, write_sheets(tmp_path / "book", valid_sheets())
    ).park
    users.create_user(database, FACILITATOR, "Facilitator", PASSWORD)
    app = create_app(database)
    anonymous = TestClient(app, raise_server_exceptions=False)
    member = TestClient(app, raise_server_exceptions=False)
    assert sign_in(member, FACILITATOR).status_code == 303
    assert anonymous.get("/api/v1/parks").status_code == 200

    # a request in flight when the server stops
    with PauseOnce(database.engine) as pause, ThreadPoolExecutor(1) as pool:
        pause.armed = True
        in_flight = pool.submit(anonymous.get, "/api/v1/parks")
        assert pause.holding.wait(timeout=30)
        pg_ctl("stop", "-m", "fast")
        pause.go.set()
        assert_unavailable(in_flight.result(timeout=30), api=True)

    # requests while it is down: routes and the account lookup before them
    assert_unavailable(anonymous.get("/api/v1/parks"), api=True)
    assert_unavailable(anonymous.get("/"), api=False)
    assert_unavailable(member.get("/account"), api=False)
    assert_unavailable(member.get(f"/api/v1/parks/{park}"), api=True)

    pg_ctl("restart", "-m", "fast")
    assert anonymous.get("/api/v1/parks").json()[0]["name"] == park
    assert member.get("/account").status_code == 200

    # a restart under load: nothing but answers and 503s, then answers only
    statuses: list[int] = []
    stop = threading.Event()

    def browse(client: TestClient, path: str) -> None:
        while not stop.is_set():
            statuses.append(client.get(path).status_code)

    clients = [(anonymous, "/api/v1/parks"), (anonymous, "/"), (member, "/account")]
    with ThreadPoolExecutor(len(clients)) as pool:
        for client, path in clients:
            pool.submit(browse, client, path)
        time.sleep(0.3)
        pg_ctl("restart", "-m", "fast")
        time.sleep(0.3)
        stop.set()
    assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
    assert all(client.get(path).status_code == 200 for client, path in clients)

    logged = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    assert logged
    assert not any("postgresql" in m or "SELECT" in m or "127.0.0.1:" in m for m in logged)
