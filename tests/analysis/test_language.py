"""Language detection: English is scored; other languages are reported, not scored wrongly."""

from __future__ import annotations

import pytest

from servicecoach.analysis import Pipeline
from servicecoach.analysis.language import detect_language
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
