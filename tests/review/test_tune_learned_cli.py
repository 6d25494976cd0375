"""``servicecoach tune`` on stored reviews with signal marks: a team head and a refitted
criterion written beside the tuned rubric, shown in its figures (text and --json), read
back, used by analysis, and a missed criterion is a mark a reviewer may make."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.model.conversation import Channel, Customer
from servicecoach.review.model import SignalMark, Verdict
from servicecoach.review.validate import check_mark
from servicecoach.rubric import load_rubric
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.reader import iter_conversations
from servicecoach.store.reviews import save_review
from servicecoach.store.writer import ConversationWriter
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.criteria.helpers import MEETS, MISSES
from tests.review.tune_helpers import SENDS, StubJudge, use_stub

NOTES = [f"Your {t} was made in a small town in Portugal." for t in ("jacket", "lamp", "kettle",
         "tent", "phone", "rug", "shoes", "bag", "boots", "mug")]  # fmt: skip
SOLUTION = "problem_solving.solution"
REMEDY = "criteria.offers_remedy"


def _store(folder: Path) -> str:
    """90 chats, each an agent's reply (a replacement or a note) that nora reviewed: a
    replacement is a solution and meets the remedy criterion (marked missed), a note is
    neither (marked wrong)."""
    db = str(folder / "tune.db")
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    replies = [(SENDS + NOTES)[i % 20] for i in range(90)]
    from tests.store.dashboard_data import conversation

    chats = [
        conversation(
            f"r{i}", Channel.CHAT, start + timedelta(hours=i),
            [("customer", "Kim", 0, "My order has not arrived."), ("agent", "sam", 3, reply)],
            Customer(id=f"k{i}", name="Kim"),
        )
        for i, reply in enumerate(replies)
    ]  # fmt: skip
    with Store.open(db) as store, store.begin() as connection:
        ConversationWriter(connection).write(chats)
        for stored in iter_conversations(connection):
            message = stored.conversation.messages[1]
            present = message.text in SENDS
            verdict = Verdict.MISSED if present else Verdict.WRONG
            marks = [
                SignalMark(message.id, signal, verdict, 0, len(message.text), message.text)
                for signal in (SOLUTION, REMEDY)
            ]
            save_review(connection, Scope.everything(), conversation_id=stored.pk,
                        reviewer="nora", rubric_version="r", scores={}, signals=marks)  # fmt: skip
    return db


def _rubric(folder: Path) -> Path:
    path = folder / "team.toml"
    path.write_text(
        "[weights]\nempathy = 2\n\n[criteria.offers_remedy]\n"
        f'label = "Offers a refund or replacement"\nmeets = {json.dumps(MEETS)}\n'
        f"misses = {json.dumps(MISSES)}\n",
        encoding="utf-8",
    )
    return path


def test_tune_cli_writes_team_heads_and_criteria_and_shows_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_stub(monkeypatch, StubJudge(lambda text: 0.9 if text.startswith("Your") else 0.5))
    db, base = _store(tmp_path), _rubric(tmp_path)
    out = tmp_path / "tuned.toml"
    result = run_cli(capsys, "tune", "--db", db, "--rubric", str(base), "--out", str(out),
                     "--json")  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(result.out)
    keys = {c["key"]: c for c in report["changes"]}
    assert {f"signals.heads.{SOLUTION}", "criteria.offers_remedy"} <= set(keys)
    assert "team head" in keys[f"signals.heads.{SOLUTION}"]["after"]
    assert report["withdrawn"] == []
    held = report["held_aside"]
    assert held["signals_after"][SOLUTION]["f05"] > held["signals_before"][SOLUTION]["f05"]
    assert held["signals_after"][REMEDY]["f05"] >= held["signals_before"][REMEDY]["f05"]
    heads = tmp_path / "tuned.heads.json"
    assert json.loads(heads.read_text())["encoder"] == "stub-encoder"
    tuned = load_rubric(out)
    assert tuned.signals.heads == "tuned.heads.json" and SOLUTION in tuned.signals.team_heads
    assert set(SENDS) & set(tuned.criteria["offers_remedy"].meets)
    assert tuned.weight("empathy") == 2
    assert load_rubric(base).signals.team_heads == {}  # the starting rubric is untouched
    conversation = make_conversation([("customer", "Where is it?"), ("agent", SENDS[5])])
    found = Pipeline.from_rubric(tuned).analyze(conversation)
    assert SOLUTION in found.signals_by_message()["m2"]
    assert found.criteria["offers_remedy"].met is True

    printed = run_cli(capsys, "tune", "--db", db, "--rubric", str(base), "--out",
                      str(tmp_path / "again.toml"))  # fmt: skip
    assert printed.code == 0, printed.err
    assert f"signals.heads.{SOLUTION}: shipped head" in printed.out
    assert "criteria.offers_remedy:" in printed.out and "from the reviews" in printed.out
    assert (tmp_path / "again.heads.json").exists()


def test_a_missed_criterion_is_a_mark_a_reviewer_may_make() -> None:
    texts = {"m2": SENDS[0]}
    mark = SignalMark("m2", REMEDY, Verdict.MISSED, 0, len(SENDS[0]), SENDS[0])
    check_mark(mark, texts, highlighted=())
