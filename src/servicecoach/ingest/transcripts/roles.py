"""Who is the agent on a call: the user's mapping, the source, what was said, or who spoke first.

Every transcript importer hands its turns to :func:`decide_roles` (through
:func:`~servicecoach.ingest.transcripts.turns.build_call`), which settles each speaker's
role in this order:

1. ``--speaker LABEL=ROLE`` (``ImportOptions.speaker_roles``) wins for the labels it
   names, matched exactly, then ignoring case and HTML entities (``Far&#237;as`` is
   ``Farías``).
2. Roles the source states (Amazon Transcribe Call Analytics ``ParticipantRole``), and
   speakers named by their role (``Agent:``, ``Customer:``, ``Caller``; :data:`ROLE_NAMES`).
3. If a mapped speaker is the agent, every other speaker is a customer.
4. What was said in the first :data:`WINDOW` turns: the agent greets on behalf of the
   company ("thank you for calling Northwind, this is Sam", "how can I help?"), asks
   for the customer's details, apologises for the wait; the customer states the
   problem ("I have a problem with my order", "I'm calling about", "I've been on hold
   for an hour", "I'd like to cancel"). Each signal a speaker says counts once, with
   its weight (:data:`AGENT_SIGNALS`, :data:`CUSTOMER_SIGNALS`). The speaker whose
   agent signals most exceed their customer signals is the agent when they lead every
   other speaker by at least :data:`MARGIN`; the others are customers. A call with one
   speaker is decided by the sign of that speaker's score.
5. Otherwise the first speaker to talk gets ``--first-speaker`` (the agent by default)
   and every other speaker the other role.

The signals are English, with the commonest Spanish, French and German greetings and
problem statements. :class:`RoleDecision` says how the roles were decided, in words
("speaker spk_1 taken as the agent: greets on behalf of the company ("thank you for
calling")"), kept in each call's ``meta.roles_note`` with ``meta.roles_from``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from servicecoach.errors import ConfigError, Problem
from servicecoach.ingest.base import ImportOptions
from servicecoach.model.conversation import Role

__all__ = [
    "AGENT_SIGNALS",
    "CUSTOMER_SIGNALS",
    "MARGIN",
    "ROLE_NAMES",
    "WINDOW",
    "RoleDecision",
    "Signal",
    "decide_roles",
    "mapped_role",
    "speaker_option_warnings",
    "unmatched_speaker_labels",
]

WINDOW = 10
"""How many turns from the start of the call are read for role signals."""
MARGIN = 2
"""How far the agent's score must lead every other speaker's for the content to decide."""


ROLE_NAMES: Mapping[str, Role] = {
    **dict.fromkeys(
        ("agent", "representative", "rep", "support", "operator", "advisor", "adviser"),
        Role.AGENT,
    ),
    **dict.fromkeys(("customer", "caller", "client", "guest", "user"), Role.CUSTOMER),
    **dict.fromkeys(("bot", "ivr", "virtual agent", "assistant"), Role.BOT),
    "system": Role.SYSTEM,
}
"""Speaker labels that name a role (compared ignoring case): a caption ``Agent:`` line."""


@dataclass(frozen=True, slots=True)
class Signal:
    """A phrase that tells a side.

    Attributes:
        pattern: matched case-insensitively against one turn.
        weight: how much it counts (3: only that side says it; 1: mostly that side).
        why: what the speaker does, for the note ("greets on behalf of the company").
    """

    pattern: re.Pattern[str]
    weight: int
    why: str


def _signal(pattern: str, weight: int, why: str) -> Signal:
    return Signal(re.compile(pattern, re.IGNORECASE), weight, why)


_GREETS = "greets on behalf of the company"
_OFFERS = "offers help"
_ASKS = "asks for the customer's details"
_APOLOGISES = "apologises for the company"
_STATES = "states the problem"
_WANTS = "says what they want"

AGENT_SIGNALS: tuple[Signal, ...] = (
    _signal(
        r"\bthanks?(?: you)?(?: so much| very much)? for (?:calling|contacting|choosing)"
        r"(?! me\b| back\b)",
        3,
        _GREETS,
    ),
    _signal(r"\bthanks?(?: you)? for (?:holding|your patience|waiting)\b", 2, _GREETS),
    _signal(r"\b(?:welcome to|you(?:'ve| have) reached)\b", 3, _GREETS),
    _signal(r"^\W*(?:[\w&'-]+,? ){1,4}\w+ speaking\b", 3, _GREETS),
    _signal(r"\bhow (?:can|may|might|could) (?:I|we) (?:help|assist)\b", 3, _OFFERS),
    _signal(r"\bwhat can I do for you\b", 3, _OFFERS),
    _signal(r"\bis there anything else (?:I|we) can\b", 2, _OFFERS),
    _signal(
        r"\b(?:can|could|may) I (?:have|get|take|confirm) your (?:full )?"
        r"(?:name|account|order|email|e-mail|phone|number|postcode|zip|address|date)",
        2,
        _ASKS,
    ),
    _signal(r"\b(?:could|can) you (?:please )?(?:confirm|verify|spell) your\b", 2, _ASKS),
    _signal(r"\blet me (?:check|look|pull up|see what)\b", 1, "looks into the case"),
    _signal(
        r"\b(?:sorry|apologi[sz]e) (?:about|for) (?:that|the (?:wait|delay|inconvenience|"
        r"trouble|hold))\b|\bsorry to hear\b",
        1,
        _APOLOGISES,
    ),
    _signal(r"\bgracias por (?:llamar|comunicarse|contactar)\b", 3, _GREETS),
    _signal(r"\ben qu[eé] (?:le|te|les) (?:puedo|podemos) ayudar\b", 3, _OFFERS),
    _signal(r"\bmerci (?:d'avoir|pour votre) appel", 3, _GREETS),
    _signal(r"\bcomment (?:puis-je|pouvons-nous) vous aider\b", 3, _OFFERS),
    _signal(r"\b(?:vielen )?dank f[üu]r ihren anruf\b", 3, _GREETS),
    _signal(r"\bwie kann ich (?:ihnen|dir) helfen\b", 3, _OFFERS),
)
"""What agents say and customers do not."""

CUSTOMER_SIGNALS: tuple[Signal, ...] = (
    _signal(r"\bI(?:'m| am) calling (?:about|because|to|regarding|for|since)\b", 3, _STATES),
    _signal(
        r"\bI(?: have|'ve got| had)? (?:got )?(?:a|an|some) (?:problem|issue|question|complaint)",
        3,
        _STATES,
    ),
    _signal(r"\bI(?:'m| am) having (?:a |an |some )?(?:problem|issue|trouble)", 3, _STATES),
    _signal(r"\b(?:there(?:'s| is) a problem|something(?:'s| is) wrong) with my\b", 3, _STATES),
    _signal(r"\bI(?:'ve| have) been (?:on hold|waiting|trying|charged)\b", 3, _STATES),
    _signal(r"\bI was (?:charged|billed|told|promised|sent|double)", 2, _STATES),
    _signal(r"\b(?:I|we) (?:bought|ordered|purchased|paid for|booked|received)\b", 2, _STATES),
    _signal(
        r"\b(?:doesn't|does not|won't|will not|isn't|is not|didn't|did not) "
        r"(?:work|turn on|charge|load|arrive|start|fit)",
        2,
        _STATES,
    ),
    _signal(
        r"\b(?:is|was|are|were|arrived|came|got) (?:broken|damaged|missing|late|wrong|faulty)\b"
        r"|\b(?:snapped|cracked|stopped working)\b",
        2,
        _STATES,
    ),
    _signal(r"\bI can(?:'t|not) (?:log|sign|get|access|find|connect|pay)\b", 2, _STATES),
    _signal(
        r"\bI(?:'d| would) like to (?:cancel|return|change|order|know|book|report|complain|"
        r"get|ask|check|speak|talk|close|open|update)\b",
        2,
        _WANTS,
    ),
    _signal(r"\bI (?:want|need) to (?:cancel|return|change|complain|report|know|speak)", 2, _WANTS),
    _signal(
        r"\bmy (?:order|package|parcel|delivery|account|bill|invoice|card|payment|refund|"
        r"subscription|booking|reservation|flight|device|router|internet)\b",
        1,
        _STATES,
    ),
    _signal(r"\btengo (?:un|una) (?:problema|duda|queja)\b", 3, _STATES),
    _signal(r"\bj'ai (?:un|une) (?:probl[èe]me|question|souci)\b", 3, _STATES),
    _signal(r"\bich habe (?:ein|eine) (?:problem|frage)\b", 3, _STATES),
)
"""What customers say and agents do not."""


@dataclass(frozen=True, slots=True)
class RoleDecision:
    """Each speaker's role and how it was decided.

    Attributes:
        roles: speaker label to role, in order of first appearance.
        how: ``speaker_option`` (all mapped by ``--speaker``), ``source`` (the file
            says), ``content`` (what was said), ``first_speaker`` (who spoke first),
            ``undiarised`` (nobody knows who spoke) or ``none`` (no speakers).
        note: how, in words, for the import report and ``meta.roles_note``.
    """

    roles: dict[str, Role]
    how: str
    note: str


@dataclass(slots=True)
class _Side:
    """What one speaker said for one side: the signals' weights and the heaviest signal."""

    points: int = 0
    why: tuple[int, str, str] | None = None  # (weight, why, words said)

    def add(self, signal: Signal, said: str) -> None:
        self.points += signal.weight
        if self.why is None or signal.weight > self.why[0]:
            self.why = (signal.weight, signal.why, said)


