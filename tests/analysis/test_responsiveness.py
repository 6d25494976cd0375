"""The responsiveness analyser and business-hours arithmetic, table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.responsiveness import (
    ResponsivenessAnalyzer,
    business_minutes,
)
from servicecoach.analysis.analyzers.responsiveness_settings import (
    DEFAULT_TARGETS_MINUTES,
    BusinessHours,
    ResponsivenessSettings,
)
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.testing import check_finding, make_conversation

ANALYZER = ResponsivenessAnalyzer()
LONDON = ZoneInfo("Europe/London")
OFFICE: dict[str, Any] = {
    "timezone": "Europe/London",
    "days": [0, 1, 2, 3, 4],
    "start": "09:00",
    "end": "17:00",
}
HOURS = BusinessHours.model_validate(OFFICE)

Turn = tuple[str, str, float] | tuple[str, str, float, str]


def _conversation(
    turns: list[Turn], channel: Channel = Channel.CHAT, start: datetime | None = None
) -> Conversation:
    """``(role, text, minutes)`` turns; a fourth item ``"internal"`` makes an internal note."""
    conversation = make_conversation(
        [(role, text, minutes) for role, text, minutes, *_ in turns],
        channel=channel,
        start=start,
    )
    messages = tuple(
        replace(message, internal=True) if turn[3:] == ("internal",) else message
        for message, turn in zip(conversation.messages, turns, strict=True)
    )
    return replace(conversation, messages=messages)


def _signals(conversation: Conversation, config: dict[str, Any] | None = None) -> Any:
    finding = ANALYZER.analyze(conversation, Context(config=config or {}))
    return finding.score, [(e.signal, e.polarity, e.quote) for e in finding.evidence]


FIRST_OK = "responsiveness.first_response", 1
FIRST_LATE = "responsiveness.first_response", -1


@pytest.mark.parametrize(
    ("channel", "turns", "score", "signals"),
    [
        pytest.param(
            Channel.CHAT,
            [("customer", "Where is my order?", 0), ("agent", "It ships today. Sorry!", 1)],
            100,
            [(*FIRST_OK, "It ships today.")],
            id="chat-within-target",
        ),
        pytest.param(
            Channel.CHAT,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 3)],
            70,
            [(*FIRST_LATE, "It ships today.")],
            id="chat-up-to-twice",
        ),
        pytest.param(
            Channel.CHAT,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 8)],
            40,
            [(*FIRST_LATE, "It ships today.")],
            id="chat-exactly-four-times",
        ),
        pytest.param(
            Channel.CHAT,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 30)],
            10,
            [(*FIRST_LATE, "It ships today.")],
            id="chat-beyond-four-times",
        ),
        pytest.param(
            Channel.EMAIL,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 600)],
            100,
            [(*FIRST_OK, "It ships today.")],
            id="email-ten-hours-is-fine",
        ),
        pytest.param(
            Channel.SOCIAL,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 90)],
            70,
            [(*FIRST_LATE, "It ships today.")],
            id="social-ninety-minutes",
        ),
        pytest.param(
            Channel.SMS,
            [("customer", "Where is my order?", 0), ("agent", "It ships today.", 25)],
            100,
            [(*FIRST_OK, "It ships today.")],
            id="sms-within-half-hour",
        ),
        pytest.param(
            Channel.PHONE,
            [("customer", "Hello, anyone there?", 0), ("agent", "Hi, I'm here.", 1.5)],
            70,
            [(*FIRST_LATE, "Hi, I'm here.")],
            id="phone-ninety-seconds",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "Checking.", 1),
                ("customer", "And the refund?", 2),
                ("agent", "Refund sent.", 10),
            ],
            80,  # (100 * 2 + 40) / 3
            [(*FIRST_OK, "Checking."), ("responsiveness.slow", -1, "Refund sent.")],
            id="later-wait-slow",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("customer", "Hello??", 1),
                ("agent", "It ships today.", 3),
            ],
            70,
            [(*FIRST_LATE, "It ships today.")],
            id="wait-starts-at-first-unanswered-message",
        ),
        pytest.param(
            Channel.SOCIAL,
            [
                ("customer", "My parcel is lost!", 0),
                ("agent", "Thanks, we've got your message and are looking into it.", 5),
                ("agent", "Found it: it arrives tomorrow.", 200),
            ],
            100,
            [
                (*FIRST_OK, "Thanks, we've got your message and are looking into it."),
                ("responsiveness.holding", 1, "got your message"),
            ],
            id="holding-reply-counts",
        ),
        pytest.param(
            Channel.EMAIL,
            [
                ("customer", "Can I change my address?", 0),
                ("agent", "Give me a moment - I'll get back to you within the hour.", 30),
            ],
            100,
            [
                (*FIRST_OK, "Give me a moment - I'll get back to you within the hour."),
                ("responsiveness.holding", 1, "Give me a moment"),
            ],
            id="holding-phrases",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Is it fixed?", 0),
                ("agent", "We're not looking into it any more. It is fixed.", 1),
            ],
            100,
            [(*FIRST_OK, "We're not looking into it any more.")],
            id="negated-holding-is-not-holding",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", 'Your bot said "we are looking into it" a week ago!', 0),
                ("agent", 'Sorry: "we are looking into it" was wrong. Refund sent.', 1),
            ],
            100,
            [(*FIRST_OK, 'Sorry: "we are looking into it" was wrong.')],
            id="customer-quoted-holding-is-not-holding",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Checking now: still broken.", 0),
                ("agent", "> Checking now: still broken.\nA new one ships today.", 1),
            ],
            100,
            [(*FIRST_OK, "A new one ships today.")],
            id="quoted-line-skipped-for-opening-and-holding",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "note: ask the warehouse", 1, "internal"),
                ("agent", "It ships today.", 5),
            ],
            40,
            [(*FIRST_LATE, "It ships today.")],
            id="internal-note-is-not-a-reply",
        ),
        pytest.param(
            Channel.CHAT,
            [("customer", "Where is my order?", 0), ("bot", "I'm the shop bot: it ships.", 0.5)],
            100,
            [(*FIRST_OK, "I'm the shop bot: it ships.")],
            id="bot-reply-ends-the-wait",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("system", "Chat transferred to Sam", 1),
                ("agent", "It ships today.", 5),
            ],
            40,
            [(*FIRST_LATE, "It ships today.")],
            id="system-message-is-not-a-reply",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("agent", "Your order has shipped.", 0),
                ("customer", "When will it arrive?", 60),
                ("agent", "Tomorrow.", 61),
            ],
            100,
            [(*FIRST_OK, "Tomorrow.")],
            id="agent-opens-the-conversation",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "It ships today.", 1),
                ("customer", "Thanks, that's great!", 2),
            ],
            100,
            [(*FIRST_OK, "It ships today.")],
            id="closing-thanks-needs-no-reply",
        ),
        pytest.param(
            Channel.EMAIL,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "It ships today.", 60),
                ("customer", "Thank you!", 70),
                ("customer", "One more thing: can I add a second item?", 3000),
                ("agent", "Yes, added.", 3010),
            ],
            100,
            [(*FIRST_OK, "It ships today.")],
            id="thanks-does-not-start-a-wait",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "It ships today.", 1),
                ("customer", "Thanks but it still says pending.", 2),
            ],
            67,  # (100 * 2 + 0) / 3
            [
                (*FIRST_OK, "It ships today."),
                ("responsiveness.unanswered", -1, "Thanks but it still says pending."),
            ],
            id="thanks-but-still-open-is-unanswered",
        ),
        pytest.param(
            Channel.CHAT,
            [
                ("customer", "Where is my order?", 0),
                ("agent", "It ships today.", 1),
                ("customer", "Which courier? I need to be home.", 2),
                ("customer", "Thanks anyway, bye.", 3),
            ],
            67,
            [
                (*FIRST_OK, "It ships today."),
                ("responsiveness.unanswered", -1, "Which courier?"),
            ],
            id="dropped-after-replies-scores-zero",
        ),
        pytest.param(
            Channel.EMAIL,
            [("customer", "My refund has not arrived. Can you check?", 0)],
            None,
            [("responsiveness.unanswered", -1, "Can you check?")],
            id="lone-message-not-yet-due",
        ),
        pytest.param(
            Channel.EMAIL,
            [
                ("customer", "My refund has not arrived.", 0),
                ("customer", "Hello?? Anyone?", 2000),
            ],
            0,
            [("responsiveness.unanswered", -1, "Anyone?")],
            id="customer-chased-past-target",
        ),
        pytest.param(
            Channel.EMAIL,
            [
                ("customer", "My refund has not arrived.", 0),
                ("customer", "It was order 5521.", 20),
            ],
            None,
            [("responsiveness.unanswered", -1, "It was order 5521.")],
            id="customer-follow-up-within-target",
        ),
        pytest.param(
            Channel.CHAT,
            [("agent", "Your order has shipped.", 0), ("agent", "Tracking: 1Z999.", 1)],
            None,
            [],
            id="no-customer-message",
        ),
        pytest.param(
            Channel.CHAT,
            [("agent", "Your order has shipped.", 0), ("customer", "Great, thanks!", 1)],
            None,
            [],
            id="only-closing-customer-message",
        ),
    ],
)
def test_responsiveness_table(
    channel: Channel,
    turns: list[Turn],
    score: int | None,
    signals: list[tuple[str, int, str]],
) -> None:
    assert _signals(_conversation(turns, channel)) == (score, signals)


@pytest.mark.parametrize(
    ("last", "needs_reply"),
    [
        ("Thanks, that's great!", False),
        ("Ok thanks.", False),
        ("Just did", False),
        ("Sent you a DM 👍", False),
        ("No worries, bye!", False),
        ("Brilliant, thank you so much for your help!", False),
        ("Thanks but it still says pending.", True),
        ("Okay, where's my refund then", True),
        ("Thanks. Can you also change the address?", True),
        ("I sent it twice now to apparently noone!", True),
        ("Ok. It is still not here.", True),
        ("Thanks, I can't log in though", True),
        ("My parcel never came", True),
        ("Thanks for the quick reply, I will now try restarting the router and the phone", True),
    ],
)
def test_responsiveness_final_message_needs_reply(last: str, needs_reply: bool) -> None:
    turns: list[Turn] = [
        ("customer", "Where is my order?", 0),
        ("agent", "It ships today.", 1),
        ("customer", last, 2),
    ]
    score, signals = _signals(_conversation(turns))
    assert score == (67 if needs_reply else 100)
    assert (signals[-1][0] == "responsiveness.unanswered") is needs_reply


def test_responsiveness_first_response_counts_double() -> None:
    turns: list[Turn] = [
        ("customer", "Where is my order?", 0),
        ("agent", "It ships today.", 30),
        ("customer", "Which courier?", 31),
        ("agent", "UPS.", 32),
    ]
    assert _signals(_conversation(turns))[0] == 40  # (10 * 2 + 100) / 3


def test_responsiveness_messages_are_taken_in_time_order() -> None:
    turns: list[Turn] = [("agent", "It ships today.", 1), ("customer", "Where is my order?", 0)]
    assert _signals(_conversation(turns)) == (100, [(*FIRST_OK, "It ships today.")])


def test_responsiveness_late_first_reply_suggests_the_target() -> None:
    conversation = _conversation(
        [("customer", "Where is my order?", 0), ("agent", "It ships today.", 190)],
        Channel.SOCIAL,
    )
    (first,) = ANALYZER.analyze(conversation, Context()).evidence
    assert first.suggestion == (
        "The first reply came after 3 h 10 min. Reply within 1 hour on social — "
        "a quick holding reply counts."
    )


def test_responsiveness_slow_suggestion_names_the_wait() -> None:
    conversation = _conversation(
        [
            ("customer", "Where is my order?", 0),
            ("agent", "Checking.", 1),
            ("customer", "And the refund?", 2),
            ("agent", "Refund sent.", 47),
        ]
    )
    slow = ANALYZER.analyze(conversation, Context()).evidence[1]
    assert slow.signal == "responsiveness.slow"
    assert slow.suggestion is not None and "waited 45 min" in slow.suggestion
    assert "target 2 minutes on chat" in slow.suggestion


def test_responsiveness_spans_index_the_message_text() -> None:
    conversation = _conversation(
        [
            ("customer", "Help!\n\nMy tent is torn.", 0),
            ("agent", "  Hi Dana.\nBear with me while I check.", 1),
            ("customer", "Any news? Hello?", 30),
        ]
    )
    texts = {m.id: m.text for m in conversation.messages}
    evidence = ANALYZER.analyze(conversation, Context()).evidence
    assert [(e.signal, e.quote) for e in evidence] == [
        ("responsiveness.first_response", "Hi Dana."),
        ("responsiveness.holding", "Bear with me"),
        ("responsiveness.unanswered", "Hello?"),
    ]
    for e in evidence:
        assert texts[e.message][e.start : e.end] == e.quote


# Business hours ------------------------------------------------------------------------


def _london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


ALL_DAY_EVERY_DAY = BusinessHours.model_validate(
    {"timezone": "Europe/London", "days": list(range(7)), "start": "00:00", "end": "24:00"}
)


@pytest.mark.parametrize(
    ("start", "end", "hours", "minutes"),
    [
        pytest.param(
            _london(2024, 7, 5, 16, 30), _london(2024, 7, 8, 9, 30), HOURS, 60, id="weekend"
        ),
        pytest.param(
            # The same instants given in UTC (London is on BST, UTC+1, in July).
            datetime(2024, 7, 5, 15, 30, tzinfo=UTC),
            datetime(2024, 7, 8, 8, 30, tzinfo=UTC),
            HOURS,
            60,
            id="weekend-given-in-utc",
        ),
        pytest.param(
            _london(2024, 7, 2, 16, 0), _london(2024, 7, 3, 10, 0), HOURS, 120, id="overnight"
        ),
        pytest.param(
            _london(2024, 7, 2, 10, 0), _london(2024, 7, 2, 11, 15), HOURS, 75, id="same-day"
        ),
        pytest.param(
            _london(2024, 7, 6, 10, 0), _london(2024, 7, 7, 18, 0), HOURS, 0, id="all-weekend"
        ),
        pytest.param(
            _london(2024, 7, 2, 18, 0), _london(2024, 7, 3, 8, 0), HOURS, 0, id="all-night"
        ),
        pytest.param(
            _london(2024, 7, 6, 12, 0), _london(2024, 7, 8, 9, 15), HOURS, 15, id="from-saturday"
        ),
        pytest.param(
            _london(2024, 7, 1, 9, 0), _london(2024, 7, 8, 9, 0), HOURS, 5 * 480, id="a-week"
        ),
        pytest.param(
            _london(2024, 7, 3, 12, 0), _london(2024, 7, 3, 11, 0), HOURS, 0, id="end-before"
        ),
        pytest.param(
            # The clocks go forward on Sunday 31 March 2024: the offset changes, the
            # business minutes do not.
            _london(2024, 3, 29, 16, 0),
            _london(2024, 4, 1, 10, 0),
            HOURS,
            120,
            id="dst-spring-weekend",
        ),
        pytest.param(
            _london(2024, 10, 25, 16, 0),
            _london(2024, 10, 28, 10, 0),
            HOURS,
            120,
            id="dst-autumn-weekend",
        ),
        pytest.param(
            _london(2024, 3, 31, 0, 0),
            _london(2024, 4, 1, 0, 0),
            ALL_DAY_EVERY_DAY,
            23 * 60,
            id="dst-spring-day-is-23-hours",
        ),
        pytest.param(
            _london(2024, 10, 27, 0, 0),
            _london(2024, 10, 28, 0, 0),
            ALL_DAY_EVERY_DAY,
            25 * 60,
            id="dst-autumn-day-is-25-hours",
        ),
        pytest.param(
            _london(2024, 3, 31, 0, 30),
            _london(2024, 3, 31, 3, 30),
            None,
            120,
            id="dst-24-7-counts-real-time",
        ),
    ],
)
def test_business_minutes(
    start: datetime, end: datetime, hours: BusinessHours | None, minutes: float
) -> None:
    assert business_minutes(start, end, hours) == pytest.approx(minutes)


def test_business_minutes_needs_aware_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        business_minutes(datetime(2024, 1, 1), datetime(2024, 1, 2), None)


def test_responsiveness_business_hours_stop_the_clock() -> None:
    friday = datetime(2024, 7, 5, 16, 30, tzinfo=LONDON)
    turns: list[Turn] = [
        ("customer", "My parcel is lost!", 0),
        ("agent", "Found it: it arrives tomorrow.", 60 * 24 * 3 - 60 * 7),  # Monday 09:30
    ]
    conversation = _conversation(turns, Channel.SOCIAL, start=friday)
    assert _signals(conversation)[0] == 10
    assert _signals(conversation, {"business_hours": OFFICE}) == (
        100,
        [(*FIRST_OK, "Found it: it arrives tomorrow.")],
    )


def test_responsiveness_business_hours_in_suggestion() -> None:
    friday = datetime(2024, 7, 5, 16, 0, tzinfo=LONDON)
    conversation = _conversation(
        [("customer", "Where is it?", 0), ("agent", "Tomorrow.", 60 * 66 + 90)],  # Mon 11:30
        Channel.SOCIAL,
        start=friday,
    )
    (first,) = ANALYZER.analyze(conversation, Context(config={"business_hours": OFFICE})).evidence
    assert first.suggestion is not None
    assert "after 3 h 30 min of business time" in first.suggestion


# Configuration ---------------------------------------------------------------------------


def test_responsiveness_target_override() -> None:
    turns: list[Turn] = [("customer", "Where is my order?", 0), ("agent", "Ships today.", 300)]
    conversation = _conversation(turns, Channel.EMAIL)
    assert _signals(conversation)[0] == 100
    assert _signals(conversation, {"targets_minutes": {"email": 240}})[0] == 70


def test_responsiveness_config_defaults() -> None:
    config = ResponsivenessSettings()
    assert config.targets() == dict(DEFAULT_TARGETS_MINUTES)
    assert config.business_hours is None
    assert config.target(Channel.SOCIAL) == 60
    assert config.target("unheard-of") == DEFAULT_TARGETS_MINUTES["other"]
    assert ResponsivenessSettings.model_validate({"business_hours": None}).business_hours is None
    hours = BusinessHours.model_validate({"timezone": "Europe/London"})
    assert hours == HOURS
    assert (hours.zone, hours.weekdays) == (LONDON, frozenset(range(5)))
    assert (hours.start_minute, hours.end_minute) == (9 * 60, 17 * 60)


# (configuration, what the error says after "analyser responsiveness: ": the key, then the fix)
CONFIG_ERRORS: list[tuple[dict[str, Any], str]] = [
    (
        {"target_minutes": {"email": 240}},
        "target_minutes: unknown key (known: targets_minutes, business_hours, tiers",
    ),
    ({"targets_minutes": 240}, "targets_minutes: must be a table of channel to minutes"),
    ({"targets_minutes": {"fax": 60}}, "targets_minutes: unknown channel 'fax' (one of social"),
    ({"targets_minutes": {"email": 0}}, "targets_minutes.email: must be a positive number"),
    ({"targets_minutes": {"email": -5}}, "targets_minutes.email: must be a positive number"),
    ({"targets_minutes": {"email": "4h"}}, "(got '4h')"),
    ({"targets_minutes": {"email": True}}, "(got True)"),
    ({"targets_minutes": {"email": float("nan")}}, "targets_minutes.email: must be a positive"),
    ({"business_hours": "9-5"}, "business_hours: must be a table such as"),
    ({"business_hours": {"days": [0]}}, "business_hours: timezone is required: an IANA"),
    ({"business_hours": {"timezone": ""}}, "business_hours: timezone is required"),
    (
        {"business_hours": {"timezone": "Europe/Londn"}},
        "business_hours.timezone: 'Europe/Londn' is not a known time zone",
    ),
    ({"business_hours": {"timezone": "../etc/passwd"}}, "is not a known time zone"),
    ({"business_hours": {**OFFICE, "days": []}}, "business_hours.days: must be a non-empty list"),
    ({"business_hours": {**OFFICE, "days": [7]}}, "Monday is 0"),
    ({"business_hours": {**OFFICE, "days": "weekdays"}}, "(got 'weekdays')"),
    ({"business_hours": {**OFFICE, "days": [True]}}, "weekday numbers 0-6"),
    ({"business_hours": {**OFFICE, "start": "9am"}}, "business_hours.start: must be a 24-hour"),
    ({"business_hours": {**OFFICE, "end": "24:30"}}, "business_hours.end: must be a 24-hour"),
    ({"business_hours": {**OFFICE, "start": "9:00"}}, "got '9:00'"),
    ({"business_hours": {**OFFICE, "start": 900}}, "got 900"),
    (
        {"business_hours": {**OFFICE, "start": "17:00", "end": "09:00"}},
        "business_hours: end ('09:00') must be later than start ('17:00')",
    ),
    (
        {"business_hours": {**OFFICE, "open": "09:00"}},
        "business_hours: unknown key 'open' (known: days, end, start, timezone)",
    ),
]


@pytest.mark.parametrize(("config", "message"), CONFIG_ERRORS)
def test_responsiveness_config_errors_name_the_key(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        ANALYZER.check_config(config)
    said = str(raised.value)
    assert said.startswith("analyser responsiveness: "), said
    assert message in said, said
    assert "Value error" not in said and "validation error" not in said
    conversation = _conversation([("customer", "Hi?", 0), ("agent", "Hello.", 1)])
    with pytest.raises(ValueError):  # the pipeline checks first; a direct call still refuses
        ANALYZER.analyze(conversation, Context(config=config))


def test_responsiveness_in_the_pipeline() -> None:
    pipeline = Pipeline([ANALYZER], {"responsiveness": {"targets_minutes": {"chat": 5}}})
    timed = _conversation([("customer", "Where is it?", 0), ("agent", "Here.", 4)])
    untimed = replace(
        timed, messages=(*timed.messages, Message(id="m3", role=Role.CUSTOMER, text="Thanks?"))
    )
    assert pipeline.analyze(timed).skills["responsiveness"].score == 100
    assert not pipeline.analyze(untimed).skills["responsiveness"].applicable
    assert ANALYZER.id == "responsiveness.v1" and not ANALYZER.live


# Properties ------------------------------------------------------------------------------

_INSTANTS = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def _hours(draw: st.DrawFn) -> BusinessHours:
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start + 1, 1440))
    return BusinessHours(
        timezone=draw(
            st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe"])
        ),
        days=sorted(draw(st.sets(st.integers(0, 6), min_size=1))),
        start=_hhmm(start),
        end=_hhmm(end),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_INSTANTS, min_size=3, max_size=3).map(sorted), _hours())
def test_business_minutes_adds_up(instants: list[datetime], hours: BusinessHours) -> None:
    a, b, c = instants
    whole = business_minutes(a, c, hours)
    assert whole == pytest.approx(business_minutes(a, b, hours) + business_minutes(b, c, hours))
    assert 0 <= whole <= (c - a).total_seconds() / 60 + 1e-6
    assert business_minutes(a, c, None) == pytest.approx((c - a).total_seconds() / 60)
    assert business_minutes(c, a, hours) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["customer", "agent", "bot", "system"]),
            st.text(
                alphabet=st.sampled_from(list("aAbB zZ!?.,'\"“”>\n-")) | st.characters(),
                max_size=120,
            )
            | st.sampled_from(["Thanks!", "Give me a moment.", "> one sec\nok", "Where?"]),
            st.floats(min_value=0, max_value=60 * 24 * 10, allow_nan=False),
            st.booleans(),
        ),
        max_size=8,
    ),
    st.sampled_from(list(Channel)),
    st.booleans(),
)
def test_responsiveness_never_raises_and_spans_index_the_text(
    turns: list[tuple[str, str, float, bool]], channel: Channel, office: bool
) -> None:
    conversation = _conversation(
        [
            (role, text, minutes, "internal" if internal else "")
            for role, text, minutes, internal in turns
        ],
        channel,
    )
    config = {"business_hours": OFFICE} if office else {}
    finding = check_finding(conversation, ANALYZER.analyze(conversation, Context(config=config)))
    for e in finding.evidence:
        assert e.signal.startswith("responsiveness.")
        assert e.polarity == -1 or e.suggestion is None
