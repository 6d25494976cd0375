"""Text normalisation, done once at import: every later character offset refers to its output."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

__all__ = [
    "html_to_text",
    "looks_like_html",
    "normalize_text",
    "trim_email_reply",
    "unescape_entities",
]

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<\s*(?:html|body|div|p|br|span|table|a|b|i|strong|em|ul|ol|li)\b", re.I)


def normalize_text(text: str) -> str:
    """Tidy whitespace and Unicode so that the text is stable and comparable.

    NFC-normalises, turns ``\\r\\n`` and bare ``\\r`` into ``\\n``, drops control
    characters, collapses runs of spaces, strips each line's trailing spaces, keeps at
    most one blank line in a row and strips the ends. Emoji and other non-ASCII text are
    kept as they are.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


@lru_cache(maxsize=1)
def _parser_config() -> ParserConfig:
    return ParserConfig(css=CSS_PROFILES["strict"], display_links=False)


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains common HTML tags (used for bodies of unknown type)."""
    return bool(_HTML_TAG.search(text))


def html_to_text(markup: str) -> str:
    """Convert an HTML body to plain text that keeps paragraphs and list items apart."""
    if not markup.strip():
        return ""
    return normalize_text(get_text(markup, _parser_config()))


def unescape_entities(text: str) -> str:
    """Turn HTML entities (``&amp;``, ``&gt;``) into characters; used for social posts."""
    return html.unescape(text)


_REPLY_PARSER = None


def trim_email_reply(body: str) -> str:
    """Keep only the newest reply of an email body: quoted history and signature go.

    Uses ``mail-parser-reply`` to find quoted parts ("On ... wrote:", ``>`` lines,
    Outlook header blocks) and signatures. When trimming would leave nothing (a message
    that is only a quote), the whole body is kept.
    """
    global _REPLY_PARSER
    if _REPLY_PARSER is None:
        from mailparser_reply import EmailReplyParser

        _REPLY_PARSER = EmailReplyParser(languages=["en"])
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    try:
        parsed = _REPLY_PARSER.read(text)
        latest = parsed.replies[0].body if parsed.replies else text
    except Exception:  # the parser is heuristic; a failure must not lose the message
        latest = text
    trimmed = normalize_text(latest)
    return trimmed or normalize_text(text)
