"""Validate the written tables with Great Expectations: one checkpoint over every suite in
expectations/suites/*.json, run on what the pipeline wrote (the Parquet files).

Severity is Great Expectations' own per-expectation `severity`: `critical` fails the run
(exit status 3, nothing published), `warning` and `info` are reported only.
Results come back as plain rows (the `quality_checks` table and the report read them).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

SEVERITY_ERROR = "critical"
MAX_EXAMPLES = 10
# Key columns shown beside each unexpected value, per table.
INDEX_COLUMNS = {"facts": ["fact_id"], "articles": ["article_id"], "rejects": ["source_uri"]}


@dataclass
class CheckResult:
    table: str
    expectation: str
    column: str | None
    kwargs: str
    severity: str
    success: bool
    observed: str
    unexpected_count: int | None
    unexpected_examples: str

    def row(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ValidationOutcome:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == SEVERITY_ERROR]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity != SEVERITY_ERROR]

    @property
    def passed(self) -> bool:
        return not self.errors


def load_suites() -> dict[str, dict]:
    suites = {}
    folder = resources.files("expectations").joinpath("suites")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            suite = json.loads(entry.read_text("utf-8"))
            suites[suite["meta"]["table"]] = suite
    return suites


def read_table(parquet_root: Path, table: str):
    import pyarrow.parquet as pq

    from transforms.schema import TABLES

    files = sorted((parquet_root / table).glob("*.parquet"))
    if not files:
        return TABLES[table].empty_table().to_pandas()
    return pq.read_table([str(f) for f in files] if len(files) > 1 else files[0],
                         schema=TABLES[table]).to_pandas()


def validate(parquet_root: Path) -> ValidationOutcome:
    frames = {t: read_table(parquet_root, t) for t in load_suites()}
    return validate_frames(frames)


def validate_frames(frames: dict) -> ValidationOutcome:
    """Run every suite on its table's DataFrame through one Great Expectations checkpoint."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("suanli")
    suites = load_suites()
    definitions = []
    params = {}
    for table, suite_json in suites.items():
        suite = context.suites.add(gx.ExpectationSuite(
            name=suite_json["name"], expectations=suite_json["expectations"],
            meta=suite_json.get("meta", {})))
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{table}_validation", data=batch, suite=suite)))
        params[table] = frames[table]
    outcome = ValidationOutcome()
    # One checkpoint per table: each validation definition needs its own dataframe.
    for definition in definitions:
        table = definition.data.data_asset.name
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{table}_checkpoint", validation_definitions=[definition], actions=[],
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": INDEX_COLUMNS.get(table, [])}))
        result = checkpoint.run(batch_parameters={"dataframe": params[table]})
        for suite_result in result.run_results.values():
            for r in suite_result.results:
                outcome.checks.append(_check(table, r))
    return outcome


def _check(table: str, r) -> CheckResult:
    cfg = r.expectation_config
    kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
    res = r.result or {}
    observed = res.get("observed_value")
    if observed is None and "unexpected_percent" in res:
        observed = (f"{res.get('unexpected_percent') or 0:.2f}% unexpected of "
                    f"{res.get('element_count')}")
    examples = res.get("partial_unexpected_index_list") or res.get("partial_unexpected_list") or []
    if r.exception_info and r.exception_info.get("raised_exception"):
        observed = "exception: " + str(r.exception_info.get("exception_message"))[:300]
    severity = getattr(cfg.severity, "value", str(cfg.severity))
    return CheckResult(
        table=table, expectation=cfg.type, column=kwargs.get("column"),
        kwargs=json.dumps(kwargs, ensure_ascii=False, default=str), severity=severity,
        success=bool(r.success), observed=json.dumps(observed, ensure_ascii=False, default=str),
        unexpected_count=res.get("unexpected_count"),
        unexpected_examples=json.dumps(examples[:MAX_EXAMPLES], ensure_ascii=False,
                                       default=str))
