"""Find analysers: built-ins and installed plugins, through the ``register_analyzers`` hook."""

from __future__ import annotations

from collections.abc import Mapping

import pluggy

from servicecoach.analysis.analyzer import Analyzer
from servicecoach.errors import ConfigError
from servicecoach.plugins import plugin_manager

__all__ = ["analyzer_plugins", "analyzers"]


def analyzers(manager: pluggy.PluginManager | None = None) -> Mapping[str, Analyzer]:
    """Every registered analyser by name.

    Raises:
        ConfigError: two plugins register the same name.
    """
    found: dict[str, Analyzer] = {}

    def register(analyzer: Analyzer) -> None:
        if analyzer.name in found:
            raise ConfigError(f"two plugins register an analyser named {analyzer.name!r}")
        found[analyzer.name] = analyzer

    (manager or plugin_manager()).hook.register_analyzers(register=register)
    return dict(sorted(found.items()))


def analyzer_plugins(manager: pluggy.PluginManager | None = None) -> dict[str, str]:
    """Which plugin registers each analyser, by analyser name (for ``analyzers list``)."""
    found: dict[str, str] = {}
    for impl in (manager or plugin_manager()).hook.register_analyzers.get_hookimpls():

        def register(analyzer: Analyzer, plugin: str = impl.plugin_name) -> None:
            found.setdefault(analyzer.name, plugin)

        impl.function(register=register)
    return found
