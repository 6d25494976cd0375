"""Timestamps: every parsed time has a UTC equivalent, or the record has a problem."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from servicecoach.errors import InvalidRecordError
from servicecoach.model.timeparse import parse_epoch, parse_iso, parse_timestamp


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T10:00:00-14:00",
    ],
)
def test_timeparse_iso_out_of_range_in_utc_is_a_record_problem(value: str) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_iso(value, field="created_at")
    assert caught.value.message == f"'created_at' is out of range: {value!r}"
    assert caught.value.fix == "in UTC the time must fall in the years 1 to 9999"


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-14:00",
        "9999-12-31 23:59:59 -1400",
        "0001/01/01 00:00:00 +1400",
        "Fri Dec 31 23:59:59 -1400 9999",
        "Mon Jan 01 00:00:00 +1400 0001",
    ],
)
def test_timeparse_timestamp_out_of_range_in_utc_is_a_record_problem(value: str) -> None:
    with pytest.raises(InvalidRecordError, match="is out of range"):
        parse_timestamp(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("9999-12-31T09:59:59-14:00", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("0001-01-01T14:00:00+14:00", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_timeparse_the_edges_of_the_range_are_read(value: str, expected: datetime) -> None:
    assert parse_iso(value) == expected
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize("value", [10**400, "1e400", float("nan"), -1, True, [1]])
def test_timeparse_epoch_refuses_what_is_not_a_plausible_unix_time(value: object) -> None:
    with pytest.raises(InvalidRecordError, match="'created_at'"):
        parse_epoch(value)


def test_timeparse_messages_do_not_repeat_a_huge_value() -> None:
    with pytest.raises(InvalidRecordError) as caught:
        parse_iso("x" * 1_000_000)
    assert len(caught.value.message) < 120
    assert "(1000000 characters)" in caught.value.message
