"""Seeding a scenario from a real conversation: a starter TOML file for a team to finish.

Writing a scenario from nothing is slow; a team's own conversations already hold the
hard customers. :func:`seed_scenario` turns one conversation into a scenario that loads
and plays at once, and that the author then improves:

- the customer's messages, redacted (docs/redaction.md, with ``names=True``: the
  customer's name becomes the stand-in :data:`STAND_IN_NAME`), become the opening and
  follow-up steps, one step per run of customer messages;
- the agent's replies become the model answers, each marked ``TODO`` with the negative
  signals the analysers found in it, because a real reply is rarely the model one;
- the skills are the conversation's weakest (lowest-scored applicable skills of its
  analysis), so the scenario trains what went wrong;
- the real clock is kept (``reply_minutes``, ``after_minutes``), so responsiveness is
  scored as it was; branches are left to the author as a ``TODO`` comment with an
  example: the real customer reacted only one way.

The text is checked with the scenario loader before it is returned: a seed always loads.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field

from servicecoach.analysis.result import ConversationResult
from servicecoach.analysis.skills import skill_names
from servicecoach.errors import InputError
from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.practice.loader import parse_scenario
from servicecoach.practice.scenario import MAX_TURNS, PracticeChannel
from servicecoach.privacy import RedactionCounts, Redactor

__all__ = ["MAX_SKILLS", "STAND_IN_NAME", "ScenarioSeed", "SeedTurn", "seed_scenario"]

MAX_SKILLS = 3
"""Most skills a seed trains (the weakest of the conversation)."""
STAND_IN_NAME = "Alex"
"""The persona's name, and what the customer's redacted name becomes in the text."""

_MAX_TEXT = 2000  # a step's text limit (scenario.Text)
_MAX_MINUTES = 60 * 24 * 14  # scenario.Minutes
_MOODS = {
    "anger": "angry",
    "frustration": "frustrated",
    "anxiety": "anxious",
    "sadness": "upset",
    "confusion": "confused",
    "disappointment": "disappointed",
    "neutral": "calm",
    "satisfaction": "satisfied",
    "gratitude": "grateful",
    "relief": "relieved",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SeedTurn:
    """One step of the seed: a run of customer messages and the agent's reply to them.

    Attributes:
        customer: the customer's messages, redacted, joined by blank lines.
        reply: the agent's replies to them, redacted, or ``None`` (the customer had the
            last word).
        after_minutes: minutes from the previous reply to the customer's first message.
        reply_minutes: minutes from the customer's last message to the reply.
        weak: negative signals the analysers found in the reply.
    """

    customer: str
    reply: str | None
    after_minutes: float | None = None
    reply_minutes: float | None = None
    weak: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScenarioSeed:
    """A seeded scenario: its TOML text and what the author should know about it.

    Attributes:
        text: the scenario file (TOML, with ``TODO`` comments); it loads as is.
        skills: the skills it trains, weakest first, with their scores.
        turns: the steps, in order.
        redacted: what redaction removed.
        left_out: customer turns beyond the :data:`MAX_TURNS` replies a scenario allows.
    """

    text: str
    skills: tuple[tuple[str, int | None], ...]
    turns: tuple[SeedTurn, ...]
    redacted: RedactionCounts = field(default_factory=RedactionCounts)
    left_out: int = 0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (the CLI's ``--json``)."""
        return {
            "skills": [{"skill": s, "score": score} for s, score in self.skills],
            "steps": len(self.turns),
            "replies": sum(1 for t in self.turns if t.reply is not None),
            "redacted": self.redacted.to_dict(),
            "left_out": self.left_out,
        }


