"""Use cases that combine layers (ingest + store); the CLI and, later, the API call these."""
