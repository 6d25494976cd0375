"""Zendesk Talk calls: the call's times as messages of its ticket, without a transcript.

A Talk call (``GET /api/v2/channels/voice/stats/incremental/calls``, or one call object)
records when the call came in, how long the caller waited, who answered and how long
they talked, but not what was said. Its ticket gets:

- for an inbound call, a customer message at ``created_at`` (the call came in) and, when
  an agent answered, an agent message ``time_to_answer`` seconds later (else
  ``wait_time``), ending ``talk_time`` seconds after that; a call nobody answered
  (abandoned, voicemail) has only the customer's message, so it reads as unanswered;
- for an outbound call, one agent message at ``created_at``.

So responsiveness measures the phone wait like any other (the phone target is one
minute). The messages say in brackets that they stand for a call and that there is no
transcript, and carry the call's metrics in ``meta["call"]`` with
``meta["transcript"] = False``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from servicecoach.errors import InvalidRecordError
from servicecoach.ingest.jsonvalues import ident
from servicecoach.model.conversation import Message, Role
from servicecoach.model.text import shown
from servicecoach.model.timeparse import parse_timestamp

__all__ = ["CALL_KEYS", "call_messages", "is_call"]

CALL_KEYS = frozenset({"time_to_answer", "talk_time", "wait_time", "completion_status"})
"""Fields only a Talk call object has; two of them make a JSON object a call."""
_METRICS = (
    "direction",
    "completion_status",
    "duration",
    "wait_time",
    "time_to_answer",
    "talk_time",
    "hold_time",
    "wrap_up_time",
    "voicemail",
    "callback",
    "exceeded_queue_wait_time",
    "outside_business_hours",
    "quality_issues",
    "phone_number",
)
_UNANSWERED = ("abandoned", "voicemail", "not_answered", "missed", "declined", "failed")


def is_call(record: object) -> bool:
    """True for a JSON object that looks like one Talk call."""
    return isinstance(record, dict) and len(CALL_KEYS & set(record)) >= 2


def _seconds(call: Mapping[str, Any], key: str) -> float | None:
    value = call.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value < 10**7:
        raise InvalidRecordError(f"'{key}' is not a number of seconds: {shown(value)}")
    return float(value)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def call_messages(
    call: Mapping[str, Any], customer_name: str | None, agent_name: str | None
) -> tuple[Message, ...]:
    """The messages that stand for one call (see the module).

    Raises:
        InvalidRecordError: the call has no id or no time, or a bad duration.
    """
    call_id = ident(call.get("id"))
    if call_id is None:
        raise InvalidRecordError("the call has no id", "export calls with their 'id'")
    created = call.get("created_at")
    if not isinstance(created, str):
        raise InvalidRecordError("the call has no created_at", "export calls with their times")
    started = parse_timestamp(created, field="created_at")
    metrics = {key: call[key] for key in _METRICS if call.get(key) is not None}
    meta = {"call": {"id": call_id, **metrics}, "transcript": False}
    agent_id = ident(call.get("agent_id"))
    agent = agent_name or agent_id
    talk = _seconds(call, "talk_time")
    talked = f", {_duration(talk)} talk time" if talk else ""
    if str(call.get("direction", "inbound")).lower() == "outbound":
        end = started + timedelta(seconds=talk) if talk else None
        text = f"[Outbound phone call{talked}; no transcript]"
        return (Message(f"talk-call-{call_id}", Role.AGENT, text, agent, started, end, meta=meta),)
    status = str(call.get("completion_status") or "").lower()
    voicemail = call.get("voicemail") is True
    caller = Message(
        f"talk-call-{call_id}",
        Role.CUSTOMER,
        "[Voicemail; no transcript]" if voicemail else "[Phone call; no transcript]",
        customer_name,
        started,
        meta=meta,
    )
    if agent_id is None or voicemail or status.startswith(_UNANSWERED):
        return (caller,)
    waited = _seconds(call, "time_to_answer")
    waited = _seconds(call, "wait_time") if waited is None else waited
    answered = started + timedelta(seconds=waited or 0)
    end = answered + timedelta(seconds=talk) if talk else None
    answer = Message(
        f"talk-call-{call_id}-answer",
        Role.AGENT,
        f"[Answered the phone call{talked}; no transcript]",
        agent,
        answered,
        end,
        meta=meta,
    )
    return (caller, answer)
