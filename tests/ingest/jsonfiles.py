"""Test helpers for the JSON importers: write a document as a file, read it back, fuzz it.

Each importer's tests make one :class:`JsonFiles` (its importer and the file name its
documents are written under) instead of their own ``_write``/``_read`` helpers, so that
every JSON importer is tested the same way:

    FILES = JsonFiles(HelpScoutImporter(), "helpscout.json")
    (conversation,) = FILES.read(tmp_path, document)
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Source
from servicecoach.model.conversation import Conversation
from servicecoach.testing import read_all
from tests.conftest import SAMPLES


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Lists and objects of ``inner`` (a named function: hypothesis inspects ``extend``)."""
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    _containers,
    max_leaves=12,
)
"""Small JSON values of every type, to put where an importer expects one member."""


@dataclass(frozen=True)
class JsonFiles:
    """JSON documents written as files and read by one importer.

    Attributes:
        importer: the importer under test.
        name: the file name documents are written under unless a test names another.
    """

    importer: Importer
    name: str = "export.json"

    def write(self, directory: Path, data: object, name: str | None = None) -> Path:
        """Write ``data`` as JSON to ``directory`` / ``name`` (the default name if none)."""
        path = directory / (name or self.name)
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    def read(self, directory: Path, data: object) -> list[Conversation]:
        """The conversations read from ``data`` written as a file; no problem is allowed."""
        conversations, problems = self.read_all(directory, data)
        assert problems == []
        return conversations

    def read_all(self, directory: Path, data: object) -> tuple[list[Conversation], list[Problem]]:
        """The conversations and the problems read from ``data`` written as a file."""
        return read_all(self.importer, [self.write(directory, data)])

    def read_never_crashes(self, document: object) -> None:
        """Read ``document``: the file may be refused whole, naming it, but nothing else raises.

        Meant for hypothesis tests, which cannot take pytest's ``tmp_path``.
        """
        with tempfile.TemporaryDirectory() as directory:
            try:
                read_all(self.importer, [self.write(Path(directory), document)])
            except InvalidFileError as exc:  # e.g. a number too large for the JSON parser
                assert exc.problem.path.name == self.name

    def read_until_broken(self, path: Path) -> list[str]:
        """The ids of the conversations read from ``path`` before its broken tail refused it.

        The file must be refused (``InvalidFileError`` naming it) after them: a streamed
        file gives the conversations before the break first.
        """
        read: list[str] = []
        try:
            for item in self.importer.read([Source(path)], ImportOptions()):
                read.append(getattr(item, "id", ""))
        except InvalidFileError as exc:
            assert exc.problem.path == path
            return read
        raise AssertionError(f"{path.name} was read to its end: it is not broken")


def head(path: Path) -> bytes:
    """What :meth:`Importer.detect` is shown of ``path``."""
    return path.read_bytes()[:HEAD_BYTES]


def other_samples(folder: str) -> list[Path]:
    """The bundled samples of every format but the one in ``samples/<folder>``."""
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.parent.name != folder)


def sample_id(path: Path) -> str:
    """A sample's test id: ``zendesk/tickets.json``."""
    return f"{path.parent.name}/{path.name}"
