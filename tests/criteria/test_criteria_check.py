"""Judging conversations: evidence on the sentence that carried it, fast-mode fallback."""

from __future__ import annotations

import pytest

from servicecoach.analysis.criteria import CriteriaChecker
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.rubric import Rubric
from servicecoach.testing import make_conversation
from tests.analysis.fake_encoder import fake_encode
from tests.criteria.helpers import criterion, fake_view

REPLY = "Hi Dana, thanks for waiting. I have sent a refund for the broken jacket. Anything else?"


def _conversation(*turns: tuple[str, str]) -> Conversation:
    return make_conversation(
        list(turns) or [("customer", "My jacket arrived broken."), ("agent", REPLY)]
    )


def _checker(**changes: object) -> CriteriaChecker:
    return CriteriaChecker({"offers_remedy": criterion(**changes)}, fake_encode, "fake")


def test_criteria_check_evidence_is_the_sentence_that_carried_it() -> None:
    conversation = _conversation()
    found = _checker().check(conversation, fake_view(conversation))["offers_remedy"]
    assert (found.applicable, found.met, found.judged_by) == (True, True, "model")
    (evidence,) = found.evidence
    text = conversation.messages[1].text
    assert evidence.message == "m2"
    assert text[evidence.start : evidence.end] == evidence.quote
    assert evidence.quote == "I have sent a refund for the broken jacket."
    assert (evidence.signal, evidence.polarity) == ("criteria.offers_remedy", 1)


@pytest.mark.parametrize(
    "turns",
    [
        [("customer", "I have sent a refund for the broken jacket back to you.")],  # customer's
        [
            ("customer", "Hi"),
            ("agent", "> I have sent a refund for the jacket.\nSure, let me look."),
        ],
        [("customer", "Hi"), ("agent", "Thanks for your patience with the wait today.")],
    ],
)
def test_criteria_check_judges_only_the_agents_own_words(turns: list[tuple[str, str]]) -> None:
    conversation = _conversation(*turns)
    found = _checker().check(conversation, fake_view(conversation))["offers_remedy"]
    assert found.evidence == ()


def test_criteria_check_not_applicable_without_an_agent_reply() -> None:
    conversation = _conversation(("customer", "Hello?"))
    found = _checker().check(conversation, fake_view(conversation))["offers_remedy"]
    assert (found.applicable, found.met, found.reason) == (False, None, "no agent reply to judge")


def test_criteria_check_skips_internal_notes() -> None:
    base = _conversation()
    note = Message(
        id="m3", role=Role.AGENT, text="I have sent a refund for the order.", internal=True
    )
    conversation = Conversation(id="c1", channel=base.channel, messages=(base.messages[0], note))
    found = _checker().check(conversation, fake_view(conversation))["offers_remedy"]
    assert found.applicable is False


def test_criteria_check_phrases_gate_the_model() -> None:
    conversation = _conversation()
    found = _checker(phrases=["replacement"]).check(conversation, fake_view(conversation))
    assert found["offers_remedy"].met is False


@pytest.mark.parametrize(
    ("phrases", "judged_by", "quotes"),
    [
        (["refund"], "phrases", ["I have sent a refund for the broken jacket."]),
        ([], None, []),
    ],
)
def test_criteria_check_fast_mode_falls_back_to_phrases(
    phrases: list[str], judged_by: str | None, quotes: list[str]
) -> None:
    checker = CriteriaChecker({"offers_remedy": criterion(phrases=phrases)})  # no encoder
    found = checker.check(_conversation(), None)["offers_remedy"]
    assert found.judged_by == judged_by
    assert [e.quote for e in found.evidence] == quotes
    if judged_by is None:
        assert found.met is None and found.reason == "fast mode: no sentence model and no phrases"
        assert found.version is None
    else:
        assert found.version == "criteria.offers_remedy@phrases"


def test_criteria_result_line_has_criteria_and_message_signals() -> None:
    rubric = Rubric(criteria={"offers_remedy": criterion(phrases=["refund"])})
    result = Pipeline.from_rubric(rubric, analyzers=[], fast=True).analyze(_conversation())
    line = result.to_dict()
    entry = line["criteria"]["offers_remedy"]
    assert {k: entry[k] for k in ("label", "polarity", "applicable", "met", "judged_by")} == {
        "label": "Offers a refund", "polarity": 1, "applicable": True, "met": True,
        "judged_by": "phrases",
    }  # fmt: skip
    assert entry["evidence"][0]["signal"] == "criteria.offers_remedy"
    assert line["messages"][1]["signals"] == ["criteria.offers_remedy"]
    assert "criteria" not in line["skills"]


def test_criteria_result_line_without_criteria_is_unchanged() -> None:
    line = (
        Pipeline.from_rubric(Rubric(), analyzers=[], fast=True).analyze(_conversation()).to_dict()
    )
    assert "criteria" not in line


def test_criteria_not_judged_in_a_language_not_scored() -> None:
    rubric = Rubric(criteria={"offers_remedy": criterion(phrases=["refund"])})
    spanish = _conversation(
        ("customer", "Mi chaqueta llegó rota y nadie me responde desde hace una semana."),
        ("agent", "Lo siento mucho, le enviamos un reembolso completo hoy mismo."),
    )
    result = Pipeline.from_rubric(rubric, analyzers=[], fast=True).analyze(spanish)
    assert result.not_scored is not None
    assert result.criteria["offers_remedy"].applicable is False
