"""The draft checker: the live analysers through the pipeline, the JSON shape, edge cases."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from servicecoach.analysis.learned import Judge
from servicecoach.assist import DraftCheck, DraftChecker, Praise, Suggestion, check_draft
from servicecoach.assist.judge import CachedEmbedder
from servicecoach.errors import InputError
from servicecoach.model.conversation import Channel, Message, Role
from servicecoach.nlp.embeddings import DIMENSION
from servicecoach.rubric import Phrases, Rubric
from servicecoach.testing import make_conversation
from tests.assist.conversations import CRASH_CHAT, JACKET_EMAIL, PARCEL_TWEET, conversation


@pytest.fixture(scope="module")
def checker() -> DraftChecker:
    return DraftChecker(fast=True)


def test_checker_json_is_the_format_md_shape(checker: DraftChecker) -> None:
    data = checker.check(PARCEL_TWEET, "So sorry! What's your order number?").to_dict()
    assert list(data) == ["format", "suggestions", "good"]
    assert data["format"] == 1
    assert data["suggestions"]
    for suggestion in data["suggestions"]:
        assert list(suggestion) == ["kind", "severity", "start", "end", "reason", "rewrite"]
        assert suggestion["severity"] in ("info", "warning", "error")
        assert isinstance(suggestion["start"], int) and isinstance(suggestion["end"], int)
        assert suggestion["rewrite"] is None or isinstance(suggestion["rewrite"], str)
    for praise in data["good"]:
        assert list(praise) == ["kind", "start", "end", "reason"]


def test_checker_runs_only_live_analysers(checker: DraftChecker) -> None:
    assert "responsiveness" not in checker.versions
    assert "empathy" in checker.versions


@pytest.mark.parametrize("draft", ["", "   \n\t  "])
def test_checker_empty_draft_is_an_input_error(checker: DraftChecker, draft: str) -> None:
    with pytest.raises(InputError, match="draft is empty"):
        checker.check(JACKET_EMAIL, draft)


def test_checker_spans_index_the_draft_as_typed(checker: DraftChecker) -> None:
    draft = "\r\n  I'm so sorry about the zip.\r\n\r\n\r\nWe  can't refund the jacket until it is back.  "
    suggestion = next(
        s
        for s in checker.check(JACKET_EMAIL, draft).suggestions
        if s.kind == "clarity.negative_language"
    )
    assert (
        draft[suggestion.start : suggestion.end] == "We  can't refund the jacket until it is back."
    )


def test_checker_draft_id_never_collides(checker: DraftChecker) -> None:
    taken = replace(
        CRASH_CHAT,
        messages=(*CRASH_CHAT.messages[:2], replace(CRASH_CHAT.messages[2], id="draft")),
    )
    result = checker.check(
        taken, "Sorry about that! Is there anything else I can help you with today?"
    )
    assert "closing.premature" in {s.kind for s in result.suggestions}


def test_checker_non_english_is_not_scored(checker: DraftChecker) -> None:
    spanish = conversation(
        "es-1",
        Channel.CHAT,
        [("customer", "Hola, mi pedido llegó roto y nadie me responde. ¿Pueden enviarme otro?")],
    )
    result = checker.check(spanish, "Lo siento mucho, le enviamos otro pedido hoy mismo.")
    assert result.not_scored and result.language == "es"
    assert result.to_dict() == {"format": 1, "suggestions": [], "good": []}


def test_checker_draft_without_conversation(checker: DraftChecker) -> None:
    empty = conversation("new", Channel.EMAIL, [])
    result = checker.check(empty, "Hi Dana, your new card is on its way and arrives Friday.")
    assert result.suggestions == ()


def test_checker_follow_up_after_an_agent_reply(checker: DraftChecker) -> None:
    turns = [*((m.role.value, m.text) for m in CRASH_CHAT.messages), ("agent", "Let me check.")]
    followed = conversation("chat-4410", Channel.CHAT, turns)
    result = checker.check(followed, "Is there anything else I can help you with today?")
    assert "closing.premature" in {s.kind for s in result.suggestions}


@pytest.mark.slow
def test_checker_rubric_phrases_through_check_draft() -> None:
    pytest.importorskip("servicecoach.analysis.learned")
    team = Rubric(phrases=Phrases(forbid=["per our policy"]))
    draft = "I'm sorry about that. Per our policy, I've sent a replacement today."
    result = check_draft(CRASH_CHAT, draft, team)
    assert "clarity.forbidden_phrase" in {s.kind for s in result.suggestions}


def test_checker_values_are_checked() -> None:
    with pytest.raises(ValueError, match="severity"):
        Suggestion("x.y", "fatal", 0, 1, "r")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="span"):
        Suggestion("x.y", "info", 3, 1, "r")
    assert Praise("apology.apology", 0, 3, "Apologises.").to_dict()["kind"] == "apology.apology"
    assert DraftCheck("hi").to_dict() == {"format": 1, "suggestions": [], "good": []}


class _CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32).reshape(-1, 2)


def test_checker_embedding_cache_embeds_each_sentence_once() -> None:
    encoder = _CountingEncoder()
    cached = CachedEmbedder(encoder, size=3)
    first = cached.encode(["a", "bb", "a"])
    assert first.shape == (3, 2) and first[1, 0] == 2.0
    cached.encode(["bb", "ccc"])
    assert encoder.seen == ["a", "bb", "ccc"]
    cached.encode(["dddd"])  # "a" is the least recently used: dropped
    cached.encode(["a"])
    assert encoder.seen == ["a", "bb", "ccc", "dddd", "a"]
    assert cached.encode([]).shape[0] == 0


def test_the_live_judge_reads_sentences_through_its_own_cache() -> None:
    """Live assist's judge embeds through its cache (which forwards other attributes to
    the shared embedder), so a keystroke re-embeds only the sentence that changed."""
    seen: list[str] = []

    class Encoder:
        def encode(self, texts: list[str]) -> np.ndarray:
            seen.extend(texts)
            return np.full((len(texts), DIMENSION), DIMENSION**-0.5, dtype=np.float32)

        def submit(self, texts: list[str]) -> None:  # what CachedEmbedder must not reach
            raise AssertionError("the shared embedder was asked directly")

    judge = Judge(embedder=CachedEmbedder(Encoder(), size=16))  # type: ignore[arg-type]
    chat = make_conversation([("customer", "Where is my parcel? It is late.")])
    judge.views([chat])
    judge.views([chat])
    assert seen == ["Where is my parcel?", "It is late."]


@pytest.mark.slow
def test_checker_with_the_learned_models() -> None:
    pytest.importorskip("servicecoach.analysis.learned")
    draft = "We can't refund the jacket until it is back in our warehouse."
    result = check_draft(JACKET_EMAIL, draft)
    kinds = {s.kind for s in result.suggestions}
    assert {"clarity.negative_language", "listening.unanswered_question"} <= kinds
    again = check_draft(JACKET_EMAIL, draft)
    assert again == result


def test_checker_message_roles_are_kept(checker: DraftChecker) -> None:
    noted = replace(
        CRASH_CHAT,
        messages=(
            *CRASH_CHAT.messages,
            Message("n1", Role.AGENT, "note: customer is on iOS 17", internal=True),
        ),
    )
    result = checker.check(noted, "Please update the app to version 4.2 - that fixes the crash.")
    assert result.suggestions == ()
