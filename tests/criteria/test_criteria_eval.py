"""``servicecoach eval`` measures criteria like any signal, against the team's labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.evaluation.baselines import LabelledTexts
from servicecoach.evaluation.evaluate import evaluate
from servicecoach.evaluation.labels import LabelSet, parse_label
from servicecoach.rubric import Rubric
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.criteria.helpers import criterion

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "tests" / "data" / "criteria"
RUBRIC = ROOT / "docs" / "examples" / "criteria" / "rubric.toml"

CONVERSATIONS = [
    make_conversation([("customer", "Broken."), ("agent", "I have sent a refund for it.")], id="a"),
    make_conversation([("customer", "Late."), ("agent", "It arrives today.")], id="b"),
    make_conversation([("customer", "Late."), ("agent", "No refund, sorry.")], id="c"),
]
GOLD = {"a": True, "b": False, "c": False}


def _labels() -> LabelSet:
    labels = LabelSet()
    for conversation, value in GOLD.items():
        data = {"conversation": conversation, "message": "m2"}
        labels.add(parse_label({**data, "signals": {"criteria.offers_remedy": value}}))
    return labels


def _texts() -> LabelledTexts:
    messages = {(c.id, "m2"): ("agent", c.messages[1].text) for c in CONVERSATIONS}
    return LabelledTexts(messages=messages, last_customer={})


@pytest.mark.parametrize(
    ("phrases", "counts", "not_judged"),
    [
        (
            ["refund"],
            {"support": 1, "predicted": 2, "n": 3},
            {},
        ),  # "no refund" fires: phrases alone
        ([], {"support": 0, "predicted": 0, "n": 0}, {"criteria.offers_remedy": 3}),
    ],
)
def test_criteria_eval_counts_a_criterion_like_a_signal(
    phrases: list[str], counts: dict[str, int], not_judged: dict[str, int]
) -> None:
    rubric = Rubric(criteria={"offers_remedy": criterion(phrases=phrases)})
    pipeline = Pipeline.from_rubric(rubric, analyzers=[], fast=True)
    report = evaluate(pipeline.run(CONVERSATIONS), _labels())
    report.add_baselines(_texts())
    shown = report.to_dict()
    figures = shown["signals"]["criteria.offers_remedy"]
    assert {k: figures[k] for k in counts} == counts
    assert shown.get("not_judged", {}) == not_judged
    baseline = figures["baseline"]
    if counts["n"]:
        assert baseline["rule"].startswith("every agent message")
        assert baseline["n"] == counts["n"]
    else:
        assert baseline is None  # the baseline leaves out the same items


def test_criteria_eval_cli_on_the_held_aside_set(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        capsys, "eval", str(SET / "conversations.jsonl"), "--labels", str(SET / "labels.jsonl"),
        "--rubric", str(RUBRIC), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    signals = json.loads(result.out)["signals"]
    for key in ("criteria.offers_remedy", "criteria.mentions_competitor"):
        figures = signals[key]
        assert figures["n"] == 80 and figures["support"] >= 20
        assert figures["f1"] > figures["baseline"]["f1"] + 0.2  # docs/criteria.md: about +0.35
    assert signals["criteria.offers_remedy"]["precision"] >= 0.85


def test_criteria_eval_cli_fast_leaves_out_what_it_cannot_judge(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(
        capsys, "eval", str(SET / "conversations.jsonl"), "--labels", str(SET / "labels.jsonl"),
        "--rubric", str(RUBRIC), "--json", "--fast",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["not_judged"] == {"criteria.mentions_competitor": 80}
    assert data["signals"]["criteria.mentions_competitor"]["n"] == 0
    assert data["signals"]["criteria.offers_remedy"]["n"] == 80
