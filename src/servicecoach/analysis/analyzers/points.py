"""A rubric's points per signal for an analyser's typed settings (clarity, listening)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["merged_points"]


def merged_points(
    family: str,
    defaults: Mapping[str, int],
    given: Mapping[str, int],
    refusal: Callable[[str, int], str | None],
) -> dict[str, int]:
    """``defaults`` with the points a rubric ``given`` for some signals (the part of their
    ids after ``family.``).

    Raises:
        ValueError: a signal is not one of ``defaults``, or ``refusal`` says why its
            points are out of bounds.
    """
    for signal, points in given.items():
        if signal not in defaults:
            raise ValueError(f"no {family} signal {signal!r} (one of {', '.join(defaults)})")
        if (reason := refusal(signal, points)) is not None:
            raise ValueError(f"{signal} = {points}: {reason}")
    return {**defaults, **given}
