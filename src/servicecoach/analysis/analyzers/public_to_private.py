"""Public to private: take a public complaint to a private channel, and keep personal data out.

Applies to public conversations (social posts) in which the customer complains, or in
which a reply asks for or reveals personal data; otherwise the skill is not applicable.

Signals, in the agent's and bot's replies (text quoted from the customer, in ``>`` lines
or double quotes, is not the agent's and is skipped):

- ``private.invite`` (+1): invites the customer to a private channel - a direct message,
  email, phone or chat ("DM us", "check your DMs", "email us at", "give us a call"), or
  writes the brand's own channel: an address such as ``support@brand.example`` (with
  support, help, care, service... in it), an address or number right after an
  invitation ("reach me at sam@brand.example"), or any phone number that is not the
  customer's. "DM" inside a link, a handle or a longer word ("admin") does not count,
  nor a negated invitation ("please don't DM us"; "don't hesitate to reach out" does
  count).
- ``private.data_in_public`` (-1): asks for personal data in the public reply ("What's
  your order number?", "please reply with your email address": an asking phrase right
  before a kind of personal data) or writes it there (any email address that is not a
  channel, the customer's phone number, a street address (found by
  :func:`servicecoach.privacy.addresses.find_addresses`: "12 Baker Street",
  "Hauptstraße 5", "PO Box 123") or postcode, an order or account number, a card
  number that passes the Luhn check, "card ending 1234"). Asking for the data *in* a
  private channel ("DM us your order number", in the same or a neighbouring sentence)
  or through a link (a form) is not data in public. In text redacted at import
  (:mod:`servicecoach.privacy`), ``[address]`` and ``[card]`` count as that data, and
  ``[email]`` as an address that is not a channel (the customer's when a customer
  message holds one too); ``[phone]`` counts for nothing, as it may have been the
  brand's number or the customer's.
- ``private.invite_missing`` (-1): no reply invites the customer to a private channel;
  marks the opening sentence of the first reply after the complaint.

Scoring: an invitation in the first reply after the customer's first complaint (or
before it) scores 100; in a later reply, 75; none, 25. Each ``private.data_in_public`` costs 40 (never below 0). When
there is no complaint but data appears in public, the first reply of the conversation
takes the complaint's place. A rubric's ``[analyzers.public_to_private]`` table may change
these numbers (:mod:`~servicecoach.analysis.analyzers.public_to_private_settings`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.common import span_evidence as _evidence
from servicecoach.analysis.analyzers.public_to_private_settings import PublicToPrivateSettings
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.masking import QUOTE_LINE as _LINE_QUOTE
from servicecoach.nlp.masking import QUOTED as _QUOTED
from servicecoach.nlp.phrases import PhraseMatch
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import WORD, at_sign_after, has_digit
from servicecoach.privacy.addresses import find_addresses
from servicecoach.privacy.cards import find_cards
from servicecoach.privacy.redact import PLACEHOLDERS

__all__ = ["PublicToPrivateAnalyzer"]

_INVITE = "private.invite"
_DATA = "private.data_in_public"
_MISSING = "private.invite_missing"

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/\S*", re.IGNORECASE
)
_HANDLE = re.compile(r"@(?<![\w.@]@)\w+")
"""An @handle not inside a word or an address. The ``@`` comes first and the lookbehind
after it, so that the regex engine looks for the ``@`` instead of trying the lookbehind at
every character (the same matches as a lookbehind before the ``@``)."""
_PHONE = re.compile(
    r"(?<![\w+#])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,6}(?:[\s.-]\d{2,6}){1,4}(?![\w-])"
    r"|(?<![\w+#])\+\d{8,15}(?!\w)"
)
_NUMBER = re.compile(
    r"\b(?:order|account|acct|booking|reservation|membership|customer)"
    r"(?:\s(?:number|no\.?|num|id|ref(?:erence)?))?(?:\sis)?(?:\s?[:#])?\s?#?"
    r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b"
    r"|\bcard\sending\s(?:in\s)?\d{4}\b",
    re.IGNORECASE,
)
_REDACTED = {  # placeholders written by redaction at import, and the kind of data each was
    PLACEHOLDERS["email"]: "email",
    PLACEHOLDERS["address"]: "street",
    PLACEHOLDERS["card"]: "number",
}
_NUMBER_WORDS = ("order", "account", "acct", "booking", "reservation", "membership", "customer")
"""The words :data:`_NUMBER` names a number by (and "card" before "ending")."""
_CAPITAL_DIGIT = re.compile(r"[A-Z]\d")
"""What :data:`_POSTCODE` needs."""
_SEPARATED_DIGITS = re.compile(r"\d[\s.-]\d\d")
"""What :data:`_PHONE` needs, unless it has a "+"."""
_DIGIT = re.compile(r"\d")
_CARD_DIGITS = 13
"""The fewest digits of a card number :func:`find_cards` takes (an @handle has about six)."""
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in _REDACTED))
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b")
_ROLE_ADDRESS = re.compile(
    r"support|help|care|service|contact|customer|hello|info|team|feedback|complaint",
    re.IGNORECASE,
)
_HANDLES = re.compile(r"(?:@\w+[\s,:]*)+")
_LOOKBACK = 80  # characters read before a phrase to see whether it is negated


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
        # an address needs an "@" and a phone number a digit: most messages have neither
        emails = {e.lower() for text in written if "@" in text for e in _EMAIL.findall(text)}
        if any(PLACEHOLDERS["email"] in text for text in written):
            emails.add(PLACEHOLDERS["email"])  # the customer wrote an address, redacted
        phones = {_digits(p) for text in written if has_digit(text) for p in _PHONE.findall(text)}
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


class _Known:
    """The customer's data, read from the conversation on the first question: most
    replies write no address or number to check (:meth:`_CustomerData.owns`)."""

    __slots__ = ("_conversation", "_data")

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._data: _CustomerData | None = None

    def owns(self, kind: str, value: str) -> bool:
        """:meth:`_CustomerData.owns` for the conversation's customer."""
        if self._data is None:
            self._data = _CustomerData.of(self._conversation)
        return self._data.owns(kind, value)


