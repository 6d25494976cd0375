"""``analyze --cluster`` over Parquet exports: workers read the rows, the output is one process's."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError, ImportFailed, Problem
from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.parquet import importer as parquet_importer
from servicecoach.ingest.parquet import writer
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.ingest.parquet.columns import conversation_row, conversation_schema
from servicecoach.ingest.parquet.rows import RowRange
from servicecoach.model.conversation import Conversation
from servicecoach.rubric import load_rubric
from servicecoach.services.analysis import AnalysisReport, analyze_plan
from servicecoach.services.cluster import open_cluster
from servicecoach.services.cluster_task import PipelineSettings
from servicecoach.services.distributed import cluster_analysis
from servicecoach.services.partitions import plan_parquet
from servicecoach.services.plan import ImportPlan, plan_import
from servicecoach.services.reading import read_plan
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES
from tests.scale.seeds import sample_conversations

pytest.importorskip("pyarrow")
pytest.importorskip("distributed")

_ROWS_PER_GROUP = 3
"""Tiny row groups, so that tasks merge small ones and cut others."""
_SIZE = 4
"""Rows per task in these tests."""


@pytest.fixture(scope="module")
def threads() -> Iterator[Any]:
    """Two workers in threads of this process: starts in a fraction of a second."""
    with open_cluster("local:2", processes=False) as client:
        yield client


def _export(conversations: list[Conversation], folder: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "ROWS_PER_GROUP", _ROWS_PER_GROUP)
        writer.write_conversations(conversations, folder)
    return folder


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every bundled sample, exported as a dataset partitioned by day, in small row groups."""
    read = read_plan(plan_import([SAMPLES]), ImportOptions())
    conversations = [item for _, item in read if isinstance(item, Conversation)]
    return _export(conversations, tmp_path_factory.mktemp("parquet") / "export")


def _analyse(
    plan: ImportPlan,
    out: Path,
    fast: bool = True,
    client: Any = None,
    skip_invalid: bool = False,
) -> AnalysisReport:
    """``analyze`` as the CLI runs it: in this process, or with ``client``'s workers."""
    team = load_rubric(None)
    runner = None
    if client is not None:
        plan, runner = cluster_analysis(client, PipelineSettings.of(team, fast), plan, size=_SIZE)
    pipeline = Pipeline.from_rubric(team, fast=fast or client is not None)
    return analyze_plan(plan, pipeline, out, skip_invalid=skip_invalid, runner=runner)


