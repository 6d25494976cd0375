"""Speaker segments of a call transcript to a conversation of turns.

Every transcript importer reduces its file to a list of :class:`Segment` (who spoke,
when, what) and hands it to :func:`build_call`, so that all of them merge turns and
assign roles the same way:

- Segments are put in order of their start time (stable for ties). Overlapping segments
  are kept as given: when the agent starts before the customer has finished, both turns
  keep their own times, so that analysers can measure interruptions.
- Consecutive segments of the same speaker merge into one turn (one message) that keeps
  the start of the first segment and the latest end of its segments.
- A segment without a speaker (a cue with no voice tag in a file that has them) belongs
  to the speaker before it, or to the first known speaker when it opens the call. When
  no segment has a speaker (plain Whisper, captions without names) the whole call is one
  speaker called ``"speaker"``: agent and customer cannot be told apart, so the call
  becomes a single turn with the role ``system`` (never scored as the agent's: it holds
  the customer's words too), and ``meta["diarised"]`` is false. Pass ``--speaker
  speaker=agent`` (``speaker_roles={"speaker": Role.AGENT}``) to score it anyway, or
  better a diarised file (WhisperX, AWS Transcribe with speaker labels) to get real
  turns.
- Roles: :func:`servicecoach.ingest.transcripts.roles.decide_roles` decides them:
  ``--speaker`` mappings, then roles the source states, then what was said (who greets
  on behalf of the company, who states the problem), then who spoke first
  (``options.first_speaker``). ``meta["roles_from"]`` and ``meta["roles_note"]`` say
  how.
- Segments may carry ``meta`` (Call Analytics sentiment and issues); a turn's meta
  merges its segments': lists are joined, ``sentiment`` is the segments' one when they
  agree, the non-neutral one beside ``neutral``, otherwise ``"mixed"``; other values
  keep the first segment's.
- Messages carry ``start_s``/``end_s`` (seconds from the start of the call) and no
  ``at``: none of the supported formats records when the call took place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.transcripts.roles import decide_roles, mapped_role
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import normalize_text

__all__ = ["Segment", "build_call", "call_id"]

_UNKNOWN_SPEAKER = "speaker"
"""The speaker label of a transcript that does not say who spoke."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of speech as a transcript gives it.

    Attributes:
        speaker: the speaker label (``"spk_0"``, ``"SPEAKER_01"``, ``"Dana Reyes"``), or
            ``None`` when the source does not say.
        start_s: seconds from the start of the call to the start of the speech.
        end_s: seconds from the start of the call to its end.
        text: what was said (tags removed, not yet normalised).
        meta: what the source says about it (``sentiment``, ``issues``), if anything.
    """

    speaker: str | None
    start_s: float
    end_s: float
    text: str
    meta: Mapping[str, Any] | None = None


@dataclass(slots=True)
class _Turn:
    speaker: str
    start_s: float
    end_s: float
    texts: list[str]
    meta: dict[str, Any]


def call_id(path: Path) -> str:
    """The conversation id of a call read from ``path``: ``call-<file stem>``."""
    return f"call-{path.stem}"


def build_call(
    segments: Sequence[Segment],
    *,
    conversation_id: str,
    source: str,
    options: ImportOptions,
    meta: Mapping[str, Any] | None = None,
    source_roles: Mapping[str, Role] | None = None,
) -> Conversation:
    """Merge segments into turns and build the call's conversation.

    Args:
        segments: the transcript's segments, in any order.
        conversation_id: the conversation id, e.g. ``"call-0412"``.
        source: the importer's name.
        options: speaker-to-role options.
        meta: extra conversation metadata from the source (``language``, ...).
        source_roles: roles the source states, by speaker label.

    Returns:
        A phone conversation whose meta holds ``speakers`` (label to role),
        ``duration_s`` (the latest end time, 0 for an empty transcript), ``diarised``
        (whether the source said who spoke), ``roles_from`` and ``roles_note`` (how
        the roles were decided).
    """
    turns = _merge(_resolve_speakers(sorted(segments, key=lambda s: s.start_s)))
    diarised = any(s.speaker is not None for s in segments)
    texts = [(turn.speaker, normalize_text(" ".join(turn.texts))) for turn in turns]
    if diarised:
        decision = decide_roles(texts, options, source_roles)
        roles, roles_from, note = decision.roles, decision.how, decision.note
    else:  # nobody knows who spoke: not the agent unless the user says so
        mapped = {turn.speaker: mapped_role(turn.speaker, options.speaker_roles) for turn in turns}
        roles = {label: role or Role.SYSTEM for label, role in mapped.items()}
        roles_from = "speaker_option" if any(mapped.values()) else "undiarised"
        note = (
            "one speaker mapped by --speaker"
            if roles_from == "speaker_option"
            else "the file does not say who spoke: one turn with the role system "
            "(pass --speaker speaker=agent to score it)"
        )
    messages = tuple(
        Message(
            id=f"m{index}",
            role=roles[turn.speaker],
            text=text,
            author=turn.speaker,
            start_s=turn.start_s,
            end_s=turn.end_s,
            meta=MappingProxyType(turn.meta),
        )
        for index, (turn, (_, text)) in enumerate(zip(turns, texts, strict=True), start=1)
    )
    all_meta: dict[str, Any] = {
        "speakers": {label: role.value for label, role in roles.items()},
        "duration_s": max((s.end_s for s in segments), default=0.0),
        "diarised": diarised,
    }
    if turns:
        all_meta["roles_from"] = roles_from
        all_meta["roles_note"] = note
    all_meta.update(meta or {})
    return Conversation(
        id=conversation_id,
        channel=Channel.PHONE,
        messages=messages,
        customer=Customer(),
        public=False,
        source=source,
        meta=all_meta,
    )


def _resolve_speakers(segments: Sequence[Segment]) -> list[tuple[str, Segment]]:
    known = [s.speaker for s in segments if s.speaker is not None]
    current = known[0] if known else _UNKNOWN_SPEAKER
    resolved = []
    for segment in segments:
        if segment.speaker is not None:
            current = segment.speaker
        resolved.append((current, segment))
    return resolved


def _merge(segments: Sequence[tuple[str, Segment]]) -> list[_Turn]:
    turns: list[_Turn] = []
    for speaker, segment in segments:
        if turns and turns[-1].speaker == speaker:
            last = turns[-1]
            last.end_s = max(last.end_s, segment.end_s)
            last.texts.append(segment.text)
            _merge_meta(last.meta, segment.meta or {})
        else:
            turns.append(
                _Turn(
                    speaker,
                    segment.start_s,
                    segment.end_s,
                    [segment.text],
                    dict(segment.meta or {}),
                )
            )
    return turns


def _merge_meta(into: dict[str, Any], more: Mapping[str, Any]) -> None:
    for key, value in more.items():
        if key not in into:
            into[key] = list(value) if isinstance(value, list) else value
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key].extend(value)
        elif key == "sentiment" and into[key] != value:
            into[key] = (
                value if into[key] == "neutral" else into[key] if value == "neutral" else "mixed"
            )
