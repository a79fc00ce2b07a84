"""Load test: concurrent users browsing the demo park against real web workers.

Run (PostgreSQL is started by the script it runs under)::

    scripts/with-postgres.sh .venv/bin/python benchmarks/load.py --users 50 --seconds 120

Starts ``uvicorn`` with ``--workers`` processes on the database named by
``PARKLOOP_TEST_POSTGRES_URL`` (or ``PARKLOOP_DATABASE_URL``), loads the demo park with its demo
accounts, signs every virtual user in as a company member, then has each user loop over a
browsing mix (park page, company page, synergy board, inventory, toolbox; API reads of flows,
companies and the report), pausing between requests as a reader does (``--think``). Prints
requests per second, the error count and latency percentiles [ms] for pages and for API reads.
Asserts nothing.
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


async def user(
    think: tuple[float, float],
    base: str,
    email: str,
    park: str,
    until: float,
    samples: dict[str, list[float]],
    errors: list[str],
) -> None:
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
    rng = random.Random(email)
    async with httpx2.AsyncClient(base_url=base, timeout=30.0, follow_redirects=True) as client:
        await sign_in(client, email)
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
            samples[kind].append((time.perf_counter() - start) * 1000)
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))


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
        errors: list[str] = []

        async def run() -> None:
            until = time.monotonic() + args.seconds
            await asyncio.gather(
                *(
                    user(think, base, members[i % len(members)], park, until, samples, errors)
                    for i in range(args.users)
                )
            )

        started = time.perf_counter()
        asyncio.run(run())
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    total = len(samples["page"]) + len(samples["api"])
    print(
        f"load test · {args.users} users (think {args.think} s) · {args.workers} workers · "
        "PostgreSQL · "
        f"{elapsed:.0f} s · Python {sys.version.split()[0]}"
    )
    print(f"requests: {total} ({total / elapsed:.1f} per s), errors: {len(errors)}")
    for kind in ("page", "api"):
        values = samples[kind]
        print(
            f"{kind:>5}: n={len(values)} p50 {percentile(values, 50):.0f} ms, "
            f"p95 {percentile(values, 95):.0f} ms, p99 {percentile(values, 99):.0f} ms"
        )
    if errors:
        print("first errors:", ", ".join(errors[:5]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
