"""The conversation export as CSV: one row per conversation, a stable column order.

Columns are :data:`CSV_COLUMNS`: the metrics, then one column per registered skill
(built-ins in rubric order, then the skills plugins bring, by name). Empty cells are unknown values; booleans are ``true``/``false``; times are ISO
8601 in UTC. Text that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from servicecoach.store.conversation_list import ConversationRow
from servicecoach.store.scores import SkillSequence

__all__ = ["CSV_COLUMNS", "csv_cells", "write_csv"]

CSV_COLUMNS: Sequence[str] = SkillSequence(
    "conversation_id",
    "source",
    "external_id",
    "customer_id",
    "customer_name",
    "channel",
    "public",
    "agent",
    "team",
    "started_at",
    "messages",
    "customer_messages",
    "first_response_s",
    "median_response_s",
    "first_response_within_target",
    "emotion_start",
    "emotion_end",
    "resolved",
    "satisfaction",
    "quality",
    "retold",
)
"""The export's columns, in order (never reordered; new columns are added at the end),
the registered skills read on each use."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_cells(row: ConversationRow) -> list[str]:
    """The cells of one row, in :data:`CSV_COLUMNS` order."""
    values = row.to_dict()
    return [_cell(values.get(column)) for column in CSV_COLUMNS]


def write_csv(rows: Iterable[ConversationRow], handle: TextIO) -> int:
    """Write a header and ``rows`` to ``handle`` (open it with ``newline=""``).

    Returns:
        The number of rows written.
    """
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(list(CSV_COLUMNS))
    count = 0
    for row in rows:
        writer.writerow(csv_cells(row))
        count += 1
    return count
