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
DOCS_SITE = "suanli_docs"
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
    quarantine: list[dict] = field(default_factory=list)

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


# Columns never validated: left out of the frames so that memory does not grow with the
# corpus (the article bodies are checked through their length and through facts' evidence).
SKIP_COLUMNS = {"articles": ("raw_text",), "sentences": ("tokens",)}
# Article bodies are read only for articles with facts (their evidence is checked against
# them); every article's body is checked through its length (derived column text_length).


def read_table(parquet_root: Path, table: str):
    import pyarrow.parquet as pq

    from transforms.schema import TABLES

    schema = TABLES[table]
    columns = [n for n in schema.names if n not in SKIP_COLUMNS.get(table, ())]
    files = sorted((parquet_root / table).glob("*.parquet"))
    if not files:
        return schema.empty_table().select(columns).to_pandas()
    return pq.read_table([str(f) for f in files] if len(files) > 1 else files[0],
                         schema=schema, columns=columns).to_pandas()


def validate(parquet_root: Path, docs_dir: Path | None = None) -> ValidationOutcome:
    """Validate the tables under parquet_root; with docs_dir, also write Great Expectations'
    own Data Docs there (made offline: see expectations/datadocs.py)."""
    frames = {t: read_table(parquet_root, t) for t in load_suites() if t != "articles"}
    frames["articles"] = read_articles(parquet_root, set())
    frames["facts"] = attach_article_windows(parquet_root, frames["facts"], frames["articles"])
    return validate_frames(frames, docs_dir)


EVIDENCE_WINDOW = 300  # characters of article text kept on each side of a fact's span


def attach_article_windows(parquet_root: Path, facts, articles):
    """The facts frame with `article_text` (the article's text around the fact: its span plus
    EVIDENCE_WINDOW characters each side) and `article_published_at`. Articles are read batch
    by batch, so memory holds one batch of bodies, not the corpus."""
    import pyarrow.parquet as pq

    facts = facts.copy()
    published = dict(zip(articles["article_id"], articles["published_at"]))
    facts["article_published_at"] = facts["article_id"].map(published)
    wanted: dict[str, list[int]] = {}
    for i, aid in enumerate(facts["article_id"]):
        wanted.setdefault(aid, []).append(i)
    windows: list = [None] * len(facts)
    starts, ends = facts["char_start"].tolist(), facts["char_end"].tolist()
    for f in sorted((parquet_root / "articles").glob("*.parquet")):
        for batch in pq.ParquetFile(f).iter_batches(columns=["article_id", "text"],
                                                    batch_size=2000):
            for aid, text in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
                for i in wanted.get(aid, ()):
                    lo = max(0, int(starts[i]) - EVIDENCE_WINDOW)
                    windows[i] = text[lo:int(ends[i]) + EVIDENCE_WINDOW] if text else text
    facts["article_text"] = windows
    return facts


