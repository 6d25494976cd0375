"""Distributed analysis: throughput with 1 and 2 local Dask workers against one process.

One run analyses the same generated corpus (``support_corpus.py``) three ways, each in
its own process so that peak memory is its own:

- ``single``: ``servicecoach analyze FILE --out results.jsonl`` in this process's way
  (:func:`servicecoach.services.analysis.analyze_plan` with the pipeline);
- ``local:1`` and ``local:2``: the same with ``--cluster local:N`` (a LocalCluster of N
  worker processes, one thread each), the client reading the file, cutting it into
  partitions and writing the results in order.

Start-up (the model loaded; for a cluster, starting it and loading the model on every
worker) is timed apart from the analysis, which is the figure that scales. Reported:
seconds, messages per second, the ratio to one process, CPU seconds (the client's, and
the workers' together), peak RSS of the client and of each worker. The outputs of the
three runs are compared: they must be identical.

Usage: python benchmarks/scale_bench.py [--messages 8000] [--fast] [--modes single,local:1,local:2]
"""

from __future__ import annotations

import argparse
import hashlib
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support_corpus import generate

MODES = ("single", "local:1", "local:2")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_warm(settings: Any) -> float:
    """Build the worker's pipeline and run the model once; return the worker's CPU so far."""
    from servicecoach.model.conversation import Channel, Conversation, Message, Role
    from servicecoach.services.cluster_task import worker_pipeline

    pipeline = worker_pipeline(settings)
    hello = Message(id="1", role=Role.CUSTOMER, text="Hi, my order is late.")
    warm = Conversation(id="warm", channel=Channel.CHAT, messages=(hello,))
    list(pipeline.run([warm]))
    return time.process_time()


def _worker_figures() -> tuple[float, float]:
    return time.process_time(), _peak_mib()


def _child(mode: str, corpus: Path, out: Path, fast: bool) -> None:
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.rubric import load_rubric
    from servicecoach.services.analysis import analyze_plan
    from servicecoach.services.cluster import open_cluster
    from servicecoach.services.cluster_task import PipelineSettings
    from servicecoach.services.distributed import cluster_runner
    from servicecoach.services.plan import plan_import

    started = time.perf_counter()
    team = load_rubric(None)
    plan = plan_import([corpus], "jsonl")
    figures: dict[str, Any] = {}
    if mode == "single":
        pipeline = Pipeline.from_rubric(team, fast=fast)
        if pipeline.judge is not None:
            pipeline.judge.embedder.encode(["Warm-up: the first run allocates."])
        figures["startup"] = time.perf_counter() - started
        wall, cpu = time.perf_counter(), time.process_time()
        report = analyze_plan(plan, pipeline, out)
        figures["seconds"] = time.perf_counter() - wall
        figures["cpu"] = time.process_time() - cpu
        figures["workers_cpu"] = 0.0
        figures["workers_mib"] = []
    else:
        settings = PipelineSettings.of(team, fast)
        pipeline = Pipeline.from_rubric(team, fast=True)  # names the analysers only
        with open_cluster(mode) as client:
            before = client.run(_worker_warm, settings)
            figures["startup"] = time.perf_counter() - started
            wall, cpu = time.perf_counter(), time.process_time()
            report = analyze_plan(plan, pipeline, out, runner=cluster_runner(client, settings))
            figures["seconds"] = time.perf_counter() - wall
            figures["cpu"] = time.process_time() - cpu
            after = client.run(_worker_figures)
            figures["workers_cpu"] = sum(after[w][0] - before[w] for w in after)
            figures["workers_mib"] = sorted(round(after[w][1]) for w in after)
    figures["client_mib"] = _peak_mib()
    figures["conversations"] = report.conversations
    figures["digest"] = hashlib.sha256(out.read_bytes()).hexdigest()
    print(json.dumps(figures))


def _measure(mode: str, corpus: Path, out: Path, fast: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", mode, str(corpus), str(out)]
    done = subprocess.run(
        [*args, *(["--fast"] if fast else [])], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{mode} failed ({done.returncode}): {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=8_000)
    parser.add_argument("--fast", action="store_true", help="rules only (no learned models)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CORPUS", "OUT"))
    args = parser.parse_args()
    if args.child:
        mode, corpus, out = args.child
        _child(mode, Path(corpus), Path(out), args.fast)
        return
    modes = args.modes.split(",")
    with tempfile.TemporaryDirectory(prefix="servicecoach-scale-") as folder:
        corpus = Path(folder) / "corpus.jsonl"
        conversations = generate(corpus, args.messages)
        figures = {m: _measure(m, corpus, Path(folder) / f"{m}.jsonl", args.fast) for m in modes}
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"# scale_bench {when}: {args.messages:,} messages in {conversations:,} conversations, "
        f"{'--fast' if args.fast else 'full pipeline'}; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print()
    print(
        "| mode | start-up s | analysis s | messages/s | vs one process | client CPU s "
        "| workers CPU s | CPU ms/message | client peak MiB | worker peak MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = figures[modes[0]]["seconds"]
    for mode in modes:
        f = figures[mode]
        cpu = f["cpu"] + f["workers_cpu"]
        workers = ", ".join(str(m) for m in f["workers_mib"]) or "-"
        print(
            f"| {mode} | {f['startup']:.1f} | {f['seconds']:.1f} | "
            f"{args.messages / f['seconds']:,.0f} | {base / f['seconds']:.2f} | {f['cpu']:.1f} | "
            f"{f['workers_cpu']:.1f} | {1000 * cpu / args.messages:.2f} | "
            f"{f['client_mib']:,.0f} | {workers} |"
        )
    digests = {f["digest"] for f in figures.values()}
    print()
    print("identical results in every mode" if len(digests) == 1 else "RESULTS DIFFER")


if __name__ == "__main__":
    main()
