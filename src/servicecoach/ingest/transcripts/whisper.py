"""OpenAI Whisper and WhisperX JSON transcripts as calls.

A file is one call, its id ``call-<file stem>``: the file name is the call's identity, so
importing a file with the same name again updates that call, and a second file of one
import with the same name (in another folder) is reported and skipped
(:mod:`servicecoach.ingest.transcripts.calls`). Reads the JSON that ``whisper
--output_format json``, the OpenAI API's ``verbose_json`` and WhisperX write: an object
with ``segments`` (``start``, ``end``, ``text``), and ``language`` (kept in the
conversation's meta). WhisperX adds a ``speaker`` (``SPEAKER_00``) to segments and
their ``words``; a segment without a speaker takes the speaker most of its words have
(the first of them on a tie), and one with neither continues the speaker before it.

Plain Whisper does not diarise: every segment is the one speaker ``"speaker"`` and the
call becomes a single turn with the role ``system``, because agent and customer cannot
be told apart (scoring it as the agent's would score the customer's words too). Pass
``--speaker speaker=agent`` to score it anyway, or better transcribe with WhisperX
(``--diarize``) to get real turns. Roles follow
:mod:`servicecoach.ingest.transcripts.roles` (``--speaker``, then what was said, then
the first speaker is the agent by default). A segment with missing or malformed times, an end before its start or no text
is reported as ``segments[i]`` and skipped; a file without a ``segments`` list cannot be
read. Not supported: whisper.cpp's JSON (``transcription`` with ``timestamps``) and
files that are a bare list of segments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError, InvalidRecordError
from servicecoach.ingest.base import ImportOptions, Item, Source
from servicecoach.ingest.jsonvalues import ident
from servicecoach.ingest.transcripts.calls import CallImporter
from servicecoach.ingest.transcripts.jsondoc import (
    OTHER_FORMAT_KEYS,
    has_key,
    load_object,
    looks_like_json_object,
    seconds,
)
from servicecoach.ingest.transcripts.turns import Segment, build_call, call_id
from servicecoach.model.text import normalize_text

__all__ = ["WhisperImporter"]

_WHAT = "a Whisper or WhisperX JSON transcript (an object with a 'segments' list)"


class WhisperImporter(CallImporter):
    """Whisper / WhisperX JSON, with WhisperX speakers when present."""

    name: ClassVar[str] = "whisper"
    title: ClassVar[str] = "OpenAI Whisper or WhisperX JSON transcript"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, path: Path, head: bytes) -> int:
        if not looks_like_json_object(head) or any(
            has_key(head, k) for k in (*OTHER_FORMAT_KEYS, "results")
        ):
            return 0
        if has_key(head, "segments") and has_key(head, "start") and has_key(head, "end"):
            return 90 if has_key(head, "text") else 60
        return 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        data = load_object(source, _WHAT)
        raw = data.get("segments")
        if not isinstance(raw, list):
            raise InvalidFileError(
                source.problem(
                    "segments",
                    "there is no 'segments' list: this is not a Whisper transcript",
                    f"expected {_WHAT}",
                )
            )
        segments: list[Segment] = []
        for index, entry in enumerate(raw):
            try:
                segments.append(_segment(entry))
            except InvalidRecordError as exc:
                yield source.problem(f"segments[{index}]", exc.message, exc.fix)
        language = data.get("language")
        yield build_call(
            segments,
            conversation_id=call_id(source.path),
            source=self.name,
            options=options,
            meta={"language": language} if isinstance(language, str) else None,
        )


def _segment(entry: Any) -> Segment:
    if not isinstance(entry, dict):
        raise InvalidRecordError("a segment must be an object with start, end and text")
    start = seconds(entry.get("start"), "start")
    end = seconds(entry.get("end"), "end")
    if end < start:
        raise InvalidRecordError(f"it ends ({end}) before it starts ({start})", "fix its 'end'")
    text = entry.get("text")
    if not isinstance(text, str) or not normalize_text(text):
        raise InvalidRecordError("the segment has no 'text'", "add its text or remove it")
    speaker = ident(entry.get("speaker"))
    if speaker is None and isinstance(entry.get("words"), list):
        speaker = _majority(entry["words"])
    return Segment(speaker, start, end, text)


def _majority(words: Sequence[Any]) -> str | None:
    counts = Counter(
        label
        for label in (ident(w.get("speaker")) for w in words if isinstance(w, dict))
        if label is not None
    )
    if not counts:
        return None
    return counts.most_common(1)[0][0]
