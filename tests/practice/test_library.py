"""The built-in library: every scenario valid and playable to the end, every skill trained."""

from __future__ import annotations

import pytest

from servicecoach.analysis.skills import SKILLS
from servicecoach.practice import Coach, PracticeSession, builtin_scenarios
from servicecoach.practice.scenario import MAX_TURNS

LIBRARY = builtin_scenarios()


def test_library_has_at_least_twelve_scenarios() -> None:
    assert len(LIBRARY) >= 12


@pytest.mark.parametrize("skill", SKILLS)
def test_library_trains_every_skill(skill: str) -> None:
    assert any(skill in s.skills for s in LIBRARY.values()), f"no scenario trains {skill}"


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_library_scenario_plays_to_the_end_with_its_model_answers(
    coach: Coach, scenario_id: str
) -> None:
    session = PracticeSession(LIBRARY[scenario_id], coach)
    turns = 0
    while not session.finished:
        step = session.step
        assert step is not None and step.model_answer is not None
        exchange = session.reply(step.model_answer)
        assert exchange.feedback.not_scored is None
        turns += 1
        assert turns <= MAX_TURNS
    debrief = session.debrief()
    assert debrief.finished
    assert [t.model_answer for t in debrief.turns] == [
        LIBRARY[scenario_id].steps[t.step].model_answer for t in debrief.turns
    ]
    trained = [s for s in debrief.skills if s.trained]
    assert [s.skill for s in trained] == list(LIBRARY[scenario_id].skills)
    assert debrief.trained_mean() is not None and debrief.trained_mean() >= 60


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_library_every_path_ends_within_the_turn_cap(scenario_id: str) -> None:
    scenario = LIBRARY[scenario_id]
    paths = scenario.paths()
    assert len(paths) >= 2, "every built-in scenario branches"
    for path in paths:
        answered = [step for step in path if not scenario.steps[step].ends]
        assert 1 <= len(answered) <= MAX_TURNS
    assert {step for path in paths for step in path} == set(scenario.steps)
