"""The built-in analysers, one module per skill."""
