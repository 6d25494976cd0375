"""The store: the SQLAlchemy schema, Alembic migrations, the batched writer and the readers.

A regular package (not a namespace one) so that the import contract of
tests/test_layers.py sees its modules; nothing is imported here, so importing one store
module does not load the others (docs/architecture.md).
"""

from __future__ import annotations
