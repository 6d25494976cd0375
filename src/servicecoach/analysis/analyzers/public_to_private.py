"""Public to private: take a public complaint to a private channel, and keep personal data out.

Applies to public conversations (social posts) in which the customer complains, or in
which a reply asks for or reveals personal data; otherwise the skill is not applicable.

Signals, in the agent's and bot's replies (text quoted from the customer, in ``>`` lines
or double quotes, is not the agent's and is skipped):

- ``private.invite`` (+1): invites the customer to a private channel - a direct message,
  email, phone or chat ("DM us", "check your DMs", "email us at", "give us a call"), or
  writes the brand's own channel address (``support@brand.example``, a free-phone
  number). "DM" inside a link, a handle or a longer word ("admin") does not count, nor a
  negated invitation ("please don't DM us").
- ``private.data_in_public`` (-1): asks for personal data in the public reply ("What's
  your order number?", "please reply with your email address") or writes it there (the
  customer's email address or phone number, a street address, an order or account
  number). Asking for the data *in* a private channel ("DM us your order number") is an
  invitation, not data in public.
- ``private.invite_missing`` (-1): no reply invites the customer to a private channel;
  marks the opening sentence of the first reply after the complaint.

Scoring: an invitation in the first reply after the complaint scores 100; in a later
reply, 75; none, 25. Each ``private.data_in_public`` costs 40 (never below 0). When
there is no complaint but data appears in public, the first reply of the conversation
takes the complaint's place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.phrases import PhraseMatch
from servicecoach.nlp.sentences import Sentence, sentences

__all__ = ["PublicToPrivateAnalyzer"]

_INVITE = "private.invite"
_DATA = "private.data_in_public"
_MISSING = "private.invite_missing"
_ASK_SUGGESTION = (
    'Ask for it privately instead, e.g. "Please send us a DM with your order number '
    "and we'll look into it right away.\""
)
_REVEAL_SUGGESTION = (
    "Keep personal details out of public replies; move the conversation to DM, e.g. "
    '"I\'ve sent you a DM so we can sort this out privately."'
)
_MISSING_SUGGESTION = (
    "Invite them to a private channel, e.g. \"I'm sorry about this - please send us a DM "
    'so we can look into it with you."'
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@])@\w+")
_PHONE = re.compile(
    r"(?<![\w+#])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,6}(?:[\s.-]?\d{2,6}){1,4}(?![\w-])"
)
_NUMBER = re.compile(
    r"\b(?:order|account|acct|booking|reservation|membership|customer)"
    r"(?:\s*(?:number|no\.?|num|id|ref(?:erence)?))?\s*(?:is\s+|:\s*)?#?\s*"
    r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b"
    r"|\bcard\s+ending\s+(?:in\s+)?\d{4}\b",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\.?\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place"
    r"|Crescent|Terrace|Highway|Hwy|Parkway|Square|Sq|Close|Grove|Gardens)\b\.?"
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b")
_ROLE_ADDRESS = re.compile(
    r"support|help|care|service|contact|customer|hello|info|team|feedback|complaint",
    re.IGNORECASE,
)
_HANDLES = re.compile(r"(?:@\w+[\s,:]*)+")
_QUOTED = re.compile(r'^[ \t]*>.*$|"[^"\n]*"|“[^”\n]*”', re.MULTILINE)
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Item:
    """A piece of contact or personal data written in a reply."""

    start: int
    end: int
    kind: str  # "email", "phone", "street", "number"


@dataclass(frozen=True, slots=True)
class _CustomerData:
    """What the customer wrote or the source knows about them, to recognise it in a reply."""

    text: str
    emails: frozenset[str]
    phones: frozenset[str]

    @classmethod
    def of(cls, conversation: Conversation) -> _CustomerData:
        written = [m.text for m in conversation.messages if m.role is Role.CUSTOMER]
        customer = conversation.customer
        emails = {e.lower() for text in written for e in _EMAIL.findall(text)}
        phones = {_digits(p) for text in written for p in _PHONE.findall(text)}
        if customer.email:
            emails.add(customer.email.lower())
        if customer.phone:
            phones.add(_digits(customer.phone))
        return cls("\n".join(written).lower(), frozenset(emails), frozenset(phones))

    def owns(self, kind: str, value: str) -> bool:
        """True when ``value`` (an email, phone or address in a reply) is the customer's."""
        if kind == "email":
            return value.lower() in self.emails
        if kind == "phone":
            digits = _digits(value)
            return any(digits[-9:] == p[-9:] for p in self.phones if len(p) >= 9)
        return value.lower() in self.text


