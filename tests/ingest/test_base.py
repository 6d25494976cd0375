"""Importer building blocks: options, sources and progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import ImportOptions, Source


@pytest.mark.parametrize(
    ("entries", "address", "expected"),
    [
        (("help@northwind.example",), "Help@Northwind.example", True),
        (("help@northwind.example",), "sales@northwind.example", False),
        (("northwind.example",), "sam@northwind.example", True),
        (("northwind.example",), "sam@eu.northwind.example", True),
        (("@northwind.example",), "sam@northwind.example", True),
        (("northwind.example",), "dana@notnorthwind.example", False),
        ((), "sam@northwind.example", False),
    ],
)
def test_base_is_support_address(entries: tuple[str, ...], address: str, expected: bool) -> None:
    assert ImportOptions(support_addresses=entries).is_support_address(address) is expected


def test_base_source_counts_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("é" * 1000, encoding="utf-8")
    source = Source(path)
    assert source.read_text() == "é" * 1000
    assert source.bytes_read == source.size == 2000


def test_base_source_advance_never_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * 100)
    source = Source(path)
    source.advance(0.5)
    source.advance(0.2)
    source.advance(7)
    assert source.bytes_read == 100


def test_base_source_not_utf8_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(InvalidFileError) as caught:
        Source(path).read_text()
    assert caught.value.problem.path == path
    assert "UTF-8" in caught.value.problem.fix
