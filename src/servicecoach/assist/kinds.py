"""The suggestion kinds: which analyser signals concern a draft, how serious, and why.

The table is data (``assist/kinds.toml``): a team or a plugin author reads there which
signal becomes which kind, its severity, what span of the draft it covers and the reason
shown to the agent.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal, cast

from servicecoach.assist.suggestion import SEVERITIES, Severity
from servicecoach.errors import ConfigError

__all__ = ["PraiseRule", "Rules", "SuggestRule", "Where", "load_rules", "parse_rules"]

Where = Literal["evidence", "sentence", "opening", "end"]
Source = Literal["draft", "customer", "reply"]
_WHERE: tuple[Where, ...] = ("evidence", "sentence", "opening", "end")
_SOURCES: tuple[Source, ...] = ("draft", "customer", "reply")


@dataclass(frozen=True, slots=True)
class SuggestRule:
    """How one negative signal becomes a suggestion.

    Attributes:
        signal: the analyser signal id (``listening.unanswered``).
        kind: the suggestion kind reported (``listening.unanswered_question``).
        severity: ``info``, ``warning`` or ``error``.
        where: the span of the draft: the evidence, its sentence, the opening sentence,
            or an empty span at the end.
        source: whose evidence counts: the draft's, a customer message's, or any reply's.
        reason: the one-line reason, with ``{placeholders}``.
    """

    signal: str
    kind: str
    severity: Severity
    where: Where
    source: Source
    reason: str


@dataclass(frozen=True, slots=True)
class PraiseRule:
    """How one positive signal in the draft is praised."""

    signal: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Every suggestion and praise rule, by signal id."""

    suggest: dict[str, SuggestRule]
    good: dict[str, PraiseRule]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every suggestion kind, sorted."""
        return tuple(sorted({rule.kind for rule in self.suggest.values()}))


def _choice(table: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = table.get(key)
    if value not in allowed:
        raise ConfigError(f"assist/kinds.toml: {where}.{key} must be one of {', '.join(allowed)}")
    return str(value)


def parse_rules(data: dict[str, Any]) -> Rules:
    """Validate the parsed ``kinds.toml``.

    Raises:
        ConfigError: a table lacks a reason or has an unknown severity, span or source.
    """
    suggest: dict[str, SuggestRule] = {}
    for signal, table in data.get("suggest", {}).items():
        where = f'suggest."{signal}"'
        if not isinstance(table.get("reason"), str):
            raise ConfigError(f"assist/kinds.toml: {where} needs a reason")
        suggest[signal] = SuggestRule(
            signal=signal,
            kind=str(table.get("kind", signal)),
            severity=cast(Severity, _choice(table, "severity", SEVERITIES, where)),
            where=cast(Where, _choice(table, "where", _WHERE, where)),
            source=cast(Source, _choice(table, "from", _SOURCES, where)),
            reason=table["reason"],
        )
    good: dict[str, PraiseRule] = {}
    for signal, table in data.get("good", {}).items():
        if not isinstance(table.get("reason"), str):
            raise ConfigError(f'assist/kinds.toml: good."{signal}" needs a reason')
        good[signal] = PraiseRule(signal, table["reason"])
    return Rules(suggest, good)


@cache
def load_rules() -> Rules:
    """The rules of ``assist/kinds.toml``, parsed and validated once per process."""
    text = (files("servicecoach.assist") / "kinds.toml").read_text(encoding="utf-8")
    return parse_rules(tomllib.loads(text))
