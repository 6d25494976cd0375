"""Analysis throughput: run ``servicecoach analyze`` on a generated corpus, report the speed.

Prints messages per second of the full pipeline (every registered analyser, emotion,
outcome, language detection, JSON output) and the peak memory (max RSS) of the child
process. The corpus is generated (see import_bench.py): no data set is needed.

Usage: python benchmarks/analysis_bench.py [--messages 50000]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    """Generate, analyse, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="servicecoach-bench-") as folder:
        path = Path(folder) / "corpus.jsonl"
        conversations = generate_jsonl(path, args.messages)
        out = Path(folder) / "results.jsonl"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "servicecoach", "analyze", str(path), "--out", str(out), "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"analyze failed ({done.returncode}): {done.stderr}")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"servicecoach analysis benchmark — {datetime.now(UTC):%Y-%m-%d}, "
            f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        print(f"input: {conversations} conversations, {args.messages} messages")
        print(
            f"analyze: {seconds:.1f} s, {args.messages / seconds:,.0f} messages/s, "
            f"{conversations / seconds:,.0f} conversations/s, peak RSS {peak:.0f} MiB"
        )


if __name__ == "__main__":
    main()
