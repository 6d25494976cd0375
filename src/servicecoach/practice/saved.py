"""A practice session as JSON, so that it can wait in the store between requests.

The web service keeps a session in progress in the database (any worker continues it),
so the session is written down after each reply and read back on the next request,
without running the checker or the pipeline again: the feedback, the signals, the
branch taken and (once over) the debrief's scores are saved as they were computed.

Only what cannot be derived is saved: customer messages come back from the scenario by
step id, the trainee's lines from their replies, and the debrief's turns and path from
the session. A state that no longer fits (an unknown format, a scenario or step that
is gone since an upgrade) loads as ``None``: the trainee starts again.
"""

from __future__ import annotations

from typing import Any

from servicecoach.assist.suggestion import DraftCheck, Praise, Suggestion
from servicecoach.model.conversation import Role
from servicecoach.practice.debrief import Debrief, Note, SkillReport, assemble
from servicecoach.practice.loader import builtin_scenarios
from servicecoach.practice.scenario import Scenario
from servicecoach.practice.seat import Seat
from servicecoach.practice.session import Coach, Exchange, PracticeSession
from servicecoach.practice.transcript import Line

__all__ = ["FORMAT", "dump_seat", "load_seat"]

FORMAT = 1
"""The version of the saved state (a state of another version is not loaded)."""


def dump_seat(seat: Seat, *, with_debrief: bool = True) -> dict[str, Any]:
    """JSON-ready state of ``seat`` (``with_debrief``: also its debrief's scores, if computed)."""
    session = seat.session
    state: dict[str, Any] = {
        "format": FORMAT,
        "scenario": session.scenario.id,
        "agent": session.agent,
        "current": session.current,
        "lines": [[line.role.value, line.step, line.minutes] for line in session.lines],
        "exchanges": [_dump_exchange(e) for e in session.exchanges],
        "stopped": seat.stopped,
        "recorded": seat.recorded,
    }
    if with_debrief and seat.debrief is not None:
        found = seat.debrief
        state["debrief"] = {
            "skills": [s.to_dict() for s in found.skills],
            "satisfaction": found.satisfaction,
            "quality": found.quality,
            "not_scored": found.not_scored,
        }
    return state


def load_seat(state: dict[str, Any], coach: Coach) -> Seat | None:
    """The seat ``state`` was dumped from, or ``None`` when it cannot be read back."""
    try:
        return _load(state, coach)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration):
        return None


def _load(state: dict[str, Any], coach: Coach) -> Seat | None:
    scenario = builtin_scenarios().get(state["scenario"])
    if state.get("format") != FORMAT or scenario is None:
        return None
    session = PracticeSession(scenario, coach, agent=str(state["agent"]))
    exchanges = [_load_exchange(scenario, e) for e in state["exchanges"]]
    replies = iter(exchanges)
    lines = []
    for role, step, minutes in state["lines"]:
        kind = Role(role)
        text = scenario.steps[step].customer if kind is Role.CUSTOMER else next(replies).reply
        lines.append(Line(kind, text, str(step), float(minutes)))
    current = state["current"]
    if current is not None and current not in scenario.steps:
        return None
    session.lines = lines
    session.exchanges = exchanges
    session.current = current
    seat = Seat(session, stopped=bool(state["stopped"]), recorded=bool(state["recorded"]))
    if "debrief" in state:
        seat.debrief = _load_debrief(state["debrief"], session)
    return seat


def _dump_exchange(exchange: Exchange) -> dict[str, Any]:
    feedback = exchange.feedback
    return {
        "step": exchange.step,
        "reply": exchange.reply,
        "signals": list(exchange.signals),
        "then": exchange.then,
        "because": exchange.because,
        "suggestions": [s.to_dict() for s in feedback.suggestions],
        "good": [g.to_dict() for g in feedback.good],
        "language": feedback.language,
        "not_scored": feedback.not_scored,
    }


def _load_exchange(scenario: Scenario, data: dict[str, Any]) -> Exchange:
    reply = str(data["reply"])
    feedback = DraftCheck(
        draft=reply,
        suggestions=tuple(Suggestion(**s) for s in data["suggestions"]),
        good=tuple(Praise(**g) for g in data["good"]),
        language=data["language"],
        not_scored=data["not_scored"],
    )
    step = str(data["step"])
    return Exchange(
        step=step,
        customer=scenario.steps[step].customer,
        reply=reply,
        feedback=feedback,
        signals=tuple(str(s) for s in data["signals"]),
        then=data["then"],
        because=str(data["because"]),
    )


def _load_debrief(data: dict[str, Any], session: PracticeSession) -> Debrief:
    """The debrief: its scores as saved, its turns and path from the session (as computed)."""
    skills = tuple(
        SkillReport(
            skill=s["skill"],
            score=s["score"],
            trained=bool(s["trained"]),
            notes=tuple(Note(**n) for n in s["evidence"]),
        )
        for s in data["skills"]
    )
    return assemble(
        session,
        skills,
        satisfaction=data["satisfaction"],
        quality=data["quality"],
        not_scored=data["not_scored"],
    )
