"""Deepgram pre-recorded transcription responses (``/v1/listen`` JSON) as calls.

A file is one call, its id ``call-<file stem>`` (Deepgram's ``request_id`` is kept in
``meta.request_id``, not used as the id: the file name is what a user recognises), so
re-importing a file updates its call (:mod:`.calls`). Turns come from, in this order:

1. ``results.utterances`` (``utterances=true``): each utterance's ``transcript``,
   ``start``, ``end``, ``speaker`` and ``channel``;
2. otherwise, per channel, ``alternatives[0].paragraphs.paragraphs`` (``paragraphs=true``
   or smart formatting): each paragraph's sentences, times and ``speaker``;
3. otherwise the channel's ``words`` (``punctuated_word`` when present), a run of one
   speaker's words being one segment;
4. otherwise the channel's ``transcript`` as one segment without a speaker.

Speakers: with one channel, diarised speaker ``n`` is ``speaker_n``; with several
channels (``multichannel=true``, agent and customer recorded apart) each channel is
one speaker, ``channel_n``, whatever diarisation says inside it. Without speakers the
call is one turn with the role ``system``, as for every transcript (pass ``--speaker
speaker=agent``, or transcribe with ``diarize=true``). Deepgram does not say who is the
agent: roles follow :mod:`.roles` (what was said, then who spoke first; ``--speaker
speaker_1=agent`` overrides). Kept: ``meta.language`` (the detected language),
``meta.request_id`` and ``meta.model``. Dropped: word confidences, alternatives after
the first, and summaries, topics or sentiment from Deepgram's audio intelligence.

An utterance, paragraph or word with unreadable times, an end before its start or no
text is reported with its JSON path and skipped; a file without a ``results`` object
cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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

__all__ = ["DeepgramImporter"]

_WHAT = "a Deepgram transcription response (an object with 'results' and its 'channels')"
_AWS_KEYS = ("jobName", "transcripts", "items", "audio_segments", "speaker_labels")


class DeepgramImporter(CallImporter):
    """Deepgram ``/v1/listen`` responses: utterances, paragraphs or words."""

    name: ClassVar[str] = "deepgram"
    title: ClassVar[str] = "Deepgram transcription JSON (utterances, paragraphs or words)"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def detect(self, path: Path, head: bytes) -> int:
        if not looks_like_json_object(head) or any(
            has_key(head, k) for k in (*OTHER_FORMAT_KEYS, *_AWS_KEYS)
        ):
            return 0
        if not has_key(head, "results"):
            return 0
        if has_key(head, "utterances") or (
            has_key(head, "channels") and has_key(head, "alternatives")
        ):
            return 95 if has_key(head, "metadata") else 85
        return 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        data = load_object(source, _WHAT)
        results = data.get("results")
        if not isinstance(results, dict):
            raise InvalidFileError(
                source.problem(
                    "results",
                    "there is no 'results' object: this is not a Deepgram response",
                    f"expected {_WHAT}",
                )
            )
        channels = results.get("channels")
        channels = channels if isinstance(channels, list) else []
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        declared = metadata.get("channels")
        several = len(channels) > 1 or (isinstance(declared, int) and declared > 1)
        segments: list[Segment] = []
        utterances = results.get("utterances")
        if isinstance(utterances, list) and utterances:
            for index, entry in enumerate(utterances):
                where = f"results.utterances[{index}]"
                item = _timed(source, where, entry, "transcript", several)
                if isinstance(item, Problem):
                    yield item
                else:
                    segments.append(item)
        else:
            for index, channel in enumerate(channels):
                for item in _channel(source, index, channel, several, metadata):
                    if isinstance(item, Problem):
                        yield item
                    else:
                        segments.append(item)
        yield build_call(
            segments,
            conversation_id=call_id(source.path),
            source=self.name,
            options=options,
            meta=_meta(metadata, channels),
        )


def _label(entry: Mapping[str, Any], channel: int | None, several: bool) -> str | None:
    if several:
        number = entry.get("channel", channel)
        if isinstance(number, int) and not isinstance(number, bool):
            return f"channel_{number}"
        return None if channel is None else f"channel_{channel}"
    speaker = entry.get("speaker")
    if isinstance(speaker, bool) or not isinstance(speaker, int | str):
        return None
    return f"speaker_{speaker}" if str(speaker).strip() else None


def _times(entry: Mapping[str, Any]) -> tuple[float, float]:
    start = seconds(entry.get("start"), "start")
    end = seconds(entry.get("end"), "end")
    if end < start:
        raise InvalidRecordError(f"it ends ({end}) before it starts ({start})", "fix its 'end'")
    return start, end


def _timed(
    source: Source,
    where: str,
    entry: Any,
    text_key: str,
    several: bool,
    channel: int | None = None,
) -> Segment | Problem:
    """A segment from an utterance (``transcript``) or a word (``punctuated_word``)."""
    try:
        if not isinstance(entry, dict):
            raise InvalidRecordError("it must be an object with start, end and text")
        start, end = _times(entry)
        text = entry.get(text_key)
        if text_key == "punctuated_word" and not isinstance(text, str):
            text = entry.get("word")
        if not isinstance(text, str) or not normalize_text(text):
            raise InvalidRecordError(f"it has no {text_key!r} text", "add its text or remove it")
    except InvalidRecordError as exc:
        return source.problem(where, exc.message, exc.fix)
    return Segment(_label(entry, channel, several), start, end, text)


def _channel(
    source: Source, index: int, channel: Any, several: bool, metadata: Mapping[str, Any]
) -> Iterator[Segment | Problem]:
    where = f"results.channels[{index}]"
    alternatives = channel.get("alternatives") if isinstance(channel, dict) else None
    best = alternatives[0] if isinstance(alternatives, list) and alternatives else None
    if not isinstance(best, dict):
        yield source.problem(where, "the channel has no 'alternatives'", "each channel needs one")
        return
    where += ".alternatives[0]"
    paragraphs = best.get("paragraphs")
    listed = paragraphs.get("paragraphs") if isinstance(paragraphs, dict) else None
    if isinstance(listed, list) and listed:
        for number, paragraph in enumerate(listed):
            yield _paragraph(source, f"{where}.paragraphs.paragraphs[{number}]", paragraph,
                             several, index)  # fmt: skip
        return
    words = best.get("words")
    if isinstance(words, list) and words:
        yield from _word_runs(source, f"{where}.words", words, several, index)
        return
    transcript = best.get("transcript")
    if isinstance(transcript, str) and normalize_text(transcript):
        duration = metadata.get("duration")
        try:
            end = seconds(duration, "duration")
        except InvalidRecordError:
            end = 0.0
        label = f"channel_{index}" if several else None
        yield Segment(label, 0.0, end, transcript)


def _paragraph(
    source: Source, where: str, paragraph: Any, several: bool, channel: int
) -> Segment | Problem:
    try:
        if not isinstance(paragraph, dict):
            raise InvalidRecordError("a paragraph must be an object with sentences")
        start, end = _times(paragraph)
        sentences = paragraph.get("sentences")
        texts = [
            s["text"]
            for s in (sentences if isinstance(sentences, list) else [])
            if isinstance(s, dict) and isinstance(s.get("text"), str)
        ]
        text = " ".join(texts)
        if not normalize_text(text):
            raise InvalidRecordError("the paragraph has no sentence text")
    except InvalidRecordError as exc:
        return source.problem(where, exc.message, exc.fix)
    return Segment(_label(paragraph, channel, several), start, end, text)


def _word_runs(
    source: Source, where: str, words: Sequence[Any], several: bool, channel: int
) -> Iterator[Segment | Problem]:
    """Runs of one speaker's words, each run a segment."""
    run: list[Segment] = []
    for index, entry in enumerate(words):
        item = _timed(source, f"{where}[{index}]", entry, "punctuated_word", several, channel)
        if isinstance(item, Problem):
            yield item
            continue
        if run and run[-1].speaker != item.speaker:
            yield _joined(run)
            run = []
        run.append(item)
    if run:
        yield _joined(run)


def _joined(run: Sequence[Segment]) -> Segment:
    return Segment(
        run[0].speaker,
        run[0].start_s,
        max(s.end_s for s in run),
        " ".join(s.text.strip() for s in run),
    )


def _meta(metadata: Mapping[str, Any], channels: Sequence[Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for channel in channels:
        language = channel.get("detected_language") if isinstance(channel, dict) else None
        if isinstance(language, str) and language:
            meta["language"] = language
            break
    request = metadata.get("request_id")
    if isinstance(request, str) and request:
        meta["request_id"] = request
    info = metadata.get("model_info")
    if isinstance(info, dict):
        names = sorted(
            {
                m["name"]
                for m in info.values()
                if isinstance(m, dict) and isinstance(m.get("name"), str)
            }
        )
        if names:
            meta["model"] = ", ".join(names)
    return meta
