"""``servicecoach check``: a draft from a file or standard input, readable or JSON, clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from servicecoach.model.native import conversation_to_dict
from tests.assist.conversations import CRASH_CHAT, JACKET_EMAIL
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES, TEST_DATA

WEAK = "We can't refund the jacket until it is back in our warehouse."
GOOD = (
    "I'm so sorry your jacket arrived with a torn zip - I can see how frustrating that is "
    "after waiting two weeks. I've sent a replacement by express today, so it reaches you "
    "on Thursday."
)


@pytest.fixture
def jacket(tmp_path: Path) -> Path:
    path = tmp_path / "jacket.jsonl"
    path.write_text(json.dumps(conversation_to_dict(JACKET_EMAIL)) + "\n", encoding="utf-8")
    return path


def _draft(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    return path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_check_json_is_the_format_md_shape(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jacket: Path
) -> None:
    draft = "\n" + WEAK + "\r\n"
    path = tmp_path / "draft.txt"
    path.write_bytes(draft.encode("utf-8"))
    result = run_cli(capsys, "check", "-c", str(jacket), "-d", str(path), "--json", "--fast")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["format", "suggestions", "good"]
    kinds = {s["kind"]: s for s in data["suggestions"]}
    negative = kinds["clarity.negative_language"]
    assert draft[negative["start"] : negative["end"]] == WEAK
    assert (
        negative["rewrite"] == "As soon as it is back in our warehouse, we can refund the jacket."
    )
    assert "listening.unanswered_question" in kinds


@pytest.mark.parametrize("dash", [True, False])
def test_check_reads_the_draft_from_standard_input(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    jacket: Path,
    dash: bool,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(WEAK))
    args = ["check", "--conversation", str(jacket), "--json", "--fast"]
    result = run_cli(capsys, *args, *(["--draft", "-"] if dash else []))
    assert result.code == 0, result.err
    assert "clarity.negative_language" in {s["kind"] for s in json.loads(result.out)["suggestions"]}


def test_check_prints_suggestions_readably(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jacket: Path
) -> None:
    draft = _draft(tmp_path, "I'm so sorry about the zip. " + WEAK)
    result = run_cli(capsys, "check", "-c", str(jacket), "-d", str(draft), "--fast")
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "Draft (email conversation email-5521)" in out
    assert "! warning clarity.negative_language" in out
    assert "Says what can't be done without offering what can." in out
    assert "→ As soon as it is back in our warehouse, we can refund the jacket." in out
    assert "listening.unanswered_question (add to the end)" in out
    assert "Good" in out and "✓ Apologises for their experience." in out


def test_check_good_draft_exits_zero_with_no_suggestions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jacket: Path
) -> None:
    result = run_cli(
        capsys, "check", "-c", str(jacket), "-d", str(_draft(tmp_path, GOOD)), "--fast"
    )
    assert result.code == 0, result.err
    assert "No suggestions: the draft looks good." in result.out


def test_check_rubric_forbidden_phrase(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jacket: Path
) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text('[phrases]\nforbid = ["per our policy"]\n', encoding="utf-8")
    draft = _draft(tmp_path, GOOD + " Per our policy, the old one stays with you.")
    args = ["check", "-c", str(jacket), "-d", str(draft), "--rubric", str(rubric), "--json"]
    result = run_cli(capsys, *args, "--fast")
    assert result.code == 0, result.err
    assert [s["kind"] for s in json.loads(result.out)["suggestions"]] == [
        "clarity.forbidden_phrase"
    ]


def test_check_picks_a_conversation_by_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    several = SAMPLES / "native" / "northwind.jsonl"
    draft = str(_draft(tmp_path, "We can't ship it until Monday."))
    result = run_cli(
        capsys, "check", "-c", str(several), "-d", draft, "--id", "web-1042", "--json", "--fast"
    )
    assert result.code == 0, result.err
    (negative,) = [
        s for s in json.loads(result.out)["suggestions"] if s["kind"] == "clarity.negative_language"
    ]
    assert negative["rewrite"] == "We can ship it on Monday."


def test_check_reads_any_importable_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    call = SAMPLES / "calls" / "login-trouble.json"
    draft = str(_draft(tmp_path, "Thanks for calling, take care!"))
    result = run_cli(capsys, "check", "-c", str(call), "-d", draft, "--json", "--fast")
    assert result.code == 0, result.err
    assert json.loads(result.out)["format"] == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(
            ["-d", "missing.txt"], 3, "draft file missing.txt does not exist", id="no-draft-file"
        ),
        pytest.param(
            ["-d", "{empty}"], 3, "is empty: write the reply you want checked", id="empty-draft"
        ),
        pytest.param(["-d", "{folder}"], 3, "is a folder", id="draft-folder"),
        pytest.param(["-d", "{latin1}"], 3, "not UTF-8", id="draft-not-utf8"),
    ],
)
def test_check_draft_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    jacket: Path,
    args: list[str],
    code: int,
    message: str,
) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Désolé".encode("latin-1"))
    paths = {
        "{empty}": str(tmp_path / "empty.txt"),
        "{folder}": str(tmp_path),
        "{latin1}": str(tmp_path / "latin1.txt"),
    }
    args = [paths.get(a, a) for a in args]
    result = run_cli(capsys, "check", "-c", str(jacket), *args, "--fast")
    assert result.code == code
    assert message in result.err
    assert "Traceback" not in result.err


def test_check_empty_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jacket: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = run_cli(capsys, "check", "-c", str(jacket), "--fast")
    assert result.code == 3
    assert "the draft (standard input) is empty" in result.err


def test_check_no_draft_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jacket: Path
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal())
    result = run_cli(capsys, "check", "-c", str(jacket), "--fast")
    assert result.code == 2
    assert "--draft FILE, or pipe it on standard input" in result.err


@pytest.mark.parametrize(
    ("conversation", "extra", "code", "message"),
    [
        pytest.param("missing.jsonl", [], 3, "no such file", id="missing"),
        pytest.param(
            str(TEST_DATA / "jsonl" / "malformed.jsonl"), [], 3, "malformed.jsonl", id="malformed"
        ),
        pytest.param(
            str(SAMPLES / "native" / "northwind.jsonl"), [], 2, "choose one with --id", id="several"
        ),
        pytest.param(
            str(SAMPLES / "native" / "northwind.jsonl"),
            ["--id", "nope"],
            4,
            "no conversation 'nope'",
            id="unknown-id",
        ),
        pytest.param(str(SAMPLES), [], 3, "is a folder", id="folder"),
    ],
)
def test_check_conversation_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    conversation: str,
    extra: list[str],
    code: int,
    message: str,
) -> None:
    draft = str(_draft(tmp_path, GOOD))
    result = run_cli(capsys, "check", "-c", conversation, "-d", draft, *extra, "--fast")
    assert result.code == code, result.err
    assert message in result.err
    assert "Traceback" not in result.err


def test_check_bad_rubric(capsys: pytest.CaptureFixture[str], tmp_path: Path, jacket: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text("[weights]\ntelepathy = 2\n", encoding="utf-8")
    draft = str(_draft(tmp_path, GOOD))
    result = run_cli(capsys, "check", "-c", str(jacket), "-d", draft, "--rubric", str(rubric))
    assert result.code == 2
    assert "telepathy" in result.err


@pytest.mark.slow
def test_check_with_the_learned_models(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("servicecoach.analysis.learned")
    crash = tmp_path / "crash.jsonl"
    crash.write_text(json.dumps(conversation_to_dict(CRASH_CHAT)) + "\n", encoding="utf-8")
    draft = str(_draft(tmp_path, "PLEASE UPDATE THE APP!! It is the only fix."))
    result = run_cli(capsys, "check", "-c", str(crash), "-d", draft, "--json")
    assert result.code == 0, result.err
    assert "patience.shouting" in {s["kind"] for s in json.loads(result.out)["suggestions"]}
