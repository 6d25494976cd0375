"""Reading scenario files: TOML in, a validated :class:`Scenario` out, or an error naming file and key.

The built-in library is the ``practice/scenarios/*.toml`` files shipped with the package;
``SCENARIO`` arguments (CLI) are a built-in id or the path of a team's own file.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from servicecoach.errors import InputError, NotFoundError
from servicecoach.practice.scenario import Scenario, cross_check

__all__ = [
    "MAX_FILE_BYTES",
    "ScenarioError",
    "builtin_scenarios",
    "find_scenario",
    "known_signals",
    "load_scenario",
    "parse_scenario",
]

MAX_FILE_BYTES = 256 * 1024
"""Largest scenario file read (a scenario is a few KiB)."""


class ScenarioError(InputError):
    """A scenario file is not valid; the message names the file and each key at fault.

    Attributes:
        where: the file (or name) the scenario came from.
        problems: ``(key, problem)`` pairs.
    """

    def __init__(self, where: str, problems: list[tuple[str, str]]) -> None:
        self.where = where
        self.problems = problems
        lines = "; ".join(f"{key}: {problem}" if key else problem for key, problem in problems)
        super().__init__(f"scenario {where}: {lines}")


@cache
def known_signals() -> frozenset[str]:
    """The signal ids a branch may name: every documented signal (analysis/signals.toml)."""
    from servicecoach.analysis.signals import FIRST_RESPONSE, signal_meanings

    return frozenset(signal_meanings()) | {FIRST_RESPONSE}


def parse_scenario(text: str, where: str, scenario_id: str) -> Scenario:
    """The scenario in TOML ``text``; ``where`` names it in errors, ``scenario_id`` is its id.

    Raises:
        ScenarioError: not TOML, a key missing, misspelt or of the wrong type, a step or
            signal that does not exist, a loop, or an unreachable step.
    """
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(where, [("", f"not valid TOML: {exc}")]) from None
    if "id" in data:
        raise ScenarioError(where, [("id", "the id is the file's name; remove this key")])
    try:
        scenario = Scenario.model_validate({**data, "id": scenario_id})
    except ValidationError as exc:
        raise ScenarioError(where, [_problem(error) for error in exc.errors()]) from None
    problems = cross_check(scenario, known_signals())
    if problems:
        raise ScenarioError(where, problems)
    return scenario


def _problem(error: Any) -> tuple[str, str]:
    key = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        message = "unknown key (misspelt? docs/practice.md lists the keys)"
    elif error["type"] == "missing":
        message = "missing (required)"
    return key, message


def load_scenario(path: Path) -> Scenario:
    """The scenario in the file ``path`` (its id is the file's name without ``.toml``).

    Raises:
        ScenarioError: the file is missing, too large, not UTF-8 or not a valid scenario.
    """
    where = str(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(where, [("", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError(where, [("", "is a folder; give a .toml scenario file")]) from None
    except OSError as exc:
        raise ScenarioError(where, [("", f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(where, [("", f"larger than {MAX_FILE_BYTES // 1024} KiB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(where, [("", "not UTF-8 text; save it as UTF-8")]) from None
    stem = path.name.removesuffix(".toml").lower().replace(" ", "-")
    return parse_scenario(text, where, stem)


@cache
def builtin_scenarios() -> dict[str, Scenario]:
    """The built-in library by id, in id order (``practice/scenarios/*.toml``)."""
    folder = resources.files("servicecoach.practice").joinpath("scenarios")
    found: dict[str, Scenario] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            scenario_id = entry.name.removesuffix(".toml")
            where = f"servicecoach/practice/scenarios/{entry.name}"
            found[scenario_id] = parse_scenario(entry.read_text("utf-8"), where, scenario_id)
    return found


def find_scenario(name: str) -> Scenario:
    """A built-in scenario by id, or the scenario file at the path ``name``.

    Raises:
        NotFoundError: neither a built-in id nor an existing file.
        ScenarioError: the file is not a valid scenario.
    """
    library = builtin_scenarios()
    if name in library:
        return library[name]
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return load_scenario(path)
    raise NotFoundError(
        f"no scenario {name!r}: give a built-in id ({', '.join(library)}) "
        "or the path of a .toml scenario file"
    )