class PublicToPrivateAnalyzer(Analyzer):
    """Moves public complaints to a private channel and keeps personal data out of public."""

    name: ClassVar[str] = "public_to_private"
    version: ClassVar[int] = 2
    skill: ClassVar[str] = "public_to_private"
    requires: ClassVar[frozenset[Requirement]] = frozenset({Requirement.PUBLIC})
    Config: ClassVar[type[PublicToPrivateSettings]] = PublicToPrivateSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        if not conversation.public:
            return SkillFinding.not_applicable()
        settings = cast(PublicToPrivateSettings, self.settings(context))
        lexicon = context.lexicon("public_to_private")
        negators = lexicon.words("negation")
        settled = negators | lexicon.words("settled")
        known = _Known(conversation)
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
            score = settings.tiers["first_reply"]  # in the first reply after it, or before
        elif invited:
            score = settings.tiers["later_reply"]
        else:
            score = settings.tiers["missing"]
            found.append(
                _missing(conversation.messages[after[0]], lexicon.text("suggestions", "missing"))
            )
        order = {m.id: i for i, m in reversed(list(enumerate(conversation.messages)))}
        found.sort(key=lambda e: (order[e.message], e.start, e.end))
        return SkillFinding(max(0, score + settings.points["data_in_public"] * data), tuple(found))


def _complains(lexicon: Lexicon, text: str, negators: frozenset[str]) -> bool:
    """True when a customer message complains (lines quoted with ``>`` aside)."""
    if ">" in text:  # what a quoted line needs
        text = _LINE_QUOTE.sub(lambda m: " " * len(m.group()), text)
    found = lexicon.matcher.find(text)
    encouraged = _encouraged(found)
    return any(
        m.label == "complaint" and not _negated(text, m, negators, encouraged) for m in found
    )


def _encouraged(found: list[PhraseMatch]) -> frozenset[int]:
    """Where ``encourage`` phrases ("don't hesitate to") end."""
    return frozenset(m.end for m in found if m.label == "encourage")


