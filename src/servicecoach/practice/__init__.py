"""Practice scenarios: rehearse a difficult customer, with feedback on every reply.

>>> from servicecoach.practice import Coach, PracticeSession, find_scenario
>>> session = PracticeSession(find_scenario("late-parcel-public"), Coach.build(fast=True))
>>> session.step.customer                       # the customer's opening message
>>> exchange = session.reply("I'm so sorry ...")
>>> exchange.feedback.good, exchange.feedback.suggestions, exchange.then
>>> session.debrief().to_dict()                 # per-skill scores, evidence, model answers

Scenarios are TOML files (``practice/scenarios/`` holds the built-in library); see
docs/practice.md for the format and a worked example.
"""

from __future__ import annotations

from servicecoach.practice.debrief import Debrief, Note, SkillReport, TurnReview
from servicecoach.practice.loader import (
    ScenarioError,
    builtin_scenarios,
    find_scenario,
    load_scenario,
    parse_scenario,
)
from servicecoach.practice.scenario import Branch, Persona, PracticeChannel, Scenario, Step
from servicecoach.practice.session import MAX_REPLY_CHARS, Coach, Exchange, PracticeSession

__all__ = [
    "MAX_REPLY_CHARS",
    "Branch",
    "Coach",
    "Debrief",
    "Exchange",
    "Note",
    "Persona",
    "PracticeChannel",
    "PracticeSession",
    "Scenario",
    "ScenarioError",
    "SkillReport",
    "Step",
    "TurnReview",
    "builtin_scenarios",
    "find_scenario",
    "load_scenario",
    "parse_scenario",
]
