"""A team's thresholds for the learned signals: validated in the rubric, applied by the
pipeline, and fitted by ``tune`` on the team's signal labels (held-aside checked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import pytest

from servicecoach.analysis import Analyzer, Context, Pipeline, SkillFinding
from servicecoach.analysis.analyzers.common import learned_acts
from servicecoach.analysis.learned import LearnedView, ReadyViews, SentenceSpan
from servicecoach.errors import ConfigError
from servicecoach.evaluation.labels import LabelSet, parse_label
from servicecoach.model import Conversation
from servicecoach.model.conversation import Role
from servicecoach.nlp.embeddings import DIMENSION
from servicecoach.nlp.heads import load_head
from servicecoach.nlp.sentences import sentences
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION, rubric_version
from servicecoach.review.tune import Item, TuneRefused, f_half, split_keys, tune
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.testing import make_conversation

ACTS = load_head("acts")
SOLUTION = ACTS.labels.index("solution")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '"listening.telepathy" = 0.5',
            "signals.thresholds: .*'listening.telepathy' has no learned",
        ),
        ('"empathy.acknowledge" = 0.5', "'empathy.acknowledge' has no learned threshold"),
        ('"listening.paraphrase" = 1.0', "'listening.paraphrase' = 1.0: a threshold is between"),
        ('"listening.question" = 0', "'listening.question' = 0.0: a threshold is between"),
        ('"listening.question" = "high"', "signals.thresholds.listening.question"),
    ],
)
def test_rubric_thresholds_are_validated_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(f"[signals.thresholds]\n{text}\n")
    with pytest.raises(ConfigError, match=message):
        load_rubric(path)


def test_rubric_thresholds_name_the_head_label_and_version_the_rubric(tmp_path: Path) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text('[signals.thresholds]\n"listening.paraphrase" = 0.55\n')
    rubric = load_rubric(path)
    assert rubric.act_thresholds() == {"paraphrase": 0.55}
    assert Rubric().act_thresholds() == {}
    # The version of every rubric without thresholds is the one it had before the key existed.
    assert rubric_version(Rubric()) == DEFAULT_RUBRIC_VERSION == "rubric-5f69a0281a23"
    assert rubric_version(rubric) != DEFAULT_RUBRIC_VERSION
    assert Pipeline.from_rubric(rubric, fast=True).act_thresholds == {"paraphrase": 0.55}


def _acts_view(probabilities: Sequence[float]) -> LearnedView:
    """One sentence per message, the acts head giving ``solution`` each probability."""
    n = len(probabilities)
    acts = np.zeros((n, len(ACTS.labels)), dtype=np.float32)
    acts[:, SOLUTION] = probabilities
    return LearnedView(
        tuple(SentenceSpan(i, 0, 40) for i in range(n)),
        np.eye(n, 4, dtype=np.float32),
        {"acts": acts},
        {"acts": ACTS.labels},
        MappingProxyType({"acts": ACTS.thresholds}),
    )


class _Spy(Analyzer):
    """Records whether the acts head fires ``solution`` on the first message."""

    id = "spy.v1"
    name = "spy"
    skill = "problem_solving"
    fired: ClassVar[list[bool]] = []

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        self.fired.append(learned_acts(context, 0)(0, 10, "solution"))
        return SkillFinding.not_applicable()


def test_a_rubric_threshold_changes_the_heads_decision() -> None:
    view = _acts_view([0.6])
    assert ACTS.thresholds[SOLUTION] > 0.6 and not view.fires("acts", "solution", 0)
    lowered = view.with_thresholds("acts", {"solution": 0.55})
    assert lowered.fires("acts", "solution", 0)
    assert lowered.thresholds["acts"][:SOLUTION] == ACTS.thresholds[:SOLUTION]
    assert view.with_thresholds("acts", {}) is view
    with pytest.raises(ValueError, match="no label 'telepathy'"):
        view.with_thresholds("acts", {"telepathy": 0.5})
    conversation = make_conversation([("agent", "Your parcel left the depot on Monday.")])
    _Spy.fired.clear()
    Pipeline([_Spy()]).analyze(conversation, learned=view)
    Pipeline([_Spy()], act_thresholds={"solution": 0.55}).analyze(conversation, learned=view)
    assert _Spy.fired == [False, True]


class _Embedder:
    model_name = "fake"

    def encode(self, texts: Sequence[str]) -> Any:
        return np.zeros((len(texts), DIMENSION), dtype=np.float32)


class _Judge:
    """Stands in for the learned models: every agent sentence gets the ``solution``
    probability of its conversation, the rest nothing."""

    def __init__(self, solution: Mapping[str, float]) -> None:
        self.solution = solution
        self.embedder = _Embedder()
        self.heads = {name: load_head(name) for name in ("emotion", "counselling", "acts")}

    def view(self, conversation: Conversation) -> LearnedView:
        return self.views([conversation])[0]

    def prepare(self, conversations: Sequence[Conversation]) -> ReadyViews:
        return ReadyViews(self.views(conversations))

    def views(self, conversations: Sequence[Conversation]) -> list[LearnedView]:
        return [self._view(c) for c in conversations]

    def _view(self, conversation: Conversation) -> LearnedView:
        spans = [
            (index, s.start, s.end, message.role)
            for index, message in enumerate(conversation.messages)
            for s in sentences(message.text)
        ]
        outputs = {}
        for name, head in self.heads.items():
            matrix = np.zeros((len(spans), len(head.labels)), dtype=np.float32)
            if name == "emotion":
                matrix[:, head.labels.index("neutral")] = 1.0
            outputs[name] = matrix
        for row, (*_, role) in enumerate(spans):
            if role is not Role.CUSTOMER:
                outputs["acts"][row, SOLUTION] = self.solution[conversation.id]
        return LearnedView(
            tuple(SentenceSpan(i, start, end) for i, start, end, _ in spans),
            np.zeros((len(spans), DIMENSION), dtype=np.float32),
            outputs,
            {name: head.labels for name, head in self.heads.items()},
            MappingProxyType({n: h.thresholds for n, h in self.heads.items() if h.thresholds}),
        )


REPLIES = [
    "Your parcel left our depot on Monday.",
    "The replacement strap ships from the Leeds warehouse.",
    "Your account shows two payments this month.",
    "The store on King Street stocks that size.",
]


def _labelled(tmp: Sequence[str], positive: Mapping[str, bool]) -> tuple[list[Item], LabelSet]:
    items: list[Item] = []
    labels = LabelSet()
    for i, key in enumerate(tmp):
        conversation = make_conversation(
            [("customer", "My order has not arrived."), ("agent", REPLIES[i % len(REPLIES)])],
            id=key,
        )
        items.append((key, conversation, None))
        labels.add(
            parse_label(
                {
                    "conversation": key,
                    "message": conversation.messages[1].id,
                    "signals": {"problem_solving.solution": positive[key]},
                }
            )
        )
    return items, labels


def _setup(monkeypatch: pytest.MonkeyPatch, held_strict: bool) -> tuple[list[Item], LabelSet]:
    """80 replies with solution probabilities spread over 0.40-0.99; the reviewers call
    one a solution from 0.5 up (held-aside ones from 0.8 up when ``held_strict``)."""
    keys = [f"c{i}" for i in range(80)]
    probability = {key: 0.4 + 0.59 * (i % 20) / 19 for i, key in enumerate(keys)}
    split = split_keys(keys, 0.3, 0)
    positive = {
        key: probability[key] >= (0.8 if held_strict and key in split.held else 0.5) for key in keys
    }
    import servicecoach.analysis.learned as learned

    monkeypatch.setattr(learned, "default_judge", lambda: _Judge(probability))
    return _labelled(keys, positive)


def test_tune_fits_a_signal_threshold_to_the_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    items, labels = _setup(monkeypatch, held_strict=False)
    result = tune(items, labels, Rubric(), fast=False)
    thresholds = result.tuned.signals.thresholds
    assert 0.4 < thresholds["problem_solving.solution"] <= 0.5
    assert [c.key for c in result.changes] == ["signals.thresholds.problem_solving.solution"]
    assert result.held_f05_before is not None and result.held_f05_after is not None
    assert result.held_f05_after > result.held_f05_before
    assert result.held_f05_after == 1.0
    counts = result.signals_after["problem_solving.solution"]
    assert f_half(counts) == 1.0 and counts.fp == 0


def test_tune_of_thresholds_is_refused_when_held_aside_agreement_falls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items, labels = _setup(monkeypatch, held_strict=True)
    with pytest.raises(TuneRefused, match=r"mean F0\.5") as refused:
        tune(items, labels, Rubric(), fast=False)
    result = refused.value.result
    assert result.changes and not result.improved
    assert result.held_f05_before is not None and result.held_f05_after is not None
    assert result.held_f05_after < result.held_f05_before


def test_fast_tune_fits_no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    items, labels = _setup(monkeypatch, held_strict=False)
    with pytest.raises(TuneRefused, match="no setting raised"):
        tune(items, labels, Rubric(), fast=True)


def test_tuned_thresholds_are_written_and_read_back(tmp_path: Path) -> None:
    from servicecoach.cli.tune_cmd import _write
    from servicecoach.review.tune import Change, TuneResult

    source = tmp_path / "team.toml"
    source.write_text("[weights]\nempathy = 2\n\n[signals]\nscore_experimental = []\n")
    tuned = load_rubric(source).model_copy(
        update={
            "signals": Rubric().signals.model_copy(
                update={"thresholds": {"listening.question": 0.9}}
            )
        }
    )
    key = "signals.thresholds.listening.question"
    result = TuneResult(tuned, (Change(key, 0.75, 0.9),), None, None, None, None)
    out = tmp_path / "tuned.toml"
    _write(out, source, tuned, result, reviews=12)
    written = load_rubric(out)
    assert written.signals.thresholds == {"listening.question": 0.9}
    assert written.weight("empathy") == 2
    assert "mean F0.5" in out.read_text()
