"""The street-type lexicon the address detector reads (servicecoach's own list).

Words are grouped by how much they prove on their own:

- :data:`STRONG` types ("Street", "Road", "Avenue"...) rarely follow a number and a
  capitalised name in anything but an address: "12 Baker Street" is enough.
- :data:`WEAK` types ("Drive", "Way", "Court", "Place"...) also name products and
  things ("2 Hard Drive", "12 Supreme Court"): an address needs more, a unit, a ZIP
  code or postcode after it, or a cue before it ("I live at", "ship to").
- :data:`SUFFIXES` and :data:`AFTER_NAME` are German, Dutch and Nordic forms written
  name first, number after: "Hauptstraße 5", "Hauptstr. 5", "Berliner Straße 12",
  "Kerkstraat 12".
- :data:`NUMBER_FIRST` are French forms with the number first: "12 rue de la Paix".
- :data:`TYPE_FIRST` are Spanish, Italian, Portuguese and Catalan forms, type then
  name then number: "Calle Mayor 5", "Via Roma 10", "Rua Augusta 25".

Around them: :data:`UNITS` start a flat or suite after the street, :data:`CUES` before a
number say an address follows ("I live at"), :data:`NOT_NAMES` are words that make
lower-case "number, words, street type" ordinary text ("3 days on the road"), and
:data:`NOT_AFTER` are nouns that a street type starts ("road bikes", "Road Trips").

Abbreviations are listed without their full stop; the detector allows one after them.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AFTER_NAME",
    "ARTICLES",
    "CUES",
    "NOT_AFTER",
    "NOT_NAMES",
    "NUMBER_FIRST",
    "STRONG",
    "SUFFIXES",
    "TYPE_FIRST",
    "UNITS",
    "WEAK",
]

STRONG: Final = (
    "Street", "St", "Road", "Rd", "Avenue", "Ave", "Av", "Boulevard", "Blvd", "Lane", "Ln",
    "Highway", "Hwy", "Parkway", "Pkwy", "Crescent", "Cres", "Terrace", "Tce", "Ter",
    "Turnpike", "Tpke", "Expressway", "Freeway",
)  # fmt: skip
"""Street types that, after a house number and a capitalised name, make an address."""

WEAK: Final = (
    "Drive", "Dr", "Way", "Court", "Ct", "Place", "Pl", "Square", "Sq", "Close", "Grove",
    "Gardens", "Gdns", "Circle", "Cir", "Trail", "Trl", "Mews", "Row", "Walk", "Plaza",
    "Alley", "Loop", "Hill", "Park", "Heights", "Green", "Rise", "Wharf", "Quay",
)  # fmt: skip
"""Street types that also name other things: an address needs a unit, code or cue too."""

SUFFIXES: Final = (
    "straße", "strasse", "str", "weg", "gasse", "allee", "platz", "damm", "ufer", "chaussee",
    "straat", "laan", "gracht", "plein", "kade", "singel", "dijk",
    "vej", "gatan", "gata", "vägen", "veien",
)  # fmt: skip
"""Endings of one-word street names written before the number ("Hauptstraße 5")."""

AFTER_NAME: Final = (
    "Straße", "Strasse", "Str", "Weg", "Gasse", "Allee", "Platz", "Damm", "Ufer", "Chaussee",
)  # fmt: skip
"""Separate type words after a name, then the number ("Berliner Straße 12")."""

NUMBER_FIRST: Final = (
    "rue", "avenue", "av", "boulevard", "bd", "allée", "impasse", "quai", "chemin",
)  # fmt: skip
"""French types after the number ("12 rue de la Paix"); any case."""

TYPE_FIRST: Final = (
    "Calle", "Avenida", "Avda", "Paseo", "Plaza", "Carrer", "Passeig", "Via", "Viale",
    "Piazza", "Corso", "Largo", "Rua", "Travessa", "Praça",
)  # fmt: skip
"""Types written first, then the name, then the number ("Calle Mayor 5")."""

ARTICLES: Final = (
    "de la", "de las", "de los", "de l'", "de l’", "del", "de", "des", "du", "d'", "d’",
    "dei", "della", "delle", "degli", "di", "do", "da", "dos", "das",
)  # fmt: skip
"""Small words between a type and a name ("rue de la Paix", "Carrer de Balmes")."""

UNITS: Final = (
    "Apartment", "Apt", "Unit", "Suite", "Ste", "Flat", "Floor", "Fl", "Room", "Rm",
    "Building", "Bldg",
)  # fmt: skip
"""Words that start a unit after a street ("Apt 4B", "Suite 200")."""

CUES: Final = (
    r"address(?:\s+is)?",
    r"addressed\s+to",
    r"live[sd]?\s+(?:at|on)",
    r"living\s+(?:at|on)",
    r"moved\s+to",
    r"reside[sd]?\s+at",
    r"deliver(?:ed|y)?(?:\s+it)?\s+(?:to|at)",
    r"ship(?:ped|ping)?(?:\s+it)?\s+to",
    r"sen[dt]\s+it\s+to",
    r"located\s+at",
    r"(?:my|our|the)\s+(?:house|home|flat|apartment|office)\s+(?:is\s+)?(?:at|on)",
)
"""Words right before a house number that say an address follows (regexes, any case)."""

NOT_NAMES: Final = frozenset(
    {
        # function words: "3 days on the road", "2 of the main streets"
        "a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "and",
        "or", "but", "my", "your", "our", "their", "his", "her", "its", "this", "that",
        "these", "those", "more", "less", "other", "another", "same", "new", "old", "big",
        "small", "little", "long", "short", "different", "separate", "extra", "whole",
        "is", "are", "was", "were", "be", "been", "it", "i", "we", "you", "they", "he", "she",
        "all", "any", "some", "each", "every", "no", "not", "only", "just", "very", "so",
        "too", "out", "off", "up", "down", "over", "under", "into", "onto", "per", "than",
        # counted things: "2 hours down the road", "3 times a day"
        "second", "seconds", "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs",
        "day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times",
        "mile", "miles", "km", "kms", "block", "blocks", "lane", "lanes", "way", "ways",
        "car", "cars", "bus", "buses", "bike", "bikes", "step", "steps", "stop", "stops",
        "people", "person", "kids", "item", "items", "order", "orders", "box", "boxes",
        # street types as names: "4 lane highway", "2 way street"
        "street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "court", "place",
        "highway", "hwy", "boulevard", "blvd", "parkway",
    }
)  # fmt: skip
"""Words that make a lower-case "number, words, street type" ordinary text, not an address."""

NOT_AFTER: Final = frozenset(
    {
        "trip", "trips", "bike", "bikes", "bicycle", "race", "races", "racing", "test",
        "tests", "tax", "rage", "safety", "works", "worker", "workers", "closure",
        "closures", "lamp", "lamps", "light", "lights", "lighting", "sign", "signs",
        "map", "maps", "food", "foods", "art", "style", "wear", "fighter", "legal",
        "parking", "price", "prices", "value", "values", "team", "teams", "crew", "cleaning",
        "markings", "noise", "sweeper", "sweepers", "vendor", "vendors", "market",
        "markets", "bank", "banks", "journal", "view", "views", "cred", "smart", "tyre",
        "tyres", "tire", "tires", "shoes", "sweeping", "repairs", "kit", "kits",
        "version", "edition", "model", "models", "series", "level", "levels", "mode",
        "app", "apps", "game", "games", "pass", "passes", "ticket", "tickets",
    }
)  # fmt: skip
"""Words that, right after the street type, make it part of a noun ("2 road bikes",
"Top 10 Road Trips", "5 Easy Street Food Recipes"): not an address."""