class PublicToPrivateAnalyzer(Analyzer):
    """Moves public complaints to a private channel and keeps personal data out of public."""

    name: ClassVar[str] = "public_to_private"
    version: ClassVar[int] = 1
    skill: ClassVar[str] = "public_to_private"
    requires: ClassVar[frozenset[Requirement]] = frozenset({Requirement.PUBLIC})

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        if not conversation.public:
            return SkillFinding.not_applicable()
        lexicon = load_lexicon("public_to_private")
        negators = lexicon.words("negation")
        settled = negators | lexicon.words("settled")
        known = _CustomerData.of(conversation)
        complaint_at: int | None = None
        found: list[Evidence] = []
        invite_replies: list[int] = []
        reply_indices: list[int] = []
        data = 0
        for index, message in enumerate(conversation.messages):
            if message.role is Role.CUSTOMER:
                if complaint_at is None and _complains(lexicon, message.text, settled):
                    complaint_at = index
                continue
            if not message.is_reply:
                continue
            reply_indices.append(index)
            invites, leaks = _scan_reply(lexicon, message, negators, known)
            found.extend(invites)
            found.extend(leaks)
            data += len(leaks)
            if invites:
                invite_replies.append(index)
        if complaint_at is None and not data:
            return SkillFinding.not_applicable(tuple(found))
        after = [i for i in reply_indices if complaint_at is None or i > complaint_at]
        if not after:
            if not data:
                return SkillFinding.not_applicable(tuple(found))
            after = reply_indices
        invited = [i for i in invite_replies if i >= after[0]]
        if invite_replies and invite_replies[0] <= after[0]:
            score = 100  # invited in the first reply after the complaint, or even before it
        elif invited:
            score = 75
        else:
            score = 25
            found.append(_missing(conversation.messages[after[0]]))
        found.sort(key=lambda e: (_order(conversation, e.message), e.start, e.end))
        return SkillFinding(max(0, score - 40 * data), tuple(found))


def _order(conversation: Conversation, message_id: str) -> int:
    for index, message in enumerate(conversation.messages):
        if message.id == message_id:
            return index
    return len(conversation.messages)


def _complains(lexicon: Lexicon, text: str, negators: frozenset[str]) -> bool:
    found = lexicon.matcher.find(text)
    return any(m.label == "complaint" and not _negated(text, m, negators, found) for m in found)


def _negated(
    text: str, match: PhraseMatch, negators: frozenset[str], found: list[PhraseMatch]
) -> bool:
    """True when words just before ``match`` negate it ("please don't DM us", "no problem")."""
    if any(w in negators or w.endswith("n't") for w in _WORD.findall(match.phrase.lower())):
        return False  # the phrase carries its own negation ("doesn't work")
    if any(
        m.label == "encourage" and m.end <= match.start and not text[m.end : match.start].strip()
        for m in found
    ):
        return False  # "don't hesitate to reach out"
    return is_negated(text, match.start, negators, window=3)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _scan_reply(
    lexicon: Lexicon,
    message: Message,
    negators: frozenset[str],
    known: _CustomerData,
) -> tuple[list[Evidence], list[Evidence]]:
    """The invitations and the personal data in one reply."""
    text = message.text
    quoted = _spans(_QUOTED, text)
    emails = [s for s in _spans(_EMAIL, text) if not _inside(*s, quoted)]
    links = _spans(_LINK, text)
    skip = quoted + links + emails + _spans(_HANDLE, text)
    matches = [m for m in lexicon.matcher.find(text) if not _inside(m.start, m.end, skip)]
    invites = [
        m for m in matches if m.label == "invite" and not _negated(text, m, negators, matches)
    ]
    invite_spans = [(m.start, m.end) for m in invites]
    found_invites = [_evidence(message, m.start, m.end, _INVITE, 1) for m in invites]
    leaks: list[Evidence] = []
    parts = sentences(text)

    def sentence_of(position: int) -> int:
        for number, sentence in enumerate(parts):
            if sentence.start <= position < sentence.end:
                return number
        return -1

    invite_sentences = {sentence_of(m.start) for m in invites}
    own_sentences = {sentence_of(m.start) for m in matches if m.label == "own"} | invite_sentences

    # Asking for personal data in public, unless a private channel is named next to it or
    # the sentence points to a link (a form) to send it through.
    for number, sentence in enumerate(parts):
        if invite_sentences & {number - 1, number, number + 1}:
            continue
        if _inside(sentence.start, sentence.end, links):
            continue
        ask = _asks_for_data(lexicon, text, sentence, matches, invite_spans, negators)
        if ask is not None:
            leaks.append(_evidence(message, *ask, _DATA, -1, _ASK_SUGGESTION))

    # Contact or personal data written in the reply.
    for item in _items(text, emails, skip):
        value = text[item.start : item.end]
        customers = item.kind == "number" or known.owns(item.kind, value)
        number = sentence_of(item.start)
        if not customers:
            # A phone number that is not the customer's is a line to call: the brand's.
            channel = (
                item.kind == "phone"
                or (item.kind == "email" and _ROLE_ADDRESS.search(value) is not None)
                or number in invite_sentences
            )
            if channel:
                if number not in invite_sentences:
                    found_invites.append(_evidence(message, item.start, item.end, _INVITE, 1))
                continue
            if number in own_sentences:
                continue
        leaks.append(_evidence(message, item.start, item.end, _DATA, -1, _REVEAL_SUGGESTION))
    found_invites.sort(key=lambda e: e.start)
    leaks.sort(key=lambda e: e.start)
    return found_invites, leaks


