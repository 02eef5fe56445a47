"""The capacity-facts pipeline: raw Chinese articles -> validated Parquet tables, a DuckDB
warehouse and a reviewer report.

Run it:
    python -m pipelines.capacity_facts [--input 'seeds/*.txt'] [--output data] [beam flags]
    suanli run [same flags]
The default runner is FnApiRunner (Beam's DirectRunner in 2.77 first tries to download the
Prism binary); pass --runner to choose another, and --direct_num_workers N
--direct_running_mode multi_processing for parallel local runs.

Exit statuses (also in README.md):
    0  the run succeeded and validation passed; the output is published
    1  the run failed (an error in the pipeline or in publishing); nothing new is published
    2  usage error (bad flags, no input file matched)
    3  validation failed with an error-severity expectation; nothing new is published, the
       run's tables, warehouse and report are kept in OUT/failed/<run id>/ for review
    4  another run holds the output's lock; this one did nothing
    5  more than --max_reject_ratio of the inputs were rejected (a broken crawl?); nothing
       published, the run kept in OUT/failed/<run id>/
"""
from __future__ import annotations

import logging
import sys
import time

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_LOCKED = 0, 1, 2, 3, 4


def build(pipeline, options, known: dict[str, str] | None = None):
    """Wire the stages; returns the PCollection of (table name, row) envelopes (tests call
    this with TestPipeline). `known`: article_id -> extractor version already published."""
    from pipelines.options import SuanliOptions
    from transforms.stages import ExtractCapacityFacts, ReadArticles

    opts = options.view_as(SuanliOptions)
    return (pipeline
            | "ReadArticles" >> ReadArticles(opts.inputs())
            | "ExtractCapacityFacts" >> ExtractCapacityFacts(opts.segmenter, known))


def _with_default_runner(argv: list[str]) -> list[str]:
    if not any(a == "--runner" or a.startswith("--runner=") for a in argv):
        argv = [*argv, "--runner=FnApiRunner"]
    return argv


class UsageError(Exception):
    pass


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv)
    except UsageError as exc:
        print(f"suanli: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the scheduler needs a status and one line
        logging.getLogger(__name__).debug("run failed", exc_info=True)
        print(f"suanli: run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _run(argv: list[str]) -> int:
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.options import SuanliOptions
    from pipelines.publish import OutputStore, RunLocked
    from transforms.version import extractor_version

    options = PipelineOptions(_with_default_runner(argv))
    opts = options.view_as(SuanliOptions)
    matched = [m.path for r in FileSystems.match(opts.inputs()) for m in r.metadata_list]
    if not matched:
        raise UsageError(f"no input file matches {opts.inputs()}")
    store = OutputStore(opts.output)
    try:
        with store.lock():
            record = store.begin(opts.inputs(), opts.full_refresh, extractor_version())
            try:
                return _pipeline_and_publish(store, record, options, len(matched))
            except BaseException as exc:
                store.fail(record, f"{type(exc).__name__}: {exc}",
                           "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed")
                raise
    except RunLocked as exc:
        print(f"suanli: {exc}", file=sys.stderr)
        return EXIT_LOCKED


def _pipeline_and_publish(store, record, options, n_inputs: int) -> int:
    import apache_beam as beam

    from transforms.write import WriteTables

    known = {} if record.full_refresh else store.known_articles()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with beam.Pipeline(options=options) as p:
        tables = build(p, options, known)
        tables | "WriteTables" >> WriteTables(str(store.staging(record) / "new"))
    timings["beam"] = time.perf_counter() - t0
    from pipelines.options import SuanliOptions

    ratio = options.view_as(SuanliOptions).max_reject_ratio
    return store.finish(record, n_inputs, timings, max_reject_ratio=ratio).status


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(run())
