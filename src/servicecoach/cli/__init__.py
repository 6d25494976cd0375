"""The ``servicecoach`` command line."""
