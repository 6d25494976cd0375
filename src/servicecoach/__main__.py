"""``python -m servicecoach`` runs the command line."""

from __future__ import annotations

from servicecoach.cli.app import main

main()
