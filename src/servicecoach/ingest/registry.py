"""Find importers by name and detect the format of files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pluggy

from servicecoach.errors import ConfigError, FormatDetectionError
from servicecoach.ingest.base import HEAD_BYTES, Importer
from servicecoach.plugins import plugin_manager

__all__ = ["detect_format", "expand_paths", "get_importer", "importers"]

_IGNORED_NAMES = {".DS_Store", "Thumbs.db"}


def importers(manager: pluggy.PluginManager | None = None) -> Mapping[str, Importer]:
    """Every registered importer by name.

    Raises:
        ConfigError: two plugins register the same name.
    """
    found: dict[str, Importer] = {}

    def register(importer: Importer) -> None:
        if importer.name in found:
            raise ConfigError(f"two plugins register an importer named {importer.name!r}")
        found[importer.name] = importer

    (manager or plugin_manager()).hook.register_importers(register=register)
    return dict(sorted(found.items()))


def get_importer(name: str, manager: pluggy.PluginManager | None = None) -> Importer:
    """The importer called ``name``.

    Raises:
        FormatDetectionError: there is no such importer.
    """
    available = importers(manager)
    try:
        return available[name]
    except KeyError:
        raise FormatDetectionError(
            f"unknown format {name!r}; use one of: {', '.join(available)}"
        ) from None


def detect_format(path: Path, candidates: Iterable[Importer]) -> Importer:
    """The importer most sure it reads ``path``.

    Raises:
        FormatDetectionError: no importer recognises the file.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head.strip():
        raise FormatDetectionError(f"{path}: the file is empty; pass --format to import it anyway")
    scored = [(_score(importer, path, head), importer.name, importer) for importer in candidates]
    scored = [entry for entry in scored if entry[0] > 0]
    if not scored:
        raise FormatDetectionError(
            f"{path}: cannot tell which format this file is; "
            "pass --format (see `servicecoach formats` for the list)"
        )
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    return scored[0][2]


def _score(importer: Importer, path: Path, head: bytes) -> int:
    """An importer's confidence; one that fails on odd input (a plugin's bug) says no."""
    try:
        return max(0, min(100, int(importer.detect(path, head))))
    except (ValueError, TypeError, RecursionError, UnicodeError, LookupError):
        return 0


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus the files inside named folders (recursively, sorted, no hidden files).

    Raises:
        FormatDetectionError: a path does not exist.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.name not in _IGNORED_NAMES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise FormatDetectionError(f"{path}: no such file or folder")
    return files
