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

- **parallel batches**: the model runs with one thread per call, and the batches of one
  :meth:`Embedder.encode` call are shared out among ``threads`` threads (the calling
  thread and a small pool), longest first. On 2 cores this embeds about 1.4 times faster
  than one call with two intra-op threads, on less CPU. Each batch is the same whatever
  the thread count, so the vectors are bit-for-bit those of one thread.
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
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
        hits: texts answered without running the model (cached, or repeated in one call).
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


class Embedder:
    """Turns texts into unit-length 384-dimensional float32 vectors.

    Safe to share between threads (the pipeline embeds on a background thread while the
    web service checks drafts).

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
        self._lock = threading.Lock()  # guards the cache, its counters and the pool
        self._pool: ThreadPoolExecutor | None = None

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
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not one string")
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        if not self.cache_size:
            for start in range(0, len(texts), _CHUNK):
                out[start : start + _CHUNK] = self._embed(list(texts[start : start + _CHUNK]))
            return out
        pending: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                row = self._cache.get(text)
                if row is None:
                    pending.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = row
            self._hits += len(texts) - len(pending)
            self._misses += len(pending)
        unique = list(pending)
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            vectors = self._embed(chunk)
            for text, vector in zip(chunk, vectors, strict=True):
                out[pending[text]] = vector
            self._remember(chunk, vectors)
        return out

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
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

    def _remember(self, texts: list[str], vectors: npt.NDArray[np.float32]) -> None:
        """Cache the vectors of ``texts`` (copies: a row must not keep its batch alive)."""
        rows = [
            (text, vector.copy())
            for text, vector in zip(texts, vectors, strict=True)
            if len(text) <= CACHE_MAX_CHARS
        ]
        with self._lock:
            self._cache.update(rows)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Every text through the model: sorted by length, batched, batches in parallel."""
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(texts, add_special_tokens=True)]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        batches = [order[f : f + self.batch_size] for f in range(0, len(order), self.batch_size)]

        def run(rows: list[int]) -> None:
            out[rows] = self._run([ids[i] for i in rows])

        self._each(run, batches[::-1])  # longest first: the threads finish together
        return out

    def _each(self, work: Callable[[list[int]], None], batches: list[list[int]]) -> None:
        """``work(batch)`` for every batch, on up to ``workers`` threads, this one included.

        The calling thread takes batches too and waits only for batches a helper has
        started, so a busy (or, after a fork, dead) pool never stalls a call.
        """
        helpers = min(self.workers, len(batches)) - 1
        if helpers < 1:
            for batch in batches:
                work(batch)
            return
        state = {"taken": 0, "done": 0}
        errors: list[BaseException] = []
        turn = threading.Condition()

        def drain() -> None:
            while True:
                with turn:
                    if errors or state["taken"] == len(batches):
                        return
                    batch = batches[state["taken"]]
                    state["taken"] += 1
                try:
                    work(batch)
                except BaseException as error:
                    with turn:
                        errors.append(error)
                with turn:
                    state["done"] += 1
                    turn.notify_all()

        pool = self._helpers()
        for _ in range(helpers):
            pool.submit(drain)
        drain()
        with turn:
            turn.wait_for(lambda: state["done"] == state["taken"])
        if errors:
            raise errors[0]

    def _helpers(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.workers - 1, thread_name_prefix="servicecoach-embed-model"
                )
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