def seed_scenario(
    conversation: Conversation,
    result: ConversationResult,
    *,
    scenario_id: str = "seeded",
    region: str = "US",
) -> ScenarioSeed:
    """A starter scenario from ``conversation`` and its analysis ``result``.

    Args:
        conversation: the real conversation, as read (it is redacted here).
        result: its analysis, for the weakest skills and each reply's negative signals.
        scenario_id: the id the scenario will have (its file's name), for the self-check.
        region: the ISO country code assumed for phone numbers without ``+``.

    Raises:
        InputError: no customer message in the conversation is answered by an agent.
    """
    # A fresh key: the seed keeps no identifier, so no hash needs to match anything.
    redactor = Redactor(secrets.token_bytes(32), region, names=True)
    redacted = redactor.conversation(conversation)
    turns, left_out = _turns(redacted, _weak_signals(result))
    if not any(turn.reply is not None for turn in turns):
        raise InputError(
            f"conversation {conversation.id!r} has no customer message answered by an agent: "
            "nothing to practise"
        )
    skills = _weakest(result)
    text = _render(conversation, redacted, result, turns, skills, redactor.counts, left_out)
    parse_scenario(text, f"seed of {conversation.id}", scenario_id)  # a bug if it fails
    return ScenarioSeed(text, skills, tuple(turns), redactor.counts, left_out)


def _weakest(result: ConversationResult) -> tuple[tuple[str, int | None], ...]:
    scored = [
        (f.score, skill_names().index(s), s)
        for s, f in result.skills.items()
        if f.score is not None
    ]
    if not scored:
        return (("problem_solving", None),)
    return tuple((s, score) for score, _, s in sorted(scored)[:MAX_SKILLS])


def _weak_signals(result: ConversationResult) -> dict[str, list[str]]:
    """Each message's negative signals (``empathy.missing`` ...), in the order found."""
    found: dict[str, list[str]] = {}
    for finding in result.skills.values():
        for evidence in finding.evidence:
            if evidence.polarity < 0:
                signals = found.setdefault(evidence.message, [])
                if evidence.signal not in signals:
                    signals.append(evidence.signal)
    return found


def _turns(conversation: Conversation, weak: dict[str, list[str]]) -> tuple[list[SeedTurn], int]:
    """Runs of customer messages with the agent replies after them (internal notes,
    system messages and replies before the customer's first message left out)."""
    runs: list[tuple[list[Message], list[Message]]] = []
    for message in conversation.chronological():
        if message.internal or not message.text.strip() or message.role is Role.SYSTEM:
            continue
        if message.role is Role.CUSTOMER:
            if not runs or runs[-1][1]:
                runs.append(([], []))
            runs[-1][0].append(message)
        elif runs:
            runs[-1][1].append(message)
    answered = [i for i, (_, replies) in enumerate(runs) if replies]
    keep = len(runs) if len(answered) <= MAX_TURNS else answered[MAX_TURNS - 1] + 1
    turns: list[SeedTurn] = []
    previous: Message | None = None
    for asks, replies in runs[:keep]:
        signals = [s for m in replies for s in weak.get(m.id, ())]
        turns.append(
            SeedTurn(
                customer=_text(asks),
                reply=_text(replies) if replies else None,
                after_minutes=_minutes(previous, asks[0]) if previous else None,
                reply_minutes=_minutes(asks[-1], replies[0]) if replies else None,
                weak=tuple(dict.fromkeys(signals)),
            )
        )
        previous = replies[-1] if replies else asks[-1]
    return turns, len(runs) - keep


def _text(messages: list[Message]) -> str:
    text = "\n\n".join(m.text.strip() for m in messages)
    text = text.replace("[name]", STAND_IN_NAME)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 6].rstrip() + " [...]"


def _minutes(before: Message, after: Message) -> float | None:
    if before.at is None or after.at is None or after.at < before.at:
        return None
    minutes = (after.at - before.at).total_seconds() / 60
    return round(min(minutes, _MAX_MINUTES), 1)


def _channel(conversation: Conversation) -> PracticeChannel:
    if conversation.channel is Channel.EMAIL:
        return PracticeChannel.EMAIL
    if conversation.channel is Channel.PHONE:
        return PracticeChannel.PHONE
    if conversation.channel is Channel.SOCIAL and conversation.public:
        return PracticeChannel.SOCIAL_PUBLIC
    return PracticeChannel.CHAT


def _title(redacted: Conversation, first: str) -> str:
    subject = redacted.meta.get("subject")
    words = str(subject).split() if isinstance(subject, str) and subject.strip() else []
    if not words:
        opening = first.replace("[...]", "").split()
        words = opening[:10] + (["..."] if len(opening) > 10 else [])
    return " ".join(words)[:200]


