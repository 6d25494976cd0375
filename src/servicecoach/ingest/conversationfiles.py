"""Files of conversations as chat helpdesk APIs give them, read as a stream.

Intercom and Help Scout exports hold a JSON list of conversations, an object with the
list under a known member (``{"conversations": [...]}``), or a document read whole: one
conversation, or an API page only that format has. :func:`stream_conversations` streams
the lists one conversation at a time, so memory stays flat whatever the file size, and
hands anything else to the format, which says what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator

from servicecoach.ingest.base import Source
from servicecoach.ingest.jsonload import stream_json

__all__ = ["stream_conversations"]


def stream_conversations(
    source: Source,
    fix: str,
    lists: Collection[str],
    whole: Callable[[Source, dict[str, object]], Iterable[tuple[str, object]]],
) -> Iterator[tuple[str, object]]:
    """Each conversation of a file, with where it is (``conversation 3``).

    Args:
        source: the file.
        fix: how to fix a file that cannot be read.
        lists: the members of a top-level object that list conversations.
        whole: for a document that lists none, given its top-level members (a lone
            value that is not an object under ``""``): its conversations with where
            they are. It raises :class:`~servicecoach.errors.InvalidFileError` for a
            document of no accepted shape. An empty document gives nothing.

    Raises:
        InvalidFileError: the file is not UTF-8 JSON, or in no accepted shape.
    """
    members: dict[str, object] = {}
    listed = False
    for item in stream_json(source, fix, lists):
        if item.index and item.key in (None, *lists):
            listed = True
            yield f"conversation {item.index}", item.value
        elif item.key is not None:
            members[item.key] = item.value
        else:
            members[""] = item.value  # a lone value: not a document of ours
    if listed or not members:
        return
    yield from whole(source, members)
