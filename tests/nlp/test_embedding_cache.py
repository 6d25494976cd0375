"""The embedder's sentence cache and its parallel batches: same vectors, bounded, thread-safe."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from servicecoach.nlp.embeddings import CACHE_MAX_CHARS, CacheInfo, Embedder, EmbeddingJob
from tests.nlp.test_embeddings import HELD_ASIDE

TEXTS = [*HELD_ASIDE, *[f"Your order #{n} left the warehouse today." for n in range(30)]]


@pytest.fixture(scope="module")
def plain() -> Embedder:
    """One thread, no cache: every text through the model, as before the cache."""
    return Embedder(threads=1, batch_size=4, cache_size=0)


def test_parallel_batches_give_the_same_bits_as_one_thread(plain: Embedder) -> None:
    parallel = Embedder(threads=2, batch_size=4, cache_size=0)
    assert np.array_equal(parallel.encode(TEXTS), plain.encode(TEXTS))
    three = Embedder(threads=3, batch_size=4, cache_size=0)
    assert np.array_equal(three.encode(TEXTS[::-1]), plain.encode(TEXTS[::-1]))


def test_cached_and_parallel_embedder_gives_the_same_bits_for_the_same_calls() -> None:
    one = Embedder(threads=1, batch_size=4, cache_size=16)
    two = Embedder(threads=2, batch_size=4, cache_size=16)
    for texts in (TEXTS[:40], TEXTS[20:], TEXTS[::3] + TEXTS[:5]):
        assert np.array_equal(two.encode(texts), one.encode(texts))


def test_cache_hit_returns_the_same_vector(plain: Embedder) -> None:
    embedder = Embedder(threads=2, batch_size=4)
    first = embedder.encode(TEXTS)
    assert embedder.cache_info() == CacheInfo(0, len(TEXTS), len(TEXTS), embedder.cache_size)
    again = embedder.encode(TEXTS[::-1])
    assert np.array_equal(again[::-1], first)
    info = embedder.cache_info()
    assert (info.hits, info.misses, info.hit_rate) == (len(TEXTS), len(TEXTS), 0.5)
    # a cached vector is the model's vector for that text, to rounding
    np.testing.assert_allclose(first, plain.encode(TEXTS), atol=1e-6)


def test_repeats_in_one_call_are_embedded_once() -> None:
    embedder = Embedder(threads=1)
    vectors = embedder.encode(["Thanks!", "ok", "Thanks!", "Thanks!", "ok"])
    assert embedder.cache_info()[:3] == (3, 2, 2)
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[0], vectors[3])
    assert np.array_equal(vectors[1], vectors[4])
    assert vectors.flags["C_CONTIGUOUS"] and vectors.dtype == np.float32


def test_without_a_cache_every_text_is_embedded(plain: Embedder) -> None:
    vectors = plain.encode(["Thanks!", "Thanks!"])
    assert np.array_equal(vectors[0], vectors[1])
    assert plain.cache_info() == CacheInfo(0, 0, 0, 0)


def test_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    embedder = Embedder(threads=1, cache_size=3)
    embedder.encode(TEXTS[:10])
    assert embedder.cache_info().size == 3
    embedder.clear_cache()
    embedder.encode(["a", "b", "c"])
    embedder.encode(["a"])  # now b is the least recently used
    embedder.encode(["d"])
    embedder.encode(["a", "c", "d"])
    assert embedder.cache_info()[:3] == (4, 4, 3)  # a, c, d were all still cached
    embedder.encode(["b"])
    assert embedder.cache_info().misses == 5


def test_long_texts_are_not_cached() -> None:
    embedder = Embedder(threads=1)
    long = "word " * (CACHE_MAX_CHARS // 5 + 1)
    embedder.encode([long, "short"])
    assert embedder.cache_info().size == 1


def test_clear_cache_forgets_vectors_and_counts() -> None:
    embedder = Embedder(threads=1)
    embedder.encode(["one", "one"])
    embedder.clear_cache()
    assert embedder.cache_info() == CacheInfo(0, 0, 0, embedder.cache_size)
    embedder.encode(["one"])
    assert embedder.cache_info().misses == 1


def test_cache_is_thread_safe(plain: Embedder) -> None:
    """Threads share one small cache: right rows, no errors, never over its bound."""
    embedder = Embedder(threads=2, batch_size=4, cache_size=8)
    expected = plain.encode(TEXTS)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            for _ in range(15):
                picked = rng.choice(len(TEXTS), size=12)
                vectors = embedder.encode([TEXTS[i] for i in picked])
                np.testing.assert_allclose(vectors, expected[picked], atol=1e-6)
                assert embedder.cache_info().size <= 8
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    info = embedder.cache_info()
    assert info.hits + info.misses == 4 * 15 * 12


def test_another_thread_never_takes_a_text_still_being_queued() -> None:
    """A second thread asking for a text the first is still tokenising and queueing gets
    the right vector, and so does the first (borrowing is within one thread only)."""
    texts = [f"Message {i} about order {i * 7919 % 10007} and its parcel." for i in range(600)]
    probe = texts[-1]
    shared = Embedder(threads=2, batch_size=16)
    reference = Embedder(threads=1, batch_size=16, cache_size=0)
    got: list[np.ndarray] = []

    def other() -> None:
        deadline = time.monotonic() + 30
        while probe not in shared._in_flight and time.monotonic() < deadline:
            pass
        got.append(shared.encode([probe]))

    thread = threading.Thread(target=other)
    thread.start()
    vectors = shared.encode(texts)
    thread.join()
    np.testing.assert_allclose(vectors, reference.encode(texts), atol=1e-6)
    np.testing.assert_allclose(got[0][0], vectors[-1], atol=1e-6)
    np.testing.assert_allclose(shared.encode(texts[-3:]), vectors[-3:], atol=1e-6)  # cached


def test_bad_input_leaves_nothing_in_flight() -> None:
    embedder = Embedder(threads=2, batch_size=4)
    with pytest.raises(TypeError):
        embedder.encode(["hello there", None])  # type: ignore[list-item]
    assert not embedder._in_flight
    np.testing.assert_allclose(
        embedder.encode(["hello there"]),
        Embedder(threads=1, cache_size=0).encode(["hello there"]),
        atol=1e-6,
    )


def test_a_busy_model_queue_does_not_stall_a_caller(plain: Embedder) -> None:
    """Batches no model thread has started run on the waiting thread: live assist's check
    does not wait behind an import's queued batches on the shared embedder."""
    embedder = Embedder(threads=2, batch_size=4, cache_size=0)
    release = threading.Event()
    pool = embedder._model_threads()
    blockers = [pool.submit(release.wait) for _ in range(2)]  # both model threads busy
    try:
        done: list[np.ndarray] = []
        caller = threading.Thread(target=lambda: done.append(embedder.encode(TEXTS)))
        caller.start()
        caller.join(timeout=60)
        assert done and np.array_equal(done[0], plain.encode(TEXTS))
    finally:
        release.set()
        for blocker in blockers:
            blocker.result()


