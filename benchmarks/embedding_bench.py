"""Bare sentence-embedding throughput: the int8 ONNX model alone, by batch size and threads.

Measures :meth:`servicecoach.nlp.embeddings.Embedder.encode` (tokenising, sorting,
padding, ONNX Runtime, restoring order) on sentences, nothing else. Two corpora:

- ``generated`` (default): the sentences of the messages that ``analysis_bench.py`` and
  ``import_bench.py`` generate (random words from a small vocabulary, 8-40 words each);
- ``samples``: the sentences of the bundled native sample conversations, repeated to
  the requested size (real-looking customer-service text, 5-30 words).

``measure(texts)`` is the function a pipeline benchmark calls to time the bare model on
exactly the texts the pipeline embeds (same process, same settings).

Usage: python benchmarks/embedding_bench.py [--messages 5000] [--corpus generated|samples]
       [--batch-sizes 1,8,32,64,128] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
    model = embedder or Embedder(batch_size=batch_size, threads=threads)
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
            path = Path(folder) / "corpus.jsonl"
            generate_jsonl(path, messages)
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


def main() -> None:
    """Print sentences per second for each batch size and thread count.

    On a shared machine the wall-clock figure moves with the other load; the per-CPU-second
    figure (this process's CPU time, all its threads) is the steadier one to compare.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--corpus", choices=("generated", "samples"), default="generated")
    parser.add_argument("--batch-sizes", default="1,8,32,64,128")
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()
    texts = corpus(args.corpus, args.messages)
    print(
        f"servicecoach embedding benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"corpus: {args.corpus}, {args.messages} messages, {len(texts)} sentences")
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
