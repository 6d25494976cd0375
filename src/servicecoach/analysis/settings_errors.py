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
            else str(problem["msg"]).removeprefix("Value error, ")
        )
        for problem in error.errors()
    )


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
