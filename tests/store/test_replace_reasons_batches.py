"""Contact reasons are written in bounded batches: every assignment stored, in order,
however the groups fall across the batches (millions are never held at once)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from servicecoach.analysis.contact_reasons import Clustering, ReasonGroup
from servicecoach.store import contact_reasons as reasons_store
from servicecoach.store.database import Store
from servicecoach.store.schema import contact_reasons, conversations, reason_assignments
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES


def test_replace_reasons_writes_every_assignment_across_batches(
    tmp_path: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path}/r.db"
    assert run_cli(capsys, "import", str(SAMPLES), "--db", db, "-q").code == 0
    monkeypatch.setattr(reasons_store, "_ROWS_PER_INSERT", 4)
    with Store.open(db) as store:
        with store.connect() as connection:
            ids = list(connection.execute(select(conversations.c.id)).scalars())[:17]
        centroid = np.zeros(384, dtype=np.float32)
        groups = (
            ReasonGroup(("parcel late",), tuple(range(10)), centroid),
            ReasonGroup(("refund",), tuple(range(10, 17)), centroid),
        )
        clustering = Clustering(
            groups,
            np.array([0] * 10 + [1] * 7, dtype=np.int64),
            np.linspace(0.0, 0.5, 17),
        )
        with store.begin() as connection:
            assert reasons_store.replace_reasons(connection, ids, clustering, "m") == 2
        with store.connect() as connection:
            reasons = dict(
                connection.execute(select(contact_reasons.c.id, contact_reasons.c.label)).all()
            )
            stored = connection.execute(
                select(
                    reason_assignments.c.conversation_id,
                    reason_assignments.c.reason_id,
                    reason_assignments.c.distance,
                )
            ).all()
    assert len(stored) == 17
    by_conversation = {c: (reasons[r], d) for c, r, d in stored}
    for index, conversation in enumerate(ids):
        label, distance = by_conversation[conversation]
        assert label == ("parcel late" if index < 10 else "refund")
        assert distance == pytest.approx(clustering.distances[index])
