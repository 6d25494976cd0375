"""Contact reasons built on a Dask cluster: the single-process reasons, or a measured agreement.

Up to ``direct_limit`` embeddings the cluster build groups exactly as one process does
(only the embedding runs on the workers): the same reasons, members and distances.
Beyond it the workers summarise pages of embeddings as k-means cells and the client
merges them; that build is compared with the exact grouping of one process on the same
data (the same reasons and labels, adjusted Rand index measured), and is the same
whatever the number of workers.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import select

from servicecoach.analysis.contact_reasons import Encoder
from servicecoach.services.cluster import open_cluster
from servicecoach.services.cluster_contact_reasons import build_reasons_on_cluster
from servicecoach.services.contact_reason_reduce import GroupPass, choose_groups, merge_cells
from servicecoach.services.contact_reason_tasks import CellTask, cells_task
from servicecoach.services.contact_reasons import ReasonsBuild, build_contact_reasons
from servicecoach.store.database import Store
from servicecoach.store.schema import contact_reasons, reason_assignments, reason_embeddings
from servicecoach.store.writer import ConversationWriter
from servicecoach.testing import make_conversation
from tests.analysis.fake_encoder import fake_encode
from tests.cli.helpers import run_cli

pytest.importorskip("distributed")

FAKE = f"{__name__}:fake_model"
TOPIC_WORDS = (
    ("parcel", "delivery", "tracking", "package", "arrived"),
    ("refund", "money", "return", "broken", "jacket"),
    ("password", "login", "account", "locked", "reset"),
)
FILLER = [
    "hi",
    "there",
    "please",
    "help",
    "my",
    "the",
    "still",
    "not",
    "yet",
    "today",
    "since",
    "monday",
    "again",
    "why",
    "can",
    "you",
    "check",
    "it",
    "urgent",
    "thanks",
    "week",
    "number",
    "waiting",
    "asap",
]


def fake_model() -> tuple[Encoder, str]:
    """What each worker loads in these tests: the fake encoder (tests/analysis)."""
    return fake_encode, "fake"


_CALLS = {"once": 0, "stops": 0}


def failing_once_model() -> tuple[Encoder, str]:
    """The fake encoder, failing its first call (Dask runs the task again)."""

    def encode(texts: Any) -> npt.NDArray[np.float32]:
        _CALLS["once"] += 1
        if _CALLS["once"] == 1:
            raise RuntimeError("a worker lost on purpose")
        return fake_encode(texts)

    return encode, "fake"


def stopping_model() -> tuple[Encoder, str]:
    """The fake encoder for two batches, then failing for good (a build stopped)."""

    def encode(texts: Any) -> npt.NDArray[np.float32]:
        _CALLS["stops"] += 1
        if _CALLS["stops"] > 2:
            raise RuntimeError("stopped on purpose")
        return fake_encode(texts)

    return encode, "fake"


def _texts(n: int, seed: int) -> list[str]:
    """Contact reasons about three topics, some mixing two, with filler words."""
    pick = random.Random(seed)
    out = []
    for _ in range(n):
        topic = pick.randrange(3)
        words = pick.sample(TOPIC_WORDS[topic], 2) + pick.sample(FILLER, pick.randint(3, 7))
        if pick.random() < 0.1:
            words.append(pick.choice(TOPIC_WORDS[(topic + 1) % 3]))
        pick.shuffle(words)
        out.append(" ".join(words).capitalize() + ".")
    return out


def _fill(url: str, n: int, seed: int = 7) -> Store:
    store = Store.open(url)
    chats = [
        make_conversation([("customer", text), ("agent", "Thanks, checking now.")], id=f"c{i}")
        for i, text in enumerate(_texts(n, seed))
    ]
    chats.append(make_conversation([("agent", "Hello?")], id="silent"))  # no customer text
    with store.begin() as connection:
        ConversationWriter(connection).write(chats)
    return store


def _reasons(store: Store) -> list[tuple[str, int, list[tuple[int, float]]]]:
    """Each stored reason: label, size, and its members with their distances."""
    with store.connect() as connection:
        reasons = connection.execute(
            select(contact_reasons.c.id, contact_reasons.c.label, contact_reasons.c.size).order_by(
                contact_reasons.c.id
            )
        ).all()
        a = reason_assignments.c
        rows = connection.execute(select(a.reason_id, a.conversation_id, a.distance)).all()
    members: dict[int, list[tuple[int, float]]] = {}
    for reason, pk, distance in rows:
        members.setdefault(reason, []).append((pk, round(distance, 6)))
    return [(label, size, sorted(members[rid])) for rid, label, size in reasons]


def _assignment(store: Store) -> dict[int, str]:
    return {pk: label for label, _, members in _reasons(store) for pk, _ in members}


@pytest.fixture(scope="module")
def threads() -> Iterator[Any]:
    """Two workers in threads of this process (starts in a fraction of a second)."""
    with open_cluster("local:2", processes=False) as client:
        yield client


def test_cluster_insights_small_build_is_the_single_process_build(
    db_url: str, tmp_path: Path, threads: Any
) -> None:
    one = _fill(f"sqlite:///{tmp_path / 'one.db'}", 150)
    spread = _fill(db_url, 150)
    alone = build_contact_reasons(one, fake_encode, "fake", min_size=5, batch_size=64)
    calls: list[tuple[int, int, int]] = []
    report = build_reasons_on_cluster(
        spread,
        threads,
        encoder=FAKE,
        min_size=5,
        batch_size=64,
        progress=lambda *a: calls.append(a),
    )
    assert _same_report(report, alone)
    assert calls[-1] == (151, 151, 151)
    assert _reasons(spread) == _reasons(one)  # labels, sizes, members, distances
    assert len(_reasons(spread)) == 3
    with one.connect() as a, spread.connect() as b:
        query = select(reason_embeddings.c.text, reason_embeddings.c.vector).order_by(
            reason_embeddings.c.conversation_id
        )
        assert a.execute(query).all() == b.execute(query).all()  # embedded alike
    again = build_reasons_on_cluster(spread, threads, encoder=FAKE, min_size=5)
    assert (again.embedded, again.grouped, again.reasons) == (0, 150, 3)  # incremental
    one.close()
    spread.close()


def test_cluster_insights_failed_task_is_run_again(tmp_path: Path, threads: Any) -> None:
    one = _fill(f"sqlite:///{tmp_path / 'one.db'}", 100)
    spread = _fill(f"sqlite:///{tmp_path / 'spread.db'}", 100)
    build_contact_reasons(one, fake_encode, "fake", min_size=5, batch_size=16)
    encoder = f"{__name__}:failing_once_model"
    report = build_reasons_on_cluster(spread, threads, encoder=encoder, min_size=5, batch_size=16)
    assert _CALLS["once"] > 1 and report.embedded == 101
    assert _reasons(spread) == _reasons(one)
    one.close()
    spread.close()


def test_cluster_insights_stopped_build_resumes(tmp_path: Path, threads: Any) -> None:
    one = _fill(f"sqlite:///{tmp_path / 'one.db'}", 100)
    spread = _fill(f"sqlite:///{tmp_path / 'spread.db'}", 100)
    build_contact_reasons(one, fake_encode, "fake", min_size=5)
    stopping = f"{__name__}:stopping_model"
    with pytest.raises(RuntimeError, match="stopped on purpose"):
        build_reasons_on_cluster(spread, threads, encoder=stopping, min_size=5, batch_size=16)
    with spread.connect() as connection:
        kept = len(connection.execute(select(reason_embeddings.c.conversation_id)).all())
    assert kept <= 2 * 16  # at most the two batches embedded before the stop
    report = build_reasons_on_cluster(spread, threads, encoder=FAKE, min_size=5, batch_size=16)
    assert report.embedded == 101 - kept  # only what the stopped build had not stored
    assert _reasons(spread) == _reasons(one)
    one.close()
    spread.close()


def _same_report(a: ReasonsBuild, b: ReasonsBuild) -> bool:
    keys = ("model", "embedded", "empty", "grouped", "assigned", "reasons")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def _ari(a: dict[int, str], b: dict[int, str], keys: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score([a.get(k, "-") for k in keys], [b.get(k, "-") for k in keys]))


def test_cluster_insights_two_stage_agrees_with_the_exact_grouping(
    tmp_path: Path, threads: Any
) -> None:
    """1,200 reasons, pages of 250 summarised as cells (60 in all, merged via 40)."""
    exact = _fill(f"sqlite:///{tmp_path / 'exact.db'}", 1200)
    build_contact_reasons(exact, fake_encode, "fake", min_size=10)  # direct: exact average linkage
    spread = _fill(f"sqlite:///{tmp_path / 'spread.db'}", 1200)
    options: dict[str, Any] = {
        "encoder": FAKE, "min_size": 10, "direct_limit": 300, "partition_size": 250,
        "max_cells": 40,
    }  # fmt: skip
    report = build_reasons_on_cluster(spread, threads, **options)
    assert (report.grouped, report.reasons) == (1200, 3)
    expected, got = _reasons(exact), _reasons(spread)
    assert sorted(label for label, _, _ in got) == sorted(label for label, _, _ in expected)
    keys = sorted(_assignment(exact) | _assignment(spread))
    agreement = _ari(_assignment(exact), _assignment(spread), keys)
    assert agreement >= 0.95, agreement
    # The same build whatever the number of workers: pages and seeds do not depend on them.
    with open_cluster("local:1", processes=False) as client:
        build_reasons_on_cluster(spread, client, **options)
    assert _reasons(spread) == got
    for store in (exact, spread):
        store.close()


def test_cluster_insights_reduce_merges_cells_like_their_texts() -> None:
    """Cells of one partition merged and passed again give the direct grouping of the texts."""
    texts = _texts(300, seed=3)
    vectors: npt.NDArray[np.float32] = fake_encode(texts)
    cells = cells_task(CellTask(0, vectors, cells=300))  # a cell per text: no k-means
    raw = merge_cells(cells.sums, cells.counts, threshold=0.6, max_cells=300)
    labels, centroids = choose_groups(raw[cells.assignment], cells.sums, raw, min_size=5)
    second = GroupPass(labels, centroids)
    for start in range(0, 300, 128):  # pages of any size
        second.add(start, vectors[start : start + 128], texts[start : start + 128])
    got = second.clustering()
    from servicecoach.analysis.contact_reasons import cluster_reasons

    want = cluster_reasons(texts, vectors, min_size=5)
    assert [g.words for g in got.groups] == [g.words for g in want.groups]
    assert [g.members for g in got.groups] == [g.members for g in want.groups]
    assert np.array_equal(got.labels, want.labels)
    assert np.allclose(got.distances, want.distances, equal_nan=True, atol=1e-6)


def test_cluster_insights_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``insights build --cluster local:2`` (worker processes, the real encoder) = one process."""
    _fill(f"sqlite:///{tmp_path / 'one.db'}", 60).close()
    shutil.copy(tmp_path / "one.db", tmp_path / "two.db")
    one = run_cli(capsys, "reasons", "build", "--db", str(tmp_path / "one.db"), "--json")
    assert one.code == 0, one.err
    args = ["reasons", "build", "--db", str(tmp_path / "two.db"), "--cluster", "local:2"]
    two = run_cli(capsys, *args)
    assert two.code == 0, two.err
    alone = json.loads(one.out)
    assert "Dask cluster local:2: 2 workers; dashboard: http" in two.err
    said = f"✓ {alone['reasons']} contact reasons from 60 conversations ({alone['assigned']} in"
    assert said in two.err and f"61 newly embedded with {alone['model']}" in two.err
    with Store.open(tmp_path / "one.db") as a, Store.open(tmp_path / "two.db") as b:
        assert _reasons(a) == _reasons(b) and _reasons(a)


@pytest.mark.parametrize(
    ("address", "message"),
    [("local:0", "use local:N"), ("http://x", "scheduler address")],
)
def test_cluster_insights_cli_bad_address(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, address: str, message: str
) -> None:
    _fill(f"sqlite:///{tmp_path / 'x.db'}", 3).close()
    result = run_cli(
        capsys, "reasons", "build", "--db", str(tmp_path / "x.db"), "--cluster", address
    )
    assert result.code == 2 and message in result.err, result.err
