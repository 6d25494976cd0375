"""Every suggestion kind on real-looking conversations: it fires on a weak draft, at the
flagged words, with a fitted rewrite - and a good draft gets no false alarm of that kind."""

from __future__ import annotations

import pytest

from servicecoach.assist import DraftCheck, DraftChecker, Suggestion
from servicecoach.model.conversation import Conversation
from servicecoach.rubric import Phrases, Rubric
from tests.assist.conversations import BILLING_CHAT, CRASH_CHAT, JACKET_EMAIL, PARCEL_TWEET

END = -1
"""Expected span: an empty span at the end of the draft (text to add)."""


@pytest.fixture(scope="module")
def checker() -> DraftChecker:
    """Rules only: the learned models are tested in test_checker.py (slow)."""
    return DraftChecker(fast=True)


def _one(result: DraftCheck, kind: str) -> Suggestion:
    found = [s for s in result.suggestions if s.kind == kind]
    assert found, f"no {kind} in {[s.kind for s in result.suggestions]}"
    return found[0]


@pytest.mark.parametrize(
    ("conversation", "draft", "kind", "severity", "flagged", "rewrite"),
    [
        pytest.param(
            JACKET_EMAIL,
            "Hi Dana,\nA replacement jacket ships today by express and should reach you on "
            "Thursday.\nSam",
            "empathy.missing",
            "warning",
            "Hi Dana,",
            "Hi Dana, I'm so sorry - I can see how frustrating it is that your Ridgeline "
            "jacket arrived yesterday with a torn zip, especially after waiting two weeks.",
            id="empathy-missing-email",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm sorry about the zip. We can't refund the jacket until it is back in our "
            "warehouse.",
            "clarity.negative_language",
            "warning",
            "We can't refund the jacket until it is back in our warehouse.",
            "As soon as it is back in our warehouse, we can refund the jacket.",
            id="negative-language-until",
        ),
        pytest.param(
            BILLING_CHAT,
            "I'm sorry about the double charge. " + " ".join(["We are checking it now."] * 17),
            "clarity.too_long",
            "info",
            "I'm sorry about the double charge. " + " ".join(["We are checking it now."] * 17),
            None,
            id="too-long-for-chat",
        ),
        pytest.param(
            BILLING_CHAT,
            "Thanks for flagging it. I've refunded the duplicate charge of $12.99 to your card "
            "- you'll see it back in 3-5 days.",
            "apology.missing",
            "warning",
            "Thanks for flagging it.",
            "I'm so sorry that you were charged twice for your March subscription. Thanks for "
            "flagging it.",
            id="apology-missing-chat",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry - this was entirely our fault and we will pay for all damages. A "
            "replacement will be sent today.",
            "apology.liability",
            "error",
            "I'm so sorry - this was entirely our fault and we will pay for all damages.",
            "I'm so sorry that your Ridgeline jacket arrived yesterday with a torn zip - this "
            "isn't the experience we want for you, and I'll put it right.",
            id="liability",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry to hear that! That's not the experience we want for you.",
            "private.invite_missing",
            "warning",
            "So sorry to hear that!",
            "So sorry to hear that! Please send us a DM and we'll sort out your parcel there - "
            "no need to share any details here.",
            id="invite-missing-social",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry! Could you reply here with your order number and postcode?",
            "private.data_in_public",
            "error",
            "Could you reply here with your order number and postcode?",
            "Please send us a DM with your order number and postcode and we'll look into it there.",
            id="data-in-public",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry about the zip, that sounds frustrating. I'll look into it.",
            "listening.unanswered_question",
            "warning",
            END,
            " You asked how fast we can send a replacement: [your answer].",
            id="unanswered-question",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry about the zip, that sounds frustrating. Could you send me your order "
            "number so I can check?",
            "listening.reask",
            "warning",
            "Could you send me your order number so I can check?",
            "I have your order number from your earlier message (order #5521), so there's no "
            "need to send it again.",
            id="reask-order-number",
        ),
        pytest.param(
            CRASH_CHAT,
            "Have you tried restarting your phone?",
            "listening.reask",
            "warning",
            "Have you tried restarting your phone?",
            "Thanks for already trying that (\"An iPhone 13, and I've already restarted it "
            'twice.") - the next thing to try is [next step].',
            id="reask-step-tried",
        ),
        pytest.param(
            BILLING_CHAT,
            "I'm sorry about the double charge. As I already said, the refund takes 5 days.",
            "patience.blame",
            "error",
            "As I already said",
            "To recap",
            id="blame",
        ),
        pytest.param(
            CRASH_CHAT,
            "Please calm down, it's only an app.",
            "patience.dismissive",
            "warning",
            "calm down",
            None,
            id="dismissive",
        ),
        pytest.param(
            CRASH_CHAT,
            "Sorry, that's not my department.",
            "patience.defensive",
            "warning",
            "not my department",
            "handled by another team, and I'll pass it on for you",
            id="defensive",
        ),
        pytest.param(
            CRASH_CHAT,
            "PLEASE UPDATE THE APP!! It is the only fix.",
            "patience.shouting",
            "error",
            "PLEASE UPDATE THE APP!!",
            "Please update the app.",
            id="shouting",
        ),
        pytest.param(
            CRASH_CHAT,
            "Thanks for trying that already. I'm sorry, I understand how annoying that is.",
            "problem_solving.no_next_step",
            "warning",
            END,
            " I'm checking your basket now and will update you by [time] with what I've found.",
            id="no-next-step",
        ),
        pytest.param(
            CRASH_CHAT,
            "Sorry about that! Is there anything else I can help you with today?",
            "closing.premature",
            "warning",
            "Is there anything else I can help you with today?",
            "I'll stay with you on this until your basket is sorted.",
            id="premature-close",
        ),
        pytest.param(
            CRASH_CHAT,
            "Sorry about that, I've escalated to L2 and they will look at it by 3pm.",
            "clarity.jargon",
            "info",
            "escalated to L2",
            "passed to our specialist team",
            id="jargon",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry! Please DM us - we've emailed dana.reyes@example.com with the tracking.",
            "private.data_in_public",
            "error",
            "Please DM us - we've emailed dana.reyes@example.com with the tracking.",
            "I've sent you a DM with the details so we can sort this out privately.",
            id="data-written-in-public",
        ),
        pytest.param(
            JACKET_EMAIL,
            "We apologize for any inconvenience. A replacement ships today.",
            "empathy.canned",
            "info",
            "We apologize for any inconvenience.",
            "I can see how frustrating it is that your Ridgeline jacket arrived yesterday with a "
            "torn zip, especially after waiting two weeks.",
            id="canned-line",
        ),
        pytest.param(
            CRASH_CHAT,
            "Good luck with that. Please update the app.",
            "patience.sarcasm",
            "warning",
            "Good luck with that",
            "Let me know how it goes",
            id="sarcasm",
        ),
        pytest.param(
            CRASH_CHAT,
            "Sorry about that. I'll transfer you to another department.",
            "problem_solving.transfer",
            "info",
            "transfer you",
            None,
            id="transfer",
        ),
        pytest.param(
            CRASH_CHAT,
            "Sorry about that. Notwithstanding the aforementioned considerations, the "
            "organisational implementation necessitates comprehensive reconfiguration of "
            "administrative authentication mechanisms before any subsequent modifications "
            "become operational.",
            "clarity.hard_to_read",
            "info",
            "Notwithstanding the aforementioned considerations, the organisational "
            "implementation necessitates comprehensive reconfiguration of administrative "
            "authentication mechanisms before any subsequent modifications become operational.",
            None,
            id="hard-to-read",
        ),
    ],
)
def test_check_kind_fires_at_the_flagged_words(
    checker: DraftChecker,
    conversation: Conversation,
    draft: str,
    kind: str,
    severity: str,
    flagged: str | int,
    rewrite: str | None,
) -> None:
    suggestion = _one(checker.check(conversation, draft), kind)
    assert suggestion.severity == severity
    if flagged == END:
        assert suggestion.start == suggestion.end == len(draft)
    else:
        assert draft[suggestion.start : suggestion.end] == flagged
    assert suggestion.rewrite == rewrite
    assert suggestion.reason and "\n" not in suggestion.reason and "{" not in suggestion.reason


