"""``servicecoach practice``: list the scenarios, play one from a file or standard input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from servicecoach.analysis.skills import SKILLS
from tests.cli.helpers import run_cli

CALM_DM = (
    "Imogen, I'm so sorry - waiting on a birthday present with no news is really stressful. "
    "Please send us a DM and we'll check your parcel there."
)
FIX = "Thanks, Imogen. I've sent a new lamp by next-day courier today; it arrives on Friday."


def _replies(tmp_path: Path, *replies: str) -> Path:
    path = tmp_path / "replies.txt"
    path.write_text("\n---\n".join(replies) + "\n", encoding="utf-8")
    return path


def test_practice_cli_lists_scenarios_with_their_skills(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "practice", "--list", "--json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    assert len(listed) >= 12
    assert {skill for s in listed for skill in s["skills"]} == set(SKILLS)
    late = next(s for s in listed if s["id"] == "late-parcel-public")
    assert late["channel"] == "social_public" and late["skills"][0] == "public_to_private"
    plain = run_cli(capsys, "practice", "--list")
    assert plain.code == 0 and "late-parcel-public" in plain.out and "scenarios." in plain.out


@pytest.mark.parametrize(
    ("replies", "path"),
    [
        ((CALM_DM, FIX, "Have a lovely weekend!"), ["opening", "in_dm", "relieved"]),
        (
            ("We will look into it.", "What is your order number?"),
            ["opening", "angrier", "gives_up"],
        ),
    ],
)
def test_practice_cli_plays_two_branches_from_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, replies: tuple[str, ...], path: list[str]
) -> None:
    file = _replies(tmp_path, *replies)
    result = run_cli(
        capsys, "practice", "late-parcel-public", "--replies", str(file), "--fast", "--json"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["debrief"]["path"] == path and data["debrief"]["finished"] is True
    assert [e["reply"] for e in data["exchanges"]] == list(replies)
    assert all(e["feedback"]["format"] == 1 for e in data["exchanges"])
    skills = {s["skill"]: s for s in data["debrief"]["skills"]}
    assert skills["public_to_private"]["trained"] is True
    assert data["debrief"]["turns"][0]["model_answer"].startswith("Imogen, I'm so sorry")


def test_practice_cli_readable_session(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = _replies(tmp_path, CALM_DM, FIX, "Have a lovely weekend!", "one too many")
    result = run_cli(capsys, "practice", "late-parcel-public", "--replies", str(file), "--fast")
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    for expected in (
        "Imogen Hart: Ten days",  # the opening
        "✓ Apologises",  # praise from the live checker
        "Imogen has moved to a direct message with you.",  # the branch's note
        "Debrief",
        "path: opening → in_dm → relieved",
        "public to private: 100",
        "Model answer:",
    ):
        assert expected in out, expected
    assert "1 replies left unused" in result.err


def test_practice_cli_reads_typed_replies_until_quit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = "We will look\ninto it.\n\n/quit\nnever read\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    result = run_cli(capsys, "practice", "late-parcel-public", "--fast", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [e["reply"] for e in data["exchanges"]] == ["We will look\ninto it."]
    assert data["debrief"]["finished"] is False
    assert data["debrief"]["path"] == ["opening", "angrier"]


def test_practice_cli_plays_a_team_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.practice.test_loader import VALID

    scenario = tmp_path / "team-case.toml"
    scenario.write_text(VALID, encoding="utf-8")
    file = _replies(tmp_path, "It arrives tomorrow.")
    result = run_cli(capsys, "practice", str(scenario), "--replies", str(file), "--fast", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["debrief"]["path"] == ["opening", "angry"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "give a SCENARIO"),
        (("no-such-scenario",), 4, "no scenario 'no-such-scenario'"),
        (("late-parcel-public", "--replies", "absent.txt"), 3, "absent.txt does not exist"),
    ],
)
def test_practice_cli_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, message: str
) -> None:
    result = run_cli(capsys, "practice", *args, "--fast")
    assert result.code == code
    assert message in " ".join(result.err.split())
    assert "Traceback" not in result.err


def test_practice_cli_malformed_scenario_names_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.practice.test_loader import VALID

    scenario = tmp_path / "broken.toml"
    scenario.write_text(VALID.replace('then = "angry"', 'then = "furious"'), encoding="utf-8")
    result = run_cli(capsys, "practice", str(scenario), "--fast")
    assert result.code == 3
    err = " ".join(result.err.split())
    assert f"scenario {scenario}" in err or "broken.toml" in err
    assert "steps.opening.branches.0.then: no step 'furious'" in err
