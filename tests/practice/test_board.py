"""The server's practice sessions: one per owner, bounded in number, forgotten when idle."""

from __future__ import annotations

from servicecoach.practice import Coach, PracticeSession, find_scenario
from servicecoach.practice.board import PracticeBoard


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _session(coach: Coach) -> PracticeSession:
    return PracticeSession(find_scenario("done-customer-let-go"), coach)


def test_board_one_session_per_owner(coach: Coach) -> None:
    board = PracticeBoard()
    first = board.start("user:1", _session(coach))
    second = board.start("user:1", _session(coach))
    assert board.get("user:1") is second is not first
    assert board.get("user:2") is None
    assert len(board) == 1
    board.drop("user:1")
    assert board.get("user:1") is None


def test_board_drops_the_least_recently_used_beyond_its_bound(coach: Coach) -> None:
    board = PracticeBoard(max_sessions=2)
    board.start("a", _session(coach))
    board.start("b", _session(coach))
    board.get("a")  # a is now the most recent
    board.start("c", _session(coach))
    assert board.get("b") is None
    assert board.get("a") is not None and board.get("c") is not None


def test_board_forgets_idle_sessions(coach: Coach) -> None:
    clock = _Clock()
    board = PracticeBoard(idle_seconds=60, clock=clock)
    board.start("a", _session(coach))
    clock.now = 50
    board.start("b", _session(coach))
    assert board.get("a") is not None  # touched at 50
    clock.now = 111
    assert board.get("a") is None and board.get("b") is None
    assert len(board) == 0


def test_board_seat_debrief_once_over(coach: Coach) -> None:
    seat = PracticeBoard().start("a", _session(coach))
    assert not seat.over
    seat.stopped = True
    assert seat.over and seat.finish() is seat.finish()
