"""Safe JSON loading, and every JSON importer's handling of JSON that Python cannot read."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from servicecoach.errors import FormatDetectionError, InvalidFileError, Problem
from servicecoach.ingest import jsonload
from servicecoach.ingest.base import HEAD_BYTES, Importer, Source
from servicecoach.ingest.chatwoot import ChatwootImporter
from servicecoach.ingest.jsonl import JsonlImporter
from servicecoach.ingest.jsonload import (
    load_json_document,
    loads_or_none,
    parse_json_document,
    parse_json_line,
)
from servicecoach.ingest.registry import detect_format, importers
from servicecoach.ingest.transcripts import AwsTranscribeImporter, WhisperImporter
from servicecoach.ingest.zendesk import ZendeskImporter
from servicecoach.model.conversation import Conversation
from servicecoach.testing import read_all

DEEP = '{"segments":[{"x":' + "[" * 200_000
HUGE = '{"segments": [{"start": ' + "1" * 5000 + ', "end": 2, "text": "hi"}]}'
FIX = "fix it"

JSON_IMPORTERS: list[tuple[Importer, str]] = [
    (JsonlImporter(), "x.jsonl"),
    (ZendeskImporter(), "x.json"),
    (ChatwootImporter(), "x.json"),
    (AwsTranscribeImporter(), "x.json"),
    (WhisperImporter(), "x.json"),
]


def _source(tmp_path: Path, text: str, name: str = "x.json") -> Source:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Source(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": [1, 2]}', {"a": [1, 2]}),
        (b'{"a": 1}', {"a": 1}),
        ("null", None),
        ('{"a": ', None),
        (DEEP, None),
        ("1" * 5000, None),
        (b"\xff", None),
    ],
    ids=["object", "bytes", "null", "cut-off", "deep", "huge-number", "not-utf8"],
)
def test_jsonload_loads_or_none(text: str | bytes, expected: object) -> None:
    assert loads_or_none(text) == expected


@pytest.mark.parametrize(
    ("text", "location", "line", "message"),
    [
        ('{\n  "a": 1,\n  "b": }', "line 3, column 8", 3, "not valid JSON (Expecting value)"),
        (DEEP, "", None, "the JSON is nested too deeply to read"),
        ("[" + "9" * 5000 + "]", "", None, "the JSON has a number too long to read"),
    ],
    ids=["syntax", "deep", "huge-number"],
)
def test_jsonload_document_errors(
    tmp_path: Path, text: str, location: str, line: int | None, message: str
) -> None:
    source = _source(tmp_path, text)
    for load in (
        lambda: load_json_document(source, FIX),
        lambda: parse_json_document(source, text, FIX),
    ):
        with pytest.raises(InvalidFileError) as info:
            load()
        problem = info.value.problem
        assert (problem.path, problem.location, problem.line) == (source.path, location, line)
        assert problem.message.startswith(message)
        assert problem.fix == FIX


def test_jsonload_document_reads_json_and_skips_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": [1]}')
    assert load_json_document(Source(path), FIX) == {"a": [1]}


def test_jsonload_document_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"a": "caf\xe9"}')
    with pytest.raises(InvalidFileError, match="not valid UTF-8"):
        load_json_document(Source(path), FIX)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}\n', {"a": 1}),
        ('{"a": 1}\r\n', {"a": 1}),
        ('{"a": \n', ("line 7, column 7", "not valid JSON")),
        (DEEP + "\n", ("line 7", "nested too deeply")),
        ("9" * 5000 + "\n", ("line 7", "number too long")),
    ],
    ids=["object", "crlf", "syntax", "deep", "huge-number"],
)
def test_jsonload_line(tmp_path: Path, text: str, expected: object) -> None:
    source = _source(tmp_path, "", "x.jsonl")
    value = parse_json_line(source, text, 7, FIX)
    if isinstance(expected, tuple):
        assert isinstance(value, Problem)
        assert (value.location, value.line, value.fix) == (expected[0], 7, FIX)
        assert expected[1] in value.message
    else:
        assert value == expected


def test_jsonload_all_names_exist() -> None:
    assert jsonload.__all__ == sorted(jsonload.__all__)
    assert all(hasattr(jsonload, name) for name in jsonload.__all__)


@pytest.mark.parametrize(
    ("text", "needle"),
    [(DEEP, "nested too deeply"), (HUGE, "number too long")],
    ids=["deep", "huge-number"],
)
@pytest.mark.parametrize(
    ("importer", "name"), JSON_IMPORTERS, ids=[i.name for i, _ in JSON_IMPORTERS]
)
def test_jsonload_importers_report_unreadable_json(
    importer: Importer, name: str, text: str, needle: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    head = text.encode()[:HEAD_BYTES]
    assert 0 <= importer.detect(path, head) <= 100
    try:
        conversations, problems = read_all(importer, [path])
    except InvalidFileError as exc:  # a format that stops at its first unreadable file
        conversations, problems = [], [exc.problem]
    assert conversations == []
    [problem] = problems
    assert problem.path == path
    assert needle in problem.message


@pytest.mark.parametrize("text", [DEEP, HUGE, "[" * 200_000, '{"id": ' + "7" * 5000])
@pytest.mark.parametrize("name", ["x.json", "x.jsonl", "x.ndjson", "x.vtt", "x.eml", "x.csv"])
def test_jsonload_no_detector_raises(text: str, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for importer in importers().values():
        assert 0 <= importer.detect(path, text.encode()[:HEAD_BYTES]) <= 100, importer.name
    with contextlib.suppress(FormatDetectionError):
        detect_format(path, importers().values())


def test_jsonload_jsonl_line_nested_too_deeply_is_skipped(tmp_path: Path) -> None:
    good = '{"id": "c1", "messages": []}'
    path = tmp_path / "x.jsonl"
    path.write_text(f"{good}\n{DEEP}\n{good.replace('c1', 'c2')}\n", encoding="utf-8")
    conversations, [problem] = read_all(JsonlImporter(), [path])
    assert [c.id for c in conversations if isinstance(c, Conversation)] == ["c1", "c2"]
    assert (problem.location, problem.line) == ("line 2", 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"a\\ud800": ["\\udfff", {"b": "x\\uDBFFy"}]}',
            {"a\ufffd": ["\ufffd", {"b": "x\ufffdy"}]},
        ),
        ('"\\ud83d\\ude00 \\ud83d"', "\U0001f600 \ufffd"),
        ('"\\ude00\\ud83d"', "\ufffd\ufffd"),
        ('"\\ud83d\\ude00"', "\U0001f600"),
        ('"\\\\ud800"', "\\ud800"),  # an escaped backslash, then text
    ],
    ids=["keys-and-nested", "pair-then-lone", "reversed-pair", "pair", "escaped-backslash"],
)
def test_jsonload_lone_surrogates_become_replacement_characters(
    tmp_path: Path, text: str, expected: object
) -> None:
    source = _source(tmp_path, text)
    assert parse_json_document(source, text, FIX) == expected
    assert parse_json_line(source, text + "\n", 1, FIX) == expected


@pytest.mark.parametrize(("importer", "name"), JSON_IMPORTERS)
def test_jsonload_importers_store_no_lone_surrogate(
    tmp_path: Path, importer: Importer, name: str
) -> None:
    """Whatever each JSON importer makes of a file full of lone surrogates can be encoded."""
    samples = Path(__file__).parents[2] / "src" / "servicecoach" / "samples"
    sample = {
        "jsonl": samples / "native" / "northwind.jsonl",
        "zendesk": samples / "zendesk" / "tickets.json",
        "chatwoot": samples / "chatwoot" / "conversations.json",
        "aws_transcribe": samples / "calls" / "billing-0412.json",
        "whisper": samples / "calls" / "login-trouble.json",
    }[importer.name]
    text = sample.read_text(encoding="utf-8")
    keys = ("id", "text", "content", "body", "plain_body", "html_body", "name", "transcript")
    for key in keys:
        text = text.replace(f'"{key}": "', f'"{key}": "\\ud800')  # a lone surrogate first
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    conversations, problems = read_all(importer, [path])
    assert conversations
    assert any("\ufffd" in m.text for c in conversations for m in c.messages)
    for item in [*conversations, *problems]:
        repr(item).encode("utf-8")
    for conversation in conversations:
        for message in conversation.messages:
            (message.id + message.text + (message.author or "")).encode("utf-8")
            str(message.meta).encode("utf-8")
