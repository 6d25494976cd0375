"""Sentence embeddings with all-MiniLM-L6-v2, int8, on ONNX Runtime: no torch, no network.

The model file ships inside the package (``servicecoach/model_files/``, built by
``scripts/export_embedding_model.py``; see ``model_files/README.md``). The ONNX graph holds
the whole sentence encoder (BERT, mean pooling under the attention mask, L2
normalisation), so :meth:`Embedder.encode` returns what
``SentenceTransformer("all-MiniLM-L6-v2").encode(texts, normalize_embeddings=True)``
returns, to a cosine of about 0.998.

Texts are tokenised with ``tokenizers`` (truncated at 256 tokens, like the reference),
sorted by length across the whole call (up to 4,096 distinct texts at a time), batched,
padded only to the longest item of each batch, and returned in input order. Activations
are quantised per token, so a text's embedding barely depends on the batch it was run in
or on padding (by about 1e-7; exactly the same batches give exactly the same bits).

Two things make large inputs cheaper:

- **parallel batches**: the model runs with one thread per call. :meth:`Embedder.submit`
  queues a call's batches, longest first, for ``threads - 1`` model threads and returns
  at once; the caller, when it waits for the result, runs the batches no model thread
  has started yet, shortest first, so ``threads`` batches run at once and no core is
  left to a thread that only waits (:meth:`Embedder.encode` submits and waits). On 2
  cores this embeds about 1.4 times faster than one call with two intra-op threads, on
  less CPU. Each batch is the same whatever the thread count, so the vectors are
  bit-for-bit those of one thread.
- **a cache of sentences**: support replies repeat templates ("Is there anything else I
  can help you with?"), so each embedder keeps the vectors of the last ``cache_size``
  distinct texts it embedded (least recently used dropped first; exact text, nothing
  normalised; texts over 1,000 characters are not kept). A text repeated in one call is
  embedded once. A cached vector is the one returned the first time, so a text gives the
  same vector for as long as it stays cached. :meth:`Embedder.cache_info` counts hits.

Typical use::

    vectors = get_embedder().encode(["Where is my parcel?", "It never arrived."])
    vectors.shape  # (2, 384); rows have unit length, so a dot product is a cosine
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from servicecoach.errors import ConfigError

__all__ = [
    "CACHE_MAX_CHARS",
    "CACHE_SIZE",
    "DIMENSION",
    "MAX_TOKENS",
    "MODEL_DIR",
    "MODEL_FILE",
    "TOKENIZER_FILE",
    "CacheInfo",
    "Embedder",
    "EmbeddingJob",
    "get_embedder",
    "usable_cores",
]

MODEL_DIR = Path(__file__).resolve().parent.parent / "model_files"
MODEL_FILE = MODEL_DIR / "minilm-l6-v2-int8.onnx"
TOKENIZER_FILE = MODEL_DIR / "minilm-l6-v2-tokenizer.json"
DIMENSION = 384
MAX_TOKENS = 256
CACHE_SIZE = 50_000
"""Distinct texts whose vectors an embedder keeps by default (about 90 MiB when full)."""
CACHE_MAX_CHARS = 1_000
"""Longer texts are embedded but not cached (they rarely repeat, and would cost memory)."""
_CHUNK = 4096  # distinct texts tokenised and length-sorted together; bounds memory


class CacheInfo(NamedTuple):
    """What an embedder's cache has done since it was built or last cleared.

    Attributes:
        hits: texts answered without running the model (cached, repeated in one call, or
            being embedded already for an earlier job of the same thread).
        misses: texts the model embedded.
        size: distinct texts cached now.
        max_size: the most it keeps.
    """

    hits: int
    misses: int
    size: int
    max_size: int

    @property
    def hit_rate(self) -> float:
        """Share of texts answered without the model (0 when nothing was asked)."""
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0


class EmbeddingJob:
    """Texts being embedded by :meth:`Embedder.submit`: :meth:`result` waits for them.

    Its state belongs to its embedder, which fills it; callers use :meth:`result` (or
    :meth:`abandon`).
    """

    def __init__(self, embedder: Embedder, size: int) -> None:
        self._embedder = embedder
        self._out = np.empty((size, DIMENSION), dtype=np.float32)
        """The result, row by row: cached rows are filled at once, the rest by result()."""
        self._texts: list[str] = []
        """The distinct texts this job embeds itself."""
        self._targets: list[list[int]] = []
        """For each of the job's texts, the rows of the result it fills."""
        self._vectors = np.empty((0, DIMENSION), dtype=np.float32)
        """The model's vectors of the job's texts."""
        self._borrowed: list[tuple[int, EmbeddingJob, int]] = []
        """Rows filled from an earlier job of the same thread: ``(row, job, text index)``."""
        self._batches: list[tuple[Future[None], Callable[[], None]]] = []
        """Each queued batch: its future on the model threads and the work itself (which
        result() runs on the waiting thread when no model thread has started it)."""
        self._lock = threading.Lock()
        self._done = False
        self._error: BaseException | None = None

    def result(self) -> npt.NDArray[np.float32]:
        """The vectors, once every batch has run (the first failure of a batch is raised)."""
        with self._lock:
            if not self._done:
                self._done = True
                try:
                    self._run_unstarted()
                    for future, _ in self._batches:
                        if not future.cancelled():  # the cancelled ones ran here
                            future.result()
                except BaseException as error:
                    self._error = error
                self._embedder._settle(self, failed=self._error is not None)
                try:
                    if self._error is None:
                        for text_index, rows in enumerate(self._targets):
                            self._out[rows] = self._vectors[text_index]
                        for row, earlier, index in self._borrowed:
                            self._out[row] = earlier._vector(index)
                except BaseException as error:  # the earlier job failed: so does this one
                    self._error = error
                finally:  # nothing kept alive that the result no longer needs
                    self._borrowed = []
                    self._batches = []
            if self._error is not None:
                raise self._error
            return self._out

    def abandon(self) -> None:
        """Nobody will ask for the result: stop lending texts to later jobs (which embed
        them themselves). The queued batches still run, for the jobs that borrowed already."""
        self._embedder._release(self)

    def _run_unstarted(self) -> None:
        """Run here, shortest first, the batches no model thread has started: a caller
        never waits for a queue that other callers' work fills (live assist beside an
        import on the server), and a thread that would only wait does the work."""
        for future, work in reversed(self._batches):
            if future.cancel():
                work()

    def _fail(self, error: BaseException) -> None:
        """Mark the job failed before all its batches were queued (an interrupt)."""
        with self._lock:
            self._done = True
            self._error = error
        self.abandon()

    def _vector(self, index: int) -> npt.NDArray[np.float32]:
        """The vector of the job's own text number ``index`` (waiting for the job)."""
        self.result()
        row: npt.NDArray[np.float32] = self._vectors[index]
        return row


