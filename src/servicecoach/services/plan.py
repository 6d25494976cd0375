"""Planning an import: expand folders and decide which importer reads which file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from servicecoach.errors import FormatDetectionError, Problem
from servicecoach.ingest.base import Importer
from servicecoach.ingest.registry import detect_format, expand_paths, get_importer, importers

__all__ = ["ImportPlan", "plan_import"]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Which importer reads which files."""

    groups: tuple[tuple[Importer, tuple[Path, ...]], ...]
    undetected: tuple[Problem, ...] = ()
    """Files found in folders that no importer recognises (reported as problems)."""

    @property
    def files(self) -> list[tuple[Path, str]]:
        """Every file with the name of the format it will be read as."""
        return [(path, importer.name) for importer, paths in self.groups for path in paths]

    @property
    def total_bytes(self) -> int:
        """The size of all files together."""
        return sum(path.stat().st_size for _, paths in self.groups for path in paths)


def plan_import(paths: Sequence[Path], format: str | None = None) -> ImportPlan:
    """Expand folders and decide the format of each file.

    Files inside named folders that no importer recognises are kept in
    :attr:`ImportPlan.undetected` and reported by :func:`run_import`; a named file that
    is not recognised is an error at once.

    Raises:
        FormatDetectionError: a path is missing, a format unknown, or a named file
            undetectable.
    """
    files = expand_paths(paths)
    if format is not None:
        return ImportPlan(((get_importer(format), tuple(files)),) if files else ())
    named = {path for path in paths if not path.is_dir()}
    available = list(importers().values())
    grouped: dict[str, tuple[Importer, list[Path]]] = {}
    undetected: list[Problem] = []
    for path in files:
        try:
            importer = detect_format(path, available)
        except FormatDetectionError as exc:
            if path in named:
                raise
            empty = "is empty" in str(exc)
            undetected.append(
                Problem(
                    path,
                    "",
                    "the file is empty" if empty else "no importer recognises this file",
                    "remove it from the folder, or pass --format (see `servicecoach formats`)",
                )
            )
            continue
        grouped.setdefault(importer.name, (importer, []))[1].append(path)
    return ImportPlan(
        tuple((importer, tuple(group)) for importer, group in grouped.values()), tuple(undetected)
    )
