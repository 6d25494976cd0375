"""Contact reasons: the incremental build and the ranking the page reads, on the hand-built
store of tests/store/dashboard_data.py, with the fake encoder, on every backend.

The contact reasons of the five conversations: c1, c2 (Dana's parcel) and c4 (an order
missing a sock) are about delivery; c3 (refund) and c5 (password) are alone, so with
``min_size=2`` only the delivery reason is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import func, select

from servicecoach.services.contact_reasons import build_contact_reasons
from servicecoach.store.contact_reasons import ReasonSort, ranked_reasons
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.schema import reason_embeddings
from tests.analysis.fake_encoder import fake_encode
from tests.store.dashboard_data import Built, build_dashboard_store

ALL = Scope.everything()
MAY = Filters(start=date(2024, 5, 6), end=date(2024, 5, 13))


class CountingEncoder:
    """The fake encoder, counting the texts it was asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.texts.extend(texts)
        return fake_encode(texts)


@pytest.fixture
def built(store: Store) -> Built:
    built = build_dashboard_store(store)
    build_contact_reasons(store, fake_encode, "fake", min_size=2)
    return built


def test_contact_reasons_store_build_is_incremental(store: Store) -> None:
    build_dashboard_store(store)
    encoder = CountingEncoder()
    calls: list[tuple[int, int, int]] = []
    first = build_contact_reasons(
        store, encoder, "fake", min_size=2, batch_size=2, progress=lambda *a: calls.append(a)
    )
    assert (first.embedded, first.empty, first.grouped) == (5, 0, 5)
    assert (first.reasons, first.assigned) == (1, 3)
    assert calls[-1] == (5, 5, 5)
    assert "where is it" in " ".join(encoder.texts)
    again = build_contact_reasons(store, encoder, "fake", min_size=2)
    assert (again.embedded, again.reasons, again.assigned) == (0, 1, 3)
    assert len(encoder.texts) == 5  # nothing embedded twice
    other = build_contact_reasons(store, encoder, "other-model", min_size=2)
    assert other.embedded == 5
    with store.connect() as connection:
        count = connection.execute(select(func.count()).select_from(reason_embeddings)).scalar_one()
    assert count == 5  # replaced, not duplicated


def test_contact_reasons_store_default_period_compares_with_the_one_before(
    store: Store, built: Built
) -> None:
    with store.connect() as connection:
        issues = ranked_reasons(connection, Filters(), ALL)
    assert (issues.start, issues.end) == (date(2024, 5, 14), date(2024, 6, 10))
    assert issues.previous_start == date(2024, 4, 16)
    assert issues.built_at is not None
    (reason,) = issues.reasons
    assert (reason.volume, reason.previous, reason.growth) == (1, 2, -0.5)
    assert {"parcel", "order"} & set(reason.words)
    assert [e.external_id for e in reason.examples] == ["c4"]
    assert issues.unassigned == 0


def test_contact_reasons_store_period_counts_and_examples(store: Store, built: Built) -> None:
    with store.connect() as connection:
        issues = ranked_reasons(connection, MAY, ALL)
    (reason,) = issues.reasons
    assert (reason.volume, reason.previous, reason.growth) == (2, 0, None)
    assert (reason.negative, reason.negative_share) == (1, 0.5)  # c1 started frustrated
    assert {e.external_id for e in reason.examples} == {"c1", "c2"}
    assert issues.unassigned == 2  # c3 and c5


@pytest.mark.parametrize(
    ("scope", "filters", "examples"),
    [
        (Scope.agent("sam"), MAY, {"c1", "c2"}),
        (Scope.agent("ana"), MAY, None),
        (Scope.team("south"), MAY, None),
        (Scope.agent("lee"), Filters(), {"c4"}),
        (ALL, Filters(channel="email", start=MAY.start, end=MAY.end), {"c2"}),
    ],
)
def test_contact_reasons_store_respects_scope(
    store: Store, built: Built, scope: Scope, filters: Filters, examples: set[str] | None
) -> None:
    with store.connect() as connection:
        issues = ranked_reasons(connection, filters, scope)
    if examples is None:
        assert issues.reasons == ()
    else:
        (reason,) = issues.reasons
        assert {e.external_id for e in reason.examples} == examples
        assert reason.volume == len(examples)


def test_contact_reasons_store_sorts(store: Store) -> None:
    build_dashboard_store(store)
    build_contact_reasons(store, fake_encode, "fake", min_size=1)
    with store.connect() as connection:
        by_volume = ranked_reasons(connection, MAY, ALL)
        by_negative = ranked_reasons(connection, MAY, ALL, sort=ReasonSort.NEGATIVE)
        by_growth = ranked_reasons(connection, Filters(), ALL, sort=ReasonSort.GROWTH, limit=1)
    assert by_volume.reasons[0].volume == 2
    assert [r.volume for r in by_volume.reasons] == sorted(
        (r.volume for r in by_volume.reasons), reverse=True
    )
    assert by_negative.reasons[0].negative >= by_negative.reasons[-1].negative
    assert len(by_growth.reasons) == 1


def test_contact_reasons_store_before_any_build(store: Store) -> None:
    build_dashboard_store(store)
    with store.connect() as connection:
        issues = ranked_reasons(connection, Filters(), ALL)
    assert (issues.built_at, issues.reasons, issues.unassigned) == (None, (), 1)
