"""Text files in whatever encoding they were saved: BOM first, then UTF-8, then detection.

Caption and transcript files come from many tools: subtitle editors still save
Windows-1252 (``café`` as the byte ``E9``), Windows tools save UTF-16 with a byte order
mark. Importers that read text read it through this module instead of assuming UTF-8:

1. a byte order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) and is removed;
2. otherwise bytes that are valid UTF-8 are UTF-8 (plain ASCII included);
3. otherwise the encoding is detected with `charset-normalizer
   <https://charset-normalizer.readthedocs.io/>`_. Short Western European texts decode
   equally well in several single-byte encodings; among those equally likely,
   Windows-1252 is taken (the one Windows editors write), then the detector's choice.

Bytes that are no text in any encoding (an image, a zip, text with NUL characters) are
a :class:`~servicecoach.errors.InvalidFileError` naming the file and the first byte that
gave it away, with how to fix it. :func:`read_decoded` says which encoding was used, so
that an importer can keep it (``meta.decoded_as``) when it was not UTF-8.

:func:`open_text` streams a large file: the encoding is decided from its first
:data:`SNIFF_BYTES` bytes, so a file whose beginning is plain ASCII and that turns to
Windows-1252 further on is read as UTF-8, and the byte that is not UTF-8 raises
:class:`UnicodeDecodeError` while reading: report it with :func:`decode_problem`.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from charset_normalizer import from_bytes

from servicecoach.errors import InvalidFileError, Problem
from servicecoach.ingest.base import Source

__all__ = [
    "SNIFF_BYTES",
    "DecodedText",
    "decode_bytes",
    "decode_problem",
    "head_text",
    "open_text",
    "read_decoded",
    "read_text",
]

SNIFF_BYTES = 64 * 1024
"""How much of a streamed file decides its encoding."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PREFERRED = "cp1252"
_TIE = 0.01
_FIX = "save or export it as text, preferably UTF-8 (iconv -t UTF-8 converts it)"


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text and how it was decoded.

    Attributes:
        text: the text, without its byte order mark.
        encoding: the Python codec used (``"utf-8"``, ``"utf-16-le"``, ``"cp1252"``).
        bom: whether a byte order mark said so.
    """

    text: str
    encoding: str
    bom: bool = False

    @property
    def is_utf8(self) -> bool:
        """True for UTF-8 (with or without a BOM), the encoding nobody needs told about."""
        return self.encoding == "utf-8"


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def _detected(data: bytes) -> str | None:
    """The most likely encoding of bytes that are not UTF-8, or ``None`` for no text."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if (
            _PREFERRED in (match.encoding, *match.could_be_from_charset)
            and match.chaos <= best.chaos + _TIE
            and match.coherence >= best.coherence - _TIE
        ):
            return _PREFERRED
    return str(best.encoding)


def _not_text(path: Path, where: str, why: str) -> InvalidFileError:
    return InvalidFileError(Problem(path, where, f"the file is not text: {why}", _FIX))


def decode_bytes(data: bytes, path: Path) -> DecodedText:
    """Decode a whole file's bytes (see the module docstring for the order of tries).

    Args:
        data: the file's bytes.
        path: the file, named in the problem when the bytes are not text.

    Raises:
        InvalidFileError: the bytes are no text in any encoding.
    """
    found = _bom(data)
    bom = found is not None
    if found is not None:
        encoding, skip = found
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise _not_text(
                path,
                f"byte {exc.start + skip}",
                f"it starts with a {encoding.upper()} byte order mark, "
                "but what follows is not that encoding",
            ) from None
    else:
        try:
            encoding, text = "utf-8", data.decode("utf-8")
        except UnicodeDecodeError:
            detected = _detected(data)
            if detected is None:
                raise _not_text(
                    path, "", "its bytes are no known text encoding (binary data?)"
                ) from None
            encoding = codecs.lookup(detected).name
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _not_text(
                    path, f"byte {exc.start}", f"it is neither UTF-8 nor {encoding}"
                ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise _not_text(path, f"character {nul}", "it holds NUL characters (binary data?)")
    return DecodedText(text, encoding, bom)


def read_decoded(source: Source) -> DecodedText:
    """The whole file, decoded, with the encoding used (progress is counted).

    Raises:
        InvalidFileError: the file is not text.
    """
    with source.open_binary() as handle:
        data = handle.read()
    return decode_bytes(data, source.path)


def read_text(source: Source) -> str:
    """The whole file as text, whatever its encoding; newlines are left as they are.

    Raises:
        InvalidFileError: the file is not text.
    """
    return read_decoded(source).text


def _stream_encoding(head: bytes, source: Source) -> str:
    found = _bom(head)
    if found is not None:
        encoding = found[0]
        # These codecs skip their own BOM when reading.
        return {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(
            encoding, "utf-32" if encoding.startswith("utf-32") else encoding
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    detected = _detected(head)
    if detected is None:
        raise _not_text(source.path, "", "its bytes are no known text encoding (binary data?)")
    return codecs.lookup(detected).name


def open_text(source: Source) -> TextIO:
    """Open the file as a text stream, its encoding decided by its first bytes.

    Newlines are left as they are (``newline=""``, as the ``csv`` module wants). The
    stream's ``encoding`` attribute names the codec used.

    Raises:
        InvalidFileError: the file's first bytes are not text.
    """
    with source.path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding = _stream_encoding(head, source)
    return io.TextIOWrapper(source.open_binary(), encoding=encoding, newline="")


def decode_problem(source: Source, exc: UnicodeDecodeError) -> InvalidFileError:
    """The error for a byte a stream from :func:`open_text` could not decode."""
    return InvalidFileError(
        source.problem(
            f"byte {exc.start}",
            f"the file is not valid {exc.encoding} from this point on "
            "(its first part read as that encoding)",
            _FIX,
        )
    )


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for format detection: never raises.

    A BOM decides the encoding; otherwise UTF-8, and bytes that are not are replaced
    (detection only looks for ASCII markers such as ``WEBVTT`` or ``-->``).
    """
    found = _bom(head)
    encoding, skip = found if found is not None else ("utf-8", 0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head[skip:], final=False)
