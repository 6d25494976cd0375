"""A settings model's validation errors in words a team can act on.

Shared by the rubric loader and every analyser's ``check_config``: each problem names the
key (``business_hours.start``), and a misspelt key lists the keys its own table takes,
not pydantic's "Extra inputs are not permitted".
"""

from __future__ import annotations

from typing import TypeGuard, get_args, get_origin

from pydantic import BaseModel, ValidationError

__all__ = ["known_keys", "settings_problems"]


def settings_problems(model: type[BaseModel], error: ValidationError) -> str:
    """Every problem of ``error`` (raised validating ``model``), ``key: what is wrong``,
    joined by "; "."""
    return "; ".join(
        f"{'.'.join(str(p) for p in problem['loc']) or 'settings'}: "
        + (
            f"unknown key (known: {known_keys(model, problem['loc'][:-1])})"
            if problem["type"] == "extra_forbidden"
            else _in_toml_words(problem["type"], problem.get("input"))
            or str(problem["msg"]).removeprefix("Value error, ")
        )
        for problem in error.errors()
    )


_TOML_WORDS = {
    "dict_type": "must be a table (a [section], or { key = value, ... })",
    "list_type": 'must be a list, e.g. ["a", "b"]',
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}
"""Pydantic's type errors in the words of the TOML a team writes."""


def _in_toml_words(kind: str, given: object) -> str | None:
    words = _TOML_WORDS.get(kind)
    return None if words is None else f"{words} (got {given!r})"


def known_keys(model: type[BaseModel], path: tuple[int | str, ...]) -> str:
    """The keys the table at ``path`` in ``model`` takes: a misspelt key inside a nested
    table (``business_hours.open``, ``criteria.NAME.colour``) lists that table's keys, not
    the top level's."""
    parts = list(path)
    while parts:
        field = model.model_fields.get(str(parts.pop(0)))
        if field is None:
            break
        annotation = field.annotation
        if get_origin(annotation) is dict:  # a table of named tables: skip the name
            annotation = get_args(annotation)[1]
            if parts:
                parts.pop(0)
        nested = next((o for o in get_args(annotation) or (annotation,) if _is_model(o)), None)
        if nested is None:
            break
        model = nested
    return ", ".join(model.model_fields)


def _is_model(annotation: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
