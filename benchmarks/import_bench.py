"""Bulk import benchmark: generate a large file, import it twice with the real CLI.

Prints messages per second and the peak memory (max RSS) of the import process for the
first import (all inserts) and the re-import (all updates). The generated conversations
are synthetic (random words from a small vocabulary written here), so they carry no
data from any corpus.

Usage: python benchmarks/import_bench.py [--messages 200000] [--format jsonl|twcs]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "order",
    "tent",
    "pole",
    "delivery",
    "refund",
    "jacket",
    "size",
    "boots",
    "login",
    "password",
    "account",
    "package",
    "tracking",
    "late",
    "broken",
    "replace",
    "exchange",
    "warranty",
    "store",
    "online",
    "app",
    "payment",
    "card",
    "help",
    "thanks",
    "please",
    "today",
    "tomorrow",
    "week",
    "sorry",
    "check",
    "update",
    "email",
    "phone",
    "chat",
    "invoice",
]
PER_CONVERSATION = 5


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize() + "."


def generate_jsonl(path: Path, messages: int, seed: int = 7) -> int:
    """Write ``messages`` messages in conversations of five; return the conversation count."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    conversations = messages // PER_CONVERSATION
    with path.open("w", encoding="utf-8") as handle:
        for n in range(conversations):
            customer = n % max(1, conversations // 2)  # every customer has ~2 conversations
            at = start + timedelta(minutes=7 * n)
            record = {
                "format": 1,
                "id": f"bench-{n}",
                "channel": ("email", "chat", "social", "phone")[n % 4],
                "public": n % 4 == 2,
                "customer": {
                    "id": f"cust-{customer}",
                    "name": f"Customer {customer}",
                    "email": f"customer{customer}@example.com",
                },
                "messages": [
                    {
                        "id": f"m{i}",
                        "role": "customer" if i % 2 == 0 else "agent",
                        "at": (at + timedelta(minutes=3 * i)).isoformat().replace("+00:00", "Z"),
                        "text": _sentence(rng),
                    }
                    for i in range(PER_CONVERSATION)
                ],
                "meta": {},
            }
            handle.write(json.dumps(record) + "\n")
    return conversations


def generate_twcs(path: Path, messages: int, seed: int = 7) -> int:
    """Write a Twitter-corpus CSV of threads of five tweets; return the thread count."""
    rng = random.Random(seed)
    start = datetime(2017, 10, 1, tzinfo=UTC)
    threads = messages // PER_CONVERSATION
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["tweet_id", "author_id", "inbound", "created_at", "text",
             "response_tweet_id", "in_response_to_tweet_id"]
        )  # fmt: skip
        tweet = 1
        for n in range(threads):
            customer = str(100000 + n % max(1, threads // 2))
            ids = list(range(tweet, tweet + PER_CONVERSATION))
            tweet += PER_CONVERSATION
            for i, tid in enumerate(ids):
                inbound = i % 2 == 0
                at = start + timedelta(minutes=7 * n + 3 * i)
                writer.writerow([
                    tid,
                    customer if inbound else "NorthwindHelp",
                    inbound,
                    at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                    ("@NorthwindHelp " if inbound else f"@{customer} ") + _sentence(rng),
                    ids[i + 1] if i + 1 < len(ids) else "",
                    f"{ids[i - 1]}.0" if i else "",
                ])  # fmt: skip
    return threads


def _run_import(path: Path, db: Path) -> tuple[float, float, dict[str, object]]:
    """Import with the real CLI in a child process; return seconds, peak MiB, report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "servicecoach", "import", str(path), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stderr}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak_kib, before) / 1024, json.loads(done.stdout)


def main() -> None:
    """Generate, import twice, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--format", choices=("jsonl", "twcs"), default="jsonl")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="servicecoach-bench-") as folder:
        path = Path(folder) / ("bench.jsonl" if args.format == "jsonl" else "bench.csv")
        generate = generate_jsonl if args.format == "jsonl" else generate_twcs
        conversations = generate(path, args.messages)
        size_mib = path.stat().st_size / 2**20
        db = Path(folder) / "bench.db"
        print(f"servicecoach import benchmark — {datetime.now(UTC):%Y-%m-%d}, "
              f"{platform.python_implementation()} {platform.python_version()}, "
              f"{os.cpu_count()} CPUs")  # fmt: skip
        print(f"input: {args.format}, {conversations} conversations, {args.messages} messages, "
              f"{size_mib:.1f} MiB")  # fmt: skip
        for label in ("first import (inserts)", "re-import (updates)"):
            seconds, peak, report = _run_import(path, db)
            rate = int(report["messages"]) / seconds  # type: ignore[call-overload]
            print(f"{label:<24} {seconds:6.1f} s  {rate:9,.0f} messages/s  "
                  f"peak RSS {peak:6.0f} MiB  (new {report['conversations_new']}, "
                  f"updated {report['conversations_updated']}, customers "
                  f"+{report['customers_new']})")  # fmt: skip
        print(f"database: {db.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