_EMBEDDERS: weakref.WeakSet[Embedder] = weakref.WeakSet()


def _after_fork() -> None:
    """A forked child has neither its parent's model threads nor a usable lock, and the
    jobs its parent had in flight will never finish there."""
    for embedder in list(_EMBEDDERS):
        embedder._lock = threading.Lock()
        embedder._in_flight = {}
        embedder._pool = None


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork)


class Embedder:
    """Turns texts into unit-length 384-dimensional float32 vectors.

    Safe to share between threads (the server's imports analyse while live assist checks
    drafts); :meth:`submit` queues texts for the model threads and returns at once.

    Args:
        model_path: the int8 ONNX model (default: the one shipped in the package).
        tokenizer_path: its ``tokenizer.json`` (default: the shipped copy).
        batch_size: texts per ONNX Runtime call (after sorting by length). Small batches
            of similar length waste little on padding and stay in the CPU cache: 16 costs
            about 4% less CPU than 32 and 20% less than 64 on short sentences.
        threads: batches run at once, each by one ONNX Runtime thread; ``None`` for one
            per CPU core this process may use. The vectors do not depend on it.
        cache_size: distinct texts whose vectors are kept (``0``: no cache, and every
            text is embedded, repeats included).

    Attributes:
        model_name: names the model and its version (the first 12 hex digits of the file's
            SHA-256, from ``manifest.json``), e.g. ``all-minilm-l6-v2-int8@60dd2a712280``;
            store it with anything computed from the vectors.

    Raises:
        ConfigError: a model file is missing or unreadable, or an option is out of range.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        batch_size: int = 16,
        threads: int | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1 (got {batch_size})")
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be at least 1 or None for all cores (got {threads})")
        if cache_size < 0:
            raise ConfigError(f"cache_size must be 0 (no cache) or more (got {cache_size})")
        self.model_path = model_path or MODEL_FILE
        self.tokenizer_path = tokenizer_path or TOKENIZER_FILE
        self.batch_size = batch_size
        self.threads = threads
        self.workers = threads or usable_cores()
        self.cache_size = cache_size
        self._tokenizer = _load_tokenizer(self.tokenizer_path)
        self._session = _load_session(self.model_path)
        self.model_name = _model_name(self.model_path)
        self._cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()  # guards the cache, its counters, jobs in flight, the pool
        self._in_flight: dict[str, tuple[EmbeddingJob, int, int]] = {}
        """Texts being embedded by a job not yet settled: the job, the text's index in it and
        the thread that submitted it."""
        self._pool: ThreadPoolExecutor | None = None
        self._pid = os.getpid()
        _EMBEDDERS.add(self)

    def __repr__(self) -> str:
        return (
            f"Embedder({self.model_name!r}, batch_size={self.batch_size}, "
            f"threads={self.workers}, cache_size={self.cache_size})"
        )

    @property
    def dim(self) -> int:
        """Length of every vector (384)."""
        return DIMENSION

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts``; row ``i`` of the result belongs to ``texts[i]``.

        Cached texts are not embedded again, and a text repeated in ``texts`` is embedded
        once (unless the cache is off).

        Args:
            texts: any sequence of strings (an empty string embeds like any other text).

        Returns:
            A C-contiguous float32 array of shape ``(len(texts), 384)`` with unit-length rows;
            shape ``(0, 384)`` for no texts.
        """
        return self.submit(texts).result()

    def submit(self, texts: Sequence[str]) -> EmbeddingJob:
        """Start embedding ``texts`` on the model threads; ``.result()`` is :meth:`encode`'s.

        The calling thread only looks texts up in the cache and tokenises them; the model
        runs on this embedder's model threads (``threads - 1``), which take batches from
        one queue in the order they were submitted, and on the thread that waits for the
        result. So a caller can prepare its next texts, or use the last ones, while the
        model works, and the model threads are never idle while work is queued (the
        pipeline embeds the next conversations this way while its analysers read the last,
        and helps the model while it waits). A text that an earlier job of the same thread is still embedding
        is not embedded again: the later job takes the earlier one's vector, as it would
        from the cache (other threads embed it themselves, never waiting on each other).
        Wait for every job with :meth:`EmbeddingJob.result`, or give it up with
        :meth:`EmbeddingJob.abandon`.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not one string")
        job = EmbeddingJob(self, len(texts))
        try:
            if not self.cache_size:
                job._texts = list(texts)
                job._targets = [[i] for i in range(len(texts))]
            else:
                self._claim(job, texts)
            job._vectors = np.empty((len(job._texts), DIMENSION), dtype=np.float32)
            for start in range(0, len(job._texts), _CHUNK):
                self._start(job, start, job._texts[start : start + _CHUNK])
        except BaseException as error:  # bad input, or interrupted: nothing stays in flight
            job._fail(error)
            raise
        return job

    def _claim(self, job: EmbeddingJob, texts: Sequence[str]) -> None:
        """Fill ``job`` from the cache; the texts left to embed become the job's own (and
        in flight, for this thread's later jobs to share), or are taken from an earlier job
        of this thread still in flight."""
        index: dict[str, int] = {}
        thread = threading.get_ident()
        with self._lock:
            for i, text in enumerate(texts):
                row = self._cache.get(text)
                if row is not None:
                    self._cache.move_to_end(text)
                    job._out[i] = row
                    continue
                own = index.get(text)
                if own is None:
                    earlier = self._in_flight.get(text)
                    if earlier is not None and earlier[2] == thread:
                        job._borrowed.append((i, earlier[0], earlier[1]))
                        continue
                    own = index[text] = len(job._texts)
                    job._texts.append(text)
                    job._targets.append([])
                    if earlier is None and len(text) <= CACHE_MAX_CHARS:  # as the cache would
                        self._in_flight[text] = (job, own, thread)
                job._targets[own].append(i)
            self._hits += len(texts) - len(job._texts)
            self._misses += len(job._texts)

    def _start(self, job: EmbeddingJob, offset: int, texts: list[str]) -> None:
        """Tokenise ``texts`` (rows ``offset:`` of the job), sort them by length, batch
        them and queue the batches, longest first (so that the threads finish together).

        One batch, or one model thread, runs here at once: no queue to wait on."""
        # encode_batch_fast (tokenizers 0.20): the same ids, without the character offsets
        # nothing here reads (17% less CPU)
        ids = [e.ids for e in self._tokenizer.encode_batch_fast(texts, add_special_tokens=True)]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        size = self.batch_size
        batches = [order[f : f + size] for f in range(0, len(order), size)][::-1]
        vectors = job._vectors

        def run(rows: list[int]) -> None:
            vectors[[offset + i for i in rows]] = self._run([ids[i] for i in rows])

        if self.workers == 1 or len(batches) == 1:
            for batch in batches:
                here: Future[None] = Future()
                try:
                    run(batch)
                    here.set_result(None)
                except Exception as error:  # raised by result(), as from a model thread
                    here.set_exception(error)
                job._batches.append((here, functools.partial(run, batch)))
            return
        pool = self._model_threads()
        for batch in batches:
            work = functools.partial(run, batch)
            job._batches.append((pool.submit(work), work))

    def _settle(self, job: EmbeddingJob, failed: bool) -> None:
        """Cache a finished job's vectors (none when it failed: nothing half-done is kept)
        and take its texts out of flight."""
        rows = (
            []
            if failed or not self.cache_size
            else [
                (text, vector.copy())  # copies: a row must not keep the job's array alive
                for text, vector in zip(job._texts, job._vectors, strict=True)
                if len(text) <= CACHE_MAX_CHARS
            ]
        )
        with self._lock:
            self._release_locked(job)
            self._cache.update(rows)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def cache_info(self) -> CacheInfo:
        """Hits, misses and size of the cache (like ``functools.lru_cache``)."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, len(self._cache), self.cache_size)

    def clear_cache(self) -> None:
        """Forget every cached vector and reset the counts (benchmarks start cold)."""
        with self._lock:
            self._cache.clear()
            self._hits = self._misses = 0

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model sees for each text (special tokens included, at most 256)."""
        return [len(e.ids) for e in self._tokenizer.encode_batch_fast(list(texts))]

    def _release(self, job: EmbeddingJob) -> None:
        """Take ``job``'s texts out of flight: later jobs embed them themselves."""
        with self._lock:
            self._release_locked(job)

    def _release_locked(self, job: EmbeddingJob) -> None:
        for text in job._texts:
            if self._in_flight.get(text, (None,))[0] is job:
                del self._in_flight[text]

    def _model_threads(self) -> ThreadPoolExecutor:
        """The threads that run the model beside the waiting caller (``threads - 1``: the
        caller is the last, and a thread more would only take turns with the analysers on
        a busy machine: 0.45 s more CPU a pass on the Twitter sample), started on first
        use (again in a forked child, which has none of its parent's threads)."""
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(
                    max_workers=self.workers - 1, thread_name_prefix="servicecoach-embed-model"
                )
                self._pid = os.getpid()
            return self._pool

    def _run(self, ids: list[list[int]]) -> npt.NDArray[np.float32]:
        """One ONNX Runtime call on token ids padded to the longest row of the batch."""
        longest = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), longest), dtype=np.int64)
        mask = np.zeros((len(ids), longest), dtype=np.int64)
        for i, row in enumerate(ids):
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids),
        }
        (vectors,) = self._session.run(["sentence_embedding"], feeds)
        return np.asarray(vectors, dtype=np.float32)