def _negated(
    text: str, match: PhraseMatch, negators: frozenset[str], encouraged: frozenset[int]
) -> bool:
    """True when words just before ``match`` negate it ("please don't DM us", "no problem").

    A phrase that carries its own negation ("doesn't work") is not negated, nor one right
    after an ``encourage`` phrase ("don't hesitate to reach out").
    """
    if any(w in negators or w.endswith("n't") for w in WORD.findall(match.phrase.lower())):
        return False
    before = text[max(0, match.start - _LOOKBACK) : match.start]
    if match.start - (len(before) - len(before.rstrip())) in encouraged:
        return False
    return is_negated(before, len(before), negators, window=3)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


class _Covered:
    """The characters of a text that some spans cover: overlap checks in linear time."""

    def __init__(self, size: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._chars = bytearray(size)
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        self._chars[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._chars.find(1, start, end) != -1


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _scan_reply(
    lexicon: Lexicon,
    message: Message,
    negators: frozenset[str],
    known: _Known,
) -> tuple[list[Evidence], list[Evidence]]:
    """The invitations and the personal data in one reply."""
    text = message.text
    at = "@" in text  # what an address and a handle need
    quoting = ">" in text or '"' in text or "“" in text  # what _QUOTED needs
    quotes = _spans(_QUOTED, text) if quoting else []
    quoted = _Covered(len(text), quotes)
    addressed = at and at_sign_after(text, _EMAIL_LOCAL.__contains__)
    emails = [s for s in _spans(_EMAIL, text) if not quoted.overlaps(*s)] if addressed else []
    redacted = [
        (m.start(), m.end(), _REDACTED[m.group()])
        for m in _PLACEHOLDER.finditer(text)
        if not quoted.overlaps(m.start(), m.end())
    ]
    emails += [(start, end) for start, end, kind in redacted if kind == "email"]
    # a link needs a "/" (a scheme, a path) or "www."
    linked = "/" in text or "www." in text.lower()
    link_spans = _spans(_LINK, text) if linked else []
    links = _Covered(len(text), link_spans)
    skip = _Covered(len(text), quotes + link_spans + emails)
    for handle in _spans(_HANDLE, text) if at else ():
        skip.add(*handle)
    matches = [m for m in lexicon.matcher.find(text) if not skip.overlaps(m.start, m.end)]
    encouraged = _encouraged(matches)
    invites = [
        m for m in matches if m.label == "invite" and not _negated(text, m, negators, encouraged)
    ]
    invite_spans = _Covered(len(text), [(m.start, m.end) for m in invites])
    found_invites = [_evidence(message, m.start, m.end, _INVITE, 1) for m in invites]
    leaks: list[Evidence] = []
    parts = sentences(text)
    starts = [sentence.start for sentence in parts]

    def sentence_of(position: int) -> int:
        number = bisect_right(starts, position) - 1
        return number if number >= 0 and position < parts[number].end else -1

    by_sentence: dict[int, list[PhraseMatch]] = {}
    for match in matches:
        by_sentence.setdefault(sentence_of(match.start), []).append(match)
    invite_sentences = {sentence_of(m.start) for m in invites}
    own_sentences = {sentence_of(m.start) for m in matches if m.label == "own"} | invite_sentences

    # Asking for personal data in public, unless a private channel is named next to it or
    # the sentence points to a link (a form) to send it through.
    for number, sentence in enumerate(parts):
        if invite_sentences & {number - 1, number, number + 1}:
            continue
        if links.overlaps(sentence.start, sentence.end):
            continue
        inside = [m for m in by_sentence.get(number, []) if m.end <= sentence.end]
        ask = _asks_for_data(lexicon, text, inside, invite_spans, negators, encouraged)
        if ask is not None:
            leaks.append(_evidence(message, *ask, _DATA, -1, lexicon.text("suggestions", "ask")))

    # Contact or personal data written in the reply.
    placeholders = [_Item(start, end, kind) for start, end, kind in redacted if kind != "email"]
    for item in _items(text, emails, skip, placeholders):
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
        leaks.append(
            _evidence(
                message, item.start, item.end, _DATA, -1, lexicon.text("suggestions", "reveal")
            )
        )
    found_invites.sort(key=lambda e: e.start)
    leaks.sort(key=lambda e: e.start)
    return found_invites, leaks


def _asks_for_data(
    lexicon: Lexicon,
    text: str,
    inside: list[PhraseMatch],
    invite_spans: _Covered,
    negators: frozenset[str],
    encouraged: frozenset[int],
) -> tuple[int, int] | None:
    """The span of a request for personal data among one sentence's matches, if any."""
    fillers = lexicon.words("filler")
    for index, noun in enumerate(inside):
        if noun.label != "data" or invite_spans.overlaps(noun.start, noun.end):
            continue
        for back in range(index - 1, -1, -1):  # the nearest cue first; matches are in order
            cue = inside[back]
            if cue.start < noun.start - _LOOKBACK:
                break
            if cue.label != "ask" or cue.end > noun.start:
                continue
            gap = WORD.findall(text[cue.end : noun.start].lower())
            if len(gap) > 4 or any(word not in fillers for word in gap):
                continue
            if re.search(r"[.;:!?]", text[cue.end : noun.start]):
                continue
            if _negated(text, cue, negators, encouraged):
                continue
            return cue.start, noun.end
    return None


def _items(
    text: str, emails: list[tuple[int, int]], taken: _Covered, placeholders: list[_Item]
) -> list[_Item]:
    """Emails, phone numbers, order/account/card numbers and street addresses in ``text``.

    ``taken`` covers what is not to be read (quotes, links, the emails); it grows with
    every item found. ``placeholders`` are the redacted ``[address]`` and ``[card]``.
    """
    items = [_Item(start, end, "email") for start, end in emails]
    items += placeholders
    # Each pattern runs only where what it needs is: a digit for every kind (an @handle
    # has them, so a reply on social media nearly always does), then the words an order
    # number is named by, a capital letter before a digit, digits a separator apart.
    numbered = has_digit(text)
    named = numbered and _may_name_number(text)
    coded = numbered and _CAPITAL_DIGIT.search(text) is not None
    dialled = numbered and ("+" in text or _SEPARATED_DIGITS.search(text) is not None)
    for kind, spans in (
        ("number", _spans(_NUMBER, text) if named else []),
        ("number", find_cards(text) if numbered and _may_hold_card(text) else []),
        ("street", find_addresses(text) if numbered else []),
        ("street", _spans(_POSTCODE, text) if coded else []),
        (
            "phone",
            [s for s in _spans(_PHONE, text) if _is_phone(text[s[0] : s[1]])] if dialled else [],
        ),
    ):
        for start, end in spans:
            if taken.overlaps(start, end):
                continue
            items.append(_Item(start, end, kind))
            taken.add(start, end)
    items.sort(key=lambda i: i.start)
    return items


def _may_hold_card(text: str) -> bool:
    """Whether ``text`` has the digits of a card number: its pattern tries a lookbehind at
    every character, and a reply on social media nearly always has an @handle's digits."""
    return len(_DIGIT.findall(text)) >= _CARD_DIGITS


_EMAIL_LOCAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
"""The characters :data:`_EMAIL` takes before the ``@``."""


def _may_name_number(text: str) -> bool:
    """Whether ``text`` may hold what :data:`_NUMBER` finds: for ASCII text, one of its
    words in any case (its other text is tried by the pattern itself, whose case-blind
    matching takes some letters of other alphabets for ASCII ones)."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return "card" in lowered or any(word in lowered for word in _NUMBER_WORDS)


def _is_phone(value: str) -> bool:
    """Nine to fifteen digits, written with a separator or an international prefix."""
    digits = _digits(value)
    return 9 <= len(digits) <= 15 and (value.startswith("+") or len(digits) < len(value))


def _missing(reply: Message, suggestion: str) -> Evidence:
    quoted = _Covered(len(reply.text), _spans(_QUOTED, reply.text))
    opening = [s for s in sentences(reply.text) if not quoted.overlaps(s.start, s.end)][:1]
    start, end = (opening[0].start, opening[0].end) if opening else (0, 0)
    handles = _HANDLES.match(reply.text, start, end)
    if handles and handles.end() < end:
        start = handles.end()  # "@dana Sorry!" quotes "Sorry!"
    return _evidence(reply, start, end, _MISSING, -1, suggestion)
