"""A practice session written down as JSON and read back: the same conversation, feedback
and debrief, without running the checker or the pipeline again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from servicecoach.practice import Coach, PracticeSession, find_scenario
from servicecoach.practice.saved import dump_seat, load_seat
from servicecoach.practice.seat import Seat

CALM_DM = (
    "Imogen, I'm so sorry - waiting on a birthday present with no news is really stressful. "
    "Please send us a DM and we'll check your parcel there."
)
FIX = "Thanks, Imogen. I've sent a new lamp by next-day courier today; it arrives on Friday."


def _round_trip(seat: Seat, coach: Coach) -> Seat:
    loaded = load_seat(json.loads(json.dumps(dump_seat(seat))), coach)
    assert loaded is not None
    return loaded


def test_saved_session_in_progress_reads_back_the_same(coach: Coach) -> None:
    session = PracticeSession(find_scenario("late-parcel-public"), coach, agent="Sam")
    session.reply(CALM_DM)
    back = _round_trip(Seat(session), coach).session
    assert back.lines == session.lines and back.exchanges == session.exchanges
    assert back.current == session.current == "in_dm" and back.agent == "Sam"
    assert back.conversation() == session.conversation()
    back.reply(FIX)  # and it plays on
    session.reply(FIX)
    assert back.exchanges == session.exchanges and back.current == session.current


def test_saved_session_keeps_its_debrief_and_marks(coach: Coach) -> None:
    session = PracticeSession(find_scenario("late-parcel-public"), coach)
    for reply in (CALM_DM, FIX, "Have a lovely weekend!"):
        session.reply(reply)
    seat = Seat(session, recorded=True)
    debrief = seat.finish()
    back = _round_trip(seat, coach)
    assert back.over and back.recorded and not back.stopped
    assert back.debrief == debrief  # saved, not computed again
    without = load_seat(dump_seat(seat, with_debrief=False), coach)
    assert without is not None and without.debrief is None
    assert without.finish() == debrief


@pytest.mark.parametrize(
    "damage",
    [
        {"format": 99},
        {"scenario": "no-such-scenario"},
        {"current": "no-such-step"},
        {"lines": [["agent", "opening", 0.0]]},  # a reply line without its exchange
        {"exchanges": [{"step": "opening"}]},
        {"stopped": None, "lines": "not a list"},
    ],
)
def test_saved_session_that_no_longer_fits_loads_as_none(
    coach: Coach, damage: dict[str, Any]
) -> None:
    state = dump_seat(Seat(PracticeSession(find_scenario("late-parcel-public"), coach)))
    assert load_seat(state, coach) is not None
    assert load_seat({**state, **damage}, coach) is None
