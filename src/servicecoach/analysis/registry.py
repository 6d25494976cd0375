"""Find analysers: built-ins and installed plugins, through the ``register_analyzers`` hook.

A plugin replaces a built-in analyser by registering one with the same name (a team's own
empathy analyser, say); two plugins registering one name is an error, since which one
wins would depend on install order.
"""

from __future__ import annotations

from collections.abc import Mapping

import pluggy

from servicecoach.analysis.analyzer import Analyzer
from servicecoach.errors import ConfigError
from servicecoach.plugins import BUILTIN_PLUGINS, PLUGINS_ENV, plugin_manager

__all__ = ["analyzers", "registrations"]


def analyzers(manager: pluggy.PluginManager | None = None) -> Mapping[str, Analyzer]:
    """Every registered analyser by name, a plugin's in place of a built-in of that name.

    Raises:
        ConfigError: two plugins (or the built-ins twice) register the same name.
    """
    return {name: analyzer for name, (analyzer, _) in _registered(manager).items()}


def registrations(manager: pluggy.PluginManager | None = None) -> dict[str, tuple[Analyzer, str]]:
    """Every registered analyser by name with the plugin that registers it (``analyzers
    list`` shows both from one pass over the hooks).

    Raises:
        ConfigError: as :func:`analyzers`.
    """
    return _registered(manager)


def _registered(manager: pluggy.PluginManager | None) -> dict[str, tuple[Analyzer, str]]:
    found: dict[str, tuple[Analyzer, str]] = {}
    for impl in (manager or plugin_manager()).hook.register_analyzers.get_hookimpls():
        plugin = impl.plugin_name

        def register(analyzer: Analyzer, plugin: str = plugin) -> None:
            if not isinstance(analyzer, Analyzer):
                raise ConfigError(
                    f"plugin {plugin} registers {analyzer!r}, which is not an Analyzer"
                )
            seen = found.get(analyzer.name)
            if seen is not None:
                builtin_before = seen[1] in BUILTIN_PLUGINS
                if builtin_before == (plugin in BUILTIN_PLUGINS):
                    raise ConfigError(
                        f"plugins {seen[1]} and {plugin} both register an analyser named "
                        f"{analyzer.name!r}; uninstall one or limit {PLUGINS_ENV}"
                    )
                if not builtin_before:  # a plugin already replaced this built-in
                    return
            found[analyzer.name] = (analyzer, plugin)

        impl.function(register=register)
    return dict(sorted(found.items()))