def _client_reads_no_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer's row reading fails here: only the workers' (``slices``) may read rows."""

    def refuse(*_: object) -> Iterator[Any]:
        raise AssertionError("the client read Parquet rows")
        yield  # a generator, as the real one

    monkeypatch.setattr(parquet_importer, "read_rows", refuse)


@pytest.mark.parametrize("fast", [True, pytest.param(False, marks=pytest.mark.slow)])
def test_parquet_workers_output_equals_single_process(
    threads: Any, exported: Path, tmp_path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_import([exported])
    assert len(plan.files) > 10 and {f for _, f in plan.files} == {"parquet"}
    alone = _analyse(plan, tmp_path / "alone.jsonl", fast)
    _client_reads_no_rows(monkeypatch)
    spread = _analyse(plan, tmp_path / "spread.jsonl", fast, threads)
    assert (tmp_path / "spread.jsonl").read_bytes() == (tmp_path / "alone.jsonl").read_bytes()
    assert spread.conversations == alone.conversations == 35
    assert spread.files == alone.files and not spread.problems


def test_parquet_workers_tasks_carry_places_not_rows(exported: Path) -> None:
    paths = [path for path, _ in plan_import([exported]).files]
    plan = plan_parquet(paths, _SIZE)
    assert not plan.invalid and sum(plan.rows) == 35
    assert [part.index for part in plan.parts] == list(range(len(plan.parts)))
    assert all(part.size <= _SIZE for part in plan.parts)
    assert any(len(part.slices) > 1 for part in plan.parts)  # small files merged
    seen: list[tuple[int, int]] = []  # (file, row): every row once, in order
    for part in plan.parts:
        for piece in part.slices:
            assert piece.path == str(paths[piece.file])
            assert piece.location == str(paths[piece.file].absolute())
            assert all(isinstance(span, RowRange) for span in piece.ranges)
            seen.extend(
                (piece.file, span.first + row)
                for span in piece.ranges
                for row in range(span.start, span.stop)
            )
    assert seen == [(f, row) for f, rows in enumerate(plan.rows) for row in range(rows)]
    sent = pickle.dumps(plan.parts)
    assert b"messages" not in sent and len(sent) < 40 * len(plan.parts) + 200 * len(paths)


def _bad_dataset(folder: Path) -> Path:
    """Two files; the second has an unknown channel and a NUL in a text, in later row groups."""
    pa, pq = require_pyarrow()
    rows = [conversation_row(c) for c in sample_conversations()]
    folder.mkdir()
    schema = conversation_schema(pa)
    bad = [*rows, dict(rows[0], id="pigeon-1", channel="pigeon"), *rows[1:3]]
    nul = conversation_row(sample_conversations()[1])
    nul["id"] = "nul-1"
    nul["messages"][0]["text"] = "broken\x00text"
    bad.append(nul)
    pq.write_table(
        pa.Table.from_pylist(rows, schema=schema), folder / "a.parquet", row_group_size=2
    )
    pq.write_table(pa.Table.from_pylist(bad, schema=schema), folder / "b.parquet", row_group_size=3)
    return folder


def _problems(problems: list[Problem]) -> list[dict[str, object]]:
    return [p.to_dict() for p in problems]


def test_parquet_workers_invalid_rows_stop_as_in_one_process(
    threads: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_import([_bad_dataset(tmp_path / "bad")])
    with pytest.raises(ImportFailed) as alone:
        _analyse(plan, tmp_path / "alone.jsonl")
    _client_reads_no_rows(monkeypatch)
    with pytest.raises(ImportFailed) as spread:
        _analyse(plan, tmp_path / "spread.jsonl", client=threads)
    found = _problems(spread.value.problems)
    assert found == _problems(alone.value.problems)
    assert [(Path(str(p["path"])).name, p["location"]) for p in found] == [
        ("b.parquet", "row 4 (id 'pigeon-1')"),
        ("b.parquet", "conversation 'nul-1'"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]  # nothing written


def test_parquet_workers_skip_invalid_same_output(threads: Any, tmp_path: Path) -> None:
    plan = plan_import([_bad_dataset(tmp_path / "bad")])
    alone = _analyse(plan, tmp_path / "alone.jsonl", skip_invalid=True)
    spread = _analyse(plan, tmp_path / "spread.jsonl", client=threads, skip_invalid=True)
    assert (tmp_path / "spread.jsonl").read_bytes() == (tmp_path / "alone.jsonl").read_bytes()
    assert _problems(spread.problems) == _problems(alone.problems)
    assert (spread.conversations, spread.skipped) == (alone.conversations, alone.skipped)
    assert alone.skipped == 2 and alone.conversations > 0


def test_parquet_workers_unreadable_row_group_ends_the_file_alike(
    threads: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row group pyarrow cannot decode ends its file at the same row, on a worker or here."""
    _, pq = require_pyarrow()
    real = pq.ParquetFile.iter_batches

    def damaged(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if kwargs.get("row_groups") == [1]:
            raise OSError("page checksum mismatch")
        return iter(real(self, *args, **kwargs))

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", damaged)  # workers are threads here
    plan = plan_import([_bad_dataset(tmp_path / "bad")])
    alone = _analyse(plan, tmp_path / "alone.jsonl", skip_invalid=True)
    spread = _analyse(plan, tmp_path / "spread.jsonl", client=threads, skip_invalid=True)
    assert (tmp_path / "spread.jsonl").read_bytes() == (tmp_path / "alone.jsonl").read_bytes()
    assert _problems(spread.problems) == _problems(alone.problems)
    assert [(p.path.name, p.location) for p in alone.problems] == [
        ("a.parquet", "row 3"),
        ("b.parquet", "row 4"),
    ]
    assert "the rest of the file is unreadable" in alone.problems[0].message


def test_parquet_workers_that_cannot_open_a_file_say_so(threads: Any, tmp_path: Path) -> None:
    plan = plan_import([_bad_dataset(tmp_path / "bad")])
    team = load_rubric(None)
    worker_plan, runner = cluster_analysis(threads, PipelineSettings.of(team, True), plan)
    gone = tmp_path / "bad" / "b.parquet"
    gone.write_bytes(b"")  # as if the workers saw another file system than this client
    with pytest.raises(ConfigError) as error:
        analyze_plan(
            worker_plan, Pipeline.from_rubric(team, fast=True), tmp_path / "o.jsonl", runner=runner
        )
    message = str(error.value)
    assert f"cannot read {gone.absolute()}" in message and "worker inproc://" in message
    assert "shared file system" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_parquet_workers_only_for_parquet_inputs(threads: Any, exported: Path) -> None:
    settings = PipelineSettings.of(load_rubric(None), True)
    mixed = plan_import([exported, SAMPLES / "native"])
    assert cluster_analysis(threads, settings, mixed)[0] is mixed  # read here, as before
    parquet = plan_import([exported])
    assert cluster_analysis(threads, settings, parquet)[0] is not parquet


def test_parquet_workers_cli_processes_same_output(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    exported: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    assert run_cli(capsys, "analyze", str(exported), "--fast", "-o", str(alone)).code == 0
    _client_reads_no_rows(monkeypatch)  # worker processes import their own, unpatched
    args = ["analyze", str(exported), "--fast", "-o", str(spread), "--cluster", "local:2"]
    result = run_cli(capsys, *args)
    assert result.code == 0, result.err
    assert spread.read_bytes() == alone.read_bytes()


def test_parquet_workers_problem_paths_are_the_clients(threads: Any, tmp_path: Path) -> None:
    """Problems name a file as the user did (a relative path stays relative)."""
    _bad_dataset(tmp_path / "bad")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        plan = plan_import([Path("bad")])
        result = _analyse(plan, Path("out.jsonl"), client=threads, skip_invalid=True)
    named = Path("bad") / "b.parquet"
    assert [(p.path, p.line) for p in result.problems] == [(named, 4), (named, None)]
