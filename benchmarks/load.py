"""Load test: concurrent users browsing the demo park against real web workers.

Run (PostgreSQL is started by the script it runs under)::

    scripts/with-postgres.sh .venv/bin/python benchmarks/load.py --users 50 --seconds 120

Starts ``uvicorn`` with ``--workers`` processes on the database named by
``PARKLOOP_TEST_POSTGRES_URL`` (or ``PARKLOOP_DATABASE_URL``) and loads the demo park with its
demo accounts. Before the measured window starts, every virtual user signs in as a company
member and visits every address of the mix once, all at once (fresh workers load reference data
and fill their park cache on first use; ``--no-warm-up`` leaves the visits out). Then each user
loops over a browsing mix (park page, company page, synergy board, inventory, toolbox; API reads
of flows, companies and the report), pausing between requests as a reader does (``--think``;
each user draws its own random sequence and, with pauses, starts after a random part of one,
so that users are not in step).
Prints requests per second, the error count, latency percentiles [ms] for pages and for API
reads and per address, the sign-in and warm-up times, and the machine's load average before and
after the run (other work on the machine skews the latencies). Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx2

from parkloop.services import demo
from parkloop.services import parks as park_service
from parkloop.services.database import Database

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def sign_in(client: httpx2.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    token = CSRF.search(page.text)
    assert token, "no CSRF token on the sign-in page"
    response = await client.post(
        "/login",
        data={"email": email, "password": demo.DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    response.raise_for_status()


def mix(park: str) -> tuple[list[str], list[str]]:
    """The pages and the API reads a user picks from."""
    quoted = quote(park)
    pages = [
        f"/parks/{quoted}",
        f"/parks/{quoted}/companies/C01",
        f"/parks/{quoted}/synergies",
        f"/parks/{quoted}/inventory",
        "/toolbox",
    ]
    api = [
        f"/api/v1/parks/{quoted}/flows?limit=100",
        f"/api/v1/parks/{quoted}/companies",
        f"/api/v1/parks/{quoted}/report",
    ]
    return pages, api


async def user(
    think: tuple[float, float],
    client: httpx2.AsyncClient,
    email: str,
    number: int,
    park: str,
    until: float,
    samples: dict[str, list[float]],
    by_path: dict[str, list[float]],
    errors: list[str],
) -> None:
    pages, api = mix(park)
    rng = random.Random(f"{email} {number}")  # each user its own sequence
    if think[1] > 0:  # users are at different points of their reading, not in step
        await asyncio.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < until:
        kind = "api" if rng.random() < 0.4 else "page"
        path = rng.choice(api if kind == "api" else pages)
        start = time.perf_counter()
        try:
            response = await client.get(path)
            if response.status_code >= 400:
                errors.append(f"{response.status_code} {path}")
        except httpx2.HTTPError as exc:
            errors.append(f"{type(exc).__name__} {path}")
            continue
        elapsed_ms = (time.perf_counter() - start) * 1000
        samples[kind].append(elapsed_ms)
        by_path.setdefault(path, []).append(elapsed_ms)
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))


async def timed_sign_in(client: httpx2.AsyncClient, email: str, took_ms: list[float]) -> None:
    start = time.perf_counter()
    await sign_in(client, email)
    took_ms.append((time.perf_counter() - start) * 1000)


async def reconnected(client: httpx2.AsyncClient) -> httpx2.AsyncClient:
    """The same signed-in user on new connections.

    Users who finished a phase early wait for the others; the server closes connections idle
    for longer than its keep-alive time, and a request sent just as it does fails. The old
    connections are closed and the cookies carried over instead.
    """
    fresh = httpx2.AsyncClient(
        base_url=client.base_url, timeout=30.0, follow_redirects=True, cookies=client.cookies
    )
    await client.aclose()
    return fresh


async def warm_up(
    client: httpx2.AsyncClient, park: str, took_ms: list[float], errors: list[str]
) -> None:
    """Visit every address of the mix once (fresh workers load their data on first use)."""
    pages, api = mix(park)
    for path in [*pages, *api]:
        start = time.perf_counter()
        response = await client.get(path)
        if response.status_code >= 400:
            errors.append(f"warm-up {response.status_code} {path}")
        took_ms.append((time.perf_counter() - start) * 1000)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--warm-up",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="have every user visit every address once before the measured window",
    )
    parser.add_argument(
        "--think",
        default="1,3",
        help="seconds a user pauses between requests, drawn uniformly from MIN,MAX (0,0: none)",
    )
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    think = (low, high)
    url = os.environ.get("PARKLOOP_TEST_POSTGRES_URL") or os.environ.get("PARKLOOP_DATABASE_URL")
    if not url:
        print("set PARKLOOP_DATABASE_URL or run under scripts/with-postgres.sh", file=sys.stderr)
        return 2
    database = Database.from_url(url)
    database.migrate()
    park = park_service.load_demo(database).park
    people = demo.load_demo_activity(database, park)
    members = [p.email for p in people if p.company_id]
    database.dispose()
    port = free_port()
    env = dict(os.environ, PARKLOOP_DATABASE_URL=url, PARKLOOP_SESSION_IDLE_MINUTES="60")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "parkloop.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.5)
        samples: dict[str, list[float]] = {"page": [], "api": []}
        by_path: dict[str, list[float]] = {}
        errors: list[str] = []
        signing_in: list[float] = []
        warming: list[float] = []
        window: list[float] = []

        async def run() -> None:
            emails = [members[i % len(members)] for i in range(args.users)]
            clients = [
                httpx2.AsyncClient(base_url=base, timeout=30.0, follow_redirects=True)
                for _ in emails
            ]
            try:
                # Everyone signs in at once (and, unless --no-warm-up, visits every address
                # once) before the measured browsing starts.
                await asyncio.gather(
                    *(timed_sign_in(c, e, signing_in) for c, e in zip(clients, emails, strict=True))
                )
                if args.warm_up:
                    clients[:] = [await reconnected(c) for c in clients]
                    await asyncio.gather(*(warm_up(c, park, warming, errors) for c in clients))
                clients[:] = [await reconnected(c) for c in clients]
                started = time.perf_counter()
                until = time.monotonic() + args.seconds
                await asyncio.gather(
                    *(
                        user(think, c, e, i, park, until, samples, by_path, errors)
                        for i, (c, e) in enumerate(zip(clients, emails, strict=True))
                    )
                )
                window.append(time.perf_counter() - started)
            finally:
                for client in clients:
                    await client.aclose()

        load_before = os.getloadavg()
        asyncio.run(run())
        elapsed = window[0]
        load_after = os.getloadavg()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    total = len(samples["page"]) + len(samples["api"])
    print(
        f"load test · {args.users} users (think {args.think} s) · {args.workers} workers · "
        f"PostgreSQL · warm-up {'on' if args.warm_up else 'off'} · "
        f"{elapsed:.0f} s · Python {sys.version.split()[0]}"
    )
    print(f"requests: {total} ({total / elapsed:.1f} per s), errors: {len(errors)}")
    before, after = (" ".join(f"{x:.2f}" for x in load) for load in (load_before, load_after))
    print(f"load average (1/5/15 min) before: {before}, after: {after}")
    for kind in ("page", "api"):
        values = samples[kind]
        print(
            f"{kind:>5}: n={len(values)} p50 {percentile(values, 50):.0f} ms, "
            f"p95 {percentile(values, 95):.0f} ms, p99 {percentile(values, 99):.0f} ms"
        )
    for path, values in sorted(by_path.items()):
        print(
            f"       {path}: n={len(values)} p50 {percentile(values, 50):.0f} ms, "
            f"p95 {percentile(values, 95):.0f} ms"
        )
    print(
        f"sign-in (all {args.users} at once, before the run): "
        f"p50 {percentile(signing_in, 50):.0f} ms, max {max(signing_in):.0f} ms"
    )
    if warming:
        print(
            f"warm-up (not counted above): n={len(warming)} p50 {percentile(warming, 50):.0f} ms, "
            f"p95 {percentile(warming, 95):.0f} ms, max {max(warming):.0f} ms"
        )
    if errors:
        print("first errors:", ", ".join(errors[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
