"""Parquet in and out: export, import back (exact), bad rows named, results for analysts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.analysis.skills import SKILLS
from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.ingest.parquet import ParquetImporter
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.ingest.parquet.columns import conversation_row, conversation_schema
from servicecoach.model.conversation import Conversation
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES
from tests.scale.seeds import parquet_bytes, sample_conversations


def _jsonl_export(capsys: pytest.CaptureFixture[str], db: str) -> list[str]:
    result = run_cli(capsys, "export", "--db", db)
    assert result.code == 0, result.err
    return sorted(result.out.splitlines())


def test_parquet_export_then_import_is_exact(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert run_cli(capsys, "import", str(SAMPLES), "--db", first, "-q").code == 0
    folder = tmp_path / "export"
    exported = run_cli(capsys, "export", "--format", "parquet", "--out", str(folder), "--db", first)
    assert exported.code == 0, exported.err
    assert "35 conversations written" in exported.err
    days = sorted(p.name for p in folder.iterdir())
    assert days and all(d.startswith("date=") for d in days)
    imported = run_cli(capsys, "import", str(folder), "--db", second, "--json")
    assert imported.code == 0, imported.err
    assert {f["format"] for f in json.loads(imported.out)["files"]} == {"parquet"}
    assert _jsonl_export(capsys, second) == _jsonl_export(capsys, first)


def test_parquet_rows_read_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    path.write_bytes(parquet_bytes())
    importer = ParquetImporter()
    assert importer.detect(path, path.read_bytes()[:64]) == 100
    read = list(importer.read([Source(path)], ImportOptions()))
    assert read == sample_conversations()


def _write_rows(path: Path, rows: list[dict[str, object]]) -> None:
    pa, pq = require_pyarrow()
    pq.write_table(pa.Table.from_pylist(rows, schema=conversation_schema(pa)), path)


def test_parquet_bad_row_names_file_and_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = [conversation_row(c) for c in sample_conversations()]
    bad = dict(good[1], channel="pigeon")
    path = tmp_path / "day.parquet"
    _write_rows(path, [good[0], bad, good[2]])
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = run_cli(capsys, "import", str(path), "--db", db)
    assert result.code == 3
    assert "day.parquet" in result.err and "row 2" in result.err and "pigeon" in result.err
    skipped = run_cli(capsys, "import", str(path), "--db", db, "--skip-invalid", "--json")
    assert skipped.code == 0
    assert json.loads(skipped.out)["conversations_read"] == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"PAR1 this is not really parquet", "not a readable Parquet file"),
        (None, "no 'messages' column"),
    ],
)
def test_parquet_unreadable_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None, needle: str
) -> None:
    path = tmp_path / "broken.parquet"
    if content is None:
        pa, pq = require_pyarrow()
        pq.write_table(pa.table({"id": ["c1"]}), path)
    else:
        path.write_bytes(content)
    result = run_cli(capsys, "import", str(path), "--format", "parquet", "--db",
                     f"sqlite:///{tmp_path / 'x.db'}")  # fmt: skip
    assert result.code == 3
    assert "broken.parquet" in result.err and needle in result.err


def test_parquet_message_meta_that_is_not_json_is_a_row_problem(tmp_path: Path) -> None:
    row = conversation_row(sample_conversations()[0])
    row["messages"][0]["meta"] = "{not json"  # type: ignore[index]
    path = tmp_path / "m.parquet"
    _write_rows(path, [row])
    [problem] = list(ParquetImporter().read([Source(path)], ImportOptions()))
    assert not isinstance(problem, Conversation)
    assert problem.location == "row 1 (id 'web-1042')" and "not valid JSON" in problem.message


def test_parquet_export_refuses_a_folder_in_use(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert run_cli(capsys, "import", str(SAMPLES / "native"), "--db", db, "-q").code == 0
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    for out, needle in ((tmp_path / "used", "not an empty folder"), (None, "--out")):
        args = ["export", "--format", "parquet", "--db", db]
        result = run_cli(capsys, *args, *(["--out", str(out)] if out else []))
        assert result.code == 2 and needle in result.err
    assert (tmp_path / "used" / "keep.txt").read_text() == "mine"


def test_parquet_analyze_results_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, pq = require_pyarrow()
    native = str(SAMPLES / "native")
    lines = run_cli(capsys, "analyze", native, "--fast")
    out = tmp_path / "results.parquet"
    result = run_cli(capsys, "analyze", native, "--fast", "--out", str(out))
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.parquet"]
    rows = pq.read_table(out).to_pylist()
    expected = [json.loads(line) for line in lines.out.splitlines()]
    assert [json.loads(r["result"]) for r in rows] == expected
    for row, line in zip(rows, expected, strict=True):
        assert row["conversation"] == line["conversation"]
        assert row["quality"] == line["outcome"]["quality"]
        assert {s: row[s] for s in SKILLS} == {s: line["skills"][s]["score"] for s in SKILLS}


def test_parquet_store_run_results_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, pq = require_pyarrow()
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert run_cli(capsys, "import", str(SAMPLES / "native"), "--db", db, "-q").code == 0
    out = tmp_path / "run.parquet"
    result = run_cli(capsys, "analyze", "--db", db, "--fast", "--out", str(out), "--json")
    assert result.code == 0, result.err
    rows = pq.read_table(out).to_pylist()
    assert [r["conversation"] for r in rows] == ["web-1042", "sms-2207", "web-1077"]
    assert all(json.loads(r["result"])["conversation"] == r["conversation"] for r in rows)
