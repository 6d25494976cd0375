"""The default period of the overview and contact reasons: where the data is, said on the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.store.periods import dense_span
from servicecoach.web.pages.periods import day_range

D = date(2024, 3, 1)


def _daily(n: int, start: date = D, *, each: int = 1, step: int = 1) -> list[tuple[date, int]]:
    return [(start + timedelta(days=i * step), each) for i in range(n)]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param([], None, id="nothing"),
        pytest.param([(D, 3)], (D, D), id="one day"),
        pytest.param(_daily(100), (D, D + timedelta(99)), id="spread evenly: kept whole"),
        pytest.param([(date(2018, 1, 2), 1), *_daily(100)], (D, D + timedelta(99)), id="one stray"),
        pytest.param(
            [(date(2018, 1, 2), 1), *_daily(10, step=7)],
            (D, D + timedelta(63)),
            id="one stray of eleven",
        ),
        pytest.param(
            [(date(2018, 1, 2), 1), (date(2022, 1, 2), 1), *_daily(50)],
            (D, D + timedelta(49)),
            id="two strays years apart",
        ),
        pytest.param(
            [(date(2023, 1, 1) + timedelta(days=30 * i), 1) for i in range(12)]
            + _daily(90, each=10),
            (D, D + timedelta(89)),
            id="a thin year-long tail",
        ),
        pytest.param(
            [(date(2024, 1, 5), 1), (date(2024, 1, 9), 1), *_daily(30, date(2024, 11, 1), step=2)],
            (date(2024, 11, 1), date(2024, 12, 29)),
            id="a season after two early ones",
        ),
        pytest.param(
            _daily(50) + _daily(50, date(2024, 7, 1)),
            (D, date(2024, 8, 19)),
            id="two halves: both kept",
        ),
        pytest.param(
            [(date(2018, 1, 1), 1), (date(2024, 1, 1), 1)],
            (date(2018, 1, 1), date(2024, 1, 1)),
            id="two conversations: cannot tell",
        ),
        pytest.param([(D, 0), (D + timedelta(1), 2)], (D + timedelta(1),) * 2, id="zero counts"),
    ],
)
def test_periods_dense_span(
    days: list[tuple[date, int]], expected: tuple[date, date] | None
) -> None:
    assert dense_span(days) == expected
    assert dense_span(list(reversed(days))) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 12), date(2024, 6, 4), "12 Mar – 4 Jun 2024"),
        (date(2023, 12, 30), date(2024, 1, 4), "30 Dec 2023 – 4 Jan 2024"),
        (date(2024, 6, 4), date(2024, 6, 4), "4 Jun 2024"),
    ],
)
def test_periods_day_range(start: date, end: date, expected: str) -> None:
    assert day_range(start, end) == expected


NOTE = (
    "Showing 12 Mar – 4 Jun 2024, where 92% of the conversations are; 1 earlier "
    "conversation, on 9 Jan 2018, is left out"
)


def test_periods_overview_starts_where_the_data_is(spread: TestClient) -> None:
    html = spread.get("/").text
    assert NOTE in html
    assert "2024-03-12 to 2024-06-04 · one point per week" in html
    assert '<span class="value">13</span>' in html
    assert 'href="/?start=2018-01-09&amp;end=2024-06-04">show everything</a>' in html


def test_periods_overview_keeps_the_period_asked_for(spread: TestClient) -> None:
    html = spread.get("/?start=2018-01-09&end=2024-06-04").text
    assert "Showing" not in html
    assert "2018-01-09 to 2024-06-04 · one point per month" in html
    assert '<span class="value">14</span>' in html
    only_start = spread.get("/?start=2024-05-01").text
    assert "Showing" not in only_start
    assert "2024-05-01 to 2024-06-04" in only_start


def test_periods_overview_follows_the_filters(spread: TestClient) -> None:
    html = spread.get("/?agent=Ana").text  # Ana has no stray: all of hers are shown
    assert "Showing 12 Mar – 4 Jun 2024, where all 7 conversations of this selection are" in html


def test_periods_issues_page_defaults_to_where_the_data_is(spread: TestClient) -> None:
    html = spread.get("/reasons?sort=growth").text
    assert NOTE in html
    assert "2024-03-12 to 2024-06-04" in html
    assert 'href="/reasons?sort=growth&amp;start=2018-01-09&amp;end=2024-06-04"' in html


def test_periods_small_store_says_every_conversation_is_shown(
    as_user: Callable[[str], TestClient],
) -> None:
    html = as_user("root").get("/").text
    assert "Showing 6 May – 10 Jun 2024, where all 5 conversations of this selection are" in html


@pytest.mark.parametrize(
    ("previous", "advised"),
    [pytest.param(0, True, id="nothing before: growth says nothing"), (8, False)],
)
def test_periods_reasons_page_says_when_growth_has_nothing_to_compare(
    spread: TestClient, monkeypatch: pytest.MonkeyPatch, previous: int, advised: bool
) -> None:
    from servicecoach.store.contact_reasons import ContactReason, RankedReasons
    from servicecoach.web.pages import contact_reasons

    def found(connection: object, filters: Any, scope: object, **_: object) -> RankedReasons:
        reason = ContactReason(1, "refund not arrived", ("refund",), 13, 12, previous, 3, ())
        return RankedReasons(1, filters.start, filters.end, None, None, (reason,), 1)

    monkeypatch.setattr(contact_reasons, "ranked_reasons", found)
    html = spread.get("/reasons").text
    assert NOTE in html
    assert ("choose a shorter period above to see growth." in html) is advised
    assert ("Choose dates above for another period." in html) is not advised
