"""What a team may set for responsiveness: reply targets, business hours and wait scores.

One model, :class:`ResponsivenessSettings`, reads the rubric's ``[responsiveness]`` table
and ``[analyzers.responsiveness]`` (a key may sit in either, not both), the analyser's
``Config`` and a stored run's recorded config (:func:`reply_targets_seconds`), so each key
is defined and checked in one place. The defaults are the built-in scoring
(responsiveness v1)::

    targets_minutes = {email = 240}          # some channels' reply targets, in minutes
    first_response_weight = 2                # how many later waits the first reply counts as

    [business_hours]                         # only these hours count (default: 24/7)
    timezone = "Europe/London"               # IANA name; required
    days = [0, 1, 2, 3, 4]                   # Monday is 0; default Monday to Friday
    start = "09:00"                          # default 09:00 (a TOML time is taken too)
    end = "17:00"                            # default 17:00; "24:00" runs to midnight

    [tiers]                                  # a wait's score by how long it took
    double = 60

Only the keys a table names change; the rest keep their defaults. Mistakes name the key
and the fix. This module imports nothing from the analyser, so the store can read a run's
targets without loading analysis code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import time
from types import MappingProxyType
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from servicecoach.analysis.analyzers.points import tiers_check
from servicecoach.model.conversation import Channel

__all__ = [
    "DEFAULT_FIRST_RESPONSE_WEIGHT",
    "DEFAULT_TARGETS_MINUTES",
    "DEFAULT_TIERS",
    "BusinessHours",
    "ResponsivenessSettings",
    "reply_targets_seconds",
]

DEFAULT_TARGETS_MINUTES: Mapping[str, float] = MappingProxyType(
    {
        "social": 60.0,
        "chat": 2.0,
        "sms": 30.0,
        "email": 1440.0,
        "web": 1440.0,
        "phone": 1.0,
        "other": 1440.0,
    }
)
"""Default reply target per channel, in minutes (override with ``targets_minutes``)."""
DEFAULT_TIERS: Mapping[str, int] = MappingProxyType(
    {"within": 100, "double": 70, "quadruple": 40, "beyond": 10, "unanswered": 0}
)
"""A wait's score by how long it took against the target (override with ``tiers``):
within it, up to twice it, up to four times it, longer; and a dropped final wait."""
DEFAULT_FIRST_RESPONSE_WEIGHT = 2
"""How many later waits the first response counts as, unless a rubric says otherwise."""

_HOURS_KEYS = ("days", "end", "start", "timezone")
_HHMM = re.compile(r"(\d{2}):(\d{2})")
_ZONE_EXAMPLE = 'an IANA time zone name such as "Europe/London"'


def _minutes(value: object) -> object:
    """A target must be a positive, finite number (not text, not true/false)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(
            "must be a positive number of minutes (more than 0), e.g. 240 for 4 hours "
            f"(got {value!r})"
        )
    return value


class BusinessHours(BaseModel):
    """The hours in which a wait counts: the same local window on each working day.

    The fields are the rubric's text, so a rubric's version (a digest of its dump) does
    not change with this model; :attr:`zone`, :attr:`weekdays`, :attr:`start_minute` and
    :attr:`end_minute` are their reading, worked out once when the hours are validated.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    start: str = "09:00"
    end: str = "17:00"
    _zone: ZoneInfo = PrivateAttr()
    _minutes: tuple[int, int] = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _table(cls, value: object) -> object:
        if isinstance(value, BusinessHours):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(
                'must be a table such as {"timezone": "Europe/London", "days": [0, 1, 2, 3, 4], '
                '"start": "09:00", "end": "17:00"}, or null for 24/7'
            )
        if unknown := sorted(set(value) - set(_HOURS_KEYS)):
            raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(_HOURS_KEYS)})")
        if not value.get("timezone"):
            raise ValueError(f"timezone is required: {_ZONE_EXAMPLE}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{name!r} is not a known time zone (use an IANA name such as "
                '"Europe/London" or "America/New_York"; where the system has no zone data, '
                "install the tzdata package)"
            ) from None
        return name

    @field_validator("days", mode="before")
    @classmethod
    def _weekdays(cls, value: object) -> object:
        days = list(value) if isinstance(value, list | tuple) else []
        if not days or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
        ):
            raise ValueError(
                "must be a non-empty list of weekday numbers 0-6 (Monday is 0), "
                f"e.g. [0, 1, 2, 3, 4] (got {value!r})"
            )
        return days

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        if isinstance(value, time):  # TOML's unquoted local time
            return value.strftime("%H:%M")
        if _clock_minute(value) is None:
            raise ValueError(
                'must be a 24-hour time "HH:MM" such as "09:00" or "17:30" '
                f'("24:00" for midnight at the end of the day), got {value!r}'
            )
        return value

    @model_validator(mode="after")
    def _window(self) -> BusinessHours:
        start, end = _clock_minute(self.start), _clock_minute(self.end)
        assert start is not None and end is not None  # checked by _clock
        if end <= start:
            raise ValueError(
                f"end ({self.end!r}) must be later than start ({self.start!r}); hours that "
                'run past midnight are not supported ("end": "24:00" means until midnight)'
            )
        self._zone = ZoneInfo(self.timezone)
        self._minutes = (start, end)
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The zone the hours are in."""
        return self._zone

    @property
    def weekdays(self) -> frozenset[int]:
        """Working weekdays, Monday 0 to Sunday 6."""
        return frozenset(self.days)

    @property
    def start_minute(self) -> int:
        """The window's start, in minutes after local midnight."""
        return self._minutes[0]

    @property
    def end_minute(self) -> int:
        """Its end (up to 1440, the next midnight), after :attr:`start_minute`."""
        return self._minutes[1]


