"""Streaming JSON (jsonload.stream_json, json_members, head_keys): records one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import Source
from servicecoach.ingest.jsonload import MAX_DEPTH, head_keys, json_members, stream_json

FIX = "fix it"


def _source(tmp_path: Path, content: bytes) -> Source:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    return Source(path)


def _items(source: Source, arrays: tuple[str, ...] = ("tickets",)) -> list[object]:
    return [(i.key, i.index, i.value) for i in stream_json(source, FIX, arrays)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'[1, {"a": [2, {"b": null}]}, "x"]',
            [(None, 1, 1), (None, 2, {"a": [2, {"b": None}]}), (None, 3, "x")],
        ),
        (
            b'\xef\xbb\xbf{"tickets": [{"id": 1}, {"id": 2}], "users": [{"id": 5}], "count": 2}',
            [
                ("tickets", 1, {"id": 1}),
                ("tickets", 2, {"id": 2}),
                ("users", 0, [{"id": 5}]),
                ("count", 0, 2),
            ],
        ),
        (b'{"count": 0, "tickets": []}', [("count", 0, 0)]),
        (b'{"tickets": {"id": 1}}', [("tickets", 0, {"id": 1})]),
        (b'{"a": 1, "a": 2}', [("a", 0, 1), ("a", 0, 2)]),
        (b"42", [(None, 0, 42)]),
        (
            b"[1.5, -0, 2e3, true, null]",
            [(None, 1, 1.5), (None, 2, 0), (None, 3, 2000.0), (None, 4, True), (None, 5, None)],
        ),
    ],
    ids=[
        "array",
        "page-with-bom",
        "empty-array",
        "not-a-list",
        "repeated-key",
        "scalar",
        "numbers",
    ],
)
def test_jsonload_stream_shapes(tmp_path: Path, content: bytes, expected: list[object]) -> None:
    assert _items(_source(tmp_path, content)) == expected


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (b"[1, 2,, 3]", "line 1, column 7", "not valid JSON (Expecting value)"),
        (b"[1] [2]", "line 1, column 5", "not valid JSON (Extra data)"),
        (b"", "line 1, column 1", "not valid JSON (Expecting value)"),
        (b'["\xff"]', "", "the file is not valid UTF-8"),
        (b"[" + b"9" * 30 + b"]", "", "the JSON has a number too large to read"),
        (b"[" + b"9" * 5000 + b"]", "", "the JSON has a number too long to read"),
        (b"[1e99999]", "", "the JSON has a number too large to read"),
        (b"[" * 100_000, "item 1", "the JSON is nested too deeply"),
    ],
    ids=["syntax", "two-documents", "empty", "not-utf8", "64-bit", "5000-digits", "inf", "deep"],
)
def test_jsonload_stream_problems(
    tmp_path: Path, content: bytes, location: str, message: str
) -> None:
    source = _source(tmp_path, content)
    with pytest.raises(InvalidFileError) as raised:
        _items(source)
    problem = raised.value.problem
    assert (problem.path, problem.location) == (source.path, location)
    assert problem.message.startswith(message)
    assert problem.fix


def test_jsonload_stream_error_after_good_records(tmp_path: Path) -> None:
    # a large file has no line numbers to give: the record is named instead
    big = b'{"tickets": [' + b",".join(
        b'{"id": %d, "pad": "%s"}' % (i, b"x" * 200) for i in range(90_000)
    )
    source = _source(tmp_path, big + b", oops]}")
    seen = []
    with pytest.raises(InvalidFileError) as raised:
        seen.extend(stream_json(source, FIX, {"tickets"}))
    assert len(seen) == 90_000
    assert raised.value.problem.location == "after 'tickets' item 90000"


def test_jsonload_stream_nesting_limit(tmp_path: Path) -> None:
    ok = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert len(_items(_source(tmp_path, b"[" + ok + b"]"))) == 1
    with pytest.raises(InvalidFileError):
        _items(_source(tmp_path, b"[[" + ok + b"]]"))


@pytest.mark.parametrize(
    ("escaped", "text"),
    [
        ("\\ud800", "\ufffd"),
        ("\\udc00x", "\ufffdx"),
        ("\\ud83d\\ude00", "\U0001f600"),
        ("\\\\ud800", "\\ud800"),  # an escaped backslash: text, not an escape
        ("\\\\\\ud800", "\\\ufffd"),
        ("\\\\ud83d\\udc00", "\\ud83d\ufffd"),
        ("\\ud800\\ud800", "\ufffd\ufffd"),
    ],
)
def test_jsonload_stream_lone_surrogates(tmp_path: Path, escaped: str, text: str) -> None:
    content = f'["{escaped}"]'.encode()
    assert _items(_source(tmp_path, content)) == [(None, 1, text)]


def test_jsonload_stream_surrogates_across_read_boundaries(tmp_path: Path) -> None:
    for size in range(65_520, 65_545):  # every split of the escapes around the first read
        pad = "a" * size
        values = [pad + "\U0001f600b\\ud800", pad + "\ud800c"]
        content = json.dumps(values, ensure_ascii=True).encode()
        items = [i.value for i in stream_json(_source(tmp_path, content), FIX)]
        assert items == [pad + "\U0001f600b\\ud800", pad + "\ufffdc"], size


def test_jsonload_stream_reads_as_it_goes(tmp_path: Path) -> None:
    records = b",".join(b'{"id": %d, "body": "%s"}' % (i, b"y" * 500) for i in range(20_000))
    source = _source(tmp_path, b'{"tickets": [' + records + b"]}")
    items = stream_json(source, FIX, {"tickets"})
    next(items)
    assert 0 < source.bytes_read < source.size / 10
    assert sum(1 for _ in items) == 19_999
    assert source.bytes_read == source.size


def test_jsonload_json_members(tmp_path: Path) -> None:
    source = _source(
        tmp_path, b'{"tickets": [1, [2, {"x": 3}]], "users": [{"id": 1}], "links": {"next": "u"}}'
    )
    assert json_members(source, FIX, {"users", "links"}) == {
        "users": [{"id": 1}],
        "links": {"next": "u"},
    }
    assert source.bytes_read == 0  # a first look does not count as progress
    assert json_members(_source(tmp_path, b"[1, 2]"), FIX, {"users"}) == {}
    with pytest.raises(InvalidFileError):
        json_members(_source(tmp_path, b'{"users": [1,'), FIX, {"users"})


@pytest.mark.parametrize(
    ("head", "keys"),
    [
        (b'{"tickets": [{"id": 1, "x": {"y": 2}}, {"id": 2', ["tickets"]),
        (b'\xef\xbb\xbf{"a": 1, "b"', ["a", "b"]),
        (b'[{"a": 1}]', []),
        (b'{"n": ' + b"1" * 5000, ["n"]),
        (b"\xff\xfe{", []),
        (b"", []),
    ],
)
def test_jsonload_head_keys(head: bytes, keys: list[str]) -> None:
    assert head_keys(head) == keys
