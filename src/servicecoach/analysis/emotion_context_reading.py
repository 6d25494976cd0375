"""A customer message's emotion re-read in its context: the same words mean another thing
after the agent's reply.

:func:`reread` takes the emotion the message gets on its own (the learned head and the
lexicon, or the lexicon alone in fast mode) and the message's
:class:`~servicecoach.analysis.emotion_context.TurnContext`, and changes it only where the
context says what the sentence cannot:

- **neutral close**: "that's all", "no, that's it", "nothing else" answering a reply is a
  customer done, not a dissatisfied one: a negative reading becomes neutral (unless the
  message says more: "That's all. It's still broken though.");
- **sarcasm after a refusal**: bare praise without thanks ("Great.", "Perfect", "Just
  wonderful") right after the agent said it cannot help is frustration;
- **resigned thanks**: a short acceptance ("ok thanks", "fine", "I see", "oh well") after a
  refusal is mild disappointment, not gratitude;
- **correction or rejection**: "I said the 14th", "that's not what I asked", "no, wrong
  one" is frustration; a bare "no" to an offer is mild disappointment;
- **repetition**: a message that says again what an answered earlier one said (see
  :data:`REPEAT_AT`) is frustration, the stronger the closer the repeat;
- **thanks after a fix**: thanks right after a reply that solved or answered is gratitude
  at full strength (the outcome's satisfaction counts it in full).

The rules were written for the written in-context examples of
``scripts/data/emotion_context.jsonl``; ``scripts/fit_emotion_context.py`` measures them
on the examples' held-out half and shows the range of repetition thresholds that read
the fit half best (see :data:`REPEAT_AT` for where in it they sit and why).
``evaluation/emotion_context_eval.py`` measures the reading on the USS, STC-3 and
GoEmotions sets (src/servicecoach/model_files/README.md has the figures).
"""

from __future__ import annotations

import re

from servicecoach.analysis.emotion_context import TurnContext
from servicecoach.analysis.stopwords import stop_words
from servicecoach.nlp.formulaic import content_words
from servicecoach.nlp.words import WORD

__all__ = [
    "FAST_REPEAT_AT",
    "REPEAT_AT",
    "STRENGTH",
    "Reading",
    "reread",
]

REPEAT_AT = 0.75
"""The cosine with an earlier, answered customer sentence from which a message repeats it.
The written examples read as well from 0.45 to 0.75; 0.75 ranked the USS turns of half A
best (a task dialogue's customer stays on one topic, so lower cosines fire on new
requests), which is why the USS figures of half B are the held-out ones."""
FAST_REPEAT_AT = 0.75
"""The same in fast mode: the share of the message's content words said before. The
written examples read as well from 0.30 to 0.75; the top of that range, as for the
cosine, because a word share also counts a customer who stays on one topic ("package",
"data", "phone") and a wrong frustration costs more trust than a missed one (at 0.5 the
rules alone misread a tenth of STC-3's last messages as repeats)."""
STRENGTH = {"mild": 0.5, "clear": 0.7, "strong": 0.9}
"""The confidence (the outcome's intensity) a context reading gives its label."""

_NEGATIVE = frozenset({"anger", "frustration", "anxiety", "sadness", "confusion", "disappointment"})
_POSITIVE = frozenset({"satisfaction", "gratitude", "relief"})
_MAX_SHORT = 6
"""Words of a message that is only a reaction ("ok thanks", "Great.", "oh well, fine")."""

