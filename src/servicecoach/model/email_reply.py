"""The newest reply of an email body: quoted history and the signature removed.

Used for every text that arrived by email (the email importer, Zendesk and Chatwoot
email comments) through :func:`servicecoach.model.text.trim_email_reply`.

What is removed, in this order:

1. **Quoted history**, in any of the languages ``mail-parser-reply`` knows (its
   vocabulary is read from the library) plus Russian and Portuguese:

   - ``>`` quoted lines wherever they are (top, bottom and inline posting), with the
     attribution line that introduces them ("On ... wrote:", "Am ... schrieb ...:",
     "Le ... a écrit :", "El ... escribió:", Android's "... написал:"; an attribution
     may be wrapped over up to three lines);
   - from the first unquoted history marker to the end: an attribution with a date or
     an address that no ``>`` block follows (HTML mails), an "Original Message" or
     "Forwarded message" separator, an Outlook header block ("From: / Sent: / To:" in
     any of those languages) and a helpdesk "reply above this line" marker.

2. **The signature** at the end: from an ``--`` line, a device line ("Sent from my
   iPhone", "Get Outlook for iOS", "Von meinem iPhone gesendet"...), or a sign-off line
   ("Thanks,", "Best regards", "Mit freundlichen Grüßen"...) followed by no more than a
   few short lines (name, title, phone). A hyphen list (``- item``) is never a
   signature, and a sign-off is kept when little else would remain ("Hi,\\n\\nThanks,
   \\nDana" stays whole).

Nothing is removed when it would leave no text (a message that is only a quote).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from servicecoach.model.text import normalize_text

__all__ = ["trim_email_reply"]

_WROTE_VERBS = (
    r"wrote|writes|schrieb|a\s+écrit|escribió|escreveu|ha\s+scritto|schreef|skrev|"
    r"napsal(?:\(a\))?|napisał(?:\(a\))?|napisała|nadesłał|написал(?:\(а\)|а)?|пишет|"
    r"kirjoitti|írta|yazdı|έγραψε"
)
_WROTE_END = re.compile(
    rf"(?:\b(?:{_WROTE_VERBS})(?:\s.{{0,120}})?|写道|님이\s*작성하였습니다)\s*[:：]$", re.I
)
"""A line that ends an attribution; the name may follow the verb ("schrieb Dana <...>:")."""
_JAPANESE_ATTRIBUTION = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日.*<[^<>]+>\s*[:：]$")
_LEAD = re.compile(r"^(?:-+\s*)?(?:(?:on|am|le|el|il|op|em|dne|dnia|den|på|в|w|στις)\b|\d)", re.I)
_ADDRESS_OR_DIGIT = re.compile(r"\d|@")
_QUOTED = re.compile(r"^>")
_SEPARATOR = re.compile(
    r"^[-=_*\s]*(?:original\s+message|forwarded\s+message|ursprüngliche\s+nachricht|"
    r"weitergeleitete\s+nachricht|message\s+d'origine|message\s+transféré|"
    r"mensaje\s+original|mensaje\s+reenviado|messaggio\s+originale|messaggio\s+inoltrato|"
    r"oorspronkelijk\s+bericht|doorgestuurd\s+bericht|mensagem\s+original|"
    r"mensagem\s+encaminhada|исходное\s+сообщение|пересылаемое\s+сообщение|"
    r"původní\s+zpráva|oryginalna\s+wiadomość|ursprungligt\s+meddelande|"
    r"oprindelig\s+meddelelse|alkuperäinen\s+viesti)[-=_*\s]*$",
    re.I,
)
_FORWARD_INTRO = re.compile(
    r"^(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht|"
    r"début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado)\s*:$",
    re.I,
)
_UNDERSCORES = re.compile(r"^_{10,}$")
_REPLY_ABOVE = re.compile(
    r"(?:reply|respond|write|type).{0,40}above\s+this\s+line|über\s+dieser\s+zeile|"
    r"au-dessus\s+de\s+cette\s+ligne|encima\s+de\s+esta\s+línea|boven\s+deze\s+(?:regel|lijn)|"
    r"sopra\s+questa\s+riga|acima\s+desta\s+linha",
    re.I,
)
_SIGNATURE_RULE = re.compile(r"^(?:--|__|—)$")
_RULE = re.compile(r"^(?:[-_=*~#.—]+|\s*)$")
_EXTRA_HEADER_WORDS = (
    # Header words the library lacks, in its order: from, sent, to, subject, others.
    # Portuguese, Russian, French without the space before the colon, Finnish.
    ("De", "Enviada|Enviado", "Para", "Assunto", "Data|Cc"),
    ("От", "Отправлено", "Кому", "Тема", "Дата|Копия"),
    ("De", "Envoyé", "À|A", "Objet", "Date|Cc"),
    ("Lähettäjä", "Lähetetty", "Vastaanottaja", "Aihe", "Päivämäärä"),
)
_EXTRA_SENT_FROM = (
    r"Sent (?:from|with|via) |Get Outlook for |Von meinem .{1,40} gesendet|"
    r"Envoyé (?:de|depuis) mon |Enviado (?:desde|do|de) m(?:i|eu) |Inviato dal mio |"
    r"Отправлено с |Verstuurd vanaf mijn "
)
_EXTRA_SIGN_OFFS = (
    "thanks",
    "thank you",
    "many thanks",
    "thanks again",
    "thanks in advance",
    "thanks so much",
    "thank you so much",
    "cheers",
    "regards",
    "best",
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "with regards",
    "with best regards",
    "with kind regards",
    "best wishes",
    "all the best",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "yours",
    "respectfully",
    "talk soon",
    "viele grüße",
    "liebe grüße",
    "beste grüße",
    "freundliche grüße",
    "bien à vous",
    "bien cordialement",
    "merci",
    "saludos",
    "un saludo",
    "atenciosamente",
    "abraços",
    "obrigado",
    "obrigada",
    "с уважением",
    "спасибо",
    "всего доброго",
)
_SIGN_OFF_TAIL = 6
"""At most this many short lines (name, title, company, phone) follow a sign-off."""
_SIGNATURE_TAIL = 12
"""At most this many lines follow an ``--`` line."""
_SHORT_LINE = 60
_MIN_WORDS_LEFT = 4


class _Vocabulary(NamedTuple):
    """The patterns of every language, read once from ``mail-parser-reply``."""

    wrote: re.Pattern[str]
    """The library's attribution lines ("On ... wrote:", "Am ... schrieb ...:")."""
    header: re.Pattern[str]
    """One line of an Outlook header block ("From:", "Gesendet:", "Objet :")."""
    from_line: re.Pattern[str]
    """The first line of such a block ("From: ...", "Von: ...", "De : ...")."""
    sent_or_subject: re.Pattern[str]
    """A "Sent:" or "Subject:" line, which a block of mail headers has ("Betreff:")."""
    sent_from: re.Pattern[str]
    """A device line ("Sent from my iPhone")."""
    sign_off: re.Pattern[str]
    """A whole-line sign-off ("Best regards,")."""


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    from mailparser_reply.constants import MAIL_LANGUAGES

    wrote: list[str] = []
    from_words: list[str] = []
    header_words: list[str] = []
    sent_or_subject: list[str] = []
    sent_from: list[str] = [_EXTRA_SENT_FROM]
    sign_offs: list[str] = [re.escape(phrase) for phrase in _EXTRA_SIGN_OFFS]
    for table in MAIL_LANGUAGES.values():
        pattern = table.get("wrote_header")
        if isinstance(pattern, str) and pattern:
            wrote.append(f"(?:{pattern})")
        words = re.search(r"\[\* \]\*\(\?:(.+?)\):\[ \*\]\*", str(table.get("from_header", "")))
        if words:
            # the library lists them in this order: from, sent, to, subject, others
            listed = [w.strip() for w in words.group(1).split("|") if w.strip()]
            from_words.append(listed[0])
            sent_or_subject.extend(listed[1:4:2])
            header_words.extend(listed)
        if table.get("sent_from"):
            sent_from.append(str(table["sent_from"]))
        found = table.get("signatures") or []
        for phrase in found if isinstance(found, list) else [found]:
            sign_offs.append(re.sub(r"(?:,|，|\\?\.)$", "", phrase))
    for first, sent, to, subject, others in _EXTRA_HEADER_WORDS:
        from_words.append(first)
        sent_or_subject.extend([sent, subject])
        header_words.extend([first, sent, to, subject, others])
    return _Vocabulary(
        wrote=re.compile("|".join(wrote), re.I),
        header=re.compile(rf"^\*?(?:{'|'.join(header_words)})\*?\s*:", re.I),
        from_line=re.compile(rf"^\*?(?:{'|'.join(from_words)})\*?\s*:\s*\S", re.I),
        sent_or_subject=re.compile(rf"^\*?(?:{'|'.join(sent_or_subject)})\*?\s*:", re.I),
        sent_from=re.compile(rf"^(?:{'|'.join(sent_from)})", re.I),
        sign_off=re.compile(rf"^(?:{'|'.join(sign_offs)})\s*[,，.!。]*$", re.I),
    )


