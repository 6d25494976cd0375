"""WebVTT call transcripts (Microsoft Teams, Zoom, most speech-to-text services).

A file is one call, its id ``call-<file stem>``: the file name is the call's identity, so
importing a file with the same name again updates that call, and a second file of one
import with the same name (in another folder) is reported and skipped
(:mod:`servicecoach.ingest.transcripts.calls`). Speakers come from voice tags
(``<v Sam Ortiz>Thanks for calling``), ``(Name)`` speaker lines (Google Meet) or
consistent ``Name:`` prefixes (see :mod:`servicecoach.ingest.transcripts.captions` for
the exact rules, and for rolling youtube-dl captions, whose repeated lines are kept
once); cue tags are removed and entities such as ``&amp;`` or ``&#237;`` decoded, in
voice names too. Consecutive cues of one speaker merge into one turn, and roles follow
:mod:`servicecoach.ingest.transcripts.roles` (``--speaker``, then what was said, then
the first voice is the agent). A file without any speaker is one turn of the speaker
``"speaker"`` with the role ``system``: pass ``--speaker speaker=agent`` (or a
diarised transcript) to score it. The file may be in any encoding
(:mod:`servicecoach.ingest.textfile`); one that was not UTF-8 records the encoding
used in ``meta.decoded_as``.

A cue with unreadable times, an end before its start, or no text is reported (with its
cue number and line) and skipped; a file that does not start with ``WEBVTT`` cannot be
read. A file with no cues gives a call with no messages. ``NOTE``, ``STYLE`` and
``REGION`` blocks are ignored; cue settings (``align:start``) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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

__all__ = ["WebVttImporter"]

_HEADER = re.compile(r"^WEBVTT(?:[ \t\r\n]|$)")


def _is_not_a_cue(lines: Sequence[str]) -> bool:
    first = lines[0]
    return first in ("NOTE", "STYLE") or first.startswith(("NOTE ", "NOTE\t", "REGION"))


class WebVttImporter(CallImporter):
    """WebVTT transcripts with voice tags or ``Name:`` prefixes."""

    name: ClassVar[str] = "vtt"
    title: ClassVar[str] = "WebVTT call transcript (.vtt; voice tags or 'Name:' prefixes)"
    extensions: ClassVar[tuple[str, ...]] = (".vtt",)

    def detect(self, path: Path, head: bytes) -> int:
        if _HEADER.match(head_text(head)):
            return 100
        return 10 if path.suffix.lower() in self.extensions else 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        decoded = read_decoded(source)
        lines = split_lines(decoded.text)
        if not lines or not re.match(r"WEBVTT(?:[ \t]|$)", lines[0]):
            raise InvalidFileError(
                source.problem(
                    "line 1",
                    "a WebVTT file must start with the line WEBVTT",
                    "check the file is WebVTT; an SRT file (cue numbers, times with commas) "
                    "reads with --format srt",
                    1,
                )
            )
        body = _header_length(lines)
        cues: list[Cue] = []
        for item in read_cues(
            source, lines[body:], first_line=body + 1, srt=False, skip_block=_is_not_a_cue
        ):
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


def _header_length(lines: Sequence[str]) -> int:
    """How many lines the header takes: up to a blank line or the first cue timing."""
    for index, line in enumerate(lines):
        if not line.strip() or (index and "-->" in line):
            return index
    return len(lines)
