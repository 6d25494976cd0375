"""Parquet in and out: conversations partitioned by date, and analysis results.

Parquet is the file format of the analytics world (DuckDB, pandas, Spark, Polars), so a
contact centre's data team can read servicecoach's conversations and results without a
parser of their own, and servicecoach can read back what it wrote. pyarrow is an
optional dependency (``pip install 'servicecoach[scale]'``): it is imported on first
use only, so the CLI starts as fast without it.

- :mod:`~servicecoach.ingest.parquet.columns`: the conversation table's schema and the
  row <-> native-dict conversion that makes the round trip exact;
- :mod:`~servicecoach.ingest.parquet.writer`: ``servicecoach export --format parquet``;
- :mod:`~servicecoach.ingest.parquet.importer`: the ``parquet`` importer;
- :mod:`~servicecoach.ingest.parquet.results`: results as one Parquet table.
"""

from __future__ import annotations

from servicecoach.ingest.parquet.importer import ParquetImporter

__all__ = ["ParquetImporter"]
