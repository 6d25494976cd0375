"""Import pyarrow on first use, with an error that says how to install it."""

from __future__ import annotations

import importlib
from types import ModuleType

from servicecoach.errors import ConfigError

__all__ = ["require_pyarrow"]

INSTALL = "pip install 'servicecoach[scale]'"


def require_pyarrow() -> tuple[ModuleType, ModuleType]:
    """``(pyarrow, pyarrow.parquet)``, imported now rather than at CLI start-up.

    Raises:
        ConfigError: pyarrow is not installed.
    """
    try:  # import_module: pyarrow ships no type hints, its objects are Any here
        return importlib.import_module("pyarrow"), importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ConfigError(f"Parquet needs pyarrow, which is not installed ({INSTALL})") from None
