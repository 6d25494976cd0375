"""AWS Transcribe results (the JSON a transcription job writes) as calls.

A file is one call; its id is ``call-<jobName>`` (``call-<file stem>`` without one), so
the job name is the call's identity: importing a result of the same job again updates
that call, and a second file of one import with the same job name is reported and
skipped (:mod:`servicecoach.ingest.transcripts.calls`).

Turns are built from, in this order of preference:

1. ``results.audio_segments`` (newer output): each segment's ``transcript``, times and
   ``speaker_label`` (or ``channel_label``).
2. ``results.channel_labels`` (channel identification: agent and customer recorded on
   separate channels): the words of each channel, speakers ``ch_0``, ``ch_1``.
3. ``results.items``: each word's speaker is its own ``speaker_label`` (newer output)
   or the one ``results.speaker_labels.segments[].items`` gives for its start time;
   without speaker labels the whole call is one turn of the speaker ``"speaker"`` with
   the role ``system`` (agent and customer cannot be told apart: pass ``--speaker
   speaker=agent``, or better enable speaker or channel identification).

Punctuation items have no times and attach to the word before them without a space. A
speaker's words form one segment until another speaker starts talking while they are
silent, so overlapping speech on separate channels is kept as given. Consecutive
segments of one speaker merge into one turn. Transcribe does not say who is the agent,
and ``spk_0``/``ch_0`` is only whoever talks first (the customer, in both of Amazon's
own examples): roles follow :mod:`servicecoach.ingest.transcripts.roles` (``--speaker``,
then what was said, then ``--first-speaker``), and ``meta.roles_note`` says which
decided. Call Analytics output, which does name the roles, is read by
:mod:`servicecoach.ingest.transcripts.aws_analytics`. Times are strings of seconds. A malformed
item or segment is reported with its JSON path and skipped; a file without a
``results`` object cannot be read. A job with no words gives a call with no messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError, InvalidRecordError, Problem
from servicecoach.ingest.base import ImportOptions, Item, Source
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

__all__ = ["AwsTranscribeImporter"]

_WHAT = "an AWS Transcribe result (the JSON file a transcription job writes)"


@dataclass(slots=True)
class _Word:
    speaker: str | None
    start_s: float
    end_s: float
    text: str


class AwsTranscribeImporter(CallImporter):
    """AWS Transcribe job output, with speaker or channel identification."""

    name: ClassVar[str] = "aws_transcribe"
    title: ClassVar[str] = "AWS Transcribe result JSON (speaker labels or channels)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    id_source: ClassVar[str] = "jobName (its file name when it has none)"

    def detect(self, path: Path, head: bytes) -> int:
        if not looks_like_json_object(head) or any(has_key(head, k) for k in OTHER_FORMAT_KEYS):
            return 0
        if not has_key(head, "results"):
            return 0
        if has_key(head, "jobName"):
            return 95
        if any(has_key(head, k) for k in ("transcripts", "items", "audio_segments")):
            return 85
        return 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        data = load_object(source, _WHAT)
        results = data.get("results")
        if not isinstance(results, dict):
            raise InvalidFileError(
                source.problem(
                    "results",
                    "there is no 'results' object: this is not an AWS Transcribe result",
                    f"expected {_WHAT}; a job that has not completed has no results yet",
                )
            )
        job = data.get("jobName")
        conversation_id = f"call-{job}" if isinstance(job, str) and job else call_id(source.path)
        segments: list[Segment] = []
        for item in _segments(source, results):
            if isinstance(item, Problem):
                yield item
            else:
                segments.append(item)
        meta: dict[str, Any] = {}
        language = results.get("language_code", data.get("languageCode"))
        if isinstance(language, str):
            meta["language"] = language
        yield build_call(
            segments,
            conversation_id=conversation_id,
            source=self.name,
            options=options,
            meta=meta,
        )


def _segments(source: Source, results: Mapping[str, Any]) -> Iterator[Segment | Problem]:
    audio = results.get("audio_segments")
    if isinstance(audio, list) and audio:
        yield from _audio_segments(source, audio)
        return
    channels = results.get("channel_labels")
    words: list[_Word] = []
    if isinstance(channels, dict) and isinstance(channels.get("channels"), list):
        for index, channel in enumerate(channels["channels"]):
            where = f"results.channel_labels.channels[{index}]"
            if not isinstance(channel, dict) or not isinstance(channel.get("items"), list):
                yield source.problem(where, "a channel must be an object with an 'items' list")
                continue
            label = channel.get("channel_label")
            speaker = label if isinstance(label, str) and label else f"ch_{index}"
            yield from _words(source, channel["items"], f"{where}.items", {}, speaker, words)
    else:
        items = results.get("items", [])
        if not isinstance(items, list):
            raise InvalidFileError(
                source.problem("results.items", "'items' is not a list", f"expected {_WHAT}")
            )
        labels: dict[float, str] = {}
        yield from _speaker_map(source, results.get("speaker_labels"), labels)
        yield from _words(source, items, "results.items", labels, None, words)
    yield from _group(words)


def _audio_segments(source: Source, audio: Sequence[Any]) -> Iterator[Segment | Problem]:
    for index, entry in enumerate(audio):
        where = f"results.audio_segments[{index}]"
        try:
            if not isinstance(entry, dict):
                raise InvalidRecordError("an audio segment must be an object")
            start = seconds(entry.get("start_time"), "start_time")
            end = seconds(entry.get("end_time"), "end_time")
            if end < start:
                raise InvalidRecordError(
                    f"it ends ({end}) before it starts ({start})", "fix its end_time"
                )
            text = entry.get("transcript")
            if not isinstance(text, str) or not normalize_text(text):
                raise InvalidRecordError("it has no 'transcript' text")
        except InvalidRecordError as exc:
            yield source.problem(where, exc.message, exc.fix)
            continue
        label = entry.get("speaker_label", entry.get("channel_label"))
        yield Segment(label if isinstance(label, str) and label else None, start, end, text)


def _speaker_map(
    source: Source, speaker_labels: Any, labels: dict[float, str]
) -> Iterator[Problem]:
    """Fill ``labels`` (word start time to speaker) from ``results.speaker_labels``."""
    if not isinstance(speaker_labels, dict):
        return
    entries = speaker_labels.get("segments")
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        where = f"results.speaker_labels.segments[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("items"), list):
            yield source.problem(where, "a speaker segment must be an object with an 'items' list")
            continue
        default = entry.get("speaker_label")
        for word in entry["items"]:
            label = word.get("speaker_label", default) if isinstance(word, dict) else None
            try:
                start = seconds(
                    word.get("start_time") if isinstance(word, dict) else None, "start_time"
                )
            except InvalidRecordError as exc:
                yield source.problem(where, f"a word's {exc.message}", "its words keep no speaker")
                continue
            if isinstance(label, str) and label:
                labels[start] = label


def _words(
    source: Source,
    items: Sequence[Any],
    path: str,
    labels: Mapping[float, str],
    speaker: str | None,
    words: list[_Word],
) -> Iterator[Problem]:
    """Append the words of ``items`` to ``words``; punctuation joins the word before it."""
    first = len(words)
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        try:
            content = _content(item)
            if item.get("type") == "punctuation":
                if len(words) > first:
                    words[-1].text += content
                continue
            start = seconds(item.get("start_time"), "start_time")
            end = seconds(item.get("end_time"), "end_time")
            if end < start:
                raise InvalidRecordError(
                    f"it ends ({end}) before it starts ({start})", "fix its end_time"
                )
        except InvalidRecordError as exc:
            yield source.problem(where, exc.message, exc.fix)
            continue
        label = item.get("speaker_label")
        who = speaker or (label if isinstance(label, str) and label else labels.get(start))
        words.append(_Word(who, start, end, content))


def _content(item: Any) -> str:
    if not isinstance(item, dict):
        raise InvalidRecordError("an item must be an object")
    alternatives = item.get("alternatives")
    if not isinstance(alternatives, list) or not alternatives:
        raise InvalidRecordError("the item has no 'alternatives'", "each item needs one")
    best = alternatives[0]
    content = best.get("content") if isinstance(best, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise InvalidRecordError("the item's first alternative has no 'content'")
    return content.strip()


def _group(words: Sequence[_Word]) -> Iterator[Segment]:
    """Runs of one speaker's words, closed when another speaker starts while they are silent."""
    open_runs: dict[str | None, list[_Word]] = {}
    for word in sorted(words, key=lambda w: w.start_s):
        for speaker, run in list(open_runs.items()):
            if speaker != word.speaker and run[-1].end_s <= word.start_s:
                yield _segment(speaker, run)
                del open_runs[speaker]
        open_runs.setdefault(word.speaker, []).append(word)
    for speaker, run in open_runs.items():
        yield _segment(speaker, run)


def _segment(speaker: str | None, run: Sequence[_Word]) -> Segment:
    return Segment(
        speaker,
        run[0].start_s,
        max(w.end_s for w in run),
        " ".join(w.text for w in run),
    )
