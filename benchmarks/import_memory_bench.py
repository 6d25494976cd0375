"""Peak memory and time of `servicecoach import` on large JSON exports: flat, not growing.

Generates, in a temporary folder deleted afterwards, a Zendesk JSON export of the
requested size (``{"tickets": [...]}`` on one line, each ticket with its comments and
its own synthetic text), imports it into a fresh SQLite database with nothing but
``servicecoach import --format zendesk -q`` in a child process, and reports that
process's peak resident memory (``ru_maxrss``) and its time. Memory that stays the same
from 100 MB to 1 GB shows the import streams the document instead of loading it.

For contrast, ``--compare-load`` also measures ``json.load`` of the smallest file (what
reading a document whole costs).

    python benchmarks/import_memory_bench.py --sizes 100 1000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "order", "parcel", "refund", "invoice", "delivery", "courier", "tracking", "address",
    "replacement", "warranty", "battery", "charger", "screen", "hinge", "zipper", "strap",
    "size", "colour", "return", "label", "account", "password", "login", "checkout",
    "discount", "voucher", "subscription", "renewal", "payment", "card", "bank", "transfer",
    "week", "today", "tomorrow", "morning", "please", "thanks", "sorry", "help", "broken",
    "missing", "late", "wrong", "damaged",
)  # fmt: skip
CHANNELS = ("email", "web", "chat", "api")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice((".", "?", "!"))


def _ticket(number: int, rng: random.Random) -> dict[str, object]:
    requester = 10_000 + number % 5000
    agent = 500 + number % 40
    minute = number * 7
    comments = []
    for index in range(rng.randint(2, 8)):
        author = requester if index % 2 == 0 else agent
        at = minute + index * 13
        body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 6)))
        comments.append(
            {
                "id": number * 100 + index,
                "author_id": author,
                "public": not (index and rng.random() < 0.1),
                "created_at": f"2024-{1 + at // 40320 % 12:02d}-{1 + at // 1440 % 28:02d}T"
                f"{at // 60 % 24:02d}:{at % 60:02d}:00Z",
                "body": body,
            }
        )
    return {
        "id": number,
        "requester_id": requester,
        "via": {"channel": rng.choice(CHANNELS)},
        "subject": _sentence(rng),
        "status": "solved",
        "tags": ["bench"],
        "comments": comments,
    }


def write_export(path: Path, megabytes: int, seed: int = 12) -> tuple[int, int]:
    """Write a ``{"tickets": [...]}`` export of about ``megabytes`` MB; (tickets, comments)."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    tickets = comments = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets": [')
        written = 14
        while written < target:
            ticket = _ticket(tickets + 1, rng)
            text = ("," if tickets else "") + json.dumps(ticket, separators=(",", ":"))
            out.write(text)
            written += len(text)
            tickets += 1
            comments += len(ticket["comments"])  # type: ignore[arg-type]
        out.write(f'], "count": {tickets}}}')
    return tickets, comments


_CHILD = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(code, elapsed, peak)
"""


def measure(command: list[str]) -> tuple[int, float, float]:
    """Run ``command`` in a fresh parent; (exit code, seconds, peak RSS in MiB)."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *command], capture_output=True, text=True, check=True
    )
    code, seconds, peak_kib = result.stdout.split()[-3:]
    return int(code), float(seconds), int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="MB")
    parser.add_argument("--compare-load", action="store_true", help="json.load the smallest")
    args = parser.parse_args()
    servicecoach = shutil.which("servicecoach") or "servicecoach"
    _, base_s, base_rss = measure([servicecoach, "formats"])
    print(f"baseline `servicecoach formats`: {base_rss:.0f} MiB peak RSS, {base_s:.1f} s")
    print("| export | tickets | comments | import time | MB/s | peak RSS |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="sc-membench-") as folder:
        for size in sorted(args.sizes):
            export = Path(folder) / f"tickets_{size}mb.json"
            started = time.perf_counter()
            tickets, comments = write_export(export, size)
            made = time.perf_counter() - started
            db = Path(folder) / f"bench_{size}.db"
            command = [servicecoach, "import", str(export), "--format", "zendesk"]
            code, seconds, rss = measure([*command, "--db", str(db), "-q"])
            actual = export.stat().st_size / 1e6
            status = "" if code == 0 else f" (exit {code})"
            print(
                f"| {actual:.0f} MB{status} | {tickets:,} | {comments:,} | {seconds:.0f} s "
                f"| {actual / seconds:.1f} | {rss:.0f} MiB |",
                flush=True,
            )
            print(f"  (generated in {made:.0f} s)", file=sys.stderr)
            if args.compare_load and size == min(args.sizes):
                load = [sys.executable, "-c", f"import json; json.load(open({str(export)!r}))"]
                _, load_s, load_rss = measure(load)
                print(
                    f"  json.load of the {actual:.0f} MB file: {load_rss:.0f} MiB, {load_s:.1f} s"
                )
            export.unlink()
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
