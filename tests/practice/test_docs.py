"""docs/practice.md: the worked example is a valid scenario and plays both its branches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servicecoach.practice import Coach, PracticeSession, ScenarioError, load_scenario
from tests.conftest import REPO

DOC = (REPO / "docs" / "practice.md").read_text(encoding="utf-8")


def _example(tmp_path: Path) -> Path:
    found = re.search(r"```toml\n(.*?)```", DOC, re.S)
    assert found is not None
    path = tmp_path / "late-lamp.toml"
    path.write_text(found.group(1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("reply", "then"),
    [
        ("I'm sorry, Kim - it will be delivered tomorrow.", "relieved"),
        ("Let me check.", "angrier"),
        ("I'm so sorry, Kim.", "asks_again"),
    ],
)
def test_docs_worked_example_branches(tmp_path: Path, coach: Coach, reply: str, then: str) -> None:
    session = PracticeSession(load_scenario(_example(tmp_path)), coach)
    assert session.reply(reply).then == then


def test_docs_validation_message_is_the_real_one(tmp_path: Path) -> None:
    path = _example(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('then = "angrier"', 'then = "furious"')
    text = text.replace(
        'fired = ["problem_solving.solution"]', 'fired = ["problem_solving.solutoin"]'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    shown = str(caught.value).replace(str(path), "team/late-lamp.toml")
    assert f"error: {shown}" in DOC
