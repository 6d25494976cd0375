"""Text files in any encoding: BOM, UTF-8, then detection; a clear problem for binary."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from servicecoach.errors import InvalidFileError
from servicecoach.ingest import textfile
from servicecoach.ingest.base import Source
from servicecoach.ingest.textfile import (
    SNIFF_BYTES,
    decode_bytes,
    decode_problem,
    head_text,
    open_text,
    read_decoded,
    read_text,
)

TEXT = "Señor Farías: ¿qué tal? Crème brûlée, naïve “quotes” — 5 €\r\nline two\n"
LATIN = "Señor Farías: ¿qué tal? Crème brûlée, naïve «quotes» - 5 EUR\r\nline two\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", True),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", True),
        (TEXT.encode("cp1252"), "cp1252", False),
        (LATIN.encode("latin-1"), "cp1252", False),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "cp1252", "latin1"],
)
def test_textfile_decodes(data: bytes, encoding: str, bom: bool, tmp_path: Path) -> None:
    path = tmp_path / "t.srt"
    path.write_bytes(data)
    decoded = read_decoded(Source(path))
    assert (decoded.encoding, decoded.bom) == (encoding, bom)
    assert decoded.text in (TEXT, LATIN)
    assert decoded.is_utf8 is (encoding == "utf-8")
    assert read_text(Source(path)) == decoded.text


def test_textfile_cyrillic_is_detected(tmp_path: Path) -> None:
    text = "Здравствуйте, у меня проблема с заказом. Посылка не пришла уже две недели.\n"
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode("cp1251"))
    assert read_text(Source(path)) == text


@pytest.mark.parametrize(
    ("data", "where", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff", "", "no known text encoding"),
        (bytes(range(256)) * 3, "", "no known text encoding"),
        (b"hello\x00world\x00", "character 5", "NUL characters"),
        (codecs.BOM_UTF8 + b"caf\xe9", "byte 6", "UTF-8 byte order mark"),
    ],
    ids=["png", "all-bytes", "nul", "bad-after-bom"],
)
def test_textfile_not_text(data: bytes, where: str, needle: str, tmp_path: Path) -> None:
    path = tmp_path / "x.vtt"
    path.write_bytes(data)
    with pytest.raises(InvalidFileError) as info:
        read_text(Source(path))
    problem = info.value.problem
    assert problem.path == path and problem.location == where
    assert problem.message.startswith("the file is not text") and needle in problem.message
    assert "UTF-8" in problem.fix


def test_textfile_counts_progress(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(TEXT.encode("cp1252"))
    source = Source(path)
    read_text(source)
    assert source.bytes_read == source.size


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_textfile_open_text_streams(data: bytes, encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    with open_text(Source(path)) as handle:
        assert handle.encoding == encoding
        assert handle.read() == TEXT  # no BOM, newlines as they are


def test_textfile_open_text_multibyte_at_the_sniff_boundary(tmp_path: Path) -> None:
    text = "a" * (SNIFF_BYTES - 1) + "é and more"  # é's two bytes straddle the boundary
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    with open_text(Source(path)) as handle:
        assert handle.encoding == "utf-8"
        assert handle.read() == text


def test_textfile_open_text_late_bad_byte_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a" * SNIFF_BYTES + b"\ncaf\xe9\n")
    source = Source(path)
    with open_text(source) as handle, pytest.raises(UnicodeDecodeError) as info:
        handle.read()
    problem = decode_problem(source, info.value).problem
    assert problem.location == f"byte {SNIFF_BYTES + 4}"
    assert "not valid utf-8" in problem.message


def test_textfile_open_text_binary_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(bytes(range(256)) * 3)
    with pytest.raises(InvalidFileError, match="not text"):
        open_text(Source(path))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (codecs.BOM_UTF16_LE + "1\n00:00:01,000 -->".encode("utf-16-le"), "1\n00:00:01,000 -->"),
        (b"WEBVTT\n\xe9x", "WEBVTT\n\ufffdx"),
        (b"caf\xc3", "caf"),  # a character cut at the end of the head is left out
        (b"", ""),
    ],
)
def test_textfile_head_text(head: bytes, expected: str) -> None:
    assert head_text(head) == expected


def test_textfile_decode_bytes_names_the_path() -> None:
    with pytest.raises(InvalidFileError) as info:
        decode_bytes(b"\x00\x01\x02\xff\xfe\xfa" * 50, Path("calls/x.srt"))
    assert info.value.problem.path == Path("calls/x.srt")


def test_textfile_all_names_exist() -> None:
    assert len(set(textfile.__all__)) == len(textfile.__all__)
    assert all(hasattr(textfile, name) for name in textfile.__all__)
