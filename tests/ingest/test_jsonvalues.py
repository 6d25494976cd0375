"""Tests for the JSON value helpers every JSON importer reads its fields with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.jsonvalues import (
    ident,
    int_or_none,
    obj,
    text_or_none,
    text_or_unix_time,
    text_time,
)

_MAY_2 = datetime(2024, 5, 2, 9, 43, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [({"a": 1}, {"a": 1}), ({}, {}), (None, {}), ([{"a": 1}], {}), ("{}", {}), (3, {})],
)
def test_jsonvalues_obj(value: object, expected: object) -> None:
    assert obj(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, "42"),
        (0, "0"),
        (-7, "-7"),
        ("a1", "a1"),
        ("  a1 ", "a1"),
        ("", None),
        ("   ", None),
        (True, None),
        (False, None),
        (1.5, None),
        (None, None),
        ([1], None),
        ({"id": 1}, None),
    ],
)
def test_jsonvalues_ident(value: object, expected: str | None) -> None:
    assert ident(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mei", "Mei"),
        ("  Mei Lin \n", "Mei Lin"),
        ("", None),
        (" \t", None),
        (7, None),
        (True, None),
        (None, None),
        (["Mei"], None),
    ],
)
def test_jsonvalues_text_or_none(value: object, expected: str | None) -> None:
    assert text_or_none(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (0, 0), (-1, -1), (True, None), (False, None), (3.0, None), ("3", None), (None, None)],
)
def test_jsonvalues_int_or_none(value: object, expected: int | None) -> None:
    assert int_or_none(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("2024-05-02T09:43:20Z", _MAY_2),
        ("2024-05-02T09:43:20", _MAY_2),  # no zone: UTC
        ("2024-05-02 09:43:20 +0000", _MAY_2),  # a helpdesk format
    ],
)
def test_jsonvalues_text_time(value: object, expected: datetime | None) -> None:
    assert text_time(value, "created_at") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1714643000, "created_at is not a date: 1714643000"),  # numbers are not read
        (True, "created_at is not a date"),
        ("Tuesday", "'created_at' is not a date: 'Tuesday'"),
    ],
)
def test_jsonvalues_text_time_refuses(value: object, message: str) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        text_time(value, "created_at")
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (1714643000, _MAY_2),
        (1714643000.0, _MAY_2),
        ("1714643000", _MAY_2),
        (1714643000000, _MAY_2),  # milliseconds
        ("2024-05-02T09:43:20Z", _MAY_2),
        ("2024-05-02T09:43:20", _MAY_2),  # no zone: UTC
    ],
)
def test_jsonvalues_text_or_unix_time(value: object, expected: datetime | None) -> None:
    assert text_or_unix_time(value, "createdAt") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Tuesday", "'createdAt' is not a date: 'Tuesday'"),
        ([1], "'createdAt' is not a Unix time"),
        (True, "'createdAt' is not a Unix time"),
    ],
)
def test_jsonvalues_text_or_unix_time_refuses(value: object, message: str) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        text_or_unix_time(value, "createdAt")
    assert caught.value.message.startswith(message)
