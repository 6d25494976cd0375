"""A team's override of ``assist/kinds.toml``: the reasons and severities of live assist's
suggestions and praise, from a file beside its rubric (docs/assist.md, "Your team's
reasons and rewrites").

The override file has the shipped file's two tables, keyed by signal like it::

    [suggest."clarity.negative_language"]
    reason = "Lead with what you can do: our customers read a flat no as a won't."
    severity = "error"

    [suggest]
    remove = ["clarity.hard_to_read"]      # no suggestion for this signal

    [good."closing.warm"]
    reason = "Signs off the way we like to."

A ``reason`` keeps to the ``{placeholders}`` the shipped reason has; ``severity`` is one
of info, warning, error. A signal's ``kind``, ``where`` and ``from`` say how the checker
reads the analyser's evidence, not what the agent reads, so they are not overridden,
and a signal kinds.toml does not list cannot be added (the checker would not know where
its suggestion goes). Anything else is an error naming the file, the table and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from servicecoach.analysis.lexicon import placeholders
from servicecoach.analysis.overrides import replaced_text, texts
from servicecoach.assist.kinds import PraiseRule, Rules, SuggestRule
from servicecoach.assist.suggestion import SEVERITIES
from servicecoach.errors import ConfigError

__all__ = ["merge_rules"]

_SHIPPED = "servicecoach/assist/kinds.toml"
_WIRING = frozenset({"kind", "where", "from"})


def merge_rules(base: Rules, override: Mapping[str, Any], source: str) -> Rules:
    """``base`` with ``override`` (an override file's tables) applied.

    Args:
        base: the shipped rules.
        override: ``suggest`` and/or ``good``: signal to its changes, and ``remove``.
        source: the override file, as errors name it.

    Raises:
        ConfigError: the override does not fit ``base``; the message names ``source``,
            the table, the signal and the key, and what is allowed.
    """
    suggest: dict[str, SuggestRule] = dict(base.suggest)
    good: dict[str, PraiseRule] = dict(base.good)
    for table, changes in override.items():
        if table not in ("suggest", "good"):
            raise ConfigError(
                f"{source}: [{table}]: kinds.toml has no table [{table}] (its tables: good, suggest)"
            )
        if not isinstance(changes, Mapping):
            raise ConfigError(f"{source}: [{table}] must be a table of signals")
        rules: dict[str, Any] = suggest if table == "suggest" else good
        shipped: Mapping[str, Any] = base.suggest if table == "suggest" else base.good
        gone = set(texts(changes.get("remove", []), f"{source}: [{table}] remove"))
        for signal in sorted(gone):
            if signal not in shipped:
                raise ConfigError(
                    f"{source}: [{table}] remove: {signal!r} is not a signal of the shipped "
                    f"[{table}] table (remove only what {_SHIPPED} has)"
                )
            del rules[signal]
        for signal, body in changes.items():
            if signal == "remove":
                continue
            where = f'{source}: [{table}."{signal}"]'
            if signal not in shipped:
                raise ConfigError(
                    f"{where}: the shipped [{table}] table has no signal {signal!r}; change "
                    f"only the signals {_SHIPPED} lists"
                )
            if signal in gone:
                raise ConfigError(f"{where}: also in [{table}] remove; keep one")
            if not isinstance(body, Mapping):
                raise ConfigError(f"{where} must be a table of changes (reason = ...)")
            rules[signal] = _changed(shipped[signal], body, where)
    return Rules(suggest, good)


def _changed(rule: SuggestRule | PraiseRule, body: Mapping[str, Any], where: str) -> Any:
    """``rule`` with the reason and severity of ``body``."""
    changes: dict[str, Any] = {}
    for key, value in body.items():
        here = f"{where} {key}"
        if key == "reason":
            changes["reason"] = replaced_text(placeholders(rule.reason), value, here)
        elif key == "severity" and isinstance(rule, SuggestRule):
            if value not in SEVERITIES:
                raise ConfigError(f"{here} must be one of {', '.join(SEVERITIES)}")
            changes["severity"] = value
        else:
            can = "reason, severity" if isinstance(rule, SuggestRule) else "reason"
            why = " (how the checker reads the signal, not wording)" if key in _WIRING else ""
            raise ConfigError(f"{here}: unknown key{why}; this entry can change: {can}")
    return replace(rule, **changes)
