"""Live-assist latency over HTTP: p50/p95/p99 of ``POST /v1/assist`` on loopback, bounded load.

Starts the real service (``servicecoach serve``, uvicorn, a temporary SQLite store with
one API token) in a child process on 127.0.0.1, waits until it answers, then sends
``--requests`` requests from ``--concurrency`` clients at once (each a thread with its
own keep-alive connection; a client sends its next request when the answer to the last
one arrives, so at most ``--concurrency`` requests are in flight). Each request carries
the 10-message chat and the 120-word draft of ``assist_bench.py``, with the draft's
last sentence edited, as typing does. Latency is measured by the client: connection,
authentication, JSON in and out, and the check. The load generator runs on the same
machine as the server and takes CPU from it.

Usage: python benchmarks/assist_http_bench.py [--requests 2000] [--concurrency 4]
       [--workers 1] [--fast]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assist_bench import DRAFT, TURNS

from servicecoach.model.conversation import Channel
from servicecoach.model.native import conversation_to_dict
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from servicecoach.testing import make_conversation


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _start(db: Path, port: int, workers: int, fast: bool) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "servicecoach", "serve", "--db", str(db), "--port", str(port),
        "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    if fast:
        command.append("--fast")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICECOACH_")}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(server: subprocess.Popen[bytes], base: str, seconds: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if server.poll() is not None:
            error = server.stderr.read().decode() if server.stderr else ""
            sys.exit(f"the service stopped ({server.returncode}): {error}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(f"the service did not answer within {seconds:.0f} s")


def _client(
    base: str, token: str, bodies: list[bytes], timings: list[float], errors: list[str]
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for body in bodies:
            started = time.perf_counter()
            response = client.post("/v1/assist", content=body)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text[:200]}")
                continue
            timings.append(elapsed)


def _bodies(count: int, offset: int) -> list[bytes]:
    conversation = conversation_to_dict(make_conversation(TURNS, channel=Channel.CHAT))
    out = []
    for run in range(offset, offset + count):
        draft = DRAFT.format(hour=f"{run % 12 + 1}:{run % 60:02d}")
        out.append(json.dumps({"conversation": conversation, "draft": draft}).encode())
    return out


def _load(
    base: str, token: str, requests: int, concurrency: int
) -> tuple[list[float], list[str], float]:
    share = [requests // concurrency + (i < requests % concurrency) for i in range(concurrency)]
    timings: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_client, args=(base, token, _bodies(n, 1000 * i), timings, errors))
        for i, n in enumerate(share)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - started


def main() -> None:
    """Start the service, load it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests timed (>= 500)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--fast", action="store_true", help="rules only, no learned models")
    args = parser.parse_args()
    if args.requests < 500:
        sys.exit("--requests must be at least 500 for a p99")
    with tempfile.TemporaryDirectory(prefix="servicecoach-http-bench-") as folder:
        db = Path(folder) / "bench.db"
        with Store.open(db) as store, store.begin() as connection:
            token = create_token(connection, "benchmark").secret
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start(db, port, args.workers, args.fast)
        try:
            ready = _wait(server, base)
            _load(base, token, 40, args.concurrency)  # warm up every worker and connection
            timings, errors, seconds = _load(base, token, args.requests, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if errors:
        sys.exit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    mode = "rules only (--fast)" if args.fast else "learned models loaded"
    words = len(DRAFT.format(hour="10:00").split())
    print(
        f"servicecoach live-assist HTTP benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"POST /v1/assist on loopback, uvicorn with {args.workers} worker(s), {mode}: "
        f"{len(TURNS)}-message chat, {words}-word draft, {args.requests} requests from "
        f"{args.concurrency} concurrent clients (service ready in {ready:.1f} s)"
    )
    print()
    print("| p50 ms | p95 ms | p99 ms | max ms | mean ms | requests/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {_percentile(timings, 0.50):.1f} | {_percentile(timings, 0.95):.1f} "
        f"| {_percentile(timings, 0.99):.1f} | {max(timings):.1f} "
        f"| {statistics.fmean(timings):.1f} | {len(timings) / seconds:.0f} |"
    )


if __name__ == "__main__":
    main()
