"""``servicecoach tune``: fitted on part of the reviews, kept only when the held-aside
part agrees better; the tuned rubric reads back; a tune that cannot help is refused."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Channel, Customer
from servicecoach.review.tune import Change, TuneResult, split_keys
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.reader import iter_conversations
from servicecoach.store.reviews import save_review
from servicecoach.store.writer import ConversationWriter
from tests.cli.helpers import run_cli
from tests.store.dashboard_data import conversation

WAITS = [1 + (i * 37) % 89 for i in range(36)]  # 36 first-reply waits from 1 to 89 minutes


def _store(path: Path, score: str) -> str:
    """36 chats whose first reply came after WAITS[i] minutes, each reviewed by nora:
    ``score`` "wait" gives responsiveness 100 - wait; "empathy" scores empathy only."""
    db = str(path / "tune.db")
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    chats = [
        conversation(
            f"t{i}",
            Channel.CHAT,
            start + timedelta(hours=i),
            [
                ("customer", "Kim", 0, "Hello, my parcel has not arrived yet. Where is it?"),
                ("agent", "sam", wait, "It is on its way and arrives tomorrow morning."),
            ],
            Customer(id=f"k{i}", name="Kim"),
        )
        for i, wait in enumerate(WAITS)
    ]
    with Store.open(db) as store, store.begin() as connection:
        ConversationWriter(connection).write(chats)
        for stored in iter_conversations(connection):
            wait = WAITS[int(stored.conversation.id[1:])]
            scores = (
                {"responsiveness": 100 - wait} if score == "wait" else {"empathy": 50 + wait % 7}
            )
            save_review(connection, Scope.everything(), conversation_id=stored.pk,
                        reviewer="nora", rubric_version="r", scores=scores)  # fmt: skip
    return db


def test_tune_fits_the_chat_target_and_keeps_it_when_held_aside_agrees_better(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _store(tmp_path, "wait")
    out = tmp_path / "tuned.toml"
    result = run_cli(capsys, "tune", "--db", db, "--out", str(out), "--fast", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["ok"] is True and report["reviews"] == 36
    held = report["held_aside"]
    assert held["after"] > held["before"]
    assert held["conversations"] + report["fit"]["conversations"] == 36
    [change] = [c for c in report["changes"] if c["key"] == "responsiveness.targets_minutes.chat"]
    assert change["before"] == 2.0 and change["after"] > 2.0
    tuned = load_rubric(out)
    assert tuned.responsiveness.targets_minutes[Channel.CHAT] == change["after"]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Tuned by `servicecoach tune`") and report["rubric_version"] in text
    printed = run_cli(capsys, "tune", "--db", db, "--out", str(tmp_path / "again.toml"), "--fast")
    assert printed.code == 0 and "responsiveness.targets_minutes.chat: 2.0 →" in printed.out
    assert "SERVICECOACH_RUBRIC=" in printed.err


def test_tune_keeps_the_rest_of_the_team_rubric(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _store(tmp_path, "wait")
    base = tmp_path / "team.toml"
    base.write_text('[weights]\nempathy = 2\n\n[responsiveness.targets_minutes]\nemail = 240\n\n'
                    '[phrases]\nforbid = ["calm down"]\n', encoding="utf-8")  # fmt: skip
    out = tmp_path / "tuned.toml"
    assert (
        run_cli(capsys, "tune", "--db", db, "--rubric", str(base), "--out", str(out), "--fast").code
        == 0
    )
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["weights"] == {"empathy": 2} and data["phrases"]["forbid"] == ["calm down"]
    assert data["responsiveness"]["targets_minutes"]["email"] == 240
    same = run_cli(capsys, "tune", "--db", db, "--rubric", str(base), "--out", str(base), "--fast")
    assert same.code == 2 and "new file" in same.err


def test_tune_that_cannot_help_is_refused_with_the_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _store(tmp_path, "empathy")
    out = tmp_path / "tuned.toml"
    result = run_cli(capsys, "tune", "--db", db, "--out", str(out), "--fast", "--json")
    assert result.code == 3
    report = json.loads(result.out)
    assert report["ok"] is False and report["changes"] == []
    assert "no setting raised agreement" in result.err
    assert not out.exists()
    empty = run_cli(capsys, "tune", "--db", db, "--team", "east", "--out", str(out), "--fast")
    assert empty.code == 2 and "no reviews to tune on for team 'east'" in empty.err


def test_tune_split_is_seeded_and_needs_both_parts() -> None:
    keys = [str(i) for i in range(100)]
    first = split_keys(keys, 0.3, 1)
    assert first == split_keys(keys, 0.3, 1) and first != split_keys(keys, 0.3, 2)
    assert 15 < len(first.held) < 45 and first.fit | first.held == set(keys)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        split_keys(keys, 1.0, 0)
    with pytest.raises(ConfigError, match="cannot be split"):
        split_keys(["only"], 0.3, 0)


@pytest.mark.parametrize(
    ("changes", "before", "after", "improved"),
    [((), 0.5, 0.5, False), ((Change("k", 1, 2),), 0.5, 0.5, False),
     ((Change("k", 1, 2),), 0.5, 0.6, True), ((Change("k", 1, 2),), None, 0.6, False)],
)  # fmt: skip
def test_tune_kept_only_when_held_aside_rises(
    changes: tuple[Change, ...], before: float | None, after: float | None, improved: bool
) -> None:
    result = TuneResult(Rubric(), changes, 0.4, 0.7, before, after)
    assert result.improved is improved
