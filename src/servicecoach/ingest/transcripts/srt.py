"""SubRip (SRT) call transcripts, with speakers from ``Name:`` prefixes.

A file is one call, its id ``call-<file stem>``: the file name is the call's identity, so
importing a file with the same name again updates that call, and a second file of one
import with the same name (in another folder) is reported and skipped
(:mod:`servicecoach.ingest.transcripts.calls`). SRT has no speaker field, so speakers
come from ``Name:`` prefixes (``Priya Nair: Hi Mei``) or ``(Name)`` speaker lines when
the file uses them consistently (the rules are in
:mod:`servicecoach.ingest.transcripts.captions`); without them the whole call is one
turn of the speaker ``"speaker"`` with the role ``system``, since agent and customer
cannot be told apart (pass ``--speaker speaker=agent`` or a diarised transcript).
Consecutive cues of one speaker merge into one turn; roles follow
:mod:`servicecoach.ingest.transcripts.roles`. Subtitle editors save SRT in many
encodings: UTF-8, UTF-16 with a BOM and Windows-1252 are all read
(:mod:`servicecoach.ingest.textfile`), the encoding used recorded in
``meta.decoded_as`` when it was not UTF-8. Cue numbers are optional.

The file is parsed here rather than with webvtt-py's SRT reader, which drops malformed
cues silently, keeps no line numbers, reads ``00:00:07,5`` as 7.005 seconds and rejects
a file that starts with a blank line; webvtt-py still reads each cue's times and tags.
Times may use a comma or a dot before the milliseconds; ``<i>``/``<b>``/``<font>`` tags
and ``{\\an8}`` position codes are removed. A cue with unreadable times, an end before
its start, no timing line or no text is reported (cue number and line) and skipped. A
file without a single ``-->`` timing line cannot be read; an empty file gives a call
with no messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.base import ImportOptions, Item, Source
from servicecoach.ingest.textfile import head_text, read_decoded
from servicecoach.ingest.transcripts.calls import CallImporter
from servicecoach.ingest.transcripts.captions import (
    Cue,
    read_cues,
    segments_from_cues,
    split_lines,
)
from servicecoach.ingest.transcripts.turns import build_call, call_id

__all__ = ["SrtImporter"]

_START = re.compile(
    r"^[ \t\r\n]*(?:\d+[ \t]*\r?\n)?[ \t]*\d+:\d{1,2}:\d{1,2}([,.])\d{1,3}[ \t]*-->"
)


class SrtImporter(CallImporter):
    """SubRip subtitles used as a call transcript."""

    name: ClassVar[str] = "srt"
    title: ClassVar[str] = "SRT call transcript (.srt; speakers from 'Name:' prefixes)"
    extensions: ClassVar[tuple[str, ...]] = (".srt",)

    def detect(self, path: Path, head: bytes) -> int:
        match = _START.match(head_text(head))
        if match is not None:
            return 95 if match.group(1) == "," else 60
        return 10 if path.suffix.lower() in self.extensions else 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        decoded = read_decoded(source)
        lines = split_lines(decoded.text)
        if any(line.strip() for line in lines) and not any("-->" in line for line in lines):
            raise InvalidFileError(
                source.problem(
                    "",
                    "no cue timing line (00:00:01,000 --> 00:00:04,000) found: "
                    "this is not an SRT file",
                    "check the file, or pass the right --format",
                )
            )
        cues: list[Cue] = []
        for item in read_cues(source, lines, first_line=1, srt=True):
            if isinstance(item, Cue):
                cues.append(item)
            else:
                yield item
        yield build_call(
            segments_from_cues(cues),
            conversation_id=call_id(source.path),
            source=self.name,
            options=options,
            meta=None if decoded.is_utf8 else {"decoded_as": decoded.encoding},
        )
