"""The end-of-session debrief: the pipeline's scores of the whole practice conversation.

The conversation is scored by the same pipeline as real conversations (with the
persona's history). A public complaint that moved private is scored twice, as in real
life: ``public_to_private`` on the public part (public), every other skill on the whole
conversation as it ended (private), so a DM asking for an order number is not flagged
as personal data in public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from servicecoach.analysis.skills import skill_names
from servicecoach.model.conversation import Role
from servicecoach.practice.transcript import history_of, to_conversation

if TYPE_CHECKING:
    from servicecoach.analysis.finding import SkillFinding
    from servicecoach.practice.session import PracticeSession

__all__ = ["Debrief", "Note", "SkillReport", "TurnReview", "assemble", "debrief"]

_MAX_NOTES = 8


@dataclass(frozen=True, slots=True)
class Note:
    """One piece of evidence: the words, the signal, and on which turn.

    Attributes:
        turn: the 1-based number of the trainee's reply (or of the customer message).
        role: ``agent`` (the trainee's reply) or ``customer``.
        signal: the signal id.
        polarity: +1 earned score, -1 cost score, 0 neutral.
        quote: the words.
        suggestion: a better wording or next step, where the analyser gives one.
    """

    turn: int
    role: str
    signal: str
    polarity: int
    quote: str
    suggestion: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "turn": self.turn,
            "role": self.role,
            "signal": self.signal,
            "polarity": self.polarity,
            "quote": self.quote,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class SkillReport:
    """One skill's score for the session, with its evidence.

    Attributes:
        skill: the SKILLS.md name.
        score: 0-100, or ``None`` when it did not apply.
        trained: whether the scenario trains it.
        notes: the evidence, costs first (at most eight).
    """

    skill: str
    score: int | None
    trained: bool
    notes: tuple[Note, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "skill": self.skill,
            "score": self.score,
            "applicable": self.score is not None,
            "trained": self.trained,
            "evidence": [n.to_dict() for n in self.notes],
        }


@dataclass(frozen=True, slots=True)
class TurnReview:
    """One customer message, the trainee's reply and the scenario's model answer."""

    turn: int
    step: str
    customer: str
    reply: str
    model_answer: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "turn": self.turn,
            "step": self.step,
            "customer": self.customer,
            "reply": self.reply,
            "model_answer": self.model_answer,
        }


@dataclass(frozen=True, slots=True)
class Debrief:
    """The whole session scored.

    Attributes:
        scenario: the scenario id.
        title: its title.
        path: the step ids taken, in order.
        finished: whether the scenario reached an end (else the trainee stopped early).
        skills: trained skills first (the scenario's order), then the others that applied.
        turns: each reply beside the model answer.
        satisfaction: the customer's estimated satisfaction (0-100) at the end.
        quality: the overall quality (0-100) of the trainee's side.
        not_scored: why nothing was scored (e.g. replies in a language not scored).
    """

    scenario: str
    title: str
    path: tuple[str, ...]
    finished: bool
    skills: tuple[SkillReport, ...]
    turns: tuple[TurnReview, ...]
    satisfaction: int | None
    quality: int | None
    not_scored: str | None = None

    def trained_mean(self) -> int | None:
        """The mean score of the trained skills that applied, or ``None``."""
        scores = [s.score for s in self.skills if s.trained and s.score is not None]
        return round(sum(scores) / len(scores)) if scores else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``servicecoach practice --json``)."""
        return {
            "format": 1,
            "scenario": self.scenario,
            "title": self.title,
            "path": list(self.path),
            "finished": self.finished,
            "trained_score": self.trained_mean(),
            "satisfaction": self.satisfaction,
            "quality": self.quality,
            "skills": [s.to_dict() for s in self.skills],
            "turns": [t.to_dict() for t in self.turns],
            **({"not_scored": self.not_scored} if self.not_scored else {}),
        }


def debrief(session: PracticeSession) -> Debrief:
    """Score the session's whole conversation and set each reply beside its model answer."""
    scenario = session.scenario
    history = history_of(scenario)
    pipeline = session.coach.pipeline
    whole = session.conversation()
    result = pipeline.analyze(whole, history)
    findings: dict[str, SkillFinding] = dict(result.skills)
    if scenario.channel.public and not whole.public:
        steps = scenario.steps
        cut = next(
            i
            for i, line in enumerate(session.lines)
            if line.role is Role.CUSTOMER and steps[line.step].private
        )
        public_part = to_conversation(
            scenario, session.lines[:cut], public=True, agent=session.agent
        )
        if "public_to_private" in findings:
            found = pipeline.analyze(public_part, history).skills.get("public_to_private")
            if found is not None:
                findings["public_to_private"] = found
    turns = _turn_numbers(whole.messages)
    trained = list(scenario.skills)
    others = [
        s for s in skill_names() if s not in trained and s in findings and findings[s].applicable
    ]
    reports = tuple(
        _report(skill, findings.get(skill), skill in trained, turns) for skill in trained + others
    )
    return assemble(
        session,
        reports,
        satisfaction=result.outcome.satisfaction,
        quality=result.outcome.quality,
        not_scored=result.not_scored,
    )


def assemble(
    session: PracticeSession,
    skills: tuple[SkillReport, ...],
    *,
    satisfaction: int | None,
    quality: int | None,
    not_scored: str | None,
) -> Debrief:
    """The debrief of ``session`` from its skill reports and outcome: the turns, each reply
    beside its model answer, and the path of steps come from the session itself (so a
    debrief read back from the database is built the same way as a fresh one)."""
    scenario = session.scenario
    reviews = tuple(
        TurnReview(
            turn=number,
            step=exchange.step,
            customer=exchange.customer,
            reply=exchange.reply,
            model_answer=scenario.steps[exchange.step].model_answer,
        )
        for number, exchange in enumerate(session.exchanges, start=1)
    )
    path = tuple(line.step for line in session.lines if line.role is Role.CUSTOMER)
    return Debrief(
        scenario=scenario.id,
        title=scenario.title,
        path=path,
        finished=session.finished,
        skills=skills,
        turns=reviews,
        satisfaction=satisfaction,
        quality=quality,
        not_scored=not_scored,
    )


def _turn_numbers(messages: Any) -> dict[str, tuple[int, str]]:
    """Message id to its turn number and role (``c2`` -> 2, customer)."""
    return {m.id: (int(m.id[1:]), m.role.value) for m in messages}


def _report(
    skill: str,
    finding: SkillFinding | None,
    trained: bool,
    turns: dict[str, tuple[int, str]],
) -> SkillReport:
    if finding is None:
        return SkillReport(skill, None, trained, ())
    notes = [
        Note(
            turn=turns[e.message][0],
            role=turns[e.message][1],
            signal=e.signal,
            polarity=e.polarity,
            quote=e.quote,
            suggestion=e.suggestion,
        )
        for e in finding.evidence
        if e.message in turns
    ]
    notes.sort(key=lambda n: (n.polarity, n.turn))
    return SkillReport(skill, finding.score, trained, tuple(notes[:_MAX_NOTES]))
