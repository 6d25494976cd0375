"""Plugin hooks. Built-in importers and analysers use the same hooks as third-party ones.

A third-party package exposes a module under the ``servicecoach`` entry-point group::

    [project.entry-points.servicecoach]
    my_helpdesk = "my_package.plugin"

and implements a hook in it::

    from servicecoach.plugins import hookimpl

    @hookimpl
    def register_importers(register):
        register(MyHelpdeskImporter())
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from servicecoach.analysis.analyzer import Analyzer
    from servicecoach.ingest.base import Importer

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "Hooks",
    "hookimpl",
    "hookspec",
    "plugin_manager",
]

ENTRY_POINT_GROUP = "servicecoach"
BUILTIN_PLUGINS: dict[str, str] = {
    "servicecoach.builtin_importers": "servicecoach.ingest.builtin",
    "servicecoach.builtin_analyzers": "servicecoach.analysis.builtin",
}
"""Plugin name to the module of built-in hooks, loaded by name like an entry point: the
importers' and analysers' registries use this manager, so this module sits beneath
their layers and must not import them (docs/architecture.md, tests/test_layers.py)."""
hookspec = pluggy.HookspecMarker(ENTRY_POINT_GROUP)
hookimpl = pluggy.HookimplMarker(ENTRY_POINT_GROUP)


class Hooks:
    """The hooks servicecoach calls."""

    @hookspec
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        """Register importers by calling ``register(importer)`` for each."""

    @hookspec
    def register_analyzers(self, register: Callable[[Analyzer], None]) -> None:
        """Register analysers by calling ``register(analyzer)`` for each."""


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager: built-ins plus installed plugins, loaded once."""
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(Hooks)
    for name, module in BUILTIN_PLUGINS.items():
        manager.register(importlib.import_module(module), name=name)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager
