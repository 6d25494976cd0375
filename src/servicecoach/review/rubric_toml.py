"""Writing a rubric back as TOML: the tables of a rubric file, with some keys changed.

``servicecoach tune`` starts from the team's rubric file as read (``tomllib``), sets the
keys it tuned and writes the result with :func:`dumps`, which knows the shapes a rubric
has: tables, arrays of tables, strings, numbers, booleans and lists of those. The caller
reads the written file back with the rubric loader and checks it is the rubric it meant,
so a value this writer could not express is never saved silently wrong.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_WIDTH = 100
"""A list longer than this on one line is written one item a line."""


def _key(name: str) -> str:
    return name if _BARE.match(name) else json.dumps(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written in a rubric")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"{type(value).__name__} cannot be written in a rubric")


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _table(lines: list[str], path: list[str], table: Mapping[str, Any], *, array: bool) -> None:
    plain = {
        k: v
        for k, v in table.items()
        if v is not None and not isinstance(v, Mapping) and not _is_table_array(v)
    }
    nested = any(isinstance(v, Mapping) or _is_table_array(v) for v in table.values())
    if path and (plain or array or not nested):
        if lines:
            lines.append("")
        header = ".".join(_key(p) for p in path)
        lines.append(f"[[{header}]]" if array else f"[{header}]")
    for key, value in plain.items():
        written = _value(value)
        if len(written) > _WIDTH and _is_list(value):  # one item a line (criteria examples)
            items = "".join(f"    {_value(v)},\n" for v in value)
            written = f"[\n{items}]"
        lines.append(f"{_key(key)} = {written}")
    for key, value in table.items():
        if isinstance(value, Mapping):
            _table(lines, [*path, key], value, array=False)
        elif _is_table_array(value):
            for item in value:
                _table(lines, [*path, key], item, array=True)


def dumps(data: Mapping[str, Any]) -> str:
    """``data`` (a parsed rubric file, changed) as TOML text.

    Raises:
        ValueError: a value TOML cannot hold (``None`` keys are left out).
    """
    lines: list[str] = []
    _table(lines, [], data, array=False)
    return "\n".join(lines) + "\n"
