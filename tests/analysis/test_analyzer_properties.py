"""Properties every registered analyser keeps, on generated conversations.

Example tables pin what an analyser finds; these tests pin what it may never do, so they
survive tuning: whatever a rule or threshold becomes, an analyser never raises, scores
within 0-100 or not at all, cites spans that quote its message exactly, gives the same
findings for the same conversation (whatever its ids are spelled), cites messages of the
side its signal is documented to be about, and ignores history unless it reads it.

They are parametrised over :func:`servicecoach.analysis.registry.analyzers`, so a new
analyser, a plugin's included, is checked without a line added here. The budgets are
fixed and the runs derandomized: CI draws the same conversations every time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.learned import LearnedView
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.registry import analyzers
from servicecoach.analysis.signals import experimental_signals, signal_meaning
from servicecoach.analysis.skills import SKILLS
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.rubric import load_rubric
from servicecoach.testing import check_finding

ANALYZERS: Mapping[str, Analyzer] = analyzers()
RUBRIC = load_rubric(None)
CONFIG = RUBRIC.analyzer_config()
UNSCORED = frozenset(experimental_signals())

READS_HISTORY = frozenset({"continuity", "extra_mile"})
"""Analysers that read ``Context.history`` without declaring ``history`` in ``requires``.

``requires`` cannot say "uses it when there": a declared requirement makes the skill
not applicable without it (docs/analysis.md), while these two apply without history
and let it change the score. Keep this set to the analysers that do.
"""


def _settings(max_examples: int) -> settings:
    """A fixed budget, the same inputs on every run, and a generous per-example deadline.

    The deadline is there to catch a pathological input (a regex that backtracks on a
    very long word), not to time the rules: a shared CI machine is slow.
    """
    return settings(
        max_examples=max_examples,
        deadline=timedelta(seconds=10),
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# --- conversations -------------------------------------------------------------------

_PHRASES = (
    # Customers: problems, repeats, thanks, questions, order numbers, emotions.
    "my order #5521 arrived broken",
    "order number 88-4410",
    "it never arrived",
    "I was charged twice",
    "this is the third time I'm writing",
    "as I said before",
    "I already told you my email is dana@example.com",
    "call me on +1 415 555 0100",
    "why is this taking so long?",
    "can you help me?",
    "where is my parcel?",
    "I'm really frustrated",
    "THIS IS UNACCEPTABLE",
    "thanks, that fixed it!",
    "it still doesn't work",
    "I give up",
    "I spoke to Sam on the phone yesterday",
    "ok",
    "never mind",
    # Agents: apologies, empathy, listening, solutions, closings, patience, persuasion.
    "I'm so sorry about this",
    "we apologize for any inconvenience",
    "I'm not sorry",
    "that sounds really frustrating",
    "I understand how annoying that must be",
    "oh no",
    "I see",
    "got it",
    "thanks for explaining",
    "just to confirm, the parcel never arrived?",
    "could you send me your order number?",
    "what's your email address?",
    "I've issued a full refund",
    "I've also added a voucher as a courtesy",
    "your reference is RMA-2231",
    "escalated to L2 per the SLA",
    "please restart the router, then try again",
    "1. open settings\n2. tap reset",
    "let me know if that worked",
    "I'll follow up tomorrow",
    "I'll transfer you to another department",
    "is there anything else I can help with?",
    "have a great day!",
    "happy to help",
    "I'm closing this ticket now",
    "we can't do that",
    "unfortunately that's not possible",
    "calm down",
    "you should have read the manual",
    "not my fault",
    "good luck with that",
    "that's a stupid question",
    "STOP EMAILING US!!",
    "it was our fault",
    "we accept full responsibility",
    "please DM us",
    "send us a DM with your order number",
    "give us a call",
    "email us at help@acme.example",
    "I can see your call with Sam on Monday",
    "I'd recommend the annual plan because it saves you time",
    "act now, this is our final offer",
    "you have to decide today",
    "one moment while I check",
    "hi Dana",
    "thanks for your patience",
)
_ODDITIES = (
    "😀",
    "👍🏽",
    "👩‍👩‍👧",
    "שלום, ההזמנה שלי",
    "مرحبا",
    "\u202eevil\u202c",
    "e\u0301",
    "a\u0308\u0301\u0323",
    "“quoted”",
    "it’s",
    "don’t",
    "‘single’",
    "\ud83d",
    "\udca9x",
    "\u200b",
    "\u00a0",
    "ﬁx",
    "Ⅻ",
    "ǅ",
    "ß",
    "İ",
    "> On Mon, 1 May 2024, Dana wrote:",
    "> my order is late",
    ">> older quote",
    "@acme_help",
    "@dana",
    "^KS",
    "https://example.com/orders/5521?dm=1&ref=admin",
    "www.acme.example/help",
    "#5521",
    "A-1234-B",
    "???",
    "!!",
    "...",
    "--",
    "\t",
    "\r\n",
)
_SEPARATORS = (" ", " ", ". ", "? ", "! ", ", ", "\n", "\n\n", " - ", "; ")

_long_word = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(("a", "sorry", "ab1", "é", "😀", "x-")),
    st.integers(min_value=50, max_value=600),
)
_piece = st.one_of(
    st.sampled_from(_PHRASES),
    st.sampled_from(_PHRASES).map(str.upper),
    st.sampled_from(_PHRASES).map(str.capitalize),
    st.sampled_from(_ODDITIES),
    st.text(max_size=12),
    _long_word,
)


@st.composite
def _texts(draw: st.DrawFn, pieces: int = 7) -> str:
    """A message text: mostly support phrases, with oddities, empty or blank at times."""
    kind = draw(st.sampled_from(("words", "words", "words", "words", "empty", "blank")))
    if kind == "empty":
        return ""
    if kind == "blank":
        return draw(st.sampled_from((" ", "\n", "  \n\t", "\u00a0", "\u200b")))
    words = draw(st.lists(_piece, min_size=1, max_size=pieces))
    separators = draw(st.lists(st.sampled_from(_SEPARATORS), min_size=len(words)))
    return "".join(p + s for p, s in zip(words, separators, strict=False)).strip(" ")


_START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


@st.composite
def conversations(
    draw: st.DrawFn,
    id: str = "c1",
    start: datetime = _START,
    messages: int = 7,
    pieces: int = 7,
) -> Conversation:
    """A conversation: any roles and channel, public or not, times on all, some or none.

    Times never go backwards (several messages may share one); a phone call's turns may
    carry seconds from its start as well. ``messages`` and ``pieces`` bound its size:
    turns, and phrases or oddities per turn.
    """
    size = draw(st.integers(min_value=0, max_value=messages))
    timing = draw(st.sampled_from(("all", "all", "none", "some")))
    channel = draw(st.sampled_from(list(Channel)))
    voice = channel is Channel.PHONE and draw(st.booleans())
    at = start
    seconds = 0.0
    turns: list[Message] = []
    for index in range(size):
        role = draw(st.sampled_from((Role.CUSTOMER, Role.AGENT, Role.CUSTOMER, Role.AGENT, *Role)))
        at += timedelta(minutes=draw(st.integers(min_value=0, max_value=24 * 60)))
        timed = timing == "all" or (timing == "some" and draw(st.booleans()))
        turn_start = seconds + draw(st.floats(min_value=-2.0, max_value=30.0))
        turn_start = max(turn_start, 0.0)
        seconds = turn_start + draw(st.floats(min_value=0.0, max_value=60.0))
        turns.append(
            Message(
                id=f"m{index + 1}",
                role=role,
                text=draw(_texts(pieces)),
                author=draw(st.sampled_from((None, "sam", "Dana Reyes", "bot-1"))),
                at=at if timed else None,
                start_s=turn_start if voice else None,
                end_s=seconds if voice else None,
                internal=role is not Role.CUSTOMER and draw(st.integers(0, 5)) == 0,
            )
        )
    customer = draw(
        st.sampled_from(
            (
                Customer(),
                Customer(id="cust-1", name="Dana Reyes", email="dana@example.com"),
                Customer(name="José Ñúñez", handles={"twitter": "jose_n"}),
            )
        )
    )
    return Conversation(
        id=id,
        channel=channel,
        messages=tuple(turns),
        customer=customer,
        public=draw(st.booleans()),
    )


# --- running an analyser as the pipeline does ----------------------------------------


def _applies(analyzer: Analyzer, conversation: Conversation) -> bool:
    """Whether the pipeline would run ``analyzer`` (its requirements are met)."""
    for requirement in analyzer.requires:
        if requirement is Requirement.TIMESTAMPS and (
            not conversation.messages or any(m.at is None for m in conversation.messages)
        ):
            return False
        if requirement is Requirement.PUBLIC and not conversation.public:
            return False
    return True


def _run(
    analyzer: Analyzer,
    conversation: Conversation,
    *,
    history: tuple[Conversation, ...] | None = None,
    learned: LearnedView | None = None,
) -> SkillFinding:
    """The analyser's finding with the default rubric's configuration, checked."""
    if not _applies(analyzer, conversation):
        return SkillFinding.not_applicable()
    context = Context(
        config=CONFIG.get(analyzer.name, {}),
        history=history,
        learned=learned,
        unscored=UNSCORED,
    )
    return check_finding(conversation, analyzer.analyze(conversation, context))


def _side(signal: str) -> Callable[[Message], bool] | None:
    """Which messages ``signal`` may cite, read from its documented meaning, when it says.

    "On the customer's message ..." and "On a customer question ..." name the customer's
    side; "A reply ...", "on the reply that ..." and "on the first reply's ..." name a
    reply (an agent's or bot's message the customer saw). Other meanings do not say.
    """
    meaning = (signal_meaning(signal) or "").lower()
    if re.match(r"on (?:the|a) customer", meaning):
        return lambda message: message.role is Role.CUSTOMER
    if meaning.startswith("a reply ") or re.search(r"\bon the (?:first )?reply\b", meaning):
        return lambda message: message.is_reply
    return None


def _check_sides(conversation: Conversation, finding: SkillFinding) -> None:
    messages = {m.id: m for m in conversation.messages}
    for evidence in finding.evidence:
        side = _side(evidence.signal)
        message = messages[evidence.message]
        assert side is None or side(message), (evidence, message.role, message.internal)


def _renamed(conversation: Conversation, names: Mapping[str, str], id: str) -> Conversation:
    messages = tuple(replace(m, id=names[m.id]) for m in conversation.messages)
    return replace(conversation, id=id, messages=messages)


def _named_back(finding: SkillFinding, names: Mapping[str, str]) -> SkillFinding:
    """``finding`` of a renamed conversation, with its messages' original ids put back.

    A suggestion may point at a message by id ("They already gave it: ... (message m1)"),
    so the new names are put back there too; they are delimited on both sides, so no
    name is found inside another or inside ordinary text.
    """
    back = {new: old for old, new in names.items()}

    def suggestion(text: str | None) -> str | None:
        if text is None:
            return None
        for new, old in back.items():
            text = text.replace(new, old)
        return text

    evidence = tuple(
        replace(e, message=back[e.message], suggestion=suggestion(e.suggestion))
        for e in finding.evidence
    )
    return replace(finding, evidence=evidence)


_PARAMS = [pytest.param(analyzer, id=name) for name, analyzer in ANALYZERS.items()]
_message_names = st.sampled_from(("<{}>", "msg-{}-x", "ÜBER/{}/", "«a b {}»", "🙂{}🙂"))


# --- properties on the rules alone ---------------------------------------------------


@pytest.mark.parametrize("analyzer", _PARAMS)
@_settings(60)
@given(conversation=conversations())
def test_analyzer_properties_hold_on_rules_alone(
    analyzer: Analyzer, conversation: Conversation
) -> None:
    """Never raises; score None or 0-100; spans quote their message; same input, same output."""
    finding = _run(analyzer, conversation)
    _check_sides(conversation, finding)
    assert _run(analyzer, conversation) == finding


@pytest.mark.parametrize("analyzer", _PARAMS)
@_settings(40)
@given(conversation=conversations(), pattern=_message_names, new_id=st.text(max_size=20))
def test_analyzer_properties_ignore_how_ids_are_spelled(
    analyzer: Analyzer, conversation: Conversation, pattern: str, new_id: str
) -> None:
    """Message ids and the conversation id are names, never evidence."""
    size = len(conversation.messages)
    names = {m.id: pattern.format(size - i) for i, m in enumerate(conversation.messages)}
    renamed = _renamed(conversation, names, new_id)
    assert _named_back(_run(analyzer, renamed), names) == _run(analyzer, conversation)


@pytest.mark.parametrize(
    "analyzer",
    [
        p
        for p in _PARAMS
        if p.id not in READS_HISTORY and Requirement.HISTORY not in ANALYZERS[str(p.id)].requires
    ],
)
@_settings(40)
@given(
    conversation=conversations(),
    earlier=conversations(id="earlier", start=datetime(2023, 1, 2, tzinfo=UTC)),
    known=st.booleans(),
)
def test_analyzer_properties_ignore_history_unless_they_read_it(
    analyzer: Analyzer, conversation: Conversation, earlier: Conversation, known: bool
) -> None:
    """An earlier conversation in the history changes nothing for an analyser not reading it."""
    before = _run(analyzer, conversation, history=() if known else None)
    assert _run(analyzer, conversation, history=(earlier,)) == before


def test_analyzer_properties_history_readers_are_registered() -> None:
    """The exemption list names real analysers (a renamed one must leave it)."""
    assert set(READS_HISTORY) <= set(ANALYZERS)


@pytest.mark.parametrize(
    ("signal", "customer_side"),
    [
        ("listening.repeat", True),
        ("problem_solving.unresolved", True),
        ("listening.unanswered", True),
        ("clarity.too_long", False),
        ("responsiveness.slow", False),
        ("apology.missing", False),
        ("apology.apology", None),
    ],
)
def test_analyzer_properties_read_the_side_from_the_meaning(
    signal: str, customer_side: bool | None
) -> None:
    """The side check reads the meanings as intended (and fails if their wording drifts)."""
    side = _side(signal)
    if customer_side is None:
        assert side is None
        return
    assert side is not None
    customer = Message(id="m1", role=Role.CUSTOMER, text="hi")
    agent = Message(id="m2", role=Role.AGENT, text="hi")
    assert (side(customer), side(agent)) == (customer_side, not customer_side)


# --- the pipeline's result ----------------------------------------------------------

_RESULT_KEYS = {"format", "conversation", "analyzers", "skills", "messages", "outcome"}
_OPTIONAL_KEYS = {"failures", "config", "language", "not_scored", "criteria"}
_EVIDENCE_KEYS = {"message", "start", "end", "signal", "polarity", "quote", "suggestion"}
_OUTCOME_KEYS = {"emotion_start", "emotion_end", "resolved", "satisfaction", "quality"}
_FAST = Pipeline.from_rubric(RUBRIC, fast=True)


def _check_result_shape(conversation: Conversation, result: dict[str, Any]) -> None:
    assert _RESULT_KEYS <= set(result) <= _RESULT_KEYS | _OPTIONAL_KEYS
    assert "failures" not in result, result["failures"]
    assert result["format"] == 1
    assert result["conversation"] == conversation.id
    assert set(result["skills"]) == set(SKILLS)
    ids = {m.id for m in conversation.messages}
    for skill in result["skills"].values():
        assert set(skill) == {"score", "applicable", "evidence"}
        assert skill["applicable"] is (skill["score"] is not None)
        for evidence in skill["evidence"]:
            assert _EVIDENCE_KEYS <= set(evidence) <= _EVIDENCE_KEYS | {"experimental"}
            assert evidence["message"] in ids
    assert [(m["id"], m["role"]) for m in result["messages"]] == [
        (m.id, m.role.value) for m in conversation.messages
    ]
    for message in result["messages"]:
        assert {"id", "role", "signals"} <= set(message) <= {"id", "role", "signals", "emotion"}
    assert set(result["outcome"]) == _OUTCOME_KEYS
    line = json.dumps(result, ensure_ascii=False, allow_nan=False)
    line.encode("utf-8")  # storable: no lone surrogate survived
    assert json.loads(line) == result


@_settings(60)
@given(conversation=conversations())
def test_analyzer_properties_pipeline_result_has_the_format_shape(
    conversation: Conversation,
) -> None:
    """The fast pipeline's result is a JSON line of FORMAT.md's result shape."""
    _check_result_shape(conversation, _FAST.analyze(conversation).to_dict())


# --- with the learned models ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("analyzer", _PARAMS)
@_settings(12)
@given(
    conversation=conversations(),
    earlier=conversations(id="earlier", start=datetime(2023, 1, 2, tzinfo=UTC)),
)
def test_analyzer_properties_hold_with_learned_view(
    analyzer: Analyzer, conversation: Conversation, earlier: Conversation
) -> None:
    """The same properties with the default judge's view of the conversation."""
    from servicecoach.analysis.learned import default_judge

    judge = default_judge()
    learned = judge.view(conversation)
    finding = _run(analyzer, conversation, learned=learned)
    _check_sides(conversation, finding)
    assert _run(analyzer, conversation, learned=judge.view(conversation)) == finding
    size = len(conversation.messages)
    names = {m.id: f"<{size - i}>" for i, m in enumerate(conversation.messages)}
    renamed = _renamed(conversation, names, "renamed")
    assert _named_back(_run(analyzer, renamed, learned=judge.view(renamed)), names) == finding
    if analyzer.name not in READS_HISTORY and Requirement.HISTORY not in analyzer.requires:
        assert _run(analyzer, conversation, history=(earlier,), learned=learned) == finding


@pytest.mark.slow
@_settings(12)
@given(conversation=conversations())
def test_analyzer_properties_pipeline_result_has_the_format_shape_with_learned_models(
    conversation: Conversation,
) -> None:
    """The full pipeline's result (learned models loaded) is a JSON line of the same shape."""
    _check_result_shape(conversation, _full_pipeline().analyze(conversation).to_dict())


@lru_cache(maxsize=1)
def _full_pipeline() -> Pipeline:
    """The pipeline with the learned models, built once (loading them takes seconds)."""
    return Pipeline.from_rubric(RUBRIC)
