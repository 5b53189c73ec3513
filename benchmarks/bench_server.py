"""Benchmark: the HTTP service (``sep serve``) answering single graduation decisions (4.3.5).

Compares, in one run, against one uvicorn server process on the loopback interface:

* ``sep``: ``POST /v1/check/graduation`` with a typical incubatee's named inputs, the
  full decision record back (criteria, parameters, why-not, digest);
* the baseline: the *same* application (same framework, same error handlers) answering
  ``POST /bench/constant`` with a constant JSON document of the same size as the
  decision, after reading the same body. The ratio says what ``sep``'s own work costs next
  to the framework's overhead (goal: ratio >= 0.5).

Each phase runs for a bounded time, in alternating rounds (the median round is
reported), with 8 concurrent clients (threads, one keep-alive connection each) after a
warm-up; it reports requests per second, p50 and p99 latency and the errors (any non-200
answer or transport error; the goal is none).

Run: ``python benchmarks/bench_server.py`` (``--seconds`` per phase, default 5;
``--clients``, default 8; ``--quick`` for 1 s phases). Needs the ``server`` extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import uvicorn
from fastapi import Request
from starlette.responses import Response

from sep.evaluation import check_graduation
from sep.server import create_app

FACTS = {
    "revenue": "12,500,000",
    "profit": "1,800,000",
    "operating_cash_flow": {"2025Q1": "300000", "2025Q2": "350000", "2025Q3": "320000",
                            "2025Q4": "410000"},
    "organisation_complete": True,
    "needs_platform_services": False,
    "listed": False,
}  # fmt: skip
BODY = json.dumps({"facts": FACTS, "on": "2026-06-30"}).encode()


def _serve(port: int) -> None:
    """Run the service plus the constant-document route (the baseline) on ``port``."""
    app = create_app()
    size = len(check_graduation(FACTS, on=dt.date(2026, 6, 30)).to_json().encode())
    constant = json.dumps({"padding": "x" * max(0, size - 16)}).encode()

    async def constant_route(request: Request) -> Response:
        await request.body()
        return Response(constant, media_type="application/json")

    app.add_api_route("/bench/constant", constant_route, methods=["POST"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


ROUNDS = 3


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    middle = sorted(runs, key=lambda r: r["per_second"])[len(runs) // 2]
    return {**middle, "errors": sum(r["errors"] for r in runs)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _phase(base: str, path: str, seconds: float, clients: int) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    sizes: set[int] = set()
    stop = time.monotonic() + seconds
    headers = {"content-type": "application/json"}

    def work(i: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    r = client.post(path, content=BODY, headers=headers)
                    ok = r.status_code == 200
                    sizes.add(len(r.content))
                except httpx.HTTPError:
                    ok = False
                latencies[i].append(time.perf_counter() - start)
                errors[i] += not ok

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    every = sorted(x for one in latencies for x in one)
    n = len(every)
    return {
        "requests": n,
        "per_second": n / elapsed,
        "p50_ms": 1000 * statistics.median(every) if every else float("nan"),
        "p99_ms": 1000 * every[min(n - 1, int(0.99 * n))] if every else float("nan"),
        "errors": sum(errors),
        "bytes": sorted(sizes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return 0
    seconds = 1.0 if args.quick else min(args.seconds, 60.0)
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 2
                time.sleep(0.1)
        for path in ("/v1/check/graduation", "/bench/constant"):
            _phase(base, path, min(1.0, seconds), args.clients)  # warm-up
        # Alternate the two phases in short rounds so that a noisy machine weighs on both
        # alike; each figure is the median round.
        rounds: dict[str, list[dict[str, Any]]] = {"sep decision": [], "constant JSON": []}
        for _ in range(ROUNDS):
            for name, path in (("sep decision", "/v1/check/graduation"),
                               ("constant JSON", "/bench/constant")):  # fmt: skip
                rounds[name].append(_phase(base, path, seconds / ROUNDS, args.clients))
        results = {name: _median(runs) for name, runs in rounds.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{args.clients} clients, {seconds:.0f} s per phase in {ROUNDS} alternating rounds "
        "(median round), loopback, one uvicorn worker"
    )
    print(f"{'':16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}  bytes")
    for name, r in results.items():
        print(
            f"{name:16}{r['per_second']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
            f"{r['errors']:>8}  {r['bytes']}"
        )
    ratio = results["sep decision"]["per_second"] / results["constant JSON"]["per_second"]
    print(f"ratio sep / constant: {ratio:.2f} (goal >= 0.5)")
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
