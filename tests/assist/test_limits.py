"""Live assist's caps: drafts and conversations over them are refused plainly; pathological
drafts at the cap are checked to the end (the time is for benchmarks/assist_size_bench.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from servicecoach.assist import DraftCheck, DraftChecker, DraftLimits, DraftTooLarge
from servicecoach.assist.limits import MAX_CONTEXT_CHARS, MAX_DRAFT_CHARS, MAX_MESSAGES
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.model.native import conversation_to_dict
from tests.assist.conversations import BILLING_CHAT, JACKET_EMAIL, PARCEL_TWEET, conversation
from tests.cli.helpers import run_cli


@pytest.fixture(scope="module")
def checker() -> DraftChecker:
    return DraftChecker(fast=True)


def _fill(unit: str, size: int = MAX_DRAFT_CHARS) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


PATHOLOGICAL = {
    "one sentence without punctuation": _fill("we will look into your order and get back "),
    "lines of ok": _fill("ok\n"),
    "question marks": "?" * MAX_DRAFT_CHARS,
    "short questions": _fill("why not? "),
    "exclamation marks": "!" * MAX_DRAFT_CHARS,
    "one long word": "a" * MAX_DRAFT_CHARS,
    "dots": "." * MAX_DRAFT_CHARS,
    "quotation marks": '"' * MAX_DRAFT_CHARS,
    "abbreviations": _fill("Mr. "),
    "repeated word": _fill("sorry "),
    "lead-in words": _fill("unfortunately sorry "),
    "negatives in one clause": _fill("if you can't we can't "),
    "done and next in one line": _fill("I've you'll "),
    "a condition of dots": "we can't ship it until " + "." * (MAX_DRAFT_CHARS - 24) + "x",
    "negations in one line": "your order " + _fill("can't ship ", MAX_DRAFT_CHARS - 11),
    "handles and links": _fill("@" + "a" * 300 + " https://example.com/" + "x/" * 300 + " "),
    "address characters without @": _fill("a.b-c+d"),
    "capitals": _fill("WHY IS THIS BROKEN "),
    "quoted customer words": _fill('"torn zip" '),
}
"""Drafts at the cap built to hit every spot that was quadratic (or exponential)."""


@pytest.mark.parametrize("draft", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_limits_pathological_draft_at_the_cap_is_checked(checker: DraftChecker, draft: str) -> None:
    result = checker.check(JACKET_EMAIL, draft)
    assert isinstance(result, DraftCheck)
    spans = [(s.start, s.end) for s in result.suggestions] + [(g.start, g.end) for g in result.good]
    assert all(0 <= start <= end <= len(draft) for start, end in spans)


CUSTOMER_SAID = {
    "problem words": _fill("broken broken ", MAX_CONTEXT_CHARS),
    "problem words in asides": _fill("i think it's broken (really) ", MAX_CONTEXT_CHARS),
    "questions": _fill("When will my refund arrive? Why is it late? ", MAX_CONTEXT_CHARS),
    "names and steps tried": _fill("my name is Dana and I tried restarting it ", MAX_CONTEXT_CHARS),
    "repeating themselves": _fill("I'm asking again ", MAX_CONTEXT_CHARS),
}
"""Customer messages at the conversation cap that hit what was quadratic in their length."""


@pytest.mark.parametrize("said", list(CUSTOMER_SAID.values()), ids=list(CUSTOMER_SAID))
def test_limits_pathological_conversation_at_the_cap_is_checked(
    checker: DraftChecker, said: str
) -> None:
    chat = conversation("c", Channel.EMAIL, [("customer", said)])
    result = checker.check(chat, "I'm so sorry about the wait - it ships today.")
    assert isinstance(result, DraftCheck)


def test_limits_a_realistic_draft_at_the_cap_is_checked(checker: DraftChecker) -> None:
    sentences = [
        "I'm so sorry your jacket arrived with a torn zip.",
        "Unfortunately we can't refund it until it is back in our warehouse.",
        "Could you send me your order number?",
        "I've sent a replacement by express and you'll get it by Thursday.",
        "Is there anything else I can help with?",
    ]
    draft = _fill(" ".join(sentences) + "\n")
    result = checker.check(JACKET_EMAIL, draft)
    assert {s.kind for s in result.suggestions} >= {"clarity.too_long"}


def _chat(messages: int, size: int) -> Conversation:
    """A chat of ``messages`` turns of ``size`` characters each."""
    text = _fill("My parcel is late. ", size)
    turns = [("customer" if i % 2 == 0 else "agent", text) for i in range(messages)]
    return conversation("big", Channel.CHAT, turns)


@pytest.mark.parametrize(
    ("conversation", "draft", "where", "names"),
    [
        (BILLING_CHAT, "x" * (MAX_DRAFT_CHARS + 1), "draft", "the draft has 20,001 characters"),
        (_chat(MAX_MESSAGES + 1, 10), "Sorry!", "messages", "201 messages"),
        (_chat(10, MAX_CONTEXT_CHARS // 10 + 1), "Sorry!", "conversation", "50,010 characters"),
    ],
    ids=["draft", "messages", "conversation"],
)
def test_limits_over_a_cap_is_refused_with_the_cap_named(
    checker: DraftChecker, conversation: Conversation, draft: str, where: str, names: str
) -> None:
    with pytest.raises(DraftTooLarge) as raised:
        checker.check(conversation, draft)
    assert raised.value.where == where
    assert raised.value.size > raised.value.limit
    assert names in str(raised.value)


def test_limits_at_each_cap_is_accepted(checker: DraftChecker) -> None:
    limits = DraftLimits(draft_chars=30, messages=2, context_chars=200)
    chat = conversation("c", Channel.CHAT, [("customer", "My parcel is late."), ("agent", "Ok")])
    assert checker.check(chat, "x" * 30, limits=limits).draft == "x" * 30
    with pytest.raises(DraftTooLarge):
        checker.check(chat, "x" * 31, limits=limits)


def test_limits_lone_surrogates_read_as_replacement_characters(checker: DraftChecker) -> None:
    draft = "Sorry \ud800 we can't refund it!!"
    result = checker.check(PARCEL_TWEET, draft)
    assert result.draft == "Sorry \ufffd we can't refund it!!"
    assert result.suggestions
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")  # can be sent


@pytest.fixture
def jacket(tmp_path: Path) -> Path:
    path = tmp_path / "jacket.jsonl"
    path.write_text(json.dumps(conversation_to_dict(JACKET_EMAIL)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("source", ["file", "standard input"])
def test_limits_check_command_refuses_an_oversized_draft(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    jacket: Path,
    source: str,
) -> None:
    draft = "We are sorry. " * 2000  # 28,000 characters
    if source == "file":
        path = tmp_path / "draft.txt"
        path.write_text(draft, encoding="utf-8")
        args = ["--draft", str(path)]
    else:
        monkeypatch.setattr("sys.stdin", io.StringIO(draft))
        args = ["--draft", "-"]
    result = run_cli(capsys, "check", "-c", str(jacket), *args, "--fast")
    assert result.code == 3  # the user's input is wrong, as for an empty draft
    assert "more than 20,000 characters" in result.err
    assert "Traceback" not in result.err


def test_limits_check_command_refuses_an_oversized_conversation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(conversation_to_dict(_chat(MAX_MESSAGES + 1, 10))) + "\n")
    draft = tmp_path / "draft.txt"
    draft.write_text("Sorry for the wait!", encoding="utf-8")
    result = run_cli(capsys, "check", "-c", str(path), "-d", str(draft), "--fast")
    assert result.code == 3
    assert "201 messages" in result.err and "most recent" in result.err