def _clock_minute(value: object) -> int | None:
    """Minutes after midnight of an "HH:MM" text ("24:00" is 1440); ``None`` if not one."""
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if (hour < 24 and minute < 60) or (hour, minute) == (24, 0):
        return hour * 60 + minute
    return None


class ResponsivenessSettings(BaseModel):
    """The responsiveness analyser's settings, validated when the rubric loads.

    Attributes:
        targets_minutes: the channels whose reply target the team sets, in minutes (only
            those; :meth:`target` and :meth:`targets` fill in the defaults).
        business_hours: when waits count, or ``None`` for 24/7.
        tiers: a wait's score by how long it took against the target.
        first_response_weight: how many later waits the first response counts as.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets_minutes: dict[Channel, Annotated[float, BeforeValidator(_minutes)]] = Field(
        default_factory=dict
    )
    business_hours: BusinessHours | None = None
    tiers: Annotated[dict[str, int], tiers_check("responsiveness", DEFAULT_TIERS)] = Field(
        default_factory=lambda: dict(DEFAULT_TIERS)
    )
    first_response_weight: int = DEFAULT_FIRST_RESPONSE_WEIGHT

    @field_validator("targets_minutes", mode="before")
    @classmethod
    def _channels(cls, value: object) -> object:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError('must be a table of channel to minutes, e.g. {"email": 240}')
        for channel in value:
            if channel not in DEFAULT_TARGETS_MINUTES:
                raise ValueError(
                    f"unknown channel {channel!r} (one of {', '.join(DEFAULT_TARGETS_MINUTES)})"
                )
        return value

    @field_validator("tiers", mode="before")
    @classmethod
    def _whole_scores(cls, value: object) -> object:
        if not isinstance(value, Mapping) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in value.values()
        ):
            raise ValueError("must be a table of tier to a whole score, e.g. {double = 60}")
        return value

    @field_validator("first_response_weight", mode="before")
    @classmethod
    def _weight(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise ValueError(
                "must be a whole number from 1 to 10 (how many later waits the first "
                f"response counts as; got {value!r})"
            )
        return value

    def target(self, channel: Channel | str) -> float:
        """The target for ``channel``, in minutes (``other``'s for an unknown channel)."""
        targets = self.targets()
        return targets.get(str(channel), targets["other"])

    def targets(self) -> dict[str, float]:
        """Every channel's reply target, in minutes: the defaults with the team's."""
        return {
            **DEFAULT_TARGETS_MINUTES,
            **{channel.value: minutes for channel, minutes in self.targets_minutes.items()},
        }

    def table(self) -> dict[str, Any]:
        """The keys the team set, as the analyser's configuration (JSON-ready, as results
        record it): its targets, its business hours in full, its tiers and weight."""
        out: dict[str, Any] = {}
        if self.targets_minutes:
            out["targets_minutes"] = {c.value: m for c, m in self.targets_minutes.items()}
        if self.business_hours is not None:
            out["business_hours"] = self.business_hours.model_dump()
        for key in ("tiers", "first_response_weight"):
            if key in self.model_fields_set:
                out[key] = getattr(self, key)
        return out


def reply_targets_seconds(config: Mapping[str, Any]) -> dict[str, float]:
    """Every channel's reply target in seconds, from the responsiveness configuration a
    run recorded (its ``config["responsiveness"]``; ``{}`` for the defaults).

    Raises:
        ValueError: the configuration does not validate (e.g. a run recorded by a newer
            servicecoach); the caller decides what to show instead.
    """
    settings = ResponsivenessSettings.model_validate(dict(config))
    return {channel: minutes * 60 for channel, minutes in settings.targets().items()}
