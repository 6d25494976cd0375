"""Helpers for tests, shipped so that plugin authors can use them too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from servicecoach.analysis.finding import SkillFinding
from servicecoach.errors import Problem
from servicecoach.ingest.base import Importer, ImportOptions, Source
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role

__all__ = ["check_finding", "make_conversation", "read_all"]


def read_all(
    importer: Importer, paths: Iterable[Path | str], options: ImportOptions | None = None
) -> tuple[list[Conversation], list[Problem]]:
    """Run ``importer`` over ``paths``; return the conversations and the problems it reported."""
    sources = [Source(Path(p)) for p in paths]
    conversations: list[Conversation] = []
    problems: list[Problem] = []
    for item in importer.read(sources, options or ImportOptions()):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            conversations.append(item)
    return conversations, problems


def make_conversation(
    turns: Sequence[tuple[str, str]] | Sequence[tuple[str, str, float]],
    *,
    id: str = "c1",
    channel: Channel = Channel.CHAT,
    customer: Customer | None = None,
    public: bool = False,
    start: datetime | None = None,
    source: str = "jsonl",
) -> Conversation:
    """Build a conversation from ``(role, text)`` or ``(role, text, minutes_after_start)``.

    Messages get ids ``m1``, ``m2``, ...; without minutes they are one minute apart.
    """
    start = start or datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    messages = []
    for index, turn in enumerate(turns, start=1):
        role, text = str(turn[0]), str(turn[1])
        minutes = float(turn[2]) if len(turn) > 2 else float(index - 1)
        messages.append(
            Message(
                id=f"m{index}",
                role=Role(role),
                text=text,
                author="sam" if role == "agent" else "Dana Reyes",
                at=start + timedelta(minutes=minutes),
            )
        )
    return Conversation(
        id=id,
        channel=channel,
        messages=tuple(messages),
        customer=customer or Customer(id="cust-1", name="Dana Reyes", email="dana@example.com"),
        public=public,
        source=source,
    )


def check_finding(conversation: Conversation, finding: SkillFinding) -> SkillFinding:
    """Assert what every analyser's finding must satisfy; return it for further checks.

    The score is ``None`` or 0-100, and every evidence span indexes its message's text
    exactly (``text[start:end] == quote``). Property tests of analysers (plugins too)
    call it on generated conversations.
    """
    assert finding.score is None or 0 <= finding.score <= 100, finding.score
    texts = {m.id: m.text for m in conversation.messages}
    for evidence in finding.evidence:
        assert texts[evidence.message][evidence.start : evidence.end] == evidence.quote, evidence
    return finding
