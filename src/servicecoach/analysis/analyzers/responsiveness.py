"""Responsiveness: the first reply and every later one come within the channel's target.

A **wait** starts at a customer message that opens the conversation or follows a reply,
and ends at the next agent or bot reply the customer saw. Internal notes and system
messages neither start nor end one; more customer messages in between do not restart
it; a customer message that needs no reply (thanks, agreement, a goodbye: see
``[done]`` in ``lexicons/responsiveness.toml``; short, no question mark, nothing still
open) does not start one. Messages are taken in time order. The first wait is the
**first response**. A quick holding reply ("we've got your message and are looking
into it", "give me a moment", "I'll get back to you within the hour") ends a wait like
any other reply.

Waits are measured against a target per channel (:data:`~servicecoach.analysis.analyzers.responsiveness_settings.DEFAULT_TARGETS_MINUTES`:
social 60 min, chat 2 min, SMS 30 min, email and web 24 h, phone 1 min, other 24 h),
and, when business hours are configured, only time inside them counts
(:func:`business_minutes`). The settings (targets, business hours, the scores of a wait,
the first response's weight) are a typed ``Config``,
:class:`~servicecoach.analysis.analyzers.responsiveness_settings.ResponsivenessSettings`,
read from the rubric's ``[responsiveness]`` or ``[analyzers.responsiveness]`` table;
without business hours the clock runs 24/7.

Signals:

- ``responsiveness.first_response`` - the first reply: +1 within target, -1 over it
  (with a suggestion naming the target); on the reply's opening sentence.
- ``responsiveness.slow`` - (-1) a later wait over target, on the opening sentence of
  the reply that ended it; the suggestion says how long the customer waited.
- ``responsiveness.holding`` - (+1) a reply that ended a wait says the message was seen
  and is being worked on (not when negated or inside the customer's quoted words).
- ``responsiveness.unanswered`` - (-1) the conversation ends with customer messages
  that got no reply, on the last of them that needs one (its last question, else its
  last sentence). A conversation that ends on "thanks, that worked!" is not unanswered.

Scoring: each wait scores 100 within its target, 70 up to twice it, 40 up to four times
it and 10 beyond; the skill score is the mean over waits, with the first response
counted twice. There is no "now" in a conversation, so an unanswered final wait counts
(as 0) only when we know it was dropped: an agent or bot had replied earlier in the
conversation (they were engaged, then left the customer), or the customer's own later
messages show the wait already ran past the target (measured like any wait, from its
first message to the conversation's last). Otherwise it is flagged but not scored (it
may simply not be due yet). Not applicable when there is no customer message, no wait
to score, or a message has no time. The scores of a wait are :data:`~servicecoach.analysis.analyzers.responsiveness_settings.DEFAULT_TIERS`
(``within``, ``double``, ``quadruple``, ``beyond``, ``unanswered``) and the first
response's weight is ``first_response_weight``; a rubric's
``[analyzers.responsiveness]`` table may change them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.analyzers.responsiveness_settings import (
    BusinessHours,
    ResponsivenessSettings,
)
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.analysis.signals import FIRST_RESPONSE
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import fold
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import WORD

__all__ = [
    "ResponsivenessAnalyzer",
    "business_minutes",
]

_BANDS = (("within", 1.0), ("double", 2.0), ("quadruple", 4.0))
"""(tier, multiple of the target) for a wait up to that multiple; longer: ``beyond``."""
_DONE_MAX_OTHER_WORDS = 8
_SPACES = re.compile(r"\s+")


def business_minutes(start: datetime, end: datetime, hours: BusinessHours | None) -> float:
    """Minutes from ``start`` to ``end`` that fall inside business ``hours``.

    Real elapsed time is used throughout, so a window on a daylight-saving day is as long
    as it really is (midnight to midnight on the day the clocks go forward is 23 hours).

    Args:
        start: when the wait began (timezone-aware).
        end: when it ended (timezone-aware); at or before ``start`` gives 0.
        hours: the business hours, or ``None`` for 24/7.

    Raises:
        ValueError: ``start`` or ``end`` has no time zone.
    """
    if start.utcoffset() is None or end.utcoffset() is None:
        raise ValueError("business_minutes needs timezone-aware datetimes")
    begin, finish = start.astimezone(UTC), end.astimezone(UTC)
    if finish <= begin:
        return 0.0
    if hours is None:
        return (finish - begin).total_seconds() / 60
    zone, days = hours.zone, hours.weekdays
    opening, closing = hours.start_minute, hours.end_minute
    day = begin.astimezone(zone).date()
    last = finish.astimezone(zone).date()
    seconds = 0.0
    while day <= last:
        if day.weekday() in days:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            # Adding to an aware datetime moves its wall clock: local opening and closing.
            opens = (midnight + timedelta(minutes=opening)).astimezone(UTC)
            closes = (midnight + timedelta(minutes=closing)).astimezone(UTC)
            low, high = max(begin, opens), min(finish, closes)
            if high > low:
                seconds += (high - low).total_seconds()
        day += timedelta(days=1)
    return seconds / 60


def _band(minutes: float, target: float, tiers: Mapping[str, int]) -> int:
    for tier, multiple in _BANDS:
        if minutes <= target * multiple:
            return tiers[tier]
    return tiers["beyond"]


def _duration(minutes: float) -> str:
    """``45 s``, ``12 min``, ``3 h 5 min``, ``4 days 2 h``."""
    seconds = round(minutes * 60)
    if seconds < 60:
        return f"{seconds} s"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def _target_words(minutes: float) -> str:
    """``1 hour``, ``24 hours``, ``2 minutes``, ``30 seconds``, ``1 h 30 min``."""
    if minutes < 1:
        return f"{round(minutes * 60)} seconds"
    if minutes % 60 == 0:
        hours = int(minutes // 60)
        return "1 hour" if hours == 1 else f"{hours} hours"
    if minutes < 60 and float(minutes).is_integer():
        return "1 minute" if minutes == 1 else f"{int(minutes)} minutes"
    return _duration(minutes)


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", fold(text))


@dataclass(frozen=True, slots=True)
class _Wait:
    """One customer wait: from its first message to the reply that ended it."""

    opened: Message
    reply: Message
    minutes: float


def _minutes(first: Message, last: Message, hours: BusinessHours | None) -> float:
    """Business minutes between two messages' times (0 when either has none)."""
    if first.at is None or last.at is None:
        return 0.0
    return business_minutes(first.at, last.at, hours)


