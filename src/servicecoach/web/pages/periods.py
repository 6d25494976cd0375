"""The default period of the overview and the wider-issues page: where the data is.

Without a period in the form, a page shows the span where the selection's
conversations are (:func:`servicecoach.store.periods.data_span`: up to the last
conversation, without a thin early tail or stray old conversations) and says so above
its charts, with a link that shows everything.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from servicecoach.errors import NotFoundError
from servicecoach.store.filters import Filters, Scope, resolve_run
from servicecoach.store.periods import DataSpan, data_span
from servicecoach.web.pages.query import FilterForm

__all__ = ["PeriodNote", "day_range", "default_period"]


@dataclass(frozen=True, slots=True)
class PeriodNote:
    """What the page says about the period it chose.

    Attributes:
        text: "Showing 12 Mar – 4 Jun 2024, where 98% of the conversations are".
        left_out: "3 earlier conversations, from 2 Jan 2018, are left out" (or ``None``).
        everything: the query string that shows every conversation (when some are left out).
        span: the span it describes.
        advice: what to do next, instead of "choose dates above" (a page's own advice).
    """

    text: str
    left_out: str | None
    everything: str | None
    span: DataSpan
    advice: str | None = None


def _day(value: date, *, year: bool = True) -> str:
    return f"{value.day} {value.strftime('%b')}" + (f" {value.year}" if year else "")


def day_range(start: date, end: date) -> str:
    """``12 Mar – 4 Jun 2024``, ``30 Dec 2023 – 4 Jan 2024``, ``4 Jun 2024``."""
    if start == end:
        return _day(end)
    return f"{_day(start, year=start.year != end.year)} – {_day(end)}"


def _note(span: DataSpan, form: FilterForm) -> PeriodNote:
    shown = day_range(span.start, span.end)
    if not span.left_out:
        text = f"Showing {shown}, where all {span.total:,} conversations of this selection are"
        return PeriodNote(text, None, None, span)
    percent = math.floor(span.share * 100)
    text = f"Showing {shown}, where {percent}% of the conversations are"
    left_out = (
        f"1 earlier conversation, on {_day(span.first)}, is left out"
        if span.left_out == 1
        else f"{span.left_out:,} earlier conversations, from {_day(span.first)}, are left out"
    )
    everything = form.query(start=span.first.isoformat(), end=span.end.isoformat())
    return PeriodNote(text, left_out, everything, span)


def default_period(
    connection: Connection, form: FilterForm, scope: Scope
) -> tuple[Filters, PeriodNote | None]:
    """The filters a page queries with, and what to say about the period.

    When the form names a start or an end, its filters are used as they are and there
    is nothing to say. Otherwise the period is where the selection's conversations are.
    """
    filters = form.filters
    if filters.start is not None or filters.end is not None:
        return filters, None
    try:
        run = resolve_run(connection, filters)
    except NotFoundError:
        return filters, None
    span = data_span(connection, run, filters, scope)
    if span is None:
        return filters, None
    chosen = dataclasses.replace(filters, start=span.start, end=span.end)
    return chosen, _note(span, form)