_DONE = re.compile(
    r"\b(?:that'?s (?:all|it|everything)|that is (?:all|it|everything)|that will be all"
    r"|that'?ll be all|nothing else|no(?:pe)?,? (?:thanks|thank you|i'?m good|all good)"
    r"|i'?m (?:all )?(?:good|set)|all set|no more questions|i have (?:all|everything) i need"
    r"|that'?s (?:all|everything) i (?:need(?:ed)?|wanted))\b"
)
"""A customer saying there is nothing more to ask ("I'm done" is left out: it is as often
"I'm done with this company")."""
_PRAISE = frozenset(
    {
        "great", "perfect", "wonderful", "brilliant", "fantastic", "lovely", "awesome",
        "excellent", "marvellous", "marvelous", "super", "splendid", "terrific", "superb",
        "amazing", "nice", "cool", "fabulous",
    }
)  # fmt: skip
_THANKS = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers|appreciate(?:d)?)\b")
_RESIGNED = re.compile(
    r"^\W*(?:(?:oh|ah|well|hmm+)\W+)*(?:ok(?:ay)?|fine|alright|all right|i see|i guess|oh well"
    r"|never ?mind|forget it|right|sure|understood|if you say so|whatever|that'?s a shame"
    r"|too bad|pity|shame|ok(?:ay)? then|fair enough|no worries|got it)\b"
)
"""The opening of a short acceptance of what cannot be changed."""
_CORRECTION = re.compile(
    r"\b(?:i (?:said|told you|asked (?:for|about)|meant|already (?:said|told|gave|sent|asked|explained))"
    r"|not what i (?:asked|said|wanted|meant|need(?:ed)?|ordered)"
    r"|(?:that'?s|that is|it'?s|it is) not (?:what|the one|it|right|correct|mine)"
    r"|(?:the )?wrong (?:one|date|day|time|item|order|address|size|colou?r|number|account|person)"
    r"|you (?:didn'?t|did not|don'?t|do not) (?:understand|listen|read|get it)"
    r"|(?:as|like) i (?:said|mentioned|explained)|read my (?:message|question)"
    r"|not the \d+\w*|for the (?:second|third|fourth|last) time)\b|\bagain\?|^\W*wrong\b"
)
"""A customer saying the reply got it wrong or did not listen."""
_CONTRAST = re.compile(r"\b(?:but|however|though|although|still|yet)\b")
"""Thanks with a "but" ("Thanks for your reply. But it's still broken") is no full thanks."""
_BARE_NO = re.compile(r"^\W*(?:no|nope|nah|no no)\b(?!\W+(?:problem|worries))")


class Reading:
    """Names of the context readings, as :func:`reread` reports them (for evaluation)."""

    DONE = "done"
    SARCASM = "sarcasm"
    RESIGNED = "resigned"
    CORRECTION = "correction"
    REJECTION = "rejection"
    REPETITION = "repetition"
    THANKS = "thanks_after_fix"


def reread(
    text: str,
    label: str,
    score: float,
    context: TurnContext,
    *,
    fast: bool = False,
) -> tuple[str, float, str | None]:
    """The label and confidence of a customer message read in its context.

    Args:
        text: the customer message.
        label: its emotion read alone (a FORMAT.md label).
        score: that reading's confidence.
        context: what the message answers.
        fast: whether ``context.repetition`` is a word share (fast mode), not a cosine.

    Returns:
        ``(label, score, reading)``: the label and confidence in context and which
        :class:`Reading` changed them (``None``: the reading alone stands).
    """
    if not context.after_reply:
        return label, score, None
    text = text.lower().replace("’", "'")  # the patterns are written for it
    words = WORD.findall(text)
    short = len(words) <= _MAX_SHORT
    done = _DONE.search(text)
    if done is not None and _CORRECTION.search(text) is None:
        rest = text[: done.start()] + " " + text[done.end() :]
        if label in _NEGATIVE and not _meaningful(rest):
            return "neutral", STRENGTH["clear"], Reading.DONE
        return label, score, None
    thanks = _THANKS.search(text) is not None
    if context.refusal and short and words:
        if not thanks and _PRAISE.intersection(words[:3]) and not _RESIGNED.search(text):
            return "frustration", max(score, STRENGTH["clear"]), Reading.SARCASM
        if (_RESIGNED.search(text) or (thanks and len(words) <= 3)) and label not in _NEGATIVE:
            return "disappointment", STRENGTH["mild"], Reading.RESIGNED
    if _CORRECTION.search(text):
        return _upset(label, score, "clear", Reading.CORRECTION)
    repeat_at = FAST_REPEAT_AT if fast else REPEAT_AT
    if context.repetition >= repeat_at:
        strength = "strong" if context.repetition >= (1 + repeat_at) / 2 else "clear"
        return _upset(label, score, strength, Reading.REPETITION)
    if (
        _BARE_NO.search(text)
        and (context.offer or context.solution)
        and not context.closing_check
        and not thanks
        and label not in _NEGATIVE
    ):
        return "disappointment", STRENGTH["mild"], Reading.REJECTION
    if thanks and context.solution and label not in _NEGATIVE and not _CONTRAST.search(text):
        return (
            label if label in _POSITIVE else "gratitude",
            max(score, STRENGTH["strong"]),
            Reading.THANKS,
        )
    return label, score, None


def _meaningful(text: str) -> list[str]:
    """The words of ``text`` beyond courtesies and stop words ("thanks, bye": none)."""
    stop = stop_words("en")
    return [word for word in content_words(text) if word not in stop]


def _upset(label: str, score: float, strength: str, reading: str) -> tuple[str, float, str]:
    """Frustration at ``strength``, or the negative reading already there if stronger."""
    if label in _NEGATIVE and score >= STRENGTH[strength]:
        return label, score, reading
    return "frustration", STRENGTH[strength], reading
