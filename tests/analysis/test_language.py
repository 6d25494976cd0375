"""Language detection: English is scored; other languages are reported, not scored wrongly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.analysis import Pipeline
from servicecoach.analysis.language import _NOISE, _letters_below, detect_language
from servicecoach.analysis.registry import analyzers
from servicecoach.testing import make_conversation


@pytest.mark.parametrize(
    ("turns", "language"),
    [
        ([("customer", "My tent arrived broken and we leave on Friday, can you help?")], "en"),
        (
            [
                (
                    "customer",
                    "Mi pedido llegó roto y nos vamos de viaje el viernes, ¿pueden ayudarme?",
                )
            ],
            "es",
        ),
        (
            [("customer", "Meine Bestellung ist kaputt angekommen und wir fahren am Freitag los.")],
            "de",
        ),
        ([("customer", "Hola")], "en"),  # too little text to say: treated as English
        ([("customer", "@NorthwindHelp thx!! https://example.com/x")], "en"),
    ],
)
def test_language_detect(turns: list[tuple[str, str]], language: str) -> None:
    assert detect_language(make_conversation(turns)).language == language


def test_language_other_languages_are_not_scored() -> None:
    pipeline = Pipeline(list(analyzers().values()))
    conversation = make_conversation(
        [
            ("customer", "Mi tienda de campaña llegó rota y nos vamos de viaje el sábado."),
            ("agent", "Lo siento mucho, le enviamos una nueva hoy mismo por envío urgente."),
        ]
    )
    data = pipeline.analyze(conversation).to_dict()
    assert data["language"] == "es"
    assert "not scored" in data["not_scored"]
    assert all(not skill["applicable"] for skill in data["skills"].values())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # other languages sprinkled with English words stay with the language model
        ("Hola, mi pedido de the store no llegó y el tracking dice delivered, ¿me ayudan?", "es"),
        (
            "Bonjour, ma commande est arrivée cassée, pouvez-vous me rembourser s'il vous plaît?",
            "fr",
        ),
        ("Hallo, ik heb mijn bestelling nog niet ontvangen en de tracking werkt niet meer.", "nl"),
        (
            "Olá, meu pedido chegou quebrado e eu preciso de um reembolso o mais rápido possível.",
            "pt",
        ),
        # languages that share short words with English ("was", "will", "we", "is", "me", "i")
        ("Was ist mit meiner Bestellung los? Ich will mein Geld zurück, das ist zu viel.", "de"),
        ("Wat is er met mijn bestelling? We hebben nog niets ontvangen, of is het verloren?", "nl"),
        ("Mi dispiace, ma i pacchi sono arrivati rotti e me ne servono altri due subito.", "it"),
        # plain English is decided without the model, and long text is read from the start
        ("Thanks for your help, I have the code now and it works on my phone. " * 200, "en"),
    ],
)
def test_language_plain_english_shortcut_leaves_other_languages_to_the_model(
    text: str, language: str
) -> None:
    assert detect_language(make_conversation([("customer", text)])).language == language


def test_language_reads_a_bounded_prefix() -> None:
    """A huge conversation costs no more than its first few thousand characters."""
    spanish = "Mi pedido llegó roto y nos vamos de viaje el viernes, ¿pueden ayudarme? "
    conversation = make_conversation([("customer", spanish * 100), ("agent", "ok " * 50_000)])
    assert detect_language(conversation).language == "es"


@given(st.text(alphabet="ab1 @#:/.wéΣ_\n", max_size=400), st.integers(1, 60))
def test_language_letter_count_reads_only_what_it_needs(text: str, least: int) -> None:
    """The letter test on a head of the text decides as counting every letter would."""
    assert _letters_below(text, least) == (sum(map(str.isalpha, text)) < least)


@pytest.mark.parametrize(
    "text",
    [
        "@acme_help my order #4411 never came, see https://example.com/o/4411 or www.acme.test",
        "Write to dana@example.com about the refund please, it has been two weeks now",
        "Plain words only, nothing that the noise pattern would ever take out of it at all",
    ],
)
def test_language_noise_skipped_only_when_absent(text: str) -> None:
    """Texts without an @, #, :// or www. are read as they are (what _NOISE would leave)."""
    conversation = make_conversation([("customer", text)])
    assert detect_language(conversation) == detect_language(
        make_conversation([("customer", _NOISE.sub(" ", text))])
    )


def test_preload_loads_the_model_once_in_the_background() -> None:
    """A batch starts loading the model on a thread; detecting waits for that one load."""
    import servicecoach.analysis.language as language

    language.preload()
    language.preload()  # a second call starts nothing
    loader = language._loader
    if loader is not None:
        loader.join(timeout=30)
    model = language._identifier()
    assert model is language._identifier()
    spanish = make_conversation(
        [("customer", "Mi pedido llegó roto y nos vamos de viaje el viernes, ¿pueden ayudarme?")]
    )
    assert detect_language(spanish).language == "es"


def test_preload_never_waits_for_a_load_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second preload (the command, then the pipeline it builds) returns at once while
    the first load runs, instead of holding up start-up until the model is ready."""
    import threading

    import servicecoach.analysis.language as language

    monkeypatch.setattr(language, "_model", None)
    monkeypatch.setattr(language, "_loader", None)
    loading = threading.Event()
    release = threading.Event()

    def slow_load() -> None:
        with language._model_lock:  # as _identifier holds it while it loads
            loading.set()
            release.wait(timeout=30)

    monkeypatch.setattr(language, "_identifier", slow_load)
    language.preload()
    assert loading.wait(timeout=10)
    second = threading.Thread(target=language.preload)
    second.start()
    second.join(timeout=5)
    finished = not second.is_alive()
    release.set()
    assert language._loader is not None
    language._loader.join(timeout=30)
    assert finished


def test_the_quick_loader_reads_the_same_model_as_py3langid() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    import servicecoach.analysis.language as language

    ours = language._load()
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert (ours.nb_ptc == theirs.nb_ptc).all() and (ours.nb_pc == theirs.nb_pc).all()
    assert ours.nb_classes == theirs.nb_classes
    assert ours.tk_nextmove == theirs.tk_nextmove and ours.tk_row == theirs.tk_row
    assert ours.tk_output == theirs.tk_output
    for text in ("Mi pedido llegó roto y nos vamos de viaje", "Where is my parcel today?"):
        assert ours.classify(text) == theirs.classify(text)


def test_a_model_stored_otherwise_is_read_by_py3langid_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import servicecoach.analysis.language as language

    def other_layout(data: bytes) -> bytes:
        raise language.lzma.LZMAError("not the layout we know")

    monkeypatch.setattr(language.lzma, "decompress", other_layout)
    model = language._load()
    assert model.classify("Mi pedido llegó roto y nos vamos de viaje el viernes")[0] == "es"
