"""Our flags, in one PipelineOptions subclass; every other Beam flag passes through."""
from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

DEFAULT_INPUT = "seeds/*.txt"
DEFAULT_OUTPUT = "data"


class SuanliOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        parser.add_argument(
            "--input", action="append", default=None,
            help=f"glob of raw articles; repeat for several (default: {DEFAULT_INPUT!r})")
        parser.add_argument(
            "--output", default=DEFAULT_OUTPUT,
            help="output folder: parquet/, warehouse.duckdb, report/ (default: %(default)s)")
        parser.add_argument(
            "--full_refresh", "--full-refresh", action="store_true", default=False,
            help="rebuild everything from this run's input instead of adding to the "
                 "published warehouse")
        parser.add_argument(
            "--max_reject_ratio", "--max-reject-ratio", type=float, default=0.5,
            help="fail the run (status 5, nothing published) when more than this share of "
                 "the inputs read is rejected: that usually means the crawler broke "
                 "(default: %(default)s)")
        parser.add_argument(
            "--segmenter", default="rjieba", choices=("rjieba", "jieba"),
            help="segmentation backend, same dictionary: rjieba (fast) or jieba (classic)")

    def inputs(self) -> list[str]:
        return list(self.input or [DEFAULT_INPUT])
