"""A rubric's points per signal and score tiers for an analyser's typed settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import AfterValidator

__all__ = ["merged_points", "merged_tiers", "on_its_side", "points_check", "tiers_check"]


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


def on_its_side(defaults: Mapping[str, int]) -> Callable[[str, int], str | None]:
    """A ``refusal`` for :func:`merged_points` that keeps each signal on the side of its
    default: an earning signal earns (0 to 100), a costing one costs (-100 to 0), so a
    typo in a sign cannot turn a fault into a reward."""

    def refusal(signal: str, points: int) -> str | None:
        if defaults[signal] > 0:
            return None if 0 <= points <= 100 else "it earns (0 to 100)"
        return None if -100 <= points <= 0 else "it costs (-100 to 0)"

    return refusal


def merged_tiers(
    family: str, defaults: Mapping[str, int], given: Mapping[str, int]
) -> dict[str, int]:
    """``defaults`` with the scores a rubric ``given`` for some of an analyser's tiers (the
    score a conversation gets for where it lands, e.g. an apology in the first reply).

    Raises:
        ValueError: a tier is not one of ``defaults``, or its score is not within 0-100.
    """
    for tier, score in given.items():
        if tier not in defaults:
            raise ValueError(f"no {family} tier {tier!r} (one of {', '.join(defaults)})")
        if not 0 <= score <= 100:
            raise ValueError(f"{tier} = {score}: a score is between 0 and 100")
    return {**defaults, **given}


def points_check(
    family: str,
    defaults: Mapping[str, int],
    refusal: Callable[[str, int], str | None] | None = None,
) -> AfterValidator:
    """The check of a settings model's ``points`` table, for its annotation:
    ``points: Annotated[dict[str, int], points_check("closing", DEFAULT_POINTS)]``
    (:func:`merged_points`, each signal on its side unless ``refusal`` says otherwise)."""
    refuse = refusal if refusal is not None else on_its_side(defaults)
    return AfterValidator(lambda given: merged_points(family, defaults, given, refuse))


def tiers_check(family: str, defaults: Mapping[str, int]) -> AfterValidator:
    """The check of a settings model's ``tiers`` table, for its annotation
    (:func:`merged_tiers`)."""
    return AfterValidator(lambda given: merged_tiers(family, defaults, given))
