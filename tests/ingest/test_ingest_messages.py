"""Tests for how the helpdesk importers finish messages: time order and text from a body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from servicecoach.ingest.messages import in_time_order, message_text


@dataclass(frozen=True)
class _Item:
    name: str
    at: datetime | None


def _at(hour: int) -> datetime:
    return datetime(2024, 5, 1, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        ([("a", 9), ("b", 8), ("c", 10)], "bac"),
        ([("a", 9), ("b", 9), ("c", 8)], "cab"),  # the same time keeps the order given
        ([("a", None), ("b", 9), ("c", None), ("d", 8)], "dbac"),  # untimed last, in order
        ([("a", None), ("b", None)], "ab"),
    ],
)
def test_ingest_messages_in_time_order(items: list[tuple[str, int | None]], expected: str) -> None:
    given = [_Item(name, None if hour is None else _at(hour)) for name, hour in items]
    assert "".join(item.name for item in in_time_order(given)) == expected


@pytest.mark.parametrize(
    ("body", "trim_reply", "expected"),
    [
        ("<p>Hello <b>there</b></p>", False, "Hello there"),
        ("  Hello   there ", False, "Hello there"),
        ("", True, ""),
        (
            "Thanks, that fixed it!\n\nOn Tue, 14 May 2024 at 09:00, Support wrote:\n> Try this",
            True,
            "Thanks, that fixed it!",
        ),
        (
            "Thanks, that fixed it!\n\nOn Tue, 14 May 2024 at 09:00, Support wrote:\n> Try this",
            False,
            "Thanks, that fixed it!\n\nOn Tue, 14 May 2024 at 09:00, Support wrote:\n> Try this",
        ),
    ],
)
def test_ingest_messages_message_text(body: str, trim_reply: bool, expected: str) -> None:
    assert message_text(body, trim_reply=trim_reply) == expected
