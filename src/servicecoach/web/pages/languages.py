"""Conversations in a language servicecoach does not score yet, said by name on the pages.

The analysis records the detected language of every conversation (``language``, an ISO
639-1 code from ``analysis.language``) and, when it cannot score it, why
(``not_scored``). The pages show "Spanish: not scored yet" where the scores would be,
instead of dashes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, select

from servicecoach.analysis.language import SUPPORTED
from servicecoach.store.schema import analysis_results

__all__ = ["LANGUAGE_NAMES", "language_name", "not_scored_languages", "unscored_language"]

LANGUAGE_NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "an": "Aragonese", "ar": "Arabic", "as": "Assamese",
    "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali",
    "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "dz": "Dzongkha", "el": "Greek", "en": "English",
    "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fo": "Faroese", "fr": "French", "fy": "Frisian", "ga": "Irish",
    "gd": "Scottish Gaelic", "gl": "Galician", "gu": "Gujarati", "ha": "Hausa",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole",
    "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese",
    "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean",
    "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lg": "Ganda",
    "ln": "Lingala", "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy",
    "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi",
    "ms": "Malay", "mt": "Maltese", "my": "Burmese", "ne": "Nepali", "nl": "Dutch",
    "nn": "Norwegian Nynorsk", "no": "Norwegian", "oc": "Occitan", "om": "Oromo",
    "or": "Odia", "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda",
    "sa": "Sanskrit", "se": "Northern Sami", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian",
    "st": "Sesotho", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu",
    "tg": "Tajik", "th": "Thai", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish",
    "tt": "Tatar", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "vi": "Vietnamese", "vo": "Volapük", "wa": "Walloon", "xh": "Xhosa", "yo": "Yoruba",
    "yue": "Cantonese", "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip
"""English names of the languages the detector (py3langid) can report, by code."""


def language_name(code: str) -> str:
    """``Spanish`` for ``es``; a code without a name is shown as ``language 'xx'``."""
    return LANGUAGE_NAMES.get(code, f"language {code!r}")


def unscored_language(result: dict[str, Any]) -> str | None:
    """The language of a stored result that was not scored for it (``es``), else ``None``."""
    language = result.get("language")
    if result.get("not_scored") is None or not isinstance(language, str):
        return None
    return None if language in SUPPORTED else language


def not_scored_languages(connection: Connection, run: int, ids: Collection[int]) -> dict[int, str]:
    """The conversations of ``ids`` that ``run`` did not score for their language, with it.

    Reads two JSON fields of the results of ``ids`` only (a page of the list), on SQLite
    and PostgreSQL alike.
    """
    if not ids:
        return {}
    result = analysis_results.c.result
    rows = connection.execute(
        select(analysis_results.c.conversation_id, result["language"].as_string()).where(
            analysis_results.c.run_id == run,
            analysis_results.c.conversation_id.in_(sorted(ids)),
            result["not_scored"].as_string().is_not(None),
        )
    ).all()
    return {int(pk): str(code) for pk, code in rows if code and code not in SUPPORTED}
