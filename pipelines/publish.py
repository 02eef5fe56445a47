"""After the Beam job: validate -> build the warehouse -> write the report -> publish.

A run writes everything into OUT/.staging/<run id>/ and publishes only when validation has no
error: the published entries (parquet/, warehouse.duckdb, report/) are swapped in by renames,
so a failed run leaves the previous warehouse as it was.
"""
from __future__ import annotations

import shutil
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

PUBLISHED = ("parquet", "warehouse.duckdb", "report")
EXIT_OK, EXIT_INVALID = 0, 3


class Publisher:
    def __init__(self, output: str):
        if "://" in output:
            raise ValueError("--output must be a local folder (the DuckDB warehouse is a "
                             "local file); stage remote inputs with --input gs://... instead")
        self.out = Path(output)

    def start(self) -> Path:
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        staging = self.out / ".staging" / run_id
        staging.mkdir(parents=True)
        return staging

    @staticmethod
    def parquet_dir(staging: Path) -> str:
        return str(staging / "parquet")

    def finish(self, staging: Path, inputs: list[str], n_inputs: int,
               timings: dict[str, float]) -> int:
        from expectations.validate import validate
        from warehouse.build import build_warehouse
        from warehouse.report import write_report

        t = time.perf_counter()
        outcome = validate(staging / "parquet")
        timings["validate"] = time.perf_counter() - t
        t = time.perf_counter()
        build_warehouse(staging / "parquet", staging / "warehouse.duckdb",
                        [c.row() for c in outcome.checks])
        timings["warehouse"] = time.perf_counter() - t
        counts = table_counts(staging / "warehouse.duckdb")
        summary = {"inputs": ", ".join(inputs), "input files": n_inputs,
                   "validation": "passed" if outcome.passed else "FAILED"}
        t = time.perf_counter()
        write_report(staging / "warehouse.duckdb", staging / "report" / "index.html", summary)
        timings["report"] = time.perf_counter() - t
        if not outcome.passed:
            for c in outcome.errors:
                print(f"  error: {c.table}.{c.column or ''} {c.expectation}: {c.observed} "
                      f"examples {c.unexpected_examples}", file=sys.stderr)
            print(f"suanli: validation failed ({len(outcome.errors)} error checks); nothing "
                  f"published; see {staging / 'report' / 'index.html'}", file=sys.stderr)
            return EXIT_INVALID
        self._swap(staging)
        shutil.rmtree(staging, ignore_errors=True)
        self._print_summary(counts, outcome, n_inputs, timings)
        return EXIT_OK

    def _swap(self, staging: Path) -> None:
        """Rename the new entries into place; the old ones are renamed aside first and removed
        after, so at every moment either the old or the new entry is in place."""
        old = staging.parent / (staging.name + ".old")
        old.mkdir()
        for name in PUBLISHED:
            current = self.out / name
            if current.exists():
                current.rename(old / name)
            (staging / name).rename(current)
        shutil.rmtree(old, ignore_errors=True)

    def _print_summary(self, counts, outcome, n_inputs, timings) -> None:
        print("suanli run: done")
        print(f"  input files : {n_inputs}")
        for table in ("articles", "sentences", "facts", "rejects"):
            print(f"  {table:<11} : {counts[table]}")
        warn = f", {len(outcome.warnings)} warnings" if outcome.warnings else ""
        print(f"  validation  : passed ({len(outcome.checks)} checks{warn})")
        print(f"  warehouse   : {(self.out / 'warehouse.duckdb').resolve()}")
        print(f"  report      : {(self.out / 'report' / 'index.html').resolve()}")
        print("  seconds     : " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


def table_counts(db_path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "sentences", "facts", "rejects")}
    finally:
        con.close()
