"""Garbage collection during a batch: tuned while it runs, as it was afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.rubric import load_rubric
from servicecoach.services import analysis
from servicecoach.services.analysis import analyze_plan
from servicecoach.services.collection import THRESHOLDS, BatchCollection
from servicecoach.services.plan import plan_import
from tests.conftest import SAMPLES


def test_batch_collection_tunes_then_restores() -> None:
    before = gc.get_threshold()
    with BatchCollection() as collection:
        assert gc.get_threshold() == THRESHOLDS
        collection.loaded()
        assert gc.get_freeze_count() > 0
        collection.loaded()  # once only
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_analysis_leaves_the_collector_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "BATCH", 4)  # freezes after 4 results, not 128
    frozen: list[int] = []
    real = BatchCollection.loaded
    monkeypatch.setattr(BatchCollection, "loaded", lambda self: frozen.append(1) or real(self))
    before = gc.get_threshold()
    pipeline = Pipeline.from_rubric(load_rubric(None), fast=True)
    report = analyze_plan(plan_import([SAMPLES], None), pipeline, tmp_path / "out.jsonl")
    assert report.conversations == 35 and frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
