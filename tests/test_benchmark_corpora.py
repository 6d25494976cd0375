"""The benchmark scripts' corpora are made as they expect (a script that cannot build its
input cannot measure anything; embedding_bench's generated corpus broke unnoticed once)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_embedding_bench_generates_its_sentences() -> None:
    texts = _script("embedding_bench").corpus("generated", 50)
    assert texts and all(isinstance(text, str) and text.strip() for text in texts)


def test_embedding_bench_reads_the_bundled_samples() -> None:
    texts = _script("embedding_bench").corpus("samples", 50)
    assert texts and all(isinstance(text, str) for text in texts)
