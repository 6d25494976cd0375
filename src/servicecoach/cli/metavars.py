"""Help that reads like a well-made command line: words for values, not Python types.

Typer 0.29 shows each parameter's Python type in ``--help`` (``<bool>``, ``<str>``,
``<list[Path]>``) and a required argument in braces (``{paths}...``). The root group,
a :class:`PlainHelpGroup`, gives every parameter of the command tree a metavar before
it parses the command line, so every ``--help`` and usage message shows:

- nothing for a boolean flag (it takes no value);
- the choices for a choice, ``volume|growth|negative``;
- ``PATH``, ``FILE`` or ``DIR`` for a path; ``N`` for an integer, ``NUMBER`` for a
  float; ``DATE`` for a date;
- for other text, the last word of the option's name: ``--db DB``, ``--team TEAM``,
  ``--support-address ADDRESS``;
- for an argument, its name in capitals: ``CUSTOMER``, ``[TEAM]`` when it is optional,
  ``PATHS...`` when it takes several values.

A metavar given on the option or argument itself wins.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from pathlib import PurePath
from typing import Any, get_args, get_origin

# Typer 0.29 vendors Click as ``typer._click``; its classes are what the commands use.
from typer._click import Command, Context
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = ["PlainHelpGroup", "plain_metavars"]


class PlainHelpGroup(TyperGroup):
    """The root group: plain metavars for every command below it (see the module)."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Give the tree its metavars, then parse as usual (``--help`` is parsed here)."""
        plain_metavars(self, ctx)
        return super().parse_args(ctx, args)


class _PlainArgument(TyperArgument):
    """An argument shown as ``NAME`` (``[NAME]`` when optional) with a word for its type."""

    value_word: str = ""

    def display_type_rich(self, ctx: Context) -> str | None:
        return self.value_word or None

    def get_usage_pieces(self, ctx: Context) -> list[str]:
        name = self.display_name_raw
        return [name if self.required else f"[{name}]"]


def plain_metavars(command: Command, ctx: Context) -> None:
    """Give each parameter of ``command`` and of the commands below it a plain metavar.

    Its help option (made once per command, with ``ctx``'s option names) included.
    Idempotent: a parameter that has a metavar keeps it.
    """
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            _plain_argument(param)
        elif isinstance(param, TyperOption) and param.metavar is None:
            param.metavar = _option_word(param)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_metavars(sub, ctx)


def _plain_argument(param: TyperArgument) -> None:
    if isinstance(param, _PlainArgument):
        return
    if param.metavar is None:
        param.metavar = (param.name or "value").upper() + ("..." if param.nargs != 1 else "")
    word = _type_word(param)
    param.__class__ = _PlainArgument
    assert isinstance(param, _PlainArgument)
    param.value_word = "" if word == "TEXT" else word  # the name says it is text


def _option_word(param: TyperOption) -> str:
    if param.is_flag or param.count:
        return ""
    word = _type_word(param)
    if word == "TEXT":
        long_names = [o for o in param.opts if o.startswith("--")]
        if long_names:
            return long_names[0].removeprefix("--").rsplit("-", 1)[-1].upper()
    return word


def _type_word(param: TyperArgument | TyperOption) -> str:
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return "|".join(_choice(c) for c in descriptor.choices or ())
    if descriptor.is_file:
        return "FILE"
    annotation: Any = descriptor.annotation
    if get_origin(annotation) is list:  # a repeatable option or a variadic argument
        return _word(get_args(annotation)[0], param)
    if get_origin(annotation) is tuple:  # several values: one word each
        return " ".join(_word(a, param) for a in get_args(annotation) if a is not Ellipsis)
    return _word(annotation, param)


def _word(annotation: Any, param: TyperArgument | TyperOption) -> str:
    if not isinstance(annotation, type):
        return "TEXT"
    if issubclass(annotation, PurePath) or param.type_descriptor.is_path:
        info = param.type_descriptor.parameter_info
        if info.file_okay and not info.dir_okay:
            return "FILE"
        if info.dir_okay and not info.file_okay:
            return "DIR"
        return "PATH"
    if issubclass(annotation, bool):
        return "BOOLEAN"
    if issubclass(annotation, int):
        return "N"
    if issubclass(annotation, float):
        return "NUMBER"
    if issubclass(annotation, dt.datetime):
        return "DATETIME"
    if issubclass(annotation, dt.date):
        return "DATE"
    if issubclass(annotation, uuid.UUID):
        return "UUID"
    return "TEXT"


def _choice(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)
