"""Scaling: does import and analysis of a store stay linear in time and flat in memory?

For each size (default 100k, 300k and 1M messages) this generates the support-like corpus
of ``support_corpus.py`` (written to disk conversation by conversation, never held in
memory), then runs the real command line in child processes on a fresh SQLite store:

- ``servicecoach import FILE --db STORE``;
- ``servicecoach analyze --db STORE --fast`` (rules only: a new run of every stored
  conversation, each with its customer's earlier conversations as history);
- with ``--full SIZE ...``, also ``servicecoach analyze --db STORE`` (learned models too)
  at those sizes; about 600 messages/s on the 2-core machine, so 1M would take 30 min.

Each step reports wall seconds, CPU seconds (user + system of that child alone, from
``wait4``), messages per second, CPU microseconds per message, and the child's peak RSS.
The same steps on a tiny store (``--baseline``, 200 messages) measure the fixed cost
(Python start-up, imports, model load), which the "net" column subtracts before
dividing by the messages. CPU time is the fair measure on a machine shared with other
jobs; linear means the CPU microseconds per message stay flat across sizes, and flat
memory means the peak RSS does.

Everything is written to a temporary folder deleted afterwards (the 1M store is 1.3 GB
after the --fast run, its corpus 240 MB; ``--keep`` keeps them and prints where).

Usage: python benchmarks/scaling_bench.py [--sizes 100000 300000 1000000] [--full 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support_corpus import generate

DEFAULT_SIZES = (100_000, 300_000, 1_000_000)


@dataclass(frozen=True, slots=True)
class Step:
    """One command's figures: what it did and what it cost its own process."""

    step: str
    messages: int
    conversations: int
    wall_s: float
    cpu_s: float
    peak_mib: float

    def row(self, fixed_cpu_s: float | None) -> str:
        """A markdown table row; ``fixed_cpu_s`` (the tiny run's CPU) gives the net column."""
        rate = self.messages / self.wall_s
        per = self.cpu_s / self.messages * 1e6
        net = (
            ""
            if fixed_cpu_s is None
            else f"{(self.cpu_s - fixed_cpu_s) / self.messages * 1e6:,.0f}"
        )
        return (
            f"| {self.step} | {self.messages:,} | {self.conversations:,} | {self.wall_s:,.1f} "
            f"| {self.cpu_s:,.1f} | {rate:,.0f} | {per:,.0f} | {net} | {self.peak_mib:,.0f} |"
        )


HEADER = (
    "| step | messages | conversations | wall s | CPU s | messages/s | CPU µs/message "
    "| net of start-up µs/message | peak RSS MiB |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _run(arguments: list[str]) -> tuple[float, float, float, dict[str, Any]]:
    """Run ``servicecoach ARGUMENTS --json`` as a child; return wall s, CPU s, peak MiB, output.

    The CPU and the peak are that child's own (``wait4``), not every child's so far.
    """
    command = [sys.executable, "-m", "servicecoach", *arguments, "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        sys.exit(f"{' '.join(arguments[:2])} failed ({code}): {stderr[-2000:]}{stdout[:2000]}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, json.loads(stdout)


def bench(
    folder: Path,
    messages: int,
    full: bool,
    label: str = "",
    keep: bool = False,
    analyse: bool = True,
) -> list[Step]:
    """Generate ``messages`` messages, import them into a new store, analyse it.

    The corpus and the store are deleted afterwards (so that the next size has the disk)
    unless ``keep``.
    """
    corpus = folder / f"corpus-{messages}.jsonl"
    store = folder / f"store-{messages}.db"
    started = time.perf_counter()
    conversations = generate(corpus, messages)
    print(f"{messages:,} messages in {conversations:,} conversations generated "
          f"({corpus.stat().st_size / 2**20:,.0f} MiB, {time.perf_counter() - started:.0f} s)",
          flush=True)  # fmt: skip
    name = label or f"{messages:,}"
    wall, cpu, peak, report = _run(["import", str(corpus), "--db", str(store)])
    if report["messages"] != messages or report["conversations_new"] != conversations:
        sys.exit(f"import read {report['messages']} messages, not {messages}: {report}")
    steps = [Step(f"{name} import", messages, conversations, wall, cpu, peak)]
    modes = [("analyze --fast", ["--fast"])] + ([("analyze (full)", [])] if full else [])
    modes = modes if analyse else []
    for mode, extra in modes:
        wall, cpu, peak, result = _run(["analyze", "--db", str(store), *extra])
        if result["conversations"] != conversations:
            sys.exit(f"{mode} analysed {result['conversations']}, not {conversations}")
        steps.append(Step(f"{name} {mode}", messages, conversations, wall, cpu, peak))
    for step in steps:
        print(f"  {step.step}: {step.wall_s:.1f} s wall, {step.cpu_s:.1f} s CPU, "
              f"{step.cpu_s / messages * 1e6:.0f} µs/message, peak {step.peak_mib:.0f} MiB",
              flush=True)  # fmt: skip
    database = sum(p.stat().st_size for p in folder.glob(f"store-{messages}.db*"))
    print(f"  store: {database / 2**20:,.0f} MiB", flush=True)
    if not keep:
        for written in (corpus, *folder.glob(f"store-{messages}.db*")):
            written.unlink()
    return steps


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True, cwd=Path(__file__).parent,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    """Run every size, smallest first, and print one markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument(
        "--full", type=int, nargs="*", default=[], metavar="SIZE",
        help="sizes at which to run the full analysis (learned models) too",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", type=int, default=200,
        help="messages of the tiny run that measures start-up (0: none)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--import-only", action="store_true", help="time the import alone")
    args = parser.parse_args(argv)
    command = "python benchmarks/scaling_bench.py " + " ".join(
        ["--sizes", *map(str, args.sizes)]
        + (["--full", *map(str, args.full)] if args.full else [])
        + (["--import-only"] if args.import_only else [])
    )
    print(f"servicecoach scaling benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"commit {_commit()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="servicecoach-scaling-"))
    try:
        fixed: dict[str, float] = {}
        steps: list[Step] = []
        if args.baseline:
            tiny = bench(
                folder, args.baseline, bool(args.full), "start-up", analyse=not args.import_only
            )
            fixed = {step.step.split(" ", 1)[1]: step.cpu_s for step in tiny}
            steps += tiny
        for size in sorted(args.sizes):
            steps += bench(
                folder, size, size in args.full, keep=args.keep, analyse=not args.import_only
            )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(HEADER)
    for step in steps:
        kind = step.step.split(" ", 1)[1]
        small = step.step.startswith("start-up")
        print(step.row(None if small or kind not in fixed else fixed[kind]))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}; command: {command}")


if __name__ == "__main__":
    main()
