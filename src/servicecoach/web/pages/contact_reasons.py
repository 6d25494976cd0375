"""``/reasons``: recurring contact reasons ranked by volume, growth or negative emotion,
with their representative words and example messages (``/issues``, the page's address
before, redirects here).

Without dates in the form the period is where the data is (``web.pages.periods``), said
on the page, instead of the store's default of the last four weeks.
"""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from servicecoach.errors import NotFoundError
from servicecoach.server.state import State
from servicecoach.store.contact_reasons import ReasonSort, ranked_reasons
from servicecoach.web.auth import PageViewer
from servicecoach.web.charts import Bar, bar_chart
from servicecoach.web.pages.common import filter_menus
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.periods import PeriodNote, default_period
from servicecoach.web.pages.query import read_filters
from servicecoach.web.pages.templating import render

__all__ = ["old_address", "reasons_page", "router"]

router = APIRouter(include_in_schema=False)

_GROWTH_ADVICE = (
    "Growth compares it with the same length before, where there are almost no "
    "conversations: choose a shorter period above to see growth."
)


@router.get("/issues", include_in_schema=False)
def old_address(request: Request) -> RedirectResponse:
    """The page's address before it was named for what it shows: bookmarks keep working."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/reasons{query}", status_code=308)


@router.get("/reasons", response_class=HTMLResponse)
def reasons_page(request: Request, state: State, viewer: PageViewer) -> HTMLResponse:
    """The contact reasons of the period within the viewer's filters and scope."""
    form = read_filters(request, keep=("sort",))
    problems = list(form.problems)
    raw = form.values.get("sort", ReasonSort.VOLUME.value)
    try:
        sort = ReasonSort(raw)
    except ValueError:
        problems.append(f"cannot rank by {raw!r}: ranked by volume")
        sort = ReasonSort.VOLUME
    with reading(state) as connection:
        menus = filter_menus(connection, viewer.scope, form)
        note: PeriodNote | None = None
        try:
            filters, note = default_period(connection, form, viewer.scope)
            found = ranked_reasons(connection, filters, viewer.scope, sort=sort)
        except NotFoundError as exc:
            found, menus["empty"] = None, str(exc)
    if note is not None and found is not None and found.reasons:
        before = sum(r.previous for r in found.reasons)
        if before * 10 < sum(r.volume for r in found.reasons):
            note = dataclasses.replace(note, advice=_GROWTH_ADVICE)
    chart = None
    if found is not None and found.reasons:
        chart = bar_chart(
            [
                Bar(
                    r.words[0] if r.words else str(r.id),
                    float(r.volume),
                    f"{r.volume} ({_growth(r.growth)})",
                    "#dc2626" if (r.negative_share or 0) >= 0.5 else "#2563eb",
                )
                for r in found.reasons[:10]
            ],
            title="Conversations per contact reason in the period (red: mostly upset customers)",
            colors=[
                ("#dc2626", "half or more of its customers started upset"),
                ("#2563eb", "fewer than half started upset"),
            ],
        )
    return render(
        request,
        "contact_reasons.html",
        viewer,
        active="reasons",
        found=found,
        chart=chart,
        sort=sort.value,
        sorts=[s.value for s in ReasonSort],
        growth=_growth,
        period_note=note,
        action="/reasons",
        extra_keys=("sort",),
        problems=problems,
        **menus,
    )


def _growth(value: float | None) -> str:
    if value is None:
        return "new"
    return f"{value:+.0%}"
