"""Contact-reason grouping and labels, with a deterministic fake encoder (and, marked slow,
with the real sentence-embedding model)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from servicecoach.analysis.contact_reasons import cluster_reasons, label_groups, reason_text
from servicecoach.testing import make_conversation
from tests.analysis.fake_encoder import fake_encode

DELIVERY = [
    "where is my parcel",
    "my order hasn't arrived",
    "package still not here",
    "tracking says delivered but no parcel",
    "my delivery is late again",
]
REFUNDS = [
    "refund for the broken jacket",
    "I want my money back for the return",
    "broken zip, need a refund",
    "return label for jacket refund",
    "refund still not received",
]
LOGIN = [
    "can't login to my account",
    "password reset not working",
    "account locked after login",
    "forgot password",
    "login page error account",
]


def _groups(texts: list[str], **kwargs: object) -> list[set[str]]:
    clustering = cluster_reasons(texts, fake_encode(texts), **kwargs)  # type: ignore[arg-type]
    return [{texts[i] for i in g.members} for g in clustering.groups]


def test_insights_groups_by_topic() -> None:
    texts = [t for trio in zip(DELIVERY, REFUNDS, LOGIN, strict=True) for t in trio]
    groups = _groups(texts, min_size=3)
    assert sorted(map(sorted, groups)) == sorted(map(sorted, [DELIVERY, REFUNDS, LOGIN]))


def test_insights_labels_and_examples() -> None:
    texts = DELIVERY + REFUNDS + LOGIN
    clustering = cluster_reasons(texts, fake_encode(texts), min_size=3)
    by_first = {texts[g.members[0]]: g for g in clustering.groups}
    labels = {frozenset(texts[i] for i in g.members): g.words for g in clustering.groups}
    assert "refund" in labels[frozenset(REFUNDS)]
    assert {"parcel"} <= set(labels[frozenset(DELIVERY)])
    assert all(len(g.words) <= 4 for g in clustering.groups)
    for group in by_first.values():
        members = list(group.members)
        distances = clustering.distances[members]
        assert list(distances) == sorted(distances)  # nearest the centre first
        assert set(clustering.labels[members]) == {clustering.groups.index(group)}


def test_insights_drops_small_groups() -> None:
    texts = [*DELIVERY, "refund please", "my password"]
    clustering = cluster_reasons(texts, fake_encode(texts), min_size=3)
    assert len(clustering.groups) == 1
    assert list(clustering.labels[-2:]) == [-1, -1]
    assert np.isnan(clustering.distances[-1])


def test_insights_large_input_uses_centroids() -> None:
    rng = np.random.default_rng(1)
    texts = [(DELIVERY + REFUNDS + LOGIN)[i % 15] for i in range(600)]
    vectors = fake_encode(texts) + rng.normal(0, 0.01, (600, 48)).astype(np.float32)
    clustering = cluster_reasons(texts, vectors, direct_limit=100, max_centroids=30)
    assert sorted(g.size for g in clustering.groups) == [200, 200, 200]
    again = cluster_reasons(texts, vectors, direct_limit=100, max_centroids=30)
    assert (again.labels == clustering.labels).all()  # reproducible


def test_insights_empty_and_mismatched_input() -> None:
    empty = cluster_reasons([], np.empty((0, 8)))
    assert empty.groups == () and len(empty.labels) == 0
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        cluster_reasons(["a", "b"], np.ones((1, 8)))


def test_insights_label_groups_ctfidf() -> None:
    labels = label_groups(
        [
            ["the parcel is late", "late parcel again", "parcel not delivered"],
            ["refund my jacket", "refund for broken jacket", "thanks, refund please"],
        ],
        top=2,
    )
    assert labels[0][0] == "parcel"
    assert set(labels[1]) == {"refund", "jacket"}
    assert label_groups([["the and of", "thanks"]]) == [[]]
    assert label_groups([]) == []


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (
            [("customer", "@NorthwindHelp where is my parcel? https://t.co/x")],
            "where is my parcel?",
        ),
        (
            [("agent", "Hi!"), ("customer", "hi"), ("customer", "my order is late")],
            "hi my order is late",
        ),
        ([("customer", "x" * 70), ("customer", "second")], "x" * 70),
        ([("agent", "How can I help?")], ""),
    ],
)
def test_insights_reason_text(turns: list[tuple[str, str]], expected: str) -> None:
    assert reason_text(make_conversation(turns)) == expected


def test_insights_reason_text_is_cut() -> None:
    assert len(reason_text(make_conversation([("customer", "word " * 200)]), max_chars=50)) <= 50


@pytest.mark.slow
def test_insights_real_model_groups_by_meaning() -> None:
    if importlib.util.find_spec("servicecoach.nlp.embeddings") is None:
        pytest.skip("servicecoach.nlp.embeddings is not there yet")
    from servicecoach.services.contact_reasons import default_encoder

    encode, model = default_encoder()
    texts = [
        "where is my parcel",
        "my order hasn't arrived",
        "package still not here",
        "the courier says delivered but there is no parcel at my door",
        "refund for the broken jacket",
        "I want my money back for the torn coat",
        "still waiting for the refund on my return",
        "how do I reset my password",
        "I can't log in to my account",
        "my account is locked after too many attempts",
    ]
    clustering = cluster_reasons(texts, encode(texts), min_size=2)
    labels = list(clustering.labels)
    assert labels[0] == labels[1] == labels[2] == labels[3] != -1
    assert labels[4] == labels[5] == labels[6] not in (-1, labels[0])
    assert labels[7] == labels[8] == labels[9] not in (-1, labels[0], labels[4])
    words = {texts[g.members[0]]: set(g.words) for g in clustering.groups}
    assert any("parcel" in w for w in words.values())
    assert any("refund" in w for w in words.values())
    assert model
