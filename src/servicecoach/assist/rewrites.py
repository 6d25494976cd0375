"""Ready rewrites for suggestions: templates from ``rewrites.toml`` filled with the customer's words.

:func:`choose_rewrite` is a small pure function: given what a suggestion spans, the facts
about the customer and the templates, it returns the replacement text, or ``None`` when
no concrete rewrite can be made (the reason then says what to do).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.assist.facts import Facts
from servicecoach.assist.templates import Templates
from servicecoach.model.conversation import Channel
from servicecoach.nlp.phrases import PhraseMatcher, fold
from servicecoach.nlp.words import WORD

__all__ = [
    "Target",
    "asked_data",
    "choose_rewrite",
    "fill",
    "indirect_question",
    "private_channel",
]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^,.!?\n]{0,30}[,.!]?\s*",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"([^\"]+)\"")
_JARGON = re.compile(r'^Say "(?P<plain>[^"]+)" instead of')
_PUNCTUATION_RUN = re.compile(r"(?<!\s)\s*[!?]+")
"""A run of "!" and "?" with the spaces before it; one with "!!" becomes ".". Tried where
spaces begin, and once per run: ``\\s*[!?]*!{2,}[!?]*`` was quadratic on long runs."""
_MAX_REWRITTEN = 500
"""Longest sentence the negative-language templates rewrite. A template's pattern (data,
``rewrites.toml``) may backtrack over a line; on a sentence this short that costs little."""
_WH = frozenset({"how", "what", "when", "where", "why", "which", "who"})
_AUX = frozenset(
    {
        "can",
        "could",
        "will",
        "would",
        "is",
        "are",
        "was",
        "were",
        "should",
        "shall",
        "may",
        "have",
        "has",
    }
)
_SUBJECT = {
    "i": "you",
    "you": "we",
    "we": "you",
    "it": "it",
    "they": "they",
    "this": "this",
    "that": "that",
}
_TO_AGENT = {"i": "you", "me": "you", "my": "your", "mine": "yours", "you": "we", "your": "our",
             "yours": "ours", "am": "are", "i'm": "you're", "i've": "you've", "we": "you",
             "our": "your", "us": "you"}  # fmt: skip
_AUX_AFTER = {("you", "am"): "are", ("you", "was"): "were", ("we", "are"): "are"}


@dataclass(frozen=True, slots=True)
class Target:
    """What a suggestion spans, and what the analyser said about it.

    Attributes:
        kind: the suggestion kind.
        text: the draft text the rewrite replaces (empty for text to add at the end).
        quote: the words the analyser flagged (a customer's words for customer evidence).
        advice: the analyser's own suggestion, if any.
        companions: the other kinds suggested on the same span.
    """

    kind: str
    text: str
    quote: str = ""
    advice: str | None = None
    companions: frozenset[str] = field(default_factory=frozenset)


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by its value (unknown names by nothing)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def private_channel(facts: Facts, templates: Templates) -> str:
    """The private channel to name: "a DM" on social channels."""
    key = "social" if facts.channel is Channel.SOCIAL else "other"
    return templates.text("private", key)


def choose_rewrite(target: Target, facts: Facts, templates: Templates) -> str | None:
    """The rewrite for one suggestion, or ``None`` when none can be made concretely."""
    builder = _BUILDERS.get(target.kind)
    if builder is None:
        return None
    rewrite = builder(target, facts, templates)
    return re.sub(r" {2,}", " ", rewrite) if rewrite else None


def _values(facts: Facts, templates: Templates) -> dict[str, str]:
    thing = facts.thing or templates.text("things", "fallback")
    return {
        "report": facts.report or "",
        "especially": f", especially {facts.especially}" if facts.especially else "",
        "thing": thing,
        "private": private_channel(facts, templates),
    }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decapital(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in ("I", "I'm", "I've", "I'll", "I'd"):
        return text
    return text[:1].lower() + text[1:]


def _prepend(opener: str, sentence: str) -> str:
    """``opener`` before ``sentence``, after its greeting ("Hi Dana, ...") if it has one."""
    greeting = _GREETING.match(sentence)
    if greeting is None or not greeting.group().strip():
        return f"{opener} {sentence}".strip()
    rest = sentence[greeting.end() :]
    head = greeting.group().rstrip()
    if not rest:
        return f"{head} {opener}"
    return f"{head} {opener} {_capital(rest)}"


def _opener(facts: Facts, templates: Templates, *, apology: bool) -> str:
    emotion = facts.emotion if facts.emotion and templates.text("openers", facts.emotion) else ""
    emotion = emotion or "frustration"
    key = emotion if facts.report else f"{emotion}_plain"
    opener = fill(templates.text("openers", key), _values(facts, templates))
    if apology and not fold(opener).startswith("i'm so sorry"):
        opener = templates.text("openers", "apology_lead") + _decapital(opener)
    return opener


def _empathy(target: Target, facts: Facts, templates: Templates) -> str:
    apology = "apology.missing" in target.companions
    return _prepend(_opener(facts, templates, apology=apology), target.text)


def _apology(target: Target, facts: Facts, templates: Templates) -> str:
    if "empathy.missing" in target.companions:
        return _prepend(_opener(facts, templates, apology=True), target.text)
    key = "report" if facts.report else "plain"
    return _prepend(fill(templates.text("apology", key), _values(facts, templates)), target.text)


def _liability(target: Target, facts: Facts, templates: Templates) -> str:
    key = "report" if facts.report else "plain"
    return _capital(fill(templates.text("liability", key), _values(facts, templates)))


def _canned(target: Target, facts: Facts, templates: Templates) -> str:
    return _opener(facts, templates, apology=False)


def _generic_negative(facts: Facts) -> str:
    return facts.lexicon("clarity").suggestion("negative") or ""


def _when(when: str, templates: Templates) -> tuple[str, bool]:
    """ "Monday" -> ("on Monday", True); "it clears" -> ("as soon as it clears", False)."""
    when = when.strip()
    folded = fold(when)
    first = folded.split(" ", 1)[0]
    if first in templates.words("when", "days") or re.match(r"(?:the )?\d", folded):
        return f"on {when}", True
    if folded in templates.words("when", "bare") or first in (
        "next",
        "this",
        "tomorrow",
        "tonight",
    ):
        return when, True
    return f"as soon as {when}", False


def _negative(target: Target, facts: Facts, templates: Templates) -> str | None:
    if target.advice and target.advice != _generic_negative(facts):
        return target.advice  # the analyser rewrote a shape it knows
    sentence = target.text.strip()
    if len(sentence) > _MAX_REWRITTEN:
        return None  # no template rewrites a paragraph; the reason says what to do
    for pattern in templates.negative:
        match = pattern.match(sentence)
        if match is None:
            continue
        values = {k: (v or "").strip() for k, v in match.groupdict().items()}
        if "who" in values:
            values["who"] = "I" if fold(values["who"]) == "i" else "we"
        if "subject" in values:
            values["subject"] = _decapital(values["subject"])
        template = pattern.template
        if "when" in values:
            values["when_phrase"] = _when(values["when"], templates)[0]
        if "condition" in values and pattern.time_template is not None:
            values["when_phrase"], is_time = _when(values["condition"], templates)
            template = pattern.time_template if is_time else template
        if values.get("rest"):
            values["rest"] = " " + values["rest"]
        return _capital(fill(template, values).replace("  ", " "))
    return None


def _jargon(target: Target, facts: Facts, templates: Templates) -> str | None:
    match = _JARGON.match(target.advice or "")
    return match.group("plain") if match else None


def _invite(target: Target, facts: Facts, templates: Templates) -> str:
    invite = fill(templates.text("private", "invite"), _values(facts, templates))
    return f"{target.text} {invite}".strip()


@lru_cache(maxsize=8)
def _data_matcher(lexicon: Lexicon) -> PhraseMatcher:
    """The public_to_private lexicon's data and ask phrases (once per lexicon object)."""
    return PhraseMatcher.from_lists(
        {"data": lexicon.section("data")["phrases"], "ask": lexicon.section("ask")["phrases"]}
    )


def asked_data(sentence: str, lexicon: Lexicon | None = None) -> str | None:
    """The personal data a sentence asks for ("order number"), or ``None`` when it asks none
    (``lexicon``: the team's public_to_private lexicon; default the shipped one)."""
    found = _data_matcher(lexicon or load_lexicon("public_to_private")).find(sentence)
    data = [re.sub(r"^(?:your|the)\s+", "", fold(m.phrase)) for m in found if m.label == "data"]
    asks = sentence.rstrip().endswith("?") or any(m.label == "ask" for m in found)
    if not data or not asks:
        return None
    kinds = list(dict.fromkeys(data))
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


def _data(target: Target, facts: Facts, templates: Templates) -> str:
    values = _values(facts, templates)
    data = asked_data(target.text, facts.lexicon("public_to_private"))
    if data is not None:
        values["data"] = data
        return fill(templates.text("private", "ask"), values)
    return fill(templates.text("private", "reveal"), values)


def indirect_question(question: str) -> str | None:
    """A customer's question in indirect speech from the agent's side, when its shape allows.

    "How fast can you ship a new one?" -> "how fast we can ship a new one";
    "Will I need to send it back?" -> "whether you will need to send it back".
    """
    words = WORD.findall(question.strip().rstrip("?!. "))
    while words and fold(words[0]) in ("also", "and", "so", "ok", "okay", "but", "then"):
        words = words[1:]
    lowered = [fold(w) for w in words]
    index = 0
    lead: list[str] = []
    if lowered and lowered[0] in _WH:
        lead = [lowered[0]]
        index = 1
        if lowered[0] == "how" and len(words) > 1 and lowered[1] not in _AUX:
            lead.append(words[1])  # "how fast", "how long"
            index = 2
    else:
        lead = ["whether"]
    if index + 1 >= len(words) or lowered[index] not in _AUX:
        return None
    aux, subject = lowered[index], lowered[index + 1]
    if subject not in _SUBJECT:
        return None
    new_subject = _SUBJECT[subject]
    new_aux = _AUX_AFTER.get((new_subject, aux), aux)
    rest = [_TO_AGENT.get(fold(w), w) for w in words[index + 2 :]]
    return " ".join([*lead, new_subject, new_aux, *rest])


def _unanswered(target: Target, facts: Facts, templates: Templates) -> str:
    question = target.quote.strip()
    asked = indirect_question(question)
    if asked is None:
        return fill(templates.text("listening", "unanswered_quoted"), {"question": question})
    return fill(templates.text("listening", "unanswered"), {"asked": asked})


def _reask_step_prefix(facts: Facts) -> str:
    template = str(facts.lexicon("listening").section("suggestions").get("reask_step", ""))
    return template.split("{", 1)[0]


def _reask(target: Target, facts: Facts, templates: Templates) -> str | None:
    given = _QUOTED.search(target.advice or "")
    if given is None:
        return None
    prefix = _reask_step_prefix(facts)
    if prefix and (target.advice or "").startswith(prefix):
        return fill(templates.text("listening", "reask_step"), {"given": given.group(1)})
    what_table = templates.table("listening").get("what", {})
    folded = fold(target.text)
    what = next((str(v) for k, v in what_table.items() if k in folded), "details")
    return fill(templates.text("listening", "reask"), {"what": what, "given": given.group(1)})


def _calm(target: Target, facts: Facts, templates: Templates) -> str | None:
    calm = templates.table("calm").get(fold(target.text).strip())
    if calm is None:
        return None
    return _capital(str(calm)) if target.text[:1].isupper() else str(calm)


def _shouting(target: Target, facts: Facts, templates: Templates) -> str:
    acronyms = facts.lexicon("patience").words("shouting")

    def calm(match: re.Match[str]) -> str:
        word = match.group()
        letters = "".join(c for c in word if c.isalpha())
        if len(letters) < 2 or not letters.isupper() or fold(letters) in acronyms:
            return word
        return word if fold(word) in ("i", "i'm", "i'll", "i've", "i'd") else word.lower()

    text = WORD.sub(calm, target.text)
    text = _PUNCTUATION_RUN.sub(lambda m: "." if "!!" in m.group() else m.group(), text)
    text = re.sub(r"\bi\b", "I", text)
    for phrase, replacement in templates.table("calm").items():
        text = re.sub(rf"(?i)\b{re.escape(phrase)}\b", str(replacement), text)
    return _capital(text)


def _next_step(target: Target, facts: Facts, templates: Templates) -> str:
    key = "report" if facts.report else "plain"
    return fill(templates.text("next_step", key), _values(facts, templates))


def _premature(target: Target, facts: Facts, templates: Templates) -> str:
    return fill(templates.text("closing", "premature"), _values(facts, templates))


_Builder = Callable[[Target, Facts, Templates], "str | None"]
_BUILDERS: dict[str, _Builder] = {
    "empathy.missing": _empathy,
    "empathy.canned": _canned,
    "apology.missing": _apology,
    "apology.liability": _liability,
    "clarity.negative_language": _negative,
    "clarity.jargon": _jargon,
    "private.invite_missing": _invite,
    "private.data_in_public": _data,
    "listening.unanswered_question": _unanswered,
    "listening.reask": _reask,
    "patience.impolite": _calm,
    "patience.blame": _calm,
    "patience.dismissive": _calm,
    "patience.defensive": _calm,
    "patience.sarcasm": _calm,
    "patience.shouting": _shouting,
    "problem_solving.no_next_step": _next_step,
    "closing.premature": _premature,
}
