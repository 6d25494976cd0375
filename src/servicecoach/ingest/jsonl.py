"""The native JSON Lines format (FORMAT.md): one conversation per line, read and written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TextIO, cast

from servicecoach.errors import InvalidRecordError, Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.jsonload import loads_or_none, parse_json_line
from servicecoach.model.conversation import Conversation
from servicecoach.model.native import conversation_from_dict, conversation_to_dict

__all__ = ["JsonlImporter", "dumps_conversation", "write_jsonl"]

_LINE_FIX = "each line must be one JSON object"


def dumps_conversation(conversation: Conversation) -> str:
    """One native-format line (no newline), UTF-8 characters kept as they are."""
    return json.dumps(
        conversation_to_dict(conversation), ensure_ascii=False, separators=(", ", ": ")
    )


def write_jsonl(conversations: Iterable[Conversation], handle: TextIO) -> int:
    """Write conversations as native JSON Lines; returns how many were written."""
    count = 0
    for conversation in conversations:
        handle.write(dumps_conversation(conversation))
        handle.write("\n")
        count += 1
    return count


class JsonlImporter(Importer):
    """servicecoach's own conversation format."""

    name: ClassVar[str] = "jsonl"
    title: ClassVar[str] = "servicecoach native JSON Lines (FORMAT.md)"
    extensions: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson")

    def detect(self, path: Path, head: bytes) -> int:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        if not first.startswith(b"{"):
            return 0
        record = loads_or_none(first)
        if record is None:  # cut off by the head, or not JSON (or nested too deeply)
            return 10 if path.suffix.lower() in self.extensions else 0
        if not isinstance(record, dict) or "messages" not in record:
            return 0
        return 100 if record.get("format") == 1 else 80

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        for source in sources:
            yield from self._read_one(source)

    def _read_one(self, source: Source) -> Iterator[Item]:
        with source.open_text() as handle:
            line_no = 0
            while True:
                try:
                    line = handle.readline()
                except UnicodeDecodeError as exc:
                    raise source.not_utf8(exc) from None
                if not line:
                    break
                line_no += 1
                if not line.strip():
                    continue
                data = parse_json_line(source, line, line_no, _LINE_FIX)
                if isinstance(data, Problem):
                    yield data
                    continue
                try:
                    yield conversation_from_dict(cast("Mapping[str, Any]", data))
                except InvalidRecordError as exc:
                    yield source.problem(f"line {line_no}", exc.message, exc.fix, line_no)
