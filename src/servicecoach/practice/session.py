"""Playing a scenario: the customer's messages by branch, live feedback on every reply.

After each reply the session does two things with the existing machinery, nothing
implemented twice:

- **feedback**: the live-assist checker (:class:`~servicecoach.assist.DraftChecker`)
  checks the reply as a draft against the conversation so far: what worked (praise)
  and what to try (suggestions with rewrites), as ``servicecoach check`` would;
- **branch**: the analysis pipeline scores the conversation with the reply (and the
  persona's history), and the signals that fired in the reply choose the next step.

The debrief at the end is :func:`~servicecoach.practice.debrief.debrief` over the
whole conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from servicecoach.errors import InputError
from servicecoach.model.conversation import Conversation, Role
from servicecoach.practice.scenario import Scenario, Step
from servicecoach.practice.transcript import Line, history_of, to_conversation

if TYPE_CHECKING:
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.assist import DraftCheck, DraftChecker
    from servicecoach.practice.debrief import Debrief
    from servicecoach.rubric import Rubric

__all__ = ["MAX_REPLY_CHARS", "Coach", "Exchange", "PracticeSession"]

MAX_REPLY_CHARS = 4000
"""Longest reply a session accepts (a long email reply is about 3,000 characters)."""


@dataclass(frozen=True, slots=True)
class Coach:
    """The checker (live feedback) and the pipeline (signals, debrief) a session uses.

    The web service passes its own, built once at start-up; :meth:`build` makes a pair
    for the command line.
    """

    checker: DraftChecker
    pipeline: Pipeline

    @classmethod
    def build(cls, rubric: Rubric | None = None, *, fast: bool = False) -> Coach:
        """A checker and a pipeline for ``rubric`` (``fast``: rules only, no learned models)."""
        from servicecoach.analysis.pipeline import Pipeline
        from servicecoach.assist import DraftChecker
        from servicecoach.rubric import Rubric

        team = rubric or Rubric()
        return cls(DraftChecker(team, fast=fast), Pipeline.from_rubric(team, fast=fast))


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answered customer message.

    Attributes:
        step: the step id.
        customer: the customer's message.
        reply: the trainee's reply.
        feedback: the live checker's result for the reply.
        signals: every signal that fired in the reply.
        then: the step it led to, or ``None`` when the session ended.
        because: why: the branch's condition, ``"next"`` or ``"end"``.
    """

    step: str
    customer: str
    reply: str
    feedback: DraftCheck
    signals: tuple[str, ...]
    then: str | None
    because: str


class PracticeSession:
    """One trainee playing one scenario, reply by reply.

    Args:
        scenario: what to play.
        coach: the checker and pipeline to use.
        agent: the trainee's name in the conversation.
    """

    def __init__(self, scenario: Scenario, coach: Coach, *, agent: str = "trainee") -> None:
        self.scenario = scenario
        self.coach = coach
        self.agent = agent
        self.exchanges: list[Exchange] = []
        self.lines: list[Line] = []
        self.current: str | None = scenario.start
        self._history = history_of(scenario)
        self._show(scenario.start)

    @property
    def step(self) -> Step | None:
        """The step waiting for a reply, or ``None`` when the session is over."""
        return None if self.current is None else self.scenario.steps[self.current]

    @property
    def finished(self) -> bool:
        """Whether the session is over (no reply expected)."""
        return self.current is None

    @property
    def public(self) -> bool:
        """Whether the conversation is still public (a private step has not been reached)."""
        steps = self.scenario.steps
        moved = any(steps[line.step].private for line in self.lines if line.role is Role.CUSTOMER)
        return self.scenario.channel.public and not moved

    def conversation(self) -> Conversation:
        """The conversation so far, as the analysers read it."""
        return to_conversation(self.scenario, self.lines, public=self.public, agent=self.agent)

    def reply(self, text: str) -> Exchange:
        """Answer the current customer message: feedback, signals, and the next step.

        Raises:
            InputError: the session is over, or the reply is empty or too long.
        """
        if self.current is None or self.step is None:
            raise InputError("the session is over: no customer message is waiting for a reply")
        text = text.strip()
        if not text:
            raise InputError("the reply is empty: write what you would send the customer")
        if len(text) > MAX_REPLY_CHARS:
            raise InputError(
                f"the reply has {len(text):,} characters; practice replies are at most "
                f"{MAX_REPLY_CHARS:,}"
            )
        step = self.step
        before = self.conversation()
        feedback = self.coach.checker.check(before, text)
        minutes = (
            step.reply_minutes
            if step.reply_minutes is not None
            else self.scenario.channel.reply_minutes
        )
        self.lines.append(Line(Role.AGENT, text, self.current, minutes))
        after = self.conversation()
        result = self.coach.pipeline.analyze(after, self._history)
        reply_id = after.messages[-1].id
        signals = tuple(result.signals_by_message().get(reply_id, ()))
        then, because = _choose(step, frozenset(signals))
        exchange = Exchange(self.current, step.customer, text, feedback, signals, then, because)
        self.exchanges.append(exchange)
        self.current = then
        if then is not None:
            self._show(then)
        return exchange

    def _show(self, step_id: str) -> None:
        """Add the customer's message of ``step_id``; a closing step ends the session."""
        step = self.scenario.steps[step_id]
        if not self.lines:
            minutes = 0.0
        elif step.after_minutes is not None:
            minutes = step.after_minutes
        else:
            minutes = self.scenario.channel.after_minutes
        self.lines.append(Line(Role.CUSTOMER, step.customer, step_id, minutes))
        if step.ends:
            self.current = None

    def debrief(self) -> Debrief:
        """Per-skill scores with evidence, and each reply beside the model answer."""
        from servicecoach.practice.debrief import debrief

        return debrief(self)


def _choose(step: Step, signals: frozenset[str]) -> tuple[str | None, str]:
    """The next step for a reply that fired ``signals``, and why."""
    for branch in step.branches:
        if branch.matches(signals):
            return branch.then, branch.describe()
    if step.next is not None:
        return step.next, "next"
    return None, "end"
