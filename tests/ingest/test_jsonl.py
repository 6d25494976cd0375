"""The native JSON Lines importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.jsonl import JsonlImporter
from servicecoach.testing import read_all
from tests.conftest import SAMPLES, TEST_DATA


def test_jsonl_reads_the_bundled_sample() -> None:
    conversations, problems = read_all(JsonlImporter(), [SAMPLES / "native" / "northwind.jsonl"])
    assert problems == []
    assert [c.id for c in conversations] == ["web-1042", "sms-2207", "web-1077"]
    assert conversations[0].messages[2].internal
    assert conversations[1].messages[0].at is not None
    assert conversations[1].messages[0].at.utcoffset() is not None


def test_jsonl_malformed_lines_are_reported_with_line_numbers() -> None:
    conversations, problems = read_all(JsonlImporter(), [TEST_DATA / "jsonl" / "malformed.jsonl"])
    assert [c.id for c in conversations] == ["ok-1"]
    assert [(p.line, p.location) for p in problems] == [
        (2, "line 2"),
        (4, "line 4, column 21"),
        (5, "line 5"),
    ]
    assert "not a date" in problems[0].message and "ISO 8601" in problems[0].fix
    assert "not valid JSON" in problems[1].message
    assert "must be a JSON object" in problems[2].message


def test_jsonl_not_utf8_is_a_file_error() -> None:
    with pytest.raises(InvalidFileError, match="not valid UTF-8"):
        read_all(JsonlImporter(), [TEST_DATA / "jsonl" / "not_utf8.jsonl"])


@pytest.mark.parametrize(
    ("content", "score"),
    [
        (b'{"format": 1, "id": "a", "messages": []}\n', 100),
        (b'\xef\xbb\xbf{"id": "a", "messages": []}\n', 80),
        (b'{"tickets": []}\n', 0),
        (b"tweet_id,author_id\n", 0),
        (b"WEBVTT\n\n", 0),
    ],
)
def test_jsonl_detect(tmp_path: Path, content: bytes, score: int) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert JsonlImporter().detect(path, content) == score


def test_jsonl_message_ids_are_not_global() -> None:
    # native ids are only unique within their conversation (m1, m2, ...)
    assert JsonlImporter.message_ids_are_global is False
    assert JsonlImporter.reads_together is False
