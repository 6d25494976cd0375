"""A small Parquet conversation file, written from the native sample, for tests and fuzzing."""

from __future__ import annotations

import io

from servicecoach.ingest.base import ImportOptions, Source
from servicecoach.ingest.jsonl import JsonlImporter
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.ingest.parquet.columns import conversation_row, conversation_schema
from servicecoach.model.conversation import Conversation
from tests.conftest import SAMPLES

__all__ = ["parquet_bytes", "sample_conversations"]


def sample_conversations() -> list[Conversation]:
    """The native sample's conversations."""
    source = Source(SAMPLES / "native" / "northwind.jsonl")
    return [
        c for c in JsonlImporter().read([source], ImportOptions()) if isinstance(c, Conversation)
    ]


def parquet_bytes(conversations: list[Conversation] | None = None) -> bytes:
    """One unpartitioned Parquet file of ``conversations`` (default: the native sample)."""
    pa, pq = require_pyarrow()
    schema = conversation_schema(pa)
    rows = [conversation_row(c) for c in conversations or sample_conversations()]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), buffer)
    return buffer.getvalue()
