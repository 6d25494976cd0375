"""Live-assist latency: p50/p95/p99 of ``check_draft`` in process, on one core.

A 120-word draft is checked against a 10-message chat conversation, over and over, in one
thread pinned to one CPU core (BLAS/ONNX thread pools limited to one thread). Each run
edits the draft's last sentence, as typing does, so the new sentence is embedded again
while the conversation's sentences come from the checker's cache. The checker is built
once (models loaded, lexicons compiled) before the clock starts, as the HTTP service does.

Usage: python benchmarks/assist_bench.py [--runs 1000] [--fast]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime

from servicecoach.assist import DraftChecker
from servicecoach.assist.judge import CachedEmbedder, live_judge
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.testing import make_conversation

TURNS = [
    ("customer", "Hi, my Ridgeline jacket arrived yesterday with a torn zip. Order #5521."),
    ("agent", "Hi Dana, I'm so sorry about the zip - that's not what you should get from us."),
    ("customer", "I waited two weeks for it and I need it for a trip on Saturday."),
    ("agent", "I understand how worrying that is with your trip so close. Let me check stock."),
    ("customer", "Thanks. Can you send a new one rather than a refund?"),
    ("agent", "Yes, we have your size in the Leeds warehouse, so a replacement is possible."),
    ("customer", "Great. Do I need to send the torn one back first?"),
    ("agent", "No need to wait for that; I'll email you a free returns label."),
    ("customer", "OK. How fast can you ship it? Saturday is really close now!"),
    ("agent", "Let me look at the courier options for you."),
]
DRAFT = (
    "Thanks for waiting, Dana. I've checked with the courier and the fastest option is our "
    "next-day express service, which I've added to the replacement at no cost. The new "
    "jacket leaves the Leeds warehouse this afternoon and should reach you on Thursday, "
    "well before your trip on Saturday. You'll get an email with the tracking link within "
    "the hour. There's no need to send the torn one back first: the free returns label is "
    "in your inbox, and you can use it any time in the next 30 days. If the parcel hasn't "
    "arrived by Thursday evening, reply here and I'll sort out another option straight "
    "away. I'll check the tracking myself on Thursday morning at {hour} for you, Dana."
)


def _pin_one_core() -> str:
    """One thread pool thread, one CPU core (where the OS allows pinning); say which.

    Runs before the checker loads numpy and onnxruntime (importing servicecoach.assist
    loads neither), so their thread pools start with one thread.
    """
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity on this OS)"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _measure(checker: DraftChecker, conversation: Conversation, runs: int) -> list[float]:
    timings: list[float] = []
    for run in range(runs):
        draft = DRAFT.format(hour=f"{run % 12 + 1}:{run % 60:02d}")
        started = time.perf_counter()
        checker.check(conversation, draft)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _forget(checker: DraftChecker) -> None:
    """Empty every embedding cache: the checker's and the sentence model's own."""
    judge = checker.pipeline.judge
    embedder = getattr(judge, "embedder", None) if judge is not None else None
    if isinstance(embedder, CachedEmbedder):
        embedder.clear()
        embedder = embedder.embedder
    clear = getattr(embedder, "clear_cache", None)  # the Embedder's own cache, where it has one
    if clear is not None:
        clear()


def _measure_cold(checker: DraftChecker, conversation: Conversation, runs: int) -> list[float]:
    """The first check of a conversation: the embedding caches are emptied before each run."""
    timings: list[float] = []
    for run in range(runs):
        _forget(checker)
        draft = DRAFT.format(hour=f"{run % 12 + 1}:{run % 60:02d}")
        started = time.perf_counter()
        checker.check(conversation, draft)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _row(label: str, timings: list[float]) -> str:
    return (
        f"| {label} | {len(timings)} | {_percentile(timings, 0.50):.1f} "
        f"| {_percentile(timings, 0.95):.1f} | {_percentile(timings, 0.99):.1f} "
        f"| {max(timings):.1f} | {statistics.fmean(timings):.1f} |"
    )


def main() -> None:
    """Build the checker, time the checks, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1000, help="checks timed (at least 500)")
    parser.add_argument("--fast", action="store_true", help="rules only, no learned models")
    args = parser.parse_args()
    if args.runs < 500:
        sys.exit("--runs must be at least 500 for a p99")
    pinned = _pin_one_core()
    conversation = make_conversation(TURNS, channel=Channel.CHAT)
    words = len(DRAFT.format(hour="10:00").split())
    started = time.perf_counter()
    checker = DraftChecker(fast=True) if args.fast else DraftChecker(judge=live_judge(threads=1))
    build = time.perf_counter() - started
    _measure(checker, conversation, 20)  # warm caches and branch predictors
    timings = _measure(checker, conversation, args.runs)
    cold = _measure_cold(checker, conversation, max(100, args.runs // 10))
    mode = "rules only (--fast)" if args.fast else "learned models loaded"
    print(
        f"servicecoach live-assist benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {pinned}"
    )
    print(
        f"check_draft in process, one thread, {mode}: {len(TURNS)}-message chat, "
        f"{words}-word draft (checker built in {build:.2f} s)"
    )
    print(f"command: python {' '.join(sys.argv)}")
    print()
    print("| case | runs | p50 ms | p95 ms | p99 ms | max ms | mean ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(_row("typing: the draft's last sentence edited each run", timings))
    print(_row("first check of a new conversation (nothing cached)", cold))


if __name__ == "__main__":
    main()