def _opening(reply: Message, own: str) -> tuple[int, int]:
    """The span of the reply's first sentence in its own words (else its first sentence)."""
    found = sentences(reply.text)
    for sentence in found:
        if own[sentence.start : sentence.end].strip():
            return sentence.start, sentence.end
    return (found[0].start, found[0].end) if found else (0, 0)


def _needs_reply(message: Message, lexicon: Lexicon, still_open: frozenset[str]) -> bool:
    """False for a closing message (thanks, agreement, goodbye) or one with no text.

    A closing message has a ``done`` phrase, no question mark, at most
    ``_DONE_MAX_OTHER_WORDS`` other words, and none of them a ``still_open`` word.
    """
    text = message.text
    if not text.strip():
        return False
    if "?" in text:
        return True
    done = [m for m in lexicon.matcher.find(text) if m.label == "done"]
    if not done:
        return True
    rest = list(fold(text))
    for match in done:
        rest[match.start : match.end] = " " * (match.end - match.start)
    others = WORD.findall("".join(rest))
    return len(others) > _DONE_MAX_OTHER_WORDS or any(
        w.endswith("n't") or w.split("'")[0] in still_open for w in others
    )


def _unanswered_span(message: Message) -> tuple[int, int]:
    """The message's last question, else its last sentence."""
    found = sentences(message.text)
    questions = [s for s in found if "?" in s.text]
    chosen = (questions or found)[-1:]
    return (chosen[0].start, chosen[0].end) if chosen else (0, len(message.text))


