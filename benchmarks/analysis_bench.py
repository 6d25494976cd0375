"""Analysis throughput: the full pipeline (with the embedding model), fast mode, the bare model.

Generates a corpus (see import_bench.py: no data set is needed), then, each in its own
process so that peak memory is its own:

1. ``servicecoach analyze`` — every analyser, the sentence-embedding model and the trained
   heads, emotion, outcome, language detection, JSON output;
2. ``servicecoach analyze --fast`` — the same without the learned models;
3. the bare embedding model over exactly the sentences the pipeline embeds (same batching
   of 32 conversations), nothing else.

Prints messages per second, the pipeline's overhead over the bare model, and each
process's peak memory (max RSS).

Usage: python benchmarks/analysis_bench.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bench import generate_jsonl


def _child(mode: str, corpus: Path, out: Path) -> None:
    """Run one measured step in this process; print its figures as JSON."""
    started = time.perf_counter()
    if mode == "bare":
        from servicecoach.analysis.learned import MAX_SENTENCES
        from servicecoach.analysis.pipeline import BATCH
        from servicecoach.ingest.registry import get_importer
        from servicecoach.nlp.embeddings import get_embedder
        from servicecoach.nlp.sentences import sentences
        from servicecoach.testing import read_all

        conversations, _ = read_all(get_importer("jsonl"), [corpus])
        texts = [
            [
                s.text
                for m in c.messages
                for s in sentences(m.text)[:MAX_SENTENCES]
                if s.text.strip()
            ]
            for c in conversations
        ]
        embedder = get_embedder()
        started = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            embedder.encode([t for chunk in texts[i : i + BATCH] for t in chunk])
        extra = {"sentences": sum(map(len, texts))}
    else:
        from servicecoach.cli.app import app

        args = ["analyze", str(corpus), "--out", str(out), "-q"]
        if mode == "fast":
            args.append("--fast")
        app(args, standalone_mode=False)
        extra = {}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, **extra}))


def _measure(mode: str, corpus: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(corpus), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{mode} failed ({done.returncode}): {done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Generate, analyse three ways, print the figures."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="servicecoach-bench-") as folder:
        path = Path(folder) / "corpus.jsonl"
        conversations = generate_jsonl(path, args.messages)
        out = Path(folder) / "results.jsonl"
        figures = {mode: _measure(mode, path, out) for mode in ("full", "fast", "bare")}
    print(
        f"servicecoach analysis benchmark — {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"input: {conversations:,} conversations, {args.messages:,} messages, "
        f"{figures['bare']['sentences']:,.0f} sentences embedded"
    )
    print(f"{'step':<34}{'seconds':>9}{'messages/s':>12}{'peak RSS MiB':>14}")
    names = {
        "full": "analyze (embeddings + heads)",
        "fast": "analyze --fast (rules only)",
        "bare": "bare embedding model",
    }
    for mode, name in names.items():
        f = figures[mode]
        rate = args.messages / f["seconds"]
        print(f"{name:<34}{f['seconds']:>9.1f}{rate:>12,.0f}{f['peak_mib']:>14,.0f}")
    overhead = figures["full"]["seconds"] / figures["bare"]["seconds"] - 1
    print(f"pipeline time beyond the bare model: {overhead:+.0%}")


if __name__ == "__main__":
    main()
