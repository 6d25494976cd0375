"""The heads file a tuned rubric names: written, read back into the rubric (and its
version), applied to the learned view, and every broken file a clear error naming it."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from servicecoach.analysis.learned import TeamDecision
from servicecoach.errors import ConfigError
from servicecoach.nlp.embeddings import DIMENSION
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION, rubric_version
from servicecoach.review.team_head import fit_team_head, heads_file
from servicecoach.rubric import Rubric, TeamHead, load_rubric
from servicecoach.testing import make_conversation
from tests.review.tune_helpers import SENDS, THANKS, StubJudge, encode

SOLUTION = "problem_solving.solution"


def _head(threshold: float = 0.6) -> TeamHead:
    weights = [0.0] * DIMENSION
    weights[0] = 4.0
    return TeamHead(weights=weights, shipped=1.0, bias=-1.0, threshold=threshold, examples=40)


def _write(folder: Path, heads: object, name: str = "team.heads.json") -> Path:
    (folder / name).write_text(
        heads if isinstance(heads, str) else json.dumps(heads), encoding="utf-8"
    )
    rubric = folder / "team.toml"
    rubric.write_text(f'[signals]\nheads = "{name}"\n', encoding="utf-8")
    return rubric


def test_team_heads_round_trip_through_the_heads_file(tmp_path: Path) -> None:
    head = _head()
    (tmp_path / "team.heads.json").write_text(heads_file({SOLUTION: head}, "stub", 12))
    rubric = load_rubric(_write(tmp_path, (tmp_path / "team.heads.json").read_text()))
    assert rubric.signals.heads == "team.heads.json"
    assert rubric.signals.team_heads == {SOLUTION: head}
    assert rubric_version(rubric) not in {DEFAULT_RUBRIC_VERSION, rubric_version(Rubric())}
    stored = json.loads((tmp_path / "team.heads.json").read_text())
    assert stored["format"] == 1 and stored["encoder"] == "stub" and stored["reviews"] == 12
    [decision] = rubric.act_thresholds().values()
    assert isinstance(decision, TeamDecision) and decision.threshold == 0.6
    assert pickle.loads(pickle.dumps(decision)).shipped == 1.0


def test_a_team_head_replaces_its_labels_probabilities_in_the_view() -> None:
    conversation = make_conversation([("customer", "Where is it?"), ("agent", SENDS[0])])
    view = StubJudge(lambda _: 0.5).view(conversation)
    column = view.labels["acts"].index("solution")
    decision = TeamDecision.of(0.6, _head().weights, 1.0, -1.0)
    team = view.with_thresholds("acts", {"solution": decision})
    expected = decision.probabilities(view.embeddings, view.heads["acts"][:, column])
    assert np.allclose(team.heads["acts"][:, column], expected)
    assert team.thresholds["acts"][column] == 0.6
    other = view.labels["acts"].index("question")
    assert np.array_equal(team.heads["acts"][:, other], view.heads["acts"][:, other])
    assert view.heads["acts"][1, column] == 0.5  # the view itself is left alone


def test_fit_team_head_needs_examples_on_both_sides() -> None:
    texts = SENDS + THANKS
    present = np.array([True] * len(SENDS) + [False] * len(THANKS))
    head = fit_team_head(encode(texts), np.full(len(texts), 0.5, np.float32), present)
    assert head is not None and head.examples == 20 and len(head.weights) == DIMENSION
    assert fit_team_head(encode(texts[:12]), np.full(12, 0.5, np.float32), present[:12]) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"signals\.heads: .*team\.heads\.json does not exist"),
        ("{not json", r"team\.heads\.json is not valid JSON"),
        ({"format": 7, "heads": {}}, r"team\.heads\.json is not a heads file of format 1"),
        ({"format": 1, "heads": []}, r"team\.heads\.json: 'heads' must map signals"),
        (
            {"format": 1, "heads": {SOLUTION: {"weights": [0.5], "shipped": 1, "bias": 0,
                                               "threshold": 0.5}}},
            rf"team\.heads\.json: heads\.{SOLUTION}\.weights: has 1 weights",
        ),
        (
            {"format": 1, "heads": {SOLUTION: {**_head().model_dump(), "threshold": 1.5}}},
            rf"heads\.{SOLUTION}\.threshold",
        ),
        (
            {"format": 1, "heads": {"empathy.validation": _head().model_dump()}},
            r"'empathy\.validation' has no learned head",
        ),
    ],
)  # fmt: skip
def test_a_broken_heads_file_is_a_clear_error_naming_it(
    tmp_path: Path, content: object, message: str
) -> None:
    rubric = tmp_path / "team.toml"
    if content is None:
        rubric.write_text('[signals]\nheads = "team.heads.json"\n', encoding="utf-8")
    else:
        rubric = _write(tmp_path, content)
    with pytest.raises(ConfigError, match=message):
        load_rubric(rubric)


def test_team_heads_come_only_from_the_heads_file(tmp_path: Path) -> None:
    rubric = tmp_path / "team.toml"
    rubric.write_text(f'[signals.team_heads."{SOLUTION}"]\nbias = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"team\.toml: signals\.team_heads is read from"):
        load_rubric(rubric)


def test_live_assist_uses_the_rubrics_team_heads() -> None:
    from servicecoach.assist.checker import DraftChecker

    judge = StubJudge(lambda _: 0.5)
    texts = SENDS + THANKS
    present = np.array([True] * len(SENDS) + [False] * len(THANKS))
    head = fit_team_head(encode(texts), np.full(len(texts), 0.5, np.float32), present)
    assert head is not None
    team = Rubric.model_validate({"signals": {"team_heads": {SOLUTION: head.model_dump()}}})
    conversation = make_conversation([("customer", "My order has not arrived.")])

    def praised(rubric: Rubric) -> list[str]:
        checked = DraftChecker(rubric, judge=judge).check(conversation, SENDS[2])
        return [good.kind for good in checked.good]

    assert SOLUTION not in praised(Rubric()) and SOLUTION in praised(team)
