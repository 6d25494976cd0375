"""Live-assist time against draft size: linear up to the cap, whatever the draft's shape.

``DraftChecker.check`` is timed, in process on one core, for drafts from 1 KiB up to the
cap (20,000 characters) of several shapes: realistic support replies, and texts built
to hit what used to be quadratic or worse (one sentence without punctuation, thousands
of "?" or of lines, one repeated word, long @handles and links, abbreviations, one
long word, quotation marks, "I've ... you'll" in one line). Then the conversation side
at its caps (200 messages, 50,000 characters), ordinary and built to be hard, with the
first check of a conversation apart (its sentences embedded, with the learned models).
Each figure is the median of ``--repeat`` checks; the last column, microseconds per
character of draft, stays flat when the time is linear.

Usage: python benchmarks/assist_size_bench.py [--fast] [--repeat 3] [--sizes 1024 ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from servicecoach.assist import DraftChecker
from servicecoach.assist.judge import CachedEmbedder
from servicecoach.assist.limits import MAX_CONTEXT_CHARS, MAX_DRAFT_CHARS, MAX_MESSAGES
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.testing import make_conversation

SIZES = (1024, 2048, 4096, 8192, 16384, MAX_DRAFT_CHARS)

REPLY = [
    "Hi Dana, thanks for getting in touch and I'm so sorry your jacket arrived with a torn zip.",
    "I can see how frustrating that is after waiting two weeks for it.",
    "Unfortunately we can't refund it until it is back in our warehouse.",
    "What I can do is send a replacement by express today, so it reaches you on Thursday.",
    "Could you confirm the order number, NW-5521, is the one you mean?",
    "I've added free returns and you'll get the label by email within the hour.",
    "If the parcel hasn't arrived by Thursday evening, reply here and I'll sort it out.",
    'You said "it tore the first time I used it", which should never happen.',
    "Our policy doesn't allow refunds on opened items, but a replacement is fine.",
    "Is there anything else I can help with today?",
    "Have a great trip on Saturday!",
    "Best wishes, Sam",
]
"""Sentences of agents' replies, written for this benchmark."""


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


DRAFTS: dict[str, Callable[[int], str]] = {
    "realistic replies": lambda n: _fill(" ".join(REPLY) + "\n\n", n),
    "one sentence, no punctuation": lambda n: _fill("we will look into your order and ", n),
    "many question marks": lambda n: "?" * n,
    "short questions": lambda n: _fill("why not? ", n),
    "one word repeated": lambda n: _fill("sorry ", n),
    "long @handles and links": lambda n: _fill(
        "@" + "a" * 300 + " https://example.com/" + "x/" * 300 + " ", n
    ),
    "many lines": lambda n: _fill("ok\n", n),
    "abbreviations": lambda n: _fill("Mr. ", n),
    "one long word": lambda n: "a" * n,
    "quotation marks": lambda n: '"' * n,
    "I've ... you'll in one line": lambda n: _fill("I've you'll ", n),
}
"""Draft shapes: realistic text, and what used to be quadratic (or exponential)."""

CHAT = [
    ("customer", "Hi, my Ridgeline jacket arrived yesterday with a torn zip. Order NW-5521."),
    ("agent", "Hi Dana, I'm so sorry about the zip - that's not what you should get from us."),
    ("customer", "I waited two weeks for it and I need it for a trip on Saturday. Can you help?"),
]