def _timing(
    wait: _Wait,
    own: str,
    *,
    first: bool,
    target: float,
    where: str,
    hours: BusinessHours | None,
    texts: Lexicon,
) -> list[Evidence]:
    """``first_response`` for the first wait; ``slow`` for a later one over target."""
    late = wait.minutes > target
    if not first and not late:
        return []
    reply = wait.reply
    start, end = _opening(reply, own)
    waited = _duration(wait.minutes)
    if hours is not None:
        waited = texts.text("suggestions", "business_time", waited=waited)
    goal = _target_words(target)
    if first:
        signal, polarity = FIRST_RESPONSE, -1 if late else 1
        suggestion = (
            texts.text("suggestions", "first_late", waited=waited, goal=goal, where=where)
            if late
            else None
        )
    else:
        signal, polarity = "responsiveness.slow", -1
        suggestion = texts.text("suggestions", "slow", waited=waited, goal=goal, where=where)
    return [Evidence(reply.id, start, end, signal, polarity, reply.text[start:end], suggestion)]


def _holding(
    reply: Message, own: str, lexicon: Lexicon, negators: frozenset[str]
) -> list[Evidence]:
    """``responsiveness.holding`` on the first holding phrase of a reply, if any."""
    for match in lexicon.matcher.find(own):
        if match.label != "holding" or is_negated(own, match.start, negators):
            continue
        return [
            Evidence(
                reply.id,
                match.start,
                match.end,
                "responsiveness.holding",
                1,
                reply.text[match.start : match.end],
            )
        ]
    return []


class ResponsivenessAnalyzer(Analyzer):
    """Replies come quickly: first response and every later wait against the channel's target."""

    name: ClassVar[str] = "responsiveness"
    version: ClassVar[int] = 1
    skill: ClassVar[str] = "responsiveness"
    requires: ClassVar[frozenset[Requirement]] = frozenset({Requirement.TIMESTAMPS})
    live: ClassVar[bool] = False
    Config: ClassVar[type[ResponsivenessSettings]] = ResponsivenessSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ResponsivenessSettings, self.settings(context))
        hours = settings.business_hours
        target = settings.target(conversation.channel)
        lexicon = context.lexicon("responsiveness")
        texts = lexicon.section("suggestions")
        where = str(texts.get(str(conversation.channel), texts["other"]))
        still_open, negators = lexicon.words("still_open"), lexicon.words("negation")
        timeline = [
            m for m in conversation.chronological() if m.role is Role.CUSTOMER or m.is_reply
        ]
        customer = [m for m in timeline if m.role is Role.CUSTOMER]
        if not customer or any(m.at is None for m in timeline):
            return SkillFinding.not_applicable()
        customer_texts: list[str] | None = None  # normalised once a reply quotes something

        waits: list[_Wait] = []
        pending: list[Message] = []  # customer messages needing a reply since the last reply
        replied = False
        for message in timeline:
            if message.role is Role.CUSTOMER:
                if _needs_reply(message, lexicon, still_open):
                    pending.append(message)
                continue
            if pending:
                waits.append(_Wait(pending[0], message, _minutes(pending[0], message, hours)))
            pending = []
            replied = True

        found: list[Evidence] = []
        weighted: list[tuple[int, int]] = []  # (score, weight)
        for index, wait in enumerate(waits):
            text = wait.reply.text
            if customer_texts is None and (">" in text or '"' in text or "“" in text):
                customer_texts = [_normalise(m.text) for m in customer]
            own = _own_words(text, customer_texts if customer_texts is not None else [])
            weight = settings.first_response_weight if index == 0 else 1
            weighted.append((_band(wait.minutes, target, settings.tiers), weight))
            timing = _timing(
                wait, own, first=index == 0, target=target, where=where, hours=hours, texts=lexicon
            )
            found.extend(timing)
            found.extend(_holding(wait.reply, own, lexicon, negators))

        if pending:
            last = pending[-1]
            start, end = _unanswered_span(last)
            found.append(
                Evidence(
                    last.id,
                    start,
                    end,
                    "responsiveness.unanswered",
                    -1,
                    last.text[start:end],
                    "This message got no reply. Answer it, or send a quick holding reply "
                    "that says when you will.",
                )
            )
            if replied or _minutes(pending[0], timeline[-1], hours) > target:
                dropped = settings.tiers["unanswered"]
                weighted.append((dropped, 1 if waits else settings.first_response_weight))

        if not weighted:
            return SkillFinding.not_applicable(tuple(found))
        total = sum(score * weight for score, weight in weighted)
        return SkillFinding(round(total / sum(w for _, w in weighted)), tuple(found))
