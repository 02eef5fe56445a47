"""WriteTables: every table to `<root>/<table>/part-*.parquet` with its schema from
transforms/schema.py. Paths go through Beam's filesystems, so gs:// and s3:// roots work
where the matching Beam extra is installed."""
from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.parquetio import WriteToParquet

from transforms.schema import STAGING_TABLES


def table_prefix(root: str, table: str) -> str:
    return FileSystems.join(root, table, "part")


class WriteTables(beam.PTransform):
    """{table name: PCollection of row dicts} -> Parquet files, one folder per table."""

    def __init__(self, root: str):
        super().__init__()
        self.root = root

    def expand(self, tables):
        results = {}
        for name, rows in tables.items():
            results[name] = rows | f"Write_{name}" >> WriteToParquet(
                table_prefix(self.root, name), schema=STAGING_TABLES[name],
                file_name_suffix=".parquet", codec="snappy")
        return results
