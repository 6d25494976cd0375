"""Plugin hooks. Built-in importers and analysers use the same hooks as third-party ones.

A third-party package exposes a module under the ``servicecoach`` entry-point group::

    [project.entry-points.servicecoach]
    my_helpdesk = "my_package.plugin"

and implements a hook in it::

    from servicecoach.plugins import hookimpl

    @hookimpl
    def register_importers(register):
        register(MyHelpdeskImporter())

Every installed plugin loads, unless ``SERVICECOACH_PLUGINS`` names the ones to load
(comma-separated entry-point names; ``none`` for built-ins only): a way to rule out a
plugin when something goes wrong, or to pin what a shared server runs.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

import pluggy

from servicecoach.errors import ConfigError

if TYPE_CHECKING:
    from servicecoach.analysis.analyzer import Analyzer
    from servicecoach.ingest.base import Importer

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PLUGINS_ENV",
    "Hooks",
    "chosen_plugins",
    "hookimpl",
    "hookspec",
    "plugin_manager",
    "plugin_origins",
]

ENTRY_POINT_GROUP = "servicecoach"
PLUGINS_ENV = "SERVICECOACH_PLUGINS"
"""Environment variable: the installed plugins to load, by entry-point name (default all)."""
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
    chosen = chosen_plugins(os.environ.get(PLUGINS_ENV))
    if chosen is None:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name in sorted(chosen or ()):
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
    return manager


def chosen_plugins(setting: str | None) -> frozenset[str] | None:
    """The installed plugins ``SERVICECOACH_PLUGINS`` lets load; ``None`` for all of them.

    Raises:
        ConfigError: it names a plugin that is not installed (a typo would otherwise
            silently load nothing).
    """
    if setting is None or not setting.strip():
        return None
    names = frozenset(n.strip() for n in setting.split(",") if n.strip())
    if names == {"none"}:
        return frozenset()
    installed = {point.name for point in entry_points(group=ENTRY_POINT_GROUP)}
    if unknown := sorted(names - installed):
        have = ", ".join(sorted(installed)) or "none"
        raise ConfigError(
            f"{PLUGINS_ENV} names {', '.join(unknown)}, which is not installed "
            f"(installed plugins: {have}; 'none' loads the built-ins only)"
        )
    return names


def plugin_origins(manager: pluggy.PluginManager) -> dict[str, str]:
    """Each registered plugin's name and where it comes from: ``built-in``, or the
    distribution that installed it with its version."""
    installed = {
        id(plugin): f"{dist.project_name} {dist.version}"
        for plugin, dist in manager.list_plugin_distinfo()
    }
    return {
        name: "built-in" if name in BUILTIN_PLUGINS else installed.get(id(plugin), "registered")
        for name, plugin in manager.list_name_plugin()
    }