@pytest.mark.parametrize(
    ("conversation", "draft", "kind"),
    [
        pytest.param(
            JACKET_EMAIL,
            "Hi Dana,\nI'm so sorry your jacket arrived with a torn zip - I can see how "
            "frustrating that is after waiting two weeks.",
            "empathy.missing",
            id="empathy-validated",
        ),
        pytest.param(
            BILLING_CHAT,
            "Happy to help! I've refunded the extra charge to your card.",
            "empathy.missing",
            id="empathy-calm-customer",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry about the zip. We can't refund it yet, but I can send a replacement "
            "today so you're not left waiting.",
            "clarity.negative_language",
            id="negative-with-alternative",
        ),
        pytest.param(
            JACKET_EMAIL,
            "If you can't find the label, just let me know and I'll send another.",
            "clarity.negative_language",
            id="negative-as-condition",
        ),
        pytest.param(
            BILLING_CHAT,
            "Sorry about that - I've refunded the extra charge to your card.",
            "clarity.too_long",
            id="short-chat",
        ),
        pytest.param(
            BILLING_CHAT,
            "I'm sorry about the double charge. I've refunded it to your card - you'll see it "
            "back in 3-5 days.",
            "apology.missing",
            id="apologised",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry this happened - I've sent a replacement by express today.",
            "apology.liability",
            id="apology-without-fault",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry to hear that! Please DM us and we'll track your parcel down today.",
            "private.invite_missing",
            id="invited-to-dm",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry! Please DM us your order number and we'll look into it.",
            "private.data_in_public",
            id="data-asked-in-dm",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry about the zip, that sounds frustrating. I can send a replacement "
            "today by express, so it reaches you on Thursday.",
            "listening.unanswered_question",
            id="question-answered",
        ),
        pytest.param(
            JACKET_EMAIL,
            "I'm so sorry about the zip. I've found order #5521 and sent a replacement today.",
            "listening.reask",
            id="uses-the-order-number",
        ),
        pytest.param(
            BILLING_CHAT,
            "I'm sorry about the double charge. To recap, the refund takes 5 days.",
            "patience.blame",
            id="recap-without-blame",
        ),
        pytest.param(
            CRASH_CHAT,
            "Thanks! Please update the app from the App Store - the UPS of bugs, the PIN "
            "screen, is fixed too.",
            "patience.shouting",
            id="acronyms-are-not-shouting",
        ),
        pytest.param(
            CRASH_CHAT,
            "Thanks for trying that already. Please update the app to version 4.2 from the App "
            "Store - that fixes the basket crash on iPhone 13.",
            "problem_solving.no_next_step",
            id="gives-a-fix",
        ),
        pytest.param(
            CRASH_CHAT,
            "Please update the app to version 4.2 - that fixes the crash. Is there anything "
            "else I can help with?",
            "closing.premature",
            id="close-after-fix",
        ),
    ],
)
def test_check_good_draft_has_no_false_alarm(
    checker: DraftChecker, conversation: Conversation, draft: str, kind: str
) -> None:
    result = checker.check(conversation, draft)
    assert kind not in {s.kind for s in result.suggestions}