@functools.cache
def get_embedder() -> Embedder:
    """The process-wide :class:`Embedder` with default settings (loaded on first use)."""
    return Embedder()


def _missing(path: Path) -> ConfigError:
    return ConfigError(
        f"the embedding model file {path} is missing; reinstall servicecoach "
        "(pip install --force-reinstall servicecoach), or rebuild it from a source checkout "
        'with pip install -e ".[train]" && python scripts/export_embedding_model.py'
    )


def _model_name(path: Path) -> str:
    """``all-minilm-l6-v2-int8@<sha256 prefix>`` from the manifest beside the model file."""
    manifest = path.parent / "manifest.json"
    digest = ""
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get("model") == path.name:
            digest = str(data.get("model_sha256", ""))[:12]
    if not digest:  # a model from elsewhere: hash it (about 30 ms for 23 MB)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    stem = "all-minilm-l6-v2-int8" if path.name == MODEL_FILE.name else path.stem
    return f"{stem}@{digest}"


def _load_tokenizer(path: Path) -> Any:
    from tokenizers import Tokenizer

    if not path.is_file():
        raise _missing(path)
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as error:  # the library raises a bare Exception on a bad file
        raise ConfigError(
            f"cannot read the tokenizer {path} ({error}); reinstall servicecoach"
        ) from None
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _load_session(path: Path) -> Any:
    """One session, one thread per run: runs of separate batches go on separate threads.

    ONNX Runtime allows concurrent runs of one session, so the threads share the weights;
    on 2 cores two one-thread runs embed about 1.4 times faster than one two-thread run
    (intra-op threads synchronise per operator, on small matrices), on less CPU.
    """
    import onnxruntime

    if not path.is_file():
        raise _missing(path)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no optimiser chatter on stderr
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own unexported exception types
        raise ConfigError(
            f"cannot load the embedding model {path} ({error}); reinstall servicecoach"
        ) from None