def _asks_for_data(
    lexicon: Lexicon,
    text: str,
    sentence: Sentence,
    matches: list[PhraseMatch],
    invite_spans: list[tuple[int, int]],
    negators: frozenset[str],
) -> tuple[int, int] | None:
    """The span of a request for personal data in ``sentence``, if it has one."""
    inside = [m for m in matches if sentence.start <= m.start and m.end <= sentence.end]
    fillers = lexicon.words("filler")
    for noun in inside:
        if noun.label != "data" or _inside(noun.start, noun.end, invite_spans):
            continue
        for cue in inside:
            if cue.label != "ask" or cue.end > noun.start:
                continue
            gap = _WORD.findall(text[cue.end : noun.start].lower())
            if len(gap) > 4 or any(word not in fillers for word in gap):
                continue
            if re.search(r"[.;:!?]", text[cue.end : noun.start]):
                continue
            if _negated(text, cue, negators, matches):
                continue
            return cue.start, noun.end
    return None


def _items(text: str, emails: list[tuple[int, int]], skip: list[tuple[int, int]]) -> list[_Item]:
    """Emails, phone numbers, order/account numbers and street addresses in ``text``."""
    items = [_Item(start, end, "email") for start, end in emails]
    taken = list(emails) + skip
    for kind, pattern in (
        ("number", _NUMBER),
        ("street", _STREET),
        ("street", _POSTCODE),
        ("phone", _PHONE),
    ):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if _inside(start, end, taken):
                continue
            if kind == "phone" and not _is_phone(match.group()):
                continue
            items.append(_Item(start, end, kind))
            taken.append((start, end))
    items.sort(key=lambda i: i.start)
    return items


def _is_phone(value: str) -> bool:
    """Nine to fifteen digits, written with a separator or an international prefix."""
    digits = _digits(value)
    return 9 <= len(digits) <= 15 and (value.startswith("+") or len(digits) < len(value))


def _missing(reply: Message) -> Evidence:
    quoted = _spans(_QUOTED, reply.text)
    opening = [s for s in sentences(reply.text) if not _inside(s.start, s.end, quoted)][:1]
    start, end = (opening[0].start, opening[0].end) if opening else (0, 0)
    handles = _HANDLES.match(reply.text, start, end)
    if handles and handles.end() < end:
        start = handles.end()  # "@dana Sorry!" quotes "Sorry!"
    return _evidence(reply, start, end, _MISSING, -1, _MISSING_SUGGESTION)


def _evidence(
    message: Message,
    start: int,
    end: int,
    signal: str,
    polarity: int,
    suggestion: str | None = None,
) -> Evidence:
    return Evidence(message.id, start, end, signal, polarity, message.text[start:end], suggestion)