@pytest.mark.parametrize(
    ("conversation", "draft"),
    [
        pytest.param(
            JACKET_EMAIL,
            "Hi Dana,\n\nI'm so sorry your jacket arrived with a torn zip - I can see how "
            "frustrating that is after waiting two weeks. I've sent a replacement by express "
            "today, so it reaches you on Thursday.\n\nSam",
            id="email",
        ),
        pytest.param(
            BILLING_CHAT,
            "I'm sorry about the double charge! I've refunded the extra charge to your card - "
            "it will be back in 3-5 days.",
            id="chat",
        ),
        pytest.param(
            PARCEL_TWEET,
            "So sorry to hear that! Please DM us and we'll track your parcel down today.",
            id="social",
        ),
    ],
)
def test_check_model_draft_gets_no_suggestion_at_all(
    checker: DraftChecker, conversation: Conversation, draft: str
) -> None:
    result = checker.check(conversation, draft)
    assert result.suggestions == ()
    assert result.good, "a good draft is told what it does well"


def test_check_forbidden_phrase_from_the_rubric() -> None:
    team = DraftChecker(Rubric(phrases=Phrases(forbid=["per our policy"])), fast=True)
    draft = "I'm sorry about the double charge. Per our policy, refunds take 5 days."
    suggestion = _one(team.check(BILLING_CHAT, draft), "clarity.forbidden_phrase")
    assert draft[suggestion.start : suggestion.end] == "Per our policy"
    assert suggestion.severity == "warning"


def test_check_empathy_and_apology_missing_share_one_rewrite(checker: DraftChecker) -> None:
    draft = "A replacement jacket ships today by express."
    result = checker.check(JACKET_EMAIL, draft)
    empathy = _one(result, "empathy.missing")
    apology = _one(result, "apology.missing")
    assert (empathy.start, empathy.end) == (apology.start, apology.end) == (0, len(draft))
    assert empathy.rewrite == apology.rewrite
    assert empathy.rewrite is not None and empathy.rewrite.startswith("I'm so sorry - I can see")
    assert empathy.rewrite.endswith(draft)


def test_check_suggestions_most_serious_first(checker: DraftChecker) -> None:
    draft = "AS I ALREADY SAID, it was our fault. Is there anything else I can help with?"
    result = checker.check(CRASH_CHAT, draft)
    ranks = [("info", "warning", "error").index(s.severity) for s in result.suggestions]
    assert ranks == sorted(ranks, reverse=True)
    assert result.suggestions[0].severity == "error"


def test_check_praise_is_not_given_for_criticised_words(checker: DraftChecker) -> None:
    draft = "So sorry! What's your order number?"
    result = checker.check(PARCEL_TWEET, draft)
    flagged = _one(result, "private.data_in_public")
    assert flagged.reason.startswith("Asks for personal details in a public reply")
    assert all(p.end <= flagged.start for p in result.good)
    assert [p.kind for p in result.good] == ["apology.apology"]