@dataclass(slots=True)
class _Score:
    agent: _Side = field(default_factory=_Side)
    customer: _Side = field(default_factory=_Side)

    @property
    def net(self) -> int:
        return self.agent.points - self.customer.points


def _fold(label: str) -> str:
    return html.unescape(label).casefold().strip()


def mapped_role(label: str, speaker_roles: Mapping[str, Role]) -> Role | None:
    """The role ``--speaker`` gives ``label``: exact match, then ignoring case and entities.

    Raises:
        ConfigError: the mapping names something that is not a role.
    """
    if label in speaker_roles:
        return _role(speaker_roles[label], f"speaker_roles[{label!r}]")
    folded = _fold(label)
    for key, role in speaker_roles.items():
        if _fold(key) == folded:
            return _role(role, f"speaker_roles[{key!r}]")
    return None


def _role(value: str, option: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = " | ".join(role.value for role in Role)
        raise ConfigError(f"{option}: {value!r} is not a role; use one of {allowed}") from None


def unmatched_speaker_labels(speaker_roles: Iterable[str], found: Iterable[str]) -> list[str]:
    """The ``--speaker`` labels that name none of the speakers ``found`` in an import.

    Matching is the one :func:`mapped_role` uses (exact, then ignoring case and HTML
    entities), so a label listed here changed no role: usually a typo, or a name
    written differently in the file.
    """
    seen = {_fold(label) for label in found}
    return [label for label in speaker_roles if _fold(label) not in seen]


_LISTED = 10
"""How many of the speakers found a warning names."""


def speaker_option_warnings(speaker_roles: Iterable[str], found: Iterable[str]) -> list[Problem]:
    """A warning per ``--speaker`` label that matched none of the speakers ``found``.

    Meant for the end of an import: ``found`` is every label of ``meta["speakers"]`` of
    the calls read. Each warning names the label and the speakers that were found (the
    first :data:`_LISTED`, in the order met), so a typo or a name spelt differently in
    the file is seen instead of silently changing nothing.
    """
    seen = list(dict.fromkeys(found))
    warnings = []
    for label in unmatched_speaker_labels(speaker_roles, seen):
        if seen:
            shown = ", ".join(repr(s) for s in seen[:_LISTED])
            more = f" and {len(seen) - _LISTED} more" if len(seen) > _LISTED else ""
            found_text = f"the speakers found are {shown}{more}"
        else:
            found_text = "no call in this import names its speakers"
        warnings.append(
            Problem(
                Path("--speaker"),
                repr(label),
                f"matched no speaker, so it changed no role: {found_text}",
                "write the label as the transcript does (case and HTML entities do not "
                "matter), e.g. --speaker spk_1=agent",
            )
        )
    return warnings


def _score(turns: Sequence[tuple[str, str]]) -> dict[str, _Score]:
    scores: dict[str, _Score] = {}
    said: dict[str, set[int]] = {}
    for speaker, text in turns[:WINDOW]:
        score = scores.setdefault(speaker, _Score())
        done = said.setdefault(speaker, set())
        for side, signals in ((score.agent, AGENT_SIGNALS), (score.customer, CUSTOMER_SIGNALS)):
            for signal in signals:
                key = id(signal)
                if key in done:
                    continue
                match = signal.pattern.search(text)
                if match is None:
                    continue
                done.add(key)
                side.add(signal, match.group(0).strip())
    return scores


def _because(evidence: tuple[int, str, str]) -> str:
    return f'{evidence[1]} ("{evidence[2]}")'


def _from_content(
    turns: Sequence[tuple[str, str]], candidates: Sequence[str]
) -> tuple[dict[str, Role], str] | None:
    """The candidates' roles from what they said, with the reason, or ``None``."""
    scores = _score(turns)
    ranked = sorted(candidates, key=lambda label: -scores.get(label, _Score()).net)
    top = scores.get(ranked[0], _Score())
    if len(ranked) == 1:
        if top.net >= MARGIN and top.agent.why is not None:
            return {ranked[0]: Role.AGENT}, (
                f"speaker {ranked[0]} taken as the agent: {_because(top.agent.why)}"
            )
        if top.net <= -MARGIN and top.customer.why is not None:
            return {ranked[0]: Role.CUSTOMER}, (
                f"speaker {ranked[0]} taken as the customer: {_because(top.customer.why)}"
            )
        return None
    runner = scores.get(ranked[1], _Score())
    if top.net - runner.net < MARGIN:
        return None
    roles = {label: Role.AGENT if label == ranked[0] else Role.CUSTOMER for label in candidates}
    reasons = []
    if top.agent.why is not None:
        reasons.append(_because(top.agent.why))
    stater = next(
        (label for label in ranked[1:] if scores.get(label, _Score()).customer.why is not None),
        None,
    )
    if stater is not None:
        evidence = scores[stater].customer.why
        assert evidence is not None
        reasons.append(f"speaker {stater} {_because(evidence)}")
    return roles, f"speaker {ranked[0]} taken as the agent: {'; '.join(reasons)}"


def decide_roles(
    turns: Sequence[tuple[str, str]],
    options: ImportOptions,
    source_roles: Mapping[str, Role] | None = None,
) -> RoleDecision:
    """Each speaker's role (see the module docstring for the order of rules).

    Args:
        turns: ``(speaker label, text)`` per turn, in the order spoken.
        options: ``speaker_roles`` and ``first_speaker``.
        source_roles: roles the source states, by label.

    Raises:
        ConfigError: an option names something that is not a role.
    """
    order = list(dict.fromkeys(speaker for speaker, _ in turns))
    first_role = _role(options.first_speaker, "first_speaker")
    if not order:
        return RoleDecision({}, "none", "no speakers")
    fixed: dict[str, Role] = {}
    by_option: list[str] = []
    for label in order:
        role = mapped_role(label, options.speaker_roles)
        if role is not None:
            fixed[label] = role
            by_option.append(label)
        elif source_roles and label in source_roles:
            fixed[label] = source_roles[label]
        elif _fold(label) in ROLE_NAMES:
            fixed[label] = ROLE_NAMES[_fold(label)]
    free = [label for label in order if label not in fixed]
    if not free:
        how = "speaker_option" if len(by_option) == len(order) else "source"
        note = (
            "every speaker mapped by --speaker"
            if how == "speaker_option"
            else "roles as the file states them"
            + (f" (--speaker for {', '.join(by_option)})" if by_option else "")
        )
        return RoleDecision(_ordered(order, fixed), how, note)
    agents = [label for label, role in fixed.items() if role is Role.AGENT]
    if agents:
        fixed.update((label, Role.CUSTOMER) for label in free)
        return RoleDecision(
            _ordered(order, fixed),
            "speaker_option" if agents[0] in by_option else "source",
            f"{_listed(free)} taken as the customer: {agents[0]} is the agent",
        )
    decided = _from_content(turns, free)
    if decided is not None:
        roles, note = decided
        fixed.update(roles)
        return RoleDecision(_ordered(order, fixed), "content", note)
    first = order[0]
    start = fixed.get(first, first_role)
    other = Role.AGENT if start is Role.CUSTOMER else Role.CUSTOMER
    for label in free:
        fixed[label] = start if label == first else other
    note = (
        f"speaker {first} taken as the {start.value}: it speaks first (--first-speaker "
        f"{first_role.value}); nothing said tells agent and customer apart"
        if first in free
        else f"{_listed(free)} taken as the {other.value}: {first} speaks first as the "
        f"{start.value}"
    )
    return RoleDecision(_ordered(order, fixed), "first_speaker", note)


def _ordered(order: Sequence[str], roles: Mapping[str, Role]) -> dict[str, Role]:
    return {label: roles[label] for label in order}


def _listed(labels: Sequence[str]) -> str:
    return ("speaker " if len(labels) == 1 else "speakers ") + ", ".join(labels)