def _pin_one_core() -> str:
    """One thread-pool thread, one CPU core (where the OS allows pinning); say which."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity on this OS)"


def _conversations() -> dict[str, Conversation]:
    """The conversation side: a short chat, then conversations at the caps."""
    customer = " ".join(
        [
            "My parcel NW-5521 is a week late and the tracking hasn't moved since Monday.",
            "I already restarted the app and cleared the cache, and my name is Dana Reyes.",
            "Why is it taking so long? When will it arrive? I need it for my trip!",
        ]
    )
    each = MAX_CONTEXT_CHARS // MAX_MESSAGES
    turns = [
        (
            "customer" if i % 2 == 0 else "agent",
            _fill(customer if i % 2 == 0 else REPLY[i % 12], each),
        )
        for i in range(MAX_MESSAGES)
    ]
    questions = _fill("Why did my jacket tear, and when will my refund arrive? ", MAX_CONTEXT_CHARS)
    return {
        "3-message chat": make_conversation(CHAT, channel=Channel.CHAT),
        "200 messages, 50,000 characters": make_conversation(turns, channel=Channel.EMAIL),
        "200 messages of distinct sentences": _distinct(),
        "one customer message of 50,000 characters of questions": make_conversation(
            [("customer", questions)], channel=Channel.EMAIL
        ),
    }


def _distinct() -> Conversation:
    """200 messages of short sentences that never repeat: the most to embed at the caps."""
    rng = random.Random(7)
    words = " ".join(REPLY).lower().replace(",", "").replace(".", "").split()

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(3)) + f" {rng.randint(0, 10**6)}."

    each = MAX_CONTEXT_CHARS // MAX_MESSAGES
    turns = [
        ("customer" if i % 2 == 0 else "agent", " ".join(sentence() for _ in range(30))[:each])
        for i in range(MAX_MESSAGES)
    ]
    return make_conversation(turns, channel=Channel.EMAIL)


def _forget(checker: DraftChecker) -> None:
    """Empty every embedding cache: the checker's and the sentence model's own."""
    judge = checker.pipeline.judge
    embedder = getattr(judge, "embedder", None) if judge is not None else None
    if isinstance(embedder, CachedEmbedder):
        embedder.clear()
        embedder = embedder.embedder
    clear = getattr(embedder, "clear_cache", None)
    if clear is not None:
        clear()


def _first(checker: DraftChecker, conversation: Conversation, draft: str) -> float:
    """The first check of a conversation: nothing of it cached."""
    _forget(checker)
    started = time.perf_counter()
    checker.check(conversation, draft)
    return time.perf_counter() - started


def _time(checker: DraftChecker, conversation: Conversation, draft: str, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        checker.check(conversation, draft)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    """Build the checker, time every shape at every size, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fast", action="store_true", help="rules only, no learned models")
    parser.add_argument("--repeat", type=int, default=3, help="checks per figure (median)")
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="draft sizes")
    args = parser.parse_args()
    if max(args.sizes) > MAX_DRAFT_CHARS:
        sys.exit(f"--sizes: the cap is {MAX_DRAFT_CHARS} characters")
    pinned = _pin_one_core()
    started = time.perf_counter()
    checker = DraftChecker(fast=args.fast)
    build = time.perf_counter() - started
    conversations = _conversations()
    chat = conversations["3-message chat"]
    mode = "rules only (--fast)" if args.fast else "learned models loaded"
    print(
        f"servicecoach live assist against draft size — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {pinned}"
    )
    print(f"DraftChecker.check, {mode}, median of {args.repeat} (checker built in {build:.1f} s)")
    print(f"command: python {' '.join(sys.argv)}")
    print()
    sizes = sorted(args.sizes)
    print(f"Draft after a {len(CHAT)}-message chat: ms (µs per character at {sizes[-1]:,})")
    print()
    print("| draft | " + " | ".join(f"{s:,}" for s in sizes) + " | µs/char |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for name, build_draft in DRAFTS.items():
        seconds = [_time(checker, chat, build_draft(size), args.repeat) for size in sizes]
        cells = " | ".join(f"{s * 1000:.0f}" for s in seconds)
        print(f"| {name} | {cells} | {seconds[-1] * 1e6 / sizes[-1]:.0f} |", flush=True)
    print()
    print(f"Conversation at the caps, draft of {MAX_DRAFT_CHARS:,} characters: ms")
    print()
    print("| conversation | first check | realistic draft | short questions | many lines |")
    print("|---|---:|---:|---:|---:|")
    realistic = DRAFTS["realistic replies"](MAX_DRAFT_CHARS)
    for name, conversation in conversations.items():
        first = _first(checker, conversation, realistic)
        cells = " | ".join(
            f"{_time(checker, conversation, DRAFTS[kind](MAX_DRAFT_CHARS), args.repeat) * 1000:.0f}"
            for kind in ("realistic replies", "short questions", "many lines")
        )
        print(f"| {name} | {first * 1000:.0f} | {cells} |", flush=True)
    print()
    print("first check: every embedding cache emptied before it (realistic draft)")


if __name__ == "__main__":
    main()
