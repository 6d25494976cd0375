"""Importers: every source format in, :class:`~servicecoach.model.Conversation` out."""

from __future__ import annotations

from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Item, Source
from servicecoach.ingest.registry import detect_format, expand_paths, get_importer, importers

__all__ = [
    "HEAD_BYTES",
    "ImportOptions",
    "Importer",
    "Item",
    "Source",
    "detect_format",
    "expand_paths",
    "get_importer",
    "importers",
]
