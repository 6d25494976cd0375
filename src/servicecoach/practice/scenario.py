"""A practice scenario: a customer to rehearse, as data (TOML), validated before it is played.

A scenario is a small graph of **steps**. Each step is a customer message the trainee
answers; the reply's signals (the documented ``<family>.<name>`` ids the analysers emit,
FORMAT.md) choose the next step through the step's **branches**, tried in order, else
its ``next``; a step without either ends the session after the reply, and a step with
``ends = true`` ends it on the customer's message (no reply expected). The graph must be
acyclic and every step reachable, so every session ends within :data:`MAX_TURNS` replies.

The schema is strict (``extra="forbid"``: a misspelt key is an error, not a silent
default); cross-references (step ids, signal ids) are checked after it, so every problem
names the file and the key (``steps.opening.branches.0.then``). docs/practice.md shows a
worked example.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicecoach.analysis.skills import SKILLS, skill_names
from servicecoach.model.conversation import Channel

__all__ = [
    "MAX_STEPS",
    "MAX_TURNS",
    "Branch",
    "PastContact",
    "Persona",
    "PracticeChannel",
    "Scenario",
    "Step",
    "cross_check",
    "successors",
]

MAX_STEPS = 40
"""Most steps one scenario may have."""
MAX_TURNS = 12
"""Most replies any path through a scenario may ask for (the graph is acyclic)."""

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StepId = Annotated[str, StringConstraints(pattern=_ID.pattern)]
Minutes = Annotated[float, Field(ge=0, le=60 * 24 * 14)]


class PracticeChannel(StrEnum):
    """Where the practice conversation happens (a phone script is typed as spoken)."""

    CHAT = "chat"
    EMAIL = "email"
    SOCIAL_PUBLIC = "social_public"
    PHONE = "phone"

    @property
    def channel(self) -> Channel:
        """The conversation channel the analysers see."""
        return {
            "chat": Channel.CHAT,
            "email": Channel.EMAIL,
            "social_public": Channel.SOCIAL,
            "phone": Channel.PHONE,
        }[self.value]

    @property
    def public(self) -> bool:
        """Whether the conversation starts in public."""
        return self is PracticeChannel.SOCIAL_PUBLIC

    @property
    def reply_minutes(self) -> float:
        """Default minutes between a customer message and the reply (within the channel's target)."""
        return {"chat": 1.0, "email": 90.0, "social_public": 15.0, "phone": 0.05}[self.value]

    @property
    def after_minutes(self) -> float:
        """Default minutes between a reply and the customer's next message."""
        return {"chat": 1.0, "email": 60.0, "social_public": 5.0, "phone": 0.1}[self.value]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class PastContact(_Model):
    """An earlier conversation with the customer (what a returning customer's history shows)."""

    channel: Literal["chat", "email", "social", "phone", "sms", "web"]
    days_ago: Annotated[int, Field(ge=1, le=3650)]
    customer: Text
    agent: Text


class Persona(_Model):
    """Who the customer is: shown to the trainee before the session starts."""

    name: Line
    mood: Line
    about: Text
    history: Annotated[list[PastContact], Field(max_length=10)] = []


class Branch(_Model):
    """Where the conversation goes when the reply fired (or lacked) some signals.

    Every condition given must hold: each of ``fired`` fired in the reply, at least one
    of ``fired_any`` did, none of ``missing`` did.
    """

    then: StepId
    fired: Annotated[list[str], Field(max_length=12)] = []
    fired_any: Annotated[list[str], Field(max_length=12)] = []
    missing: Annotated[list[str], Field(max_length=12)] = []

    def matches(self, signals: frozenset[str]) -> bool:
        """Whether a reply that fired ``signals`` takes this branch."""
        return (
            all(s in signals for s in self.fired)
            and (not self.fired_any or any(s in signals for s in self.fired_any))
            and not any(s in signals for s in self.missing)
        )

    def describe(self) -> str:
        """The condition in words, e.g. ``"fired private.invite; lacked apology.apology"``."""
        parts = []
        if self.fired:
            parts.append("fired " + " and ".join(self.fired))
        if self.fired_any:
            parts.append("fired " + " or ".join(self.fired_any))
        if self.missing:
            parts.append("lacked " + " and ".join(self.missing))
        return "; ".join(parts)


class Step(_Model):
    """One customer message, and where the conversation goes after the trainee's reply.

    Attributes:
        customer: what the customer writes (or says, on the phone).
        note: a stage direction shown before it ("The customer now writes by DM.").
        private: from this message on the conversation is private (a public complaint
            moved to DM, email or phone).
        after_minutes: minutes since the trainee's previous reply (default: the channel's).
        reply_minutes: minutes the reply is taken to come after this message, on the
            scenario's clock (responsiveness is scored on it; default: the channel's).
        branches: tried in order; the first that matches the reply's signals wins.
        next: the step when no branch matches; none: the session ends after the reply.
        ends: the session ends on this message; no reply is expected.
        model_answer: a good reply to this message, shown in the debrief.
    """

    customer: Text
    note: Line | None = None
    private: bool = False
    after_minutes: Minutes | None = None
    reply_minutes: Minutes | None = None
    branches: Annotated[list[Branch], Field(max_length=8)] = []
    next: StepId | None = None
    ends: bool = False
    model_answer: Text | None = None


class Scenario(_Model):
    """A customer to rehearse: who they are, where, the skills it trains, and the steps.

    Attributes:
        id: the file's name without ``.toml`` (set by the loader).
        format: the scenario file format (1).
        title: one line naming the situation.
        summary: what the trainee must handle, in a sentence or two.
        channel: ``chat``, ``email``, ``social_public`` or ``phone``.
        skills: the skills it trains (SKILLS.md names), most important first.
        briefing: what the trainee knows before the customer writes (their role, policy).
        persona: the customer.
        start: the first step.
        steps: the steps by id.
    """

    id: StepId = "scenario"
    format: Literal[1]
    title: Line
    summary: Text
    channel: Annotated[PracticeChannel, Field(strict=False)]  # a TOML string
    skills: Annotated[list[str], Field(min_length=1, max_length=len(SKILLS))]
    briefing: Text
    persona: Persona
    start: StepId = "opening"
    steps: Annotated[dict[str, Step], Field(min_length=1, max_length=MAX_STEPS)]

    def paths(self) -> list[list[str]]:
        """Every path of step ids from the start to an end (the graph is acyclic)."""
        out: list[list[str]] = []
        stack: list[list[str]] = [[self.start]]
        while stack:
            path = stack.pop()
            targets = successors(self.steps[path[-1]])
            if not targets:
                out.append(path)
            for target in reversed(targets):
                stack.append([*path, target])
        return out


def successors(step: Step) -> list[str]:
    """The steps a reply to ``step`` can lead to, in branch order, without repeats."""
    targets = [b.then for b in step.branches] + ([step.next] if step.next else [])
    return list(dict.fromkeys(targets))


def cross_check(scenario: Scenario, known_signals: frozenset[str]) -> list[tuple[str, str]]:
    """What the schema cannot check: references, signals, reachability, cycles, length.

    Returns:
        ``(key, problem)`` pairs, empty when the scenario is sound.
    """
    problems: list[tuple[str, str]] = []
    steps = scenario.steps
    names = ", ".join(steps)
    for key in steps:
        if not _ID.match(key):
            problems.append(
                (f"steps.{key}", "step ids are lower-case letters, digits, '-' and '_'")
            )
    if scenario.start not in steps:
        problems.append(("start", f"no step {scenario.start!r} (steps: {names})"))
    for index, skill in enumerate(scenario.skills):
        known = skill_names()
        if skill not in known:
            close = get_close_matches(skill, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (one of {', '.join(known)})"
            problems.append((f"skills.{index}", f"unknown skill {skill!r}{hint}"))
    if len(set(scenario.skills)) != len(scenario.skills):
        problems.append(("skills", "a skill is listed twice"))
    for key, step in steps.items():
        problems.extend(_check_step(key, step, steps, known_signals))
    if problems:
        return problems
    problems.extend(_check_graph(scenario))
    return problems


def _check_step(
    key: str, step: Step, steps: dict[str, Step], known: frozenset[str]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    where = f"steps.{key}"
    names = ", ".join(steps)
    if step.ends:
        if step.branches or step.next:
            problems.append((where, "a step with ends = true takes no branches or next"))
    elif step.model_answer is None:
        problems.append(
            (f"{where}.model_answer", "missing: every step the trainee answers needs one")
        )
    if step.next is not None and step.next not in steps:
        problems.append((f"{where}.next", f"no step {step.next!r} (steps: {names})"))
    for index, branch in enumerate(step.branches):
        at = f"{where}.branches.{index}"
        if branch.then not in steps:
            problems.append((f"{at}.then", f"no step {branch.then!r} (steps: {names})"))
        if not (branch.fired or branch.fired_any or branch.missing):
            problems.append((at, "a branch needs a condition: fired, fired_any or missing"))
        for field in ("fired", "fired_any", "missing"):
            for position, signal in enumerate(getattr(branch, field)):
                if signal not in known:
                    close = get_close_matches(signal, sorted(known), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append(
                        (f"{at}.{field}.{position}", f"unknown signal {signal!r}{hint}")
                    )
    return problems


def _check_graph(scenario: Scenario) -> list[tuple[str, str]]:
    """Cycles, unreachable steps and over-long paths (references are known to be sound)."""
    problems: list[tuple[str, str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    longest: dict[str, int] = {}

    def visit(key: str, trail: list[str]) -> bool:
        state[key] = 1
        best = 0
        for target in successors(scenario.steps[key]):
            if state.get(target) == 1:
                cycle = " -> ".join([*trail[trail.index(target) :], key, target])
                problems.append((f"steps.{key}", f"the steps loop ({cycle}); a scenario must end"))
                return False
            if state.get(target) != 2 and not visit(target, [*trail, key]):
                return False
            best = max(best, longest[target])
        longest[key] = best + (0 if scenario.steps[key].ends else 1)
        state[key] = 2
        return True

    if not visit(scenario.start, []):
        return problems
    unreachable = [key for key in scenario.steps if key not in state]
    if unreachable:
        problems.append(("steps", f"unreachable from {scenario.start!r}: {', '.join(unreachable)}"))
    if longest[scenario.start] > MAX_TURNS:
        problems.append(
            ("steps", f"a path asks for {longest[scenario.start]} replies; at most {MAX_TURNS}")
        )
    return problems
