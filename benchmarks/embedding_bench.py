"""Bare sentence-embedding throughput: the int8 ONNX model alone, by batch size and threads.

Measures :meth:`servicecoach.nlp.embeddings.Embedder.encode` (tokenising, sorting,
padding, ONNX Runtime, restoring order) on sentences, nothing else, with the sentence
cache off (every text through the model). Two corpora:

- ``generated`` (default): the sentences of the messages that ``analysis_bench.py`` and
  ``import_bench.py`` generate (random words from a small vocabulary, 8-40 words each);
- ``samples``: the sentences of the bundled native sample conversations, repeated to
  the requested size (real-looking customer-service text, 5-30 words).

``measure(texts)`` is the function a pipeline benchmark calls to time the bare model on
exactly the texts the pipeline embeds (same process, same settings).

``--strategies`` compares three ways of using two threads on the same sentences and
batches: one run at a time with two ONNX Runtime intra-op threads (what the embedder did
before 2026-12-04), one-thread runs of one shared session on two threads (what it does
now), and two one-thread sessions on two threads.

Usage: python benchmarks/embedding_bench.py [--messages 5000] [--corpus generated|samples]
       [--batch-sizes 1,8,16,32,64] [--threads 1,2] [--strategies]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from servicecoach.nlp.embeddings import Embedder
from servicecoach.nlp.sentences import sentences

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bench import generate_jsonl

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "servicecoach" / "samples" / "native"

__all__ = ["Throughput", "corpus", "main", "measure"]


@dataclass(frozen=True)
class Throughput:
    """One timed run: how many texts and tokens, how long (wall and CPU), how fast."""

    texts: int
    tokens: int
    seconds: float
    cpu_seconds: float
    batch_size: int
    threads: int | None

    @property
    def per_second(self) -> float:
        """Texts embedded per wall-clock second."""
        return self.texts / self.seconds if self.seconds else float("inf")

    @property
    def per_cpu_second(self) -> float:
        """Texts embedded per CPU second of this process (steadier on a busy machine)."""
        return self.texts / self.cpu_seconds if self.cpu_seconds else float("inf")


def measure(
    texts: Sequence[str],
    *,
    batch_size: int = 32,
    threads: int | None = None,
    embedder: Embedder | None = None,
) -> Throughput:
    """Time ``embedder.encode(texts)`` once, after a short warm-up outside the timing.

    Args:
        texts: the texts to embed (e.g. every sentence a pipeline run embedded).
        batch_size: texts per ONNX Runtime call (ignored when ``embedder`` is given).
        threads: ONNX Runtime threads, ``None`` for all cores (ignored with ``embedder``).
        embedder: an embedder to reuse (its own batch size and threads apply).
    """
    model = embedder or Embedder(batch_size=batch_size, threads=threads, cache_size=0)
    model.encode(list(texts[:64]) or ["warm-up"])
    started, cpu = time.perf_counter(), time.process_time()
    model.encode(texts)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    tokens = sum(model.token_counts(texts))
    return Throughput(len(texts), tokens, seconds, cpu_seconds, model.batch_size, model.threads)


def corpus(kind: str, messages: int) -> list[str]:
    """The sentences of ``messages`` messages of the ``generated`` or ``samples`` corpus."""
    texts: list[str] = []
    if kind == "generated":
        with tempfile.TemporaryDirectory(prefix="servicecoach-embed-bench-") as folder:
            path = generate_jsonl(Path(folder), messages).path  # writes into the folder
            lines = path.read_text(encoding="utf-8").splitlines()
        texts = [m["text"] for line in lines for m in json.loads(line)["messages"]]
    else:
        pool = [
            m["text"]
            for path in sorted(SAMPLES.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
            for m in json.loads(line)["messages"]
        ]
        texts = [pool[i % len(pool)] for i in range(messages)]
    return [s.text for text in texts for s in sentences(text) if s.text.strip()]


def _session(threads: int) -> Any:
    """A session of the shipped model with ``threads`` intra-op threads."""
    import onnxruntime

    from servicecoach.nlp.embeddings import MODEL_FILE

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
    )


class _TwoSessions(Embedder):
    """The embedder's parallel batches, each thread with a one-thread session of its own."""

    def __init__(self, batch_size: int) -> None:
        super().__init__(batch_size=batch_size, threads=2, cache_size=0)
        self._spare = [_session(1), self._session]
        self._mine = threading.local()
        self._taking = threading.Lock()

    def _run(self, ids: list[list[int]]) -> Any:
        session = getattr(self._mine, "session", None)
        if session is None:
            with self._taking:
                session = self._mine.session = self._spare.pop()
        shared, self._session = self._session, session
        try:
            return super()._run(ids)
        finally:
            self._session = shared


def strategies(texts: Sequence[str], batch_size: int = 16, rounds: int = 3) -> None:
    """Two threads three ways on the same batches, interleaved ``rounds`` times; print medians."""
    intra = Embedder(batch_size=batch_size, threads=1, cache_size=0)
    intra._session = _session(2)
    ways = {
        "one session, 2 intra-op threads, one run at a time": intra,
        "one session, 1-thread runs on 2 threads (servicecoach)": Embedder(
            batch_size=batch_size, threads=2, cache_size=0
        ),
        "two 1-thread sessions on 2 threads": _TwoSessions(batch_size),
    }
    runs: dict[str, list[Throughput]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, embedder in ways.items():
            runs[name].append(measure(texts, embedder=embedder))
    vectors = [embedder.encode(texts[:500]) for embedder in ways.values()]
    same = all(np.array_equal(vectors[0], other) for other in vectors[1:])
    print(f"batch {batch_size}, median of {rounds} interleaved runs; same vectors: {same}")
    for name, timed in runs.items():
        wall = statistics.median(t.seconds for t in timed)
        cpu = statistics.median(t.cpu_seconds for t in timed)
        print(
            f"  {name:<56} {len(texts) / wall:8,.0f} sentences/s  {cpu:6.2f} CPU s  ({wall:.2f} s)"
        )


def main() -> None:
    """Print sentences per second for each batch size and thread count.

    On a shared machine the wall-clock figure moves with the other load; the per-CPU-second
    figure (this process's CPU time, all its threads) is the steadier one to compare.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--corpus", choices=("generated", "samples"), default="generated")
    parser.add_argument("--batch-sizes", default="1,8,16,32,64")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--strategies", action="store_true", help="compare ways to use 2 threads")
    args = parser.parse_args()
    texts = corpus(args.corpus, args.messages)
    print(
        f"servicecoach embedding benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"corpus: {args.corpus}, {args.messages} messages, {len(texts)} sentences")
    if args.strategies:
        strategies(texts)
        return
    for threads in (int(t) for t in args.threads.split(",")):
        for size in (int(b) for b in args.batch_sizes.split(",")):
            run = measure(texts, batch_size=size, threads=threads)
            print(
                f"threads {threads}  batch {size:>4}: {run.per_second:8,.0f} sentences/s, "
                f"{run.per_cpu_second:8,.0f} per CPU-second  "
                f"({run.tokens / run.texts:.1f} tokens each, {run.seconds:.2f} s)"
            )


if __name__ == "__main__":
    main()
