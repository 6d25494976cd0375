"""The merge vocabulary of a team's overrides, shared by lexicon overrides
(:mod:`servicecoach.analysis.lexicon_overrides`) and live assist's ``kinds.toml`` and
``rewrites.toml`` overrides, so a team learns one set of rules (docs/analysis.md,
"Lexicon overrides"): a list is added to with ``KEY = [...]`` and trimmed with
``remove_KEY = [...]``; a text is replaced, keeping to the ``{placeholders}`` the shipped
text has, since only those are filled. Each function raises a :class:`ConfigError` whose
message starts with ``where`` (the file, the table and the key).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeGuard

from servicecoach.analysis.lexicon import placeholders
from servicecoach.errors import ConfigError
from servicecoach.nlp.phrases import fold

__all__ = ["added", "is_texts", "removed", "replaced_text", "texts"]


def is_texts(value: Any) -> TypeGuard[list[str]]:
    """Whether ``value`` is a list of texts (a word list of the shipped table)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def texts(value: Any, where: str) -> list[str]:
    """``value`` as a list of non-empty texts.

    Raises:
        ConfigError: it is anything else.
    """
    if not is_texts(value) or any(not v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty texts")
    return list(value)


def added(current: list[str], value: Any, where: str) -> list[str]:
    """``current`` with the texts of ``value`` appended, those it has already left out
    (compared as matching compares them: case and apostrophes folded)."""
    have = {fold(item.strip()) for item in current}
    return [*current, *(item for item in texts(value, where) if fold(item.strip()) not in have)]


def removed(
    current: list[str], value: Any, where: str, shipped: str, listed: str = "list"
) -> list[str]:
    """``current`` without the texts of ``value``, each of which it must have.

    Args:
        current: the list.
        value: the texts to remove.
        where: the file, table and key, as errors name them.
        shipped: the shipped file, named in the error when a text is not in the list.
        listed: what the list holds ("phrases"), as the error names it.

    Raises:
        ConfigError: ``value`` is not a list of texts, or names one ``current`` lacks.
    """
    drop = texts(value, where)
    have = {fold(item.strip()) for item in current}
    for item in drop:
        if fold(item.strip()) not in have:
            raise ConfigError(
                f"{where}: {item!r} is not in the shipped {listed} (remove only what {shipped} has)"
            )
    gone = {fold(item.strip()) for item in drop}
    return [item for item in current if fold(item.strip()) not in gone]


def replaced_text(allowed: Iterable[str], value: Any, where: str) -> str:
    """``value`` as a text that replaces one whose placeholders are ``allowed``.

    Raises:
        ConfigError: ``value`` is not a non-empty text, or has a placeholder not allowed.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a non-empty text")
    known = frozenset(allowed)
    extra = sorted(placeholders(value) - known)
    if extra:
        takes = ", ".join(f"{{{p}}}" for p in sorted(known)) or "none"
        raise ConfigError(f"{where}: unknown placeholder {{{extra[0]}}} (this text takes: {takes})")
    return value
