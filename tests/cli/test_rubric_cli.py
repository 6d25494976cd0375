"""``servicecoach rubric check``: a rubric and the files beside it, checked as they are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_a_valid_rubric_says_what_it_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "rubric", "check", str(EXAMPLES / "team-rubric.toml"))
    assert result.code == 0, result.err
    assert "is a valid rubric (rubric-" in result.out
    assert "lexicon overrides: clarity" in result.out
    assert "criteria: mentions_competitor, offers_remedy" in result.out


def test_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "rubric", "check", str(EXAMPLES / "assist" / "rubric.toml"), "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["assist"] == ["kinds", "rewrites"]
    assert summary["version"].startswith("rubric-")


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        (
            {"team.toml": "[analyzers.closing.points]\ncheck = -20\n"},
            "[analyzers.closing] points: check = -20: it earns (0 to 100)",
        ),
        (
            {
                "team.toml": '[assist]\nkinds = "kinds.toml"\n',
                "kinds.toml": '[suggest."patience.blame"]\nreason = "{nope}"\n',
            },
            'assist.kinds: kinds.toml: [suggest."patience.blame"] reason: unknown placeholder {nope}',
        ),
        (
            {
                "team.toml": '[lexicons]\nclarity = "clarity.toml"\n',
                "clarity.toml": '[jargn]\nphrases = ["wms"]\n',
            },
            "clarity.toml",
        ),
    ],
)
def test_a_mistake_names_file_and_key_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], needle: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli(capsys, "rubric", "check", str(tmp_path / "team.toml"))
    assert result.code == 2
    assert needle in result.err
    assert "Traceback" not in result.err


def test_an_assist_mistake_is_found_here_though_analyze_does_not_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "team.toml").write_text('[assist]\nkinds = "kinds.toml"\n', encoding="utf-8")
    (tmp_path / "kinds.toml").write_text('[suggest."no.such"]\nreason = "x"\n', encoding="utf-8")
    result = run_cli(capsys, "rubric", "check", str(tmp_path / "team.toml"))
    assert result.code == 2
    assert "kinds.toml" in result.err
