"""Text normalisation, done once at import: every later character offset refers to its output.

Also the one place where text is made storable: a lone surrogate (``"\\ud800"`` is valid
JSON; the email parser keeps undecodable header bytes as surrogates) cannot be encoded
as UTF-8, so no database, file or HTTP answer could hold it. The model's constructors
(:mod:`servicecoach.model.conversation`) and the JSON loader replace each one with
U+FFFD through :func:`replace_lone_surrogates`, one character for one, so that
character offsets do not move.
"""

from __future__ import annotations

import html
import re
import reprlib
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from inscriptis.model.config import ParserConfig

__all__ = [
    "html_to_text",
    "looks_like_html",
    "normalize_text",
    "replace_lone_surrogates",
    "replace_lone_surrogates_deep",
    "shown",
    "trim_email_reply",
    "unescape_entities",
]

_T = TypeVar("_T")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_LIMIT = 60

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_TAG = re.compile(r"<\s*(?:html|body|div|p|br|span|table|a|b|i|strong|em|ul|ol|li)\b", re.I)


def replace_lone_surrogates(text: str) -> str:
    """``text`` with every lone surrogate (U+D800 to U+DFFF) replaced by U+FFFD.

    A Python string holds a surrogate only when it is unpaired (JSON's escaped pairs are
    joined when read), and such a string cannot be written as UTF-8. The replacement is
    one character for one: offsets into the text stay valid.
    """
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _has_lone_surrogate(value: object) -> bool:
    pending = [value]
    while pending:  # a loop, not recursion: JSON values can be nested very deeply
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and _LONE_SURROGATE.search(item) is not None:
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def replace_lone_surrogates_deep(value: _T) -> _T:
    """``value`` (a JSON-like value) with lone surrogates replaced in every string and key.

    Returns ``value`` itself when it holds none (the usual case, nothing is copied);
    otherwise a copy in which mappings become dicts and tuples become lists.
    """
    if not _has_lone_surrogate(value):
        return value
    root: list[Any] = [value]
    pending: list[tuple[Any, Any]] = [(root, 0)]
    while pending:
        holder, key = pending.pop()
        item = holder[key]
        if isinstance(item, str):
            holder[key] = replace_lone_surrogates(item)
        elif isinstance(item, Mapping):
            copied = {
                replace_lone_surrogates(k) if isinstance(k, str) else k: v for k, v in item.items()
            }
            holder[key] = copied
            pending.extend((copied, k) for k in copied)
        elif isinstance(item, list | tuple):
            listed = list(item)
            holder[key] = listed
            pending.extend((listed, index) for index in range(len(listed)))
    result: _T = root[0]
    return result


def _short_repr() -> reprlib.Repr:
    short = reprlib.Repr()
    short.maxlevel = 3
    short.maxstring = short.maxother = _SHOWN_LIMIT
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 6
    short.maxlong = 40
    return short


_SHORT_REPR = _short_repr()


def shown(value: object) -> str:
    """``repr(value)`` for an error message, cut short when long or deep.

    A message names the bad value so that it can be found, but a 1 MB field must not
    make a 1 MB message: ``'xxxxxxxx…' (1000000 characters)``.
    """
    if isinstance(value, str) and len(value) > _SHOWN_LIMIT:
        return f"{value[:_SHOWN_LIMIT]!r}… ({len(value)} characters)"
    return _SHORT_REPR.repr(value)


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
    # imported here: the model (which uses this module) loads without the HTML parser
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    return ParserConfig(css=CSS_PROFILES["strict"], display_links=False)


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains common HTML tags (used for bodies of unknown type)."""
    return bool(_HTML_TAG.search(text))


def html_to_text(markup: str) -> str:
    """Convert an HTML body to plain text that keeps paragraphs and list items apart."""
    if not markup.strip():
        return ""
    from inscriptis import get_text

    return normalize_text(get_text(markup, _parser_config()))


def unescape_entities(text: str) -> str:
    """Turn HTML entities (``&amp;``, ``&gt;``) into characters; used for social posts."""
    return html.unescape(text)


def trim_email_reply(body: str) -> str:
    """Keep only the newest reply of an email body: quoted history and signature go.

    Quoted history in the many languages ``mail-parser-reply`` knows (top, bottom and
    inline posting), then a signature at the end; lists and closings stay. When
    trimming would leave nothing (a message that is only a quote), the whole body is
    kept. The rules: :mod:`servicecoach.model.email_reply`.
    """
    # imported here: that module builds on normalize_text above
    from servicecoach.model.email_reply import trim_email_reply as trim

    return trim(body)
