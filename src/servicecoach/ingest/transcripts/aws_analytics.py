"""Amazon Transcribe Call Analytics and Amazon Connect Contact Lens results as calls.

Post-call analytics write one JSON object per call whose ``Transcript`` list holds the
turns, each with ``Content``, ``BeginOffsetMillis``/``EndOffsetMillis``, the speaker's
``ParticipantRole`` (``AGENT`` or ``CUSTOMER``; Contact Lens names it ``ParticipantId``)
and ``Sentiment``; turns may mark ``IssuesDetected``, ``OutcomesDetected`` and
``ActionItemsDetected`` as character ranges of their ``Content``. Plain Transcribe
output (``results``, read by :mod:`.aws`) is another format.

A file is one call, ``call-<JobName>`` (Contact Lens: ``call-<ContactId>``; the file
stem without either), so re-importing a job updates its call and a second file of one
import with the same job is reported and skipped (:mod:`.calls`). Roles come from the
participant: ``AGENT`` is the agent, ``CUSTOMER`` the customer, ``SYSTEM``/``BOT`` the
system/bot; ``--speaker AGENT=customer`` overrides them (channels recorded the wrong
way round), and a turn with another or no participant is decided by
:mod:`.roles`. Consecutive turns of one participant merge into one message.

Kept: each message's ``meta.sentiment`` (``positive``, ``negative``, ``neutral``,
``mixed``; ``mixed`` also when merged turns differ) and the text of its marked
``issues``, ``outcomes`` and ``action_items``; the call's ``meta.categories`` (matched
category names), ``meta.overall_sentiment`` (score per participant, lower-cased),
``meta.issues`` (every issue of the call, in order), ``meta.language`` and
``meta.contact_id``. Dropped: loudness scores, word ``Items``, interruptions, talk
speed and non-talk time (servicecoach measures its own from the turn times), and
PII entity lists (the ``[PII]`` placeholders stay in the text). A marker whose offsets
cannot be read is left out.

A turn with no ``Content``, unreadable offsets or an end before its start is reported
as ``Transcript[i]`` and skipped; a file without a ``Transcript`` list cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from servicecoach.errors import InvalidFileError, InvalidRecordError
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
from servicecoach.model.conversation import Role
from servicecoach.model.text import normalize_text

__all__ = ["AwsCallAnalyticsImporter"]

_WHAT = (
    "an Amazon Transcribe Call Analytics or Contact Lens result "
    "(an object with a 'Transcript' list of turns)"
)
_ROLES = {
    "AGENT": Role.AGENT,
    "CUSTOMER": Role.CUSTOMER,
    "SYSTEM": Role.SYSTEM,
    "BOT": Role.BOT,
}
_MARKERS = {
    "IssuesDetected": "issues",
    "OutcomesDetected": "outcomes",
    "ActionItemsDetected": "action_items",
}


class AwsCallAnalyticsImporter(CallImporter):
    """Call Analytics / Contact Lens output, roles from ``ParticipantRole``."""

    name: ClassVar[str] = "aws_call_analytics"
    title: ClassVar[str] = (
        "Amazon Transcribe Call Analytics / Contact Lens JSON (roles from ParticipantRole)"
    )
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    id_source: ClassVar[str] = "JobName (Contact Lens: ContactId; else its file name)"

    def detect(self, path: Path, head: bytes) -> int:
        if not looks_like_json_object(head) or any(has_key(head, k) for k in OTHER_FORMAT_KEYS):
            return 0
        if not has_key(head, "Transcript") or has_key(head, "results"):
            return 0
        if has_key(head, "ParticipantRole") or has_key(head, "ParticipantId"):
            return 95
        if any(has_key(head, k) for k in ("BeginOffsetMillis", "ConversationCharacteristics")):
            return 80
        return 0

    def read_call(self, source: Source, options: ImportOptions) -> Iterator[Item]:
        data = load_object(source, _WHAT)
        transcript = data.get("Transcript")
        if not isinstance(transcript, list):
            status = data.get("JobStatus")
            raise InvalidFileError(
                source.problem(
                    "Transcript",
                    "there is no 'Transcript' list: this is not a Call Analytics result"
                    + (f" (its JobStatus is {status})" if isinstance(status, str) else ""),
                    f"expected {_WHAT}; a job that has not completed has no transcript yet",
                )
            )
        segments: list[Segment] = []
        for index, entry in enumerate(transcript):
            try:
                segments.append(_segment(entry))
            except InvalidRecordError as exc:
                yield source.problem(f"Transcript[{index}]", exc.message, exc.fix)
        labels = {s.speaker for s in segments if s.speaker is not None}
        yield build_call(
            segments,
            conversation_id=_call_id(data, source),
            source=self.name,
            options=options,
            meta=_call_meta(data, segments),
            source_roles={label: _ROLES[label] for label in labels if label in _ROLES},
        )


def _call_id(data: Mapping[str, Any], source: Source) -> str:
    job = data.get("JobName")
    if isinstance(job, str) and job.strip():
        return f"call-{job.strip()}"
    customer = data.get("CustomerMetadata")
    contact = customer.get("ContactId") if isinstance(customer, dict) else None
    if isinstance(contact, str) and contact.strip():
        return f"call-{contact.strip()}"
    return call_id(source.path)


def _segment(entry: Any) -> Segment:
    if not isinstance(entry, dict):
        raise InvalidRecordError("a turn must be an object with Content and offsets")
    content = entry.get("Content")
    if not isinstance(content, str) or not normalize_text(content):
        raise InvalidRecordError("the turn has no 'Content'", "add its text or remove it")
    start = seconds(entry.get("BeginOffsetMillis"), "BeginOffsetMillis") / 1000
    end = seconds(entry.get("EndOffsetMillis"), "EndOffsetMillis") / 1000
    if end < start:
        raise InvalidRecordError(
            f"it ends ({end} s) before it starts ({start} s)", "fix its EndOffsetMillis"
        )
    role = entry.get("ParticipantRole", entry.get("ParticipantId"))
    label = role.strip().upper() if isinstance(role, str) and role.strip() else None
    meta: dict[str, Any] = {}
    sentiment = entry.get("Sentiment")
    if isinstance(sentiment, str) and sentiment.strip():
        meta["sentiment"] = sentiment.strip().lower()
    for key, name in _MARKERS.items():
        marked = _marked(content, entry.get(key))
        if marked:
            meta[name] = marked
    return Segment(label, start, end, content, meta or None)


def _marked(content: str, markers: Any) -> list[str]:
    """The text of each marker's ``CharacterOffsets`` range in ``content``."""
    if not isinstance(markers, list):
        return []
    found = []
    for marker in markers:
        offsets = marker.get("CharacterOffsets") if isinstance(marker, dict) else None
        if not isinstance(offsets, dict):
            continue
        begin = _offset(offsets.get("Begin", offsets.get("BeginOffsetChar")))
        end = _offset(offsets.get("End", offsets.get("EndOffsetChar")))
        if begin is None or end is None or end <= begin:
            continue
        text = normalize_text(content[begin:end])
        if text:
            found.append(text)
    return found


def _offset(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _call_meta(data: Mapping[str, Any], segments: list[Segment]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    language = data.get("LanguageCode")
    if isinstance(language, str) and language:
        meta["language"] = language
    categories = data.get("Categories")
    matched = categories.get("MatchedCategories") if isinstance(categories, dict) else None
    if isinstance(matched, list):
        names = [name.strip() for name in matched if isinstance(name, str) and name.strip()]
        if names:
            meta["categories"] = names
    characteristics = data.get("ConversationCharacteristics")
    sentiment = characteristics.get("Sentiment") if isinstance(characteristics, dict) else None
    overall = sentiment.get("OverallSentiment") if isinstance(sentiment, dict) else None
    if isinstance(overall, dict):
        scores = {
            str(who).lower(): score
            for who, score in overall.items()
            if isinstance(score, int | float) and not isinstance(score, bool)
        }
        if scores:
            meta["overall_sentiment"] = scores
    issues = [issue for s in segments if s.meta for issue in s.meta.get("issues", [])]
    if issues:
        meta["issues"] = issues
    customer = data.get("CustomerMetadata")
    contact = customer.get("ContactId") if isinstance(customer, dict) else None
    if isinstance(contact, str) and contact:
        meta["contact_id"] = contact
    return meta