def test_a_forked_child_embeds_on_threads_of_its_own(plain: Embedder) -> None:
    """A child of a fork has none of its parent's model threads: it starts its own."""
    embedder = Embedder(threads=2, batch_size=4, cache_size=0)
    embedder.encode(TEXTS)  # the model threads exist in this process now
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            same = np.array_equal(embedder.encode(TEXTS), plain.encode(TEXTS))
            os.write(writer, b"1" if same else b"0")
        finally:
            os._exit(0)
    os.close(writer)
    answer = os.read(reader, 1)
    os.waitpid(child, 0)
    assert answer == b"1"


def test_later_jobs_share_a_text_still_being_embedded() -> None:
    """A job that asks for a text an earlier job is embedding takes its vector: the model
    runs once, as if the earlier job had finished and cached it."""
    embedder = Embedder(threads=2, batch_size=4)
    first = embedder.submit(TEXTS)
    second = embedder.submit([TEXTS[3], "A text of its own."])
    assert np.array_equal(second.result()[0], first.result()[3])
    info = embedder.cache_info()
    assert (info.hits, info.misses) == (1, len(TEXTS) + 1)


def test_an_abandoned_job_lends_no_more_but_keeps_its_word() -> None:
    """Given up, a job lends its texts to no later job; one that borrowed before still
    gets its vectors (a shared embedder: another thread's pipeline may stop early)."""
    embedder = Embedder(threads=2, batch_size=4)
    reference = Embedder(threads=1, batch_size=4).encode(TEXTS)
    given_up = embedder.submit(TEXTS)
    borrower = embedder.submit(TEXTS[:5])
    given_up.abandon()
    again = embedder.submit(TEXTS)  # embedded anew, not borrowed
    np.testing.assert_allclose(borrower.result(), reference[:5], atol=1e-6)
    np.testing.assert_allclose(again.result(), reference, atol=1e-6)
    assert embedder.cache_info().misses == 2 * len(TEXTS)


def test_an_interrupted_submit_fails_the_jobs_that_borrowed_from_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    embedder = Embedder(threads=2, batch_size=4, cache_size=64)
    start = embedder._start
    later: list[EmbeddingJob] = []

    def interrupted(job: EmbeddingJob, offset: int, texts: list[str]) -> None:
        later.append(embedder.submit(texts[:2]))  # another thread borrows meanwhile
        raise KeyboardInterrupt

    monkeypatch.setattr(embedder, "_start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        embedder.submit(TEXTS)
    monkeypatch.setattr(embedder, "_start", start)
    with pytest.raises(KeyboardInterrupt):
        later[0].result()
    fresh = Embedder(threads=1, batch_size=4, cache_size=0).encode(TEXTS[:2])
    np.testing.assert_allclose(embedder.encode(TEXTS[:2]), fresh, atol=1e-6)  # still works


def test_a_failing_batch_raises_and_the_embedder_still_works(
    plain: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = Embedder(threads=2, batch_size=4)
    run = embedder._run

    def failing(ids: list[list[int]]) -> np.ndarray:
        if len(ids[0]) > 40:
            raise RuntimeError("model failed")
        return run(ids)

    monkeypatch.setattr(embedder, "_run", failing)
    with pytest.raises(RuntimeError, match="model failed"):
        embedder.encode(TEXTS)
    assert embedder.cache_info().size == 0  # nothing half-done was cached
    monkeypatch.undo()
    np.testing.assert_allclose(embedder.encode(TEXTS), plain.encode(TEXTS), atol=1e-6)