def trim_email_reply(body: str) -> str:
    """Keep only the newest reply of an email body: quoted history and signature go.

    See the module documentation for what counts as history and as a signature. When
    trimming would leave nothing (a message that is only a quote), the whole body is
    kept.
    """
    text = normalize_text(body)
    lines = text.split("\n")
    kept = _without_history(lines)
    if not any(line.strip() for line in kept):
        return text
    signed = _without_signature(kept)
    while signed and _RULE.match(signed[-1]):  # a line that framed what was cut
        signed.pop()
    return normalize_text("\n".join(signed)) or text


def _without_history(lines: list[str]) -> list[str]:
    """``lines`` without quoted blocks, their attributions and any unquoted history."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _QUOTED.match(line):
            index = _after_quote(lines, index)
            continue
        end = _attribution_end(lines, index)
        if end is not None:
            following = _next_text(lines, end + 1)
            if following is not None and _QUOTED.match(lines[following]):
                index = following  # the quote it introduces is dropped next
                continue
            if _strong_attribution(" ".join(lines[index : end + 1])):
                break
        if _history_starts(lines, index):
            break
        kept.append(line)
        index += 1
    return kept


def _after_quote(lines: list[str], index: int) -> int:
    """The index of the first line after the quoted block starting at ``index``."""
    while index < len(lines):
        if _QUOTED.match(lines[index]):
            index += 1
            continue
        following = _next_text(lines, index)
        if following is not None and _QUOTED.match(lines[following]):
            index = following
            continue
        break
    return index


def _next_text(lines: list[str], index: int) -> int | None:
    """The index of the first non-blank line from ``index``, or ``None``."""
    for position in range(index, len(lines)):
        if lines[position].strip():
            return position
    return None


def _attribution_end(lines: list[str], index: int) -> int | None:
    """The last line of an attribution starting at ``index`` ("On ... wrote:"), or ``None``.

    An attribution may be wrapped over three lines. When one starting on the next line
    ends at the same place, this line is text of its own ("2 things.\\nOn ... wrote:").
    """
    for end in range(index, min(index + 3, len(lines))):
        if not lines[end].strip():
            return None
        if not _ends_like_attribution(lines[end]):
            continue
        window = " ".join(lines[index : end + 1])
        if end == index:
            return end
        if not _strong_attribution(window):
            return None
        if _strong_attribution(" ".join(lines[index + 1 : end + 1])) and _LEAD.match(
            lines[index + 1]
        ):
            return None
        return end
    return None


def _ends_like_attribution(line: str) -> bool:
    return bool(_WROTE_END.search(line) or _JAPANESE_ATTRIBUTION.search(line))


def _strong_attribution(window: str) -> bool:
    """True for an attribution that marks history even without a ``>`` quote after it.

    It starts like one ("On", "Am", "Le", a date...) or matches one of the library's
    patterns, ends with a "wrote" verb, and names a date or an address.
    """
    if len(window) > 300 or not _ADDRESS_OR_DIGIT.search(window):
        return False
    if not _ends_like_attribution(window):
        return False
    return bool(
        _LEAD.match(window)
        or _vocabulary().wrote.search(window)
        or _JAPANESE_ATTRIBUTION.search(window)
    )


def _history_starts(lines: list[str], index: int) -> bool:
    """True when unquoted history (a separator, header block or marker) starts here."""
    line = lines[index]
    if _SEPARATOR.match(line) and re.search(r"[A-Za-zÀ-ÿА-я]", line):
        return True
    if _FORWARD_INTRO.match(line):
        return True
    if _UNDERSCORES.match(line):
        following = _next_text(lines, index + 1)
        return following is not None and _header_block(lines, following)
    if len(line) <= 120 and _REPLY_ABOVE.search(line):
        return True
    return _header_block(lines, index)


def _header_block(lines: list[str], index: int) -> bool:
    """True when an Outlook-style header block starts at ``index``.

    It is a "From:" line (in any known language) and at least one more header line, and
    it has a "Sent:" or "Subject:" line or an address: "From: Berlin / To: Paris" in a
    customer's text is not one.
    """
    vocabulary = _vocabulary()
    if not vocabulary.from_line.match(lines[index]):
        return False
    block: list[str] = []
    for line in lines[index : index + 6]:
        if not vocabulary.header.match(line):
            break
        block.append(line)
    if len(block) < 2:
        return False
    return any(vocabulary.sent_or_subject.match(line) or "@" in line for line in block)


def _without_signature(lines: list[str]) -> list[str]:
    """``lines`` without the signature at their end (the first signature start that fits).

    Only the last lines can start a signature, so the scan is linear however long the
    text is.
    """
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    filled = [index for index, line in enumerate(lines) if line.strip()]
    vocabulary = _vocabulary()
    for position in range(max(0, len(filled) - _SIGNATURE_TAIL - 1), len(filled)):
        index = filled[position]
        if index == 0:
            continue
        line = lines[index]
        tail = [lines[i] for i in filled[position + 1 :]]
        if _SIGNATURE_RULE.match(line):
            return lines[:index]
        if vocabulary.sent_from.match(line) and len(line) <= 100 and len(tail) <= 4:
            return lines[:index]
        if vocabulary.sign_off.match(line) and _signs_off(line, tail, lines[:index]):
            return lines[:index]
    return lines


def _signs_off(line: str, tail: list[str], before: list[str]) -> bool:
    """True when a sign-off line and ``tail`` (the lines after it) are a sign-off block."""
    if len(tail) > _SIGN_OFF_TAIL:
        return False
    if any(len(rest) > _SHORT_LINE or rest.endswith("?") for rest in tail):
        return False
    if not tail and not line.rstrip().endswith((",", "，")) and not _VALEDICTION.match(line):
        return False  # "Thanks!" closing a message is meant as thanks
    words = 0
    for rest in reversed(before):
        words += len(rest.split())
        if words >= _MIN_WORDS_LEFT:
            return True
    return False


_VALEDICTION = re.compile(
    r"^(?:(?:best|kind|warm|warmest|with)\s+)?regards\b|^cheers\b|^sincerely\b|"
    r"^yours\b|^best\b|^mit freundlichen|^cordialement|^saludos|^с уважением",
    re.I,
)
