"""Sentence embeddings with all-MiniLM-L6-v2, int8, on ONNX Runtime: no torch, no network.

The model file ships inside the package (``servicecoach/models/``, built by
``scripts/export_embedding_model.py``; see ``models/README.md``). The ONNX graph holds
the whole sentence encoder (BERT, mean pooling under the attention mask, L2
normalisation), so :meth:`Embedder.encode` returns what
``SentenceTransformer("all-MiniLM-L6-v2").encode(texts, normalize_embeddings=True)``
returns, to a cosine of about 0.998.

Texts are tokenised with ``tokenizers`` (truncated at 256 tokens, like the reference),
sorted by length within chunks, batched, padded only to the longest item of each batch,
and returned in input order. Activations are quantised per token, so a text's embedding
does not depend on the batch it was run in or on padding: the same text always gives the
same vector.

Typical use::

    vectors = get_embedder().encode(["Where is my parcel?", "It never arrived."])
    vectors.shape  # (2, 384); rows have unit length, so a dot product is a cosine
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from servicecoach.errors import ConfigError

__all__ = [
    "DIMENSION",
    "MAX_TOKENS",
    "MODEL_DIR",
    "MODEL_FILE",
    "TOKENIZER_FILE",
    "Embedder",
    "get_embedder",
]

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILE = MODEL_DIR / "minilm-l6-v2-int8.onnx"
TOKENIZER_FILE = MODEL_DIR / "minilm-l6-v2-tokenizer.json"
DIMENSION = 384
MAX_TOKENS = 256
_CHUNK = 4096  # texts tokenised and length-sorted together; bounds memory on huge inputs


class Embedder:
    """Turns texts into unit-length 384-dimensional float32 vectors.

    Args:
        model_path: the int8 ONNX model (default: the one shipped in the package).
        tokenizer_path: its ``tokenizer.json`` (default: the shipped copy).
        batch_size: texts per ONNX Runtime call (after sorting by length).
        threads: ONNX Runtime intra-op threads; ``None`` lets it use every physical core.

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
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1 (got {batch_size})")
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be at least 1 or None for all cores (got {threads})")
        self.model_path = model_path or MODEL_FILE
        self.tokenizer_path = tokenizer_path or TOKENIZER_FILE
        self.batch_size = batch_size
        self.threads = threads
        self._tokenizer = _load_tokenizer(self.tokenizer_path)
        self._session = _load_session(self.model_path, threads)
        self.model_name = _model_name(self.model_path)

    def __repr__(self) -> str:
        return (
            f"Embedder({self.model_name!r}, batch_size={self.batch_size}, threads={self.threads})"
        )

    @property
    def dim(self) -> int:
        """Length of every vector (384)."""
        return DIMENSION

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts``; row ``i`` of the result belongs to ``texts[i]``.

        Args:
            texts: any sequence of strings (an empty string embeds like any other text).

        Returns:
            A C-contiguous float32 array of shape ``(len(texts), 384)`` with unit-length rows;
            shape ``(0, 384)`` for no texts.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not one string")
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            chunk = list(texts[start : start + _CHUNK])
            encodings = self._tokenizer.encode_batch(chunk, add_special_tokens=True)
            order = sorted(range(len(chunk)), key=lambda i: len(encodings[i].ids))
            for first in range(0, len(order), self.batch_size):
                rows = order[first : first + self.batch_size]
                vectors = self._run([encodings[i].ids for i in rows])
                out[[start + i for i in rows]] = vectors
        return out

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model sees for each text (special tokens included, at most 256)."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts))]

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


def _load_session(path: Path, threads: int | None) -> Any:
    import onnxruntime

    if not path.is_file():
        raise _missing(path)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or 0
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