def read_articles(parquet_root: Path, with_facts: set[str]):
    """The articles frame with text_length for all and text only where facts need it."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from transforms.schema import TABLES

    schema = TABLES["articles"]
    columns = [n for n in schema.names if n not in SKIP_COLUMNS["articles"]]
    files = sorted((parquet_root / "articles").glob("*.parquet"))
    if not files:
        frame = schema.empty_table().select(columns).to_pandas()
        frame["text_length"] = frame["text"].str.len()
        return frame
    parts = []
    for f in files:
        for batch in pq.ParquetFile(f).iter_batches(columns=columns, batch_size=2000):
            table = pa.Table.from_batches([batch])
            keep = pc.is_in(table["article_id"], value_set=pa.array(sorted(with_facts),
                                                                    pa.string()))
            table = table.append_column("text_length", pc.utf8_length(table["text"]))
            text = pc.if_else(keep, table["text"], pa.scalar(None, pa.string()))
            table = table.set_column(table.schema.get_field_index("text"), "text", text)
            parts.append(table)
    return pa.concat_tables(parts).to_pandas()


def with_article_columns(frames: dict) -> dict:
    """The facts frame with its article's text and publish date (suite meta derived_columns),
    so that per-row expectations can compare a fact with its article."""
    facts, articles = frames.get("facts"), frames.get("articles")
    if facts is None or articles is None or "article_text" in facts.columns:
        return frames
    with_facts = articles[articles["article_id"].isin(set(facts["article_id"]))]
    joined = with_facts[["article_id", "text", "published_at"]].rename(
        columns={"text": "article_text", "published_at": "article_published_at"})
    merged = facts.merge(joined, on="article_id", how="left")
    return {**frames, "facts": merged}


def validate_frames(frames: dict, docs_dir: Path | None = None) -> ValidationOutcome:
    """Run every suite on its table's DataFrame through a Great Expectations checkpoint."""
    import great_expectations as gx

    import expectations.custom  # noqa: F401 - registers the custom expectations
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if docs_dir is not None:
        from great_expectations.checkpoint import UpdateDataDocsAction

        context.add_data_docs_site(site_name=DOCS_SITE, site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        actions = [UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])]
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
    frames = with_article_columns(frames)
    params = {t: frames[t] for t in params}
    outcome = ValidationOutcome()
    # One checkpoint per table: each validation definition needs its own dataframe.
    for definition in definitions:
        table = definition.data.data_asset.name
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{table}_checkpoint", validation_definitions=[definition], actions=actions,
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": INDEX_COLUMNS.get(table, [])}))
        result = checkpoint.run(batch_parameters={"dataframe": params[table]})
        for suite_result in result.run_results.values():
            for r in suite_result.results:
                outcome.checks.append(_check(table, r))
                outcome.quarantine.extend(_quarantined(table, r))
    if docs_dir is not None:
        from expectations.datadocs import make_offline

        make_offline(docs_dir)
    return outcome


def _plain(value):
    """JSON-ready: pandas' NaT and NaN become None, other objects their str()."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    text = str(value)
    return None if text in ("NaT", "nan", "<NA>") else text


def _short(value, limit: int = 120) -> str:
    value = value if isinstance(value, (dict, list)) else _plain(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _quarantined(table: str, r) -> list[dict]:
    """One row per (row, failed row-level expectation): the row's key and what was wrong."""
    if r.success:
        return []
    res = r.result or {}
    index = res.get("unexpected_index_list") or []
    keys = INDEX_COLUMNS.get(table, [])
    cfg = r.expectation_config
    column = cfg.kwargs.get("column") or cfg.kwargs.get("column_A")
    severity = getattr(cfg.severity, "value", str(cfg.severity))
    rows = []
    for item in index:
        if not isinstance(item, dict):
            continue
        key = "|".join(str(item.get(k)) for k in keys)
        shown = {k: _plain(v) for k, v in item.items() if k not in keys}
        shown = {k: v[:60] if isinstance(v, str) else v for k, v in shown.items()}
        rows.append({"table": table, "row_key": key, "expectation": cfg.type,
                     "column": column, "severity": severity,
                     "value": _short(shown)})
    return rows


def _check(table: str, r) -> CheckResult:
    cfg = r.expectation_config
    kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
    res = r.result or {}
    observed = res.get("observed_value")
    if observed is None and "unexpected_percent" in res:
        observed = (f"{res.get('unexpected_percent') or 0:.2f}% unexpected of "
                    f"{res.get('element_count')}")
    examples = res.get("partial_unexpected_index_list") or res.get("partial_unexpected_list") or []
    examples = [{k: (_plain(v)[:60] if isinstance(_plain(v), str) else _plain(v))
                 for k, v in e.items()} if isinstance(e, dict) else _plain(e)
                for e in examples[:MAX_EXAMPLES]]
    if r.exception_info and r.exception_info.get("raised_exception"):
        observed = "exception: " + str(r.exception_info.get("exception_message"))[:300]
    severity = getattr(cfg.severity, "value", str(cfg.severity))
    return CheckResult(
        table=table, expectation=cfg.type, column=kwargs.get("column") or kwargs.get("column_A"),
        kwargs=json.dumps(kwargs, ensure_ascii=False, default=str), severity=severity,
        success=bool(r.success), observed=json.dumps(observed, ensure_ascii=False, default=str),
        unexpected_count=res.get("unexpected_count"),
        unexpected_examples=json.dumps(examples[:MAX_EXAMPLES], ensure_ascii=False,
                                       default=str))
