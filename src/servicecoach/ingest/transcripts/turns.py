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
- Roles: ``options.speaker_roles`` (speaker label to role, matched exactly, then
  ignoring case) wins. Otherwise, in a call whose speakers are known, the first speaker
  to talk gets ``options.first_speaker`` (the agent by default: the agent answers an
  inbound call) and every other speaker the other role (the customer when the first
  speaker is an agent, bot or system; the agent when the first speaker is a customer).
- Messages carry ``start_s``/``end_s`` (seconds from the start of the call) and no
  ``at``: none of the supported formats records when the call took place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicecoach.errors import ConfigError
from servicecoach.ingest.base import ImportOptions
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import normalize_text

__all__ = ["Segment", "assign_roles", "build_call", "call_id"]

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
    """

    speaker: str | None
    start_s: float
    end_s: float
    text: str


@dataclass(slots=True)
class _Turn:
    speaker: str
    start_s: float
    end_s: float
    texts: list[str]


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
) -> Conversation:
    """Merge segments into turns and build the call's conversation.

    Args:
        segments: the transcript's segments, in any order.
        conversation_id: the conversation id, e.g. ``"call-0412"``.
        source: the importer's name.
        options: speaker-to-role options.
        meta: extra conversation metadata from the source (``language``, ...).

    Returns:
        A phone conversation whose meta holds ``speakers`` (label to role),
        ``duration_s`` (the latest end time, 0 for an empty transcript) and
        ``diarised`` (whether the source said who spoke).
    """
    turns = _merge(_resolve_speakers(sorted(segments, key=lambda s: s.start_s)))
    diarised = any(s.speaker is not None for s in segments)
    if diarised:
        roles = assign_roles([turn.speaker for turn in turns], options)
    else:  # nobody knows who spoke: not the agent unless the user says so
        roles = {
            turn.speaker: _mapped(turn.speaker, options.speaker_roles) or Role.SYSTEM
            for turn in turns
        }
    messages = tuple(
        Message(
            id=f"m{index}",
            role=roles[turn.speaker],
            text=normalize_text(" ".join(turn.texts)),
            author=turn.speaker,
            start_s=turn.start_s,
            end_s=turn.end_s,
        )
        for index, turn in enumerate(turns, start=1)
    )
    all_meta: dict[str, Any] = {
        "speakers": {label: role.value for label, role in roles.items()},
        "duration_s": max((s.end_s for s in segments), default=0.0),
        "diarised": diarised,
    }
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


def assign_roles(speakers: Sequence[str], options: ImportOptions) -> dict[str, Role]:
    """The role of each speaker label, in order of first appearance.

    Args:
        speakers: speaker labels in the order they speak (repeats allowed).
        options: ``speaker_roles`` and ``first_speaker``.
    """
    order = list(dict.fromkeys(speakers))
    if not order:
        return {}
    first_role = _mapped(order[0], options.speaker_roles) or _role(
        options.first_speaker, "first_speaker"
    )
    other = Role.AGENT if first_role is Role.CUSTOMER else Role.CUSTOMER
    roles = {order[0]: first_role}
    for label in order[1:]:
        roles[label] = _mapped(label, options.speaker_roles) or other
    return roles


def _mapped(label: str, speaker_roles: Mapping[str, Role]) -> Role | None:
    if label in speaker_roles:
        return _role(speaker_roles[label], f"speaker_roles[{label!r}]")
    folded = label.casefold()
    for key, role in speaker_roles.items():
        if key.casefold() == folded:
            return _role(role, f"speaker_roles[{key!r}]")
    return None


def _role(value: str, option: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = " | ".join(role.value for role in Role)
        raise ConfigError(f"{option}: {value!r} is not a role; use one of {allowed}") from None


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
        else:
            turns.append(_Turn(speaker, segment.start_s, segment.end_s, [segment.text]))
    return turns
