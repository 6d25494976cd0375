"""The filter form every data page shares (channel, team, agent, period) read from the
query string into :class:`~servicecoach.store.filters.Filters`.

A value the form cannot use (a date that is not a date, a period that ends before it
starts) is left out and reported on the page, instead of failing the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import Request

from servicecoach.model.conversation import Channel
from servicecoach.store.filters import Filters

__all__ = ["CHANNELS", "FilterForm", "read_filters"]

CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
"""The channel choices of the form."""


@dataclass(frozen=True, slots=True)
class FilterForm:
    """The filters as asked (for the form) and as used (for the queries)."""

    filters: Filters
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def query(self, **changes: str | int | None) -> str:
        """This page's query string with ``changes`` applied (``None`` removes a key)."""
        merged: dict[str, str] = dict(self.values)
        for key, value in changes.items():
            if value is None or value == "":
                merged.pop(key, None)
            else:
                merged[key] = str(value)
        return urlencode(merged)


def _date(raw: str, name: str, problems: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{name} {raw!r} is not a date (use YYYY-MM-DD): ignored")
        return None


def read_filters(request: Request, *, keep: tuple[str, ...] = ()) -> FilterForm:
    """The filters of ``request``'s query string; ``keep`` names other keys to carry along."""
    params = request.query_params
    problems: list[str] = []
    values = {
        k: params.get(k, "").strip()
        for k in ("channel", "team", "agent", "start", "end", *keep)
        if params.get(k, "").strip()
    }
    channel = values.get("channel")
    if channel is not None and channel not in CHANNELS:
        problems.append(f"unknown channel {channel!r}: ignored")
        channel = None
        values.pop("channel")
    start = _date(values.get("start", ""), "start", problems)
    end = _date(values.get("end", ""), "end", problems)
    if start is not None and end is not None and end < start:
        problems.append(f"the period ends ({end}) before it starts ({start}): dates swapped")
        start, end = end, start
    filters = Filters(
        channel=channel,
        team=values.get("team"),
        agent=values.get("agent"),
        start=start,
        end=end,
    )
    return FilterForm(filters, values, problems)
