"""A seat: a session that is over computes its debrief once."""

from __future__ import annotations

from servicecoach.practice import Coach, PracticeSession, find_scenario
from servicecoach.practice.seat import Seat


def test_seat_debrief_once_over(coach: Coach) -> None:
    seat = Seat(PracticeSession(find_scenario("done-customer-let-go"), coach))
    assert not seat.over
    seat.stopped = True
    assert seat.over and seat.finish() is seat.finish()
