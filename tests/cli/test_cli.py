"""The command line, end to end: import, export, customers, formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.ingest.jsonl import write_jsonl
from servicecoach.model import Customer
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES, TEST_DATA

NATIVE = SAMPLES / "native" / "northwind.jsonl"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def test_cli_import_then_reimport_reports_updates(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    first = run_cli(capsys, "import", str(NATIVE), "--db", db, "--json")
    assert first.code == 0, first.err
    data = json.loads(first.out)
    assert (data["ok"], data["conversations_new"], data["messages"]) == (True, 3, 10)
    second = json.loads(run_cli(capsys, "import", str(NATIVE), "--db", db, "--json").out)
    assert (second["conversations_new"], second["conversations_updated"]) == (0, 3)


def test_cli_import_human_summary(capsys: pytest.CaptureFixture[str], db: str) -> None:
    result = run_cli(capsys, "import", str(NATIVE), "--db", db)
    assert result.code == 0
    assert "3 conversations read: 3 new" in result.out
    assert run_cli(capsys, "import", str(NATIVE), "--db", db, "--quiet").out == ""


def test_cli_invalid_input_exits_3_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    bad = TEST_DATA / "jsonl" / "malformed.jsonl"
    result = run_cli(capsys, "import", str(bad), "--db", db)
    assert result.code == 3
    assert "malformed.jsonl, line 2" in result.err
    assert "rolled back" in result.err and "--skip-invalid" in result.err
    assert "Traceback" not in result.err
    listing = json.loads(run_cli(capsys, "customers", "list", "--db", db, "--json").out)
    assert listing == []


def test_cli_skip_invalid_imports_the_rest(capsys: pytest.CaptureFixture[str], db: str) -> None:
    bad = TEST_DATA / "jsonl" / "malformed.jsonl"
    result = run_cli(capsys, "import", str(bad), "--db", db, "--skip-invalid", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert (data["conversations_new"], data["skipped"]) == (1, 3)
    assert [p["line"] for p in data["problems"]] == [2, 4, 5]


def test_cli_invalid_json_output_on_failure(capsys: pytest.CaptureFixture[str], db: str) -> None:
    bad = TEST_DATA / "jsonl" / "malformed.jsonl"
    result = run_cli(capsys, "import", str(bad), "--db", db, "--json")
    assert result.code == 3
    data = json.loads(result.out)
    assert data["ok"] is False and data["problem_count"] == 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["import", "missing.json"], 3, "no such file"),
        (["import", "{native}", "--format", "kayako"], 3, "unknown format"),
        (["import", "{native}", "--speaker", "nolabel"], 2, "LABEL=ROLE"),
        (["import", "{native}", "--first-speaker", "robot"], 2, "agent or customer"),
        (["customers", "show", "nobody@example.com"], 4, "no database at"),
        (["export", "--format", "csv"], 2, "unknown export format"),
        (["export", "--out", "/nonexistent/x.jsonl"], 2, "does not exist"),
        (["import", "{native}", "--region", "usa"], 2, "not a country code"),
        (["import", "{native}", "--db", "mysql://x/y"], 5, "unsupported database"),
        (["import", "--bogus"], 2, "No such option"),
    ],
)
def test_cli_exit_codes_and_messages(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], code: int, message: str
) -> None:
    args = [a.replace("{native}", str(NATIVE)) for a in args]
    if "--db" not in args:
        args += ["--db", db]
    result = run_cli(capsys, *args)
    assert result.code == code, result
    assert message in result.err
    assert "Traceback" not in result.err


def test_cli_customers_timeline_merge_unmerge(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    run_cli(capsys, "import", str(NATIVE), "--db", db)
    shown = run_cli(capsys, "customers", "show", "dana.reyes@example.com", "--db", db)
    assert shown.code == 0
    # The web form (email + phone) and the SMS (phone only) are one customer.
    assert "web  " in shown.out and "sms  " in shown.out
    assert "phone: +14155550134" in shown.out
    data = json.loads(
        run_cli(capsys, "customers", "show", "+1 (415) 555-0134", "--db", db, "--json").out
    )
    assert [c["id"] for c in data["timeline"]] == ["web-1042", "sms-2207"]

    other = tmp_path / "other.jsonl"
    with other.open("w") as handle:
        write_jsonl(
            [
                make_conversation(
                    [("customer", "hi")], id="x", customer=Customer(email="dreyes@example.net")
                )
            ],
            handle,
        )
    run_cli(capsys, "import", str(other), "--db", db)
    merged = json.loads(
        run_cli(
            capsys,
            "customers",
            "merge",
            "dana.reyes@example.com",
            "dreyes@example.net",
            "--db",
            db,
            "--json",
        ).out
    )
    timeline = json.loads(
        run_cli(capsys, "customers", "show", str(merged["survivor"]), "--db", db, "--json").out
    )
    assert [c["id"] for c in timeline["timeline"]] == ["x", "web-1042", "sms-2207"]
    history = run_cli(capsys, "customers", "history", "--db", db)
    assert "manual" in history.out
    undo = run_cli(
        capsys, "customers", "unmerge", str(merged["survivor"]), str(merged["merged"]), "--db", db
    )
    assert undo.code == 0
    timeline = json.loads(
        run_cli(capsys, "customers", "show", str(merged["survivor"]), "--db", db, "--json").out
    )
    assert [c["id"] for c in timeline["timeline"]] == ["web-1042", "sms-2207"]
    listing = json.loads(
        run_cli(capsys, "customers", "list", "--db", db, "--json", "--search", "dana").out
    )
    assert [c["name"] for c in listing] == ["Dana Reyes"]


def test_cli_export_round_trips_the_native_file(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    run_cli(capsys, "import", str(NATIVE), "--db", db)
    exported = run_cli(capsys, "export", "--format", "jsonl", "--db", db)
    assert exported.code == 0
    assert exported.out == NATIVE.read_text(encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli(
        capsys, "export", "--db", db, "--out", str(out), "--customer", "mei.lin@example.org"
    )
    assert "1 conversation written" in result.err
    assert json.loads(out.read_text())["id"] == "web-1077"


def test_cli_formats_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    listing = json.loads(run_cli(capsys, "formats", "--json").out)
    assert {"jsonl", "twcs", "zendesk"} <= {f["name"] for f in listing}
    assert run_cli(capsys, "--version").out.startswith("servicecoach ")


def test_cli_demo_imports_every_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = run_cli(capsys, "demo", "--db", str(db))
    assert first.code == 0, first.err
    assert "Customers recognised across channels" in first.out
    assert "Timeline of Dana Reyes" in first.out
    assert "Skills across the samples" in first.out
    assert "Coaching examples" in first.out and "→" in first.out
    assert "servicecoach serve --db" in first.out
    scorecard = run_cli(capsys, "report", "scorecard", "--db", str(db), "--json")
    assert scorecard.code == 0, scorecard.err  # the demo stored an analysis run
    reasons = run_cli(capsys, "reasons", "show", "--db", str(db), "--json")
    assert reasons.code == 0, reasons.err
    second = run_cli(capsys, "demo", "--db", str(db))
    assert " 0 new and " in second.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["customers", "show", "nobody@example.com"], 4, "no customer matches"),
        (["customers", "merge", "1", "1"], 2, "already customer 1"),
        (["customers", "unmerge", "1", "2"], 4, "is not merged into"),
        (["customers", "unmerge", "1", "dana"], 2, "needs the merged customer's id"),
    ],
)
def test_cli_customer_mistakes_on_a_real_store(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], code: int, message: str
) -> None:
    run_cli(capsys, "import", str(NATIVE), "--db", db)
    result = run_cli(capsys, *args, "--db", db)
    assert (result.code, message in result.err) == (code, True), result


def test_cli_import_errors_are_json_with_json(capsys: pytest.CaptureFixture[str], db: str) -> None:
    result = run_cli(capsys, "import", "missing.json", "--db", db, "--json")
    assert result.code == 3
    assert json.loads(result.out) == {
        "ok": False,
        "error": "missing.json: no such file or folder",
        "exit_code": 3,
    }


def test_cli_import_of_nothing_says_so(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = run_cli(capsys, "import", str(empty), "--db", db, "--format", "jsonl")
    assert result.code == 0
    assert "no conversations found" in result.err


def test_cli_export_never_leaves_a_partial_file(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(capsys, "import", str(NATIVE), "--db", db)
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")

    def explode(*_args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("servicecoach.cli.export_cmd.write_jsonl", explode)
    result = run_cli(capsys, "export", "--db", db, "--out", str(out))
    assert result.code == 1 and "internal error" in result.err
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
