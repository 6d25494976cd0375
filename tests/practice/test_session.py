"""The session engine: branches chosen by the reply's signals, feedback, the debrief."""

from __future__ import annotations

import pytest

from servicecoach.errors import InputError
from servicecoach.practice import MAX_REPLY_CHARS, Coach, PracticeSession, find_scenario

CALM_DM = (
    "Imogen, I'm so sorry - waiting on a birthday present with no news is really stressful. "
    "Please send us a DM and we'll check your parcel there."
)
FIX = "Thanks, Imogen. I've sent a new lamp by next-day courier today; it arrives on Friday."
COLD = "We will look into it."


def _play(coach: Coach, scenario: str, replies: list[str]) -> PracticeSession:
    session = PracticeSession(find_scenario(scenario), coach)
    for reply in replies:
        if session.finished:
            break
        session.reply(reply)
    return session


@pytest.mark.parametrize(
    ("replies", "path"),
    [
        ([CALM_DM, FIX, "Have a lovely weekend!"], ("opening", "in_dm", "relieved")),
        ([COLD, "Sorry, what is your order number?"], ("opening", "angrier", "gives_up")),
        (
            [COLD, "I'm sorry. Please send us a DM so we can check it.", FIX, "Enjoy!"],
            ("opening", "angrier", "in_dm", "relieved"),
        ),
        (["I'm sorry about this.", "Please DM us.", "It is on its way.", "Bye"], None),
    ],
)
def test_session_branches_follow_the_reply_signals(
    coach: Coach, replies: list[str], path: tuple[str, ...] | None
) -> None:
    session = _play(coach, "late-parcel-public", replies)
    debrief = session.debrief()
    if path is None:  # an apology but no invite: the customer stays public, then DMs
        assert debrief.path[:3] == ("opening", "still_public", "in_dm")
    else:
        assert debrief.path == path
    assert debrief.finished


def test_session_reply_gives_live_feedback_and_why_it_branched(coach: Coach) -> None:
    session = PracticeSession(find_scenario("late-parcel-public"), coach)
    cold = session.reply(COLD)
    assert cold.then == "angrier"
    assert cold.because == "lacked apology.apology and empathy.validation"
    assert {"empathy.missing", "private.invite_missing"} <= {
        s.kind for s in cold.feedback.suggestions
    }
    session = PracticeSession(find_scenario("late-parcel-public"), coach)
    warm = session.reply(CALM_DM)
    assert warm.then == "in_dm" and "private.invite" in warm.signals
    assert {"apology.apology", "private.invite"} <= {g.kind for g in warm.feedback.good}


def test_session_private_step_makes_the_conversation_private(coach: Coach) -> None:
    session = _play(coach, "late-parcel-public", [CALM_DM])
    assert not session.public and not session.conversation().public
    session.reply("Thanks - what is your order number and postcode?")
    debrief = session.debrief()
    private = next(s for s in debrief.skills if s.skill == "public_to_private")
    assert private.score == 100  # scored on the public part: asking in the DM is fine
    assert all(n.signal != "private.data_in_public" for n in private.notes)


def test_session_history_counts_for_continuity(coach: Coach) -> None:
    reply = (
        "Hi Ravi, I'm sorry - I can see you called us last week about the leak and that the "
        "filter was fine. I've booked an engineer for Thursday morning."
    )
    session = _play(coach, "returning-customer-leak", [reply])
    assert session.exchanges[0].then == "relieved"
    continuity = next(s for s in session.debrief().skills if s.skill == "continuity")
    assert continuity.score is not None and continuity.score >= 80


def test_session_holding_reply_on_the_scenario_clock(coach: Coach) -> None:
    holding = "Thanks Jonas, I'm checking with the warehouse now and will come back to you shortly."
    session = _play(coach, "slow-check-holding-reply", [holding])
    assert session.current == "waits"
    silent = _play(coach, "slow-check-holding-reply", ["Saturday should be fine."])
    assert silent.current == "chasing"
    silent.reply("Saturday between 10 and 2 is booked.")
    assert silent.current == "annoyed"  # no apology for the wait


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("   ", "the reply is empty"),
        ("x" * (MAX_REPLY_CHARS + 1), "practice replies are at most"),
    ],
)
def test_session_refuses_bad_replies(coach: Coach, reply: str, message: str) -> None:
    session = PracticeSession(find_scenario("done-customer-let-go"), coach)
    with pytest.raises(InputError, match=message):
        session.reply(reply)
    assert session.exchanges == []


def test_session_refuses_a_reply_after_the_end(coach: Coach) -> None:
    session = _play(coach, "done-customer-let-go", ["Yes, it's going to Mill Street.", "Bye!"])
    assert session.finished
    with pytest.raises(InputError, match="the session is over"):
        session.reply("One more thing")


def test_session_debrief_of_an_unfinished_session(coach: Coach) -> None:
    session = _play(coach, "three-questions-email", ["Hi Hannah, the bill comes in 30 days."])
    debrief = session.debrief()
    assert not debrief.finished
    assert len(debrief.turns) == 1
    data = debrief.to_dict()
    assert data["format"] == 1 and data["finished"] is False
    assert [s["skill"] for s in data["skills"]][:3] == [
        "clear_communication",
        "active_listening",
        "closing",
    ]