def _toml(text: str) -> str:
    """``text`` as a TOML string: multi-line when it has line breaks, escaped throughout."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text:
        return _CONTROL.sub(
            lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
        )
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    body = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", body)
    return f'"""\n{body}"""'


def _render(
    original: Conversation,
    redacted: Conversation,
    result: ConversationResult,
    turns: list[SeedTurn],
    skills: tuple[tuple[str, int | None], ...],
    counts: RedactionCounts,
    left_out: int,
) -> str:
    channel = _channel(original)
    removed = ", ".join(f"{kind} {n}" for kind, n in counts.to_dict().items() if n) or "nothing"
    scores = ", ".join(f"{s} {'n/a' if score is None else score}" for s, score in skills)
    mood = _MOODS.get(result.outcome.emotion_start or "", "calm")
    replies = sum(1 for t in turns if t.reply is not None)
    where = channel.value.replace("_", " ")
    summary = f"A real {where} conversation with {replies} replies to rehearse."
    lines = [
        f"# Seeded by `servicecoach practice seed` from conversation {original.id!r}"
        f" ({original.source or 'file'}, {original.channel.value}).",
        f"# Personal data redacted (docs/redaction.md): {removed}.",
        f"# The customer's name is now {STAND_IN_NAME!r}. Check the text for what redaction",
        "# cannot find: names in free text, order and account numbers, dates of birth.",
        "#",
        "# Before your team plays it (docs/practice.md, 'Seeding a scenario from a conversation'):",
        "#   1. TODO write the title, summary, briefing and persona (marked TODO below);",
        "#   2. TODO improve every model_answer: each is the agent's real reply;",
        "#   3. TODO add branches, so the customer reacts to what the trainee's reply does;",
        "#   4. play it: servicecoach practice THIS_FILE.toml",
    ]
    if left_out:
        lines.append(
            f"# {left_out} later customer turns were left out (a scenario asks for at most "
            f"{MAX_TURNS} replies)."
        )
    lines += [
        "format = 1",
        "# TODO a title naming the situation",
        f"title = {_toml(_title(redacted, turns[0].customer))}",
        "# TODO what the trainee must handle, in a sentence or two",
        f"summary = {_toml(summary)}",
        f"channel = {_toml(channel.value)}",
        f"# Guessed from the analysis: the conversation's weakest skills ({scores}).",
        f"skills = [{', '.join(_toml(s) for s, _ in skills)}]",
        "# TODO what the trainee knows before the customer writes: their role, the facts, the policy",
        'briefing = "You answer this customer for the support team."',
        "",
        "[persona]",
        f"name = {_toml(STAND_IN_NAME)}",
        "# the customer's first emotion, from the analysis",
        f"mood = {_toml(mood)}",
        "# TODO who the customer is and what happened before they wrote",
        f"about = {_toml(f'A customer who wrote by {original.channel.value}.')}",
    ]
    for index, turn in enumerate(turns):
        lines += _step(index, turn, last=index == len(turns) - 1)
    return "\n".join(lines) + "\n"


def _step_id(index: int) -> str:
    return "opening" if index == 0 else f"turn-{index + 1}"


def _step(index: int, turn: SeedTurn, *, last: bool) -> list[str]:
    key = _step_id(index)
    lines = ["", f"[steps.{key}]", f"customer = {_toml(turn.customer)}"]
    if turn.after_minutes is not None:
        lines.append(f"after_minutes = {turn.after_minutes}")
    if turn.reply is None:
        lines.append("ends = true  # the customer had the last word")
        return lines
    why = f" (the analysers found: {', '.join(turn.weak)})" if turn.weak else ""
    lines.append(f"# TODO improve: this is the agent's real reply{why}")
    lines.append(f"model_answer = {_toml(turn.reply)}")
    if turn.reply_minutes is not None:
        lines.append(f"reply_minutes = {turn.reply_minutes}")
    if last:
        return lines
    lines.append(f'next = "{_step_id(index + 1)}"')
    if index == 0:
        lines += [
            "# TODO branches: how the customer reacts to what the reply does, tried in order, e.g.",
            f"# [[steps.{key}.branches]]",
            '# missing = ["apology.apology", "empathy.validation"]',
            '# then = "angrier"  # a step you write, e.g. [steps.angrier] customer = "..."',
        ]
    else:
        lines.append("# TODO branches (see steps.opening)")
    return lines
