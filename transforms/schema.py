"""Every table the pipeline writes: one pyarrow schema each, the single source of truth.

The writer (transforms/write.py), the expectations (expectations/*.json) and the warehouse
views (warehouse/staging/*.sql) all follow these schemas. A row is a plain dict whose keys are
exactly a schema's field names; `conform(table, row)` checks that and fills nothing in.

Vocabularies (metric, qualifier, status, unit family) live here too, because the expectation
suites and the extractor must agree on them.
"""
from __future__ import annotations

import pyarrow as pa

METRICS = (
    "intelligent_compute",
    "supercomputing_compute",
    "general_compute",
    "total_compute",
    "compute_share",
    "accelerator_count",
    "rack_count",
    "server_count",
    "power_capacity",
    "investment",
    "industry_scale",
    "other",
)
QUALIFIERS = ("exact", "approx", "more_than", "at_least", "less_than", "up_to")
STATUSES = ("actual", "target", "forecast")
# CNY and other ISO 4217 codes are the money families; see transforms/quantities.py.
UNIT_FAMILIES = ("FLOPS", "OPS", "count", "W", "percent", "CNY", "USD", "EUR", "HKD", "JPY")
REJECT_STAGES = ("read", "decode", "normalise", "segment", "extract")

_STR = pa.string()
_STRS = pa.list_(pa.string())

ARTICLES = pa.schema(
    [
        pa.field("article_id", _STR, nullable=False),
        pa.field("source_uri", _STR, nullable=False),
        pa.field("title", _STR),
        pa.field("published_at", pa.timestamp("s")),
        pa.field("outlet", _STR),
        pa.field("dateline_city", _STR),
        pa.field("dateline_date", _STR),
        pa.field("reporters", _STRS),
        pa.field("editors", _STRS),
        pa.field("original_title", _STR),
        pa.field("encoding", _STR),
        pa.field("script", _STR),
        pa.field("quality_flags", _STRS),
        pa.field("text", _STR, nullable=False),
        pa.field("raw_text", _STR),
        pa.field("content_hash", _STR, nullable=False),
        pa.field("n_sentences", pa.int32()),
        pa.field("extractor_version", _STR),
    ]
)

SENTENCES = pa.schema(
    [
        pa.field("article_id", _STR, nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("char_start", pa.int32()),
        pa.field("char_end", pa.int32()),
        pa.field("text", _STR, nullable=False),
        pa.field("tokens", _STRS),
    ]
)

FACTS = pa.schema(
    [
        pa.field("fact_id", _STR, nullable=False),
        pa.field("article_id", _STR, nullable=False),
        pa.field("sentence_index", pa.int32()),
        pa.field("subject", _STR),
        pa.field("subject_source", _STR),
        pa.field("province", _STR),
        pa.field("city", _STR),
        pa.field("adcode", _STR),
        pa.field("metric", _STR, nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("unit", _STR, nullable=False),
        pa.field("value_normalised", pa.float64(), nullable=False),
        pa.field("unit_family", _STR, nullable=False),
        pa.field("qualifier", _STR, nullable=False),
        pa.field("status", _STR, nullable=False),
        pa.field("year", pa.int32()),
        pa.field("evidence", _STR, nullable=False),
        pa.field("char_start", pa.int32(), nullable=False),
        pa.field("char_end", pa.int32(), nullable=False),
        pa.field("raw_char_start", pa.int32()),
        pa.field("raw_char_end", pa.int32()),
        pa.field("flags", _STRS),
        pa.field("confidence", pa.float64()),
        pa.field("extractor_version", _STR, nullable=False),
    ]
)

REJECTS = pa.schema(
    [
        pa.field("source_uri", _STR, nullable=False),
        pa.field("stage", _STR, nullable=False),
        pa.field("reason", _STR, nullable=False),
        pa.field("detail", _STR),
        pa.field("article_id", _STR),
    ]
)

# Written after the Beam job from the validation results; not a pipeline output.
QUALITY_CHECKS = pa.schema(
    [
        pa.field("table", _STR),
        pa.field("expectation", _STR),
        pa.field("column", _STR),
        pa.field("kwargs", _STR),
        pa.field("severity", _STR),
        pa.field("success", pa.bool_()),
        pa.field("observed", _STR),
        pa.field("unexpected_count", pa.int64()),
        pa.field("unexpected_examples", _STR),
    ]
)

# Rows that broke a row-level expectation, with the reason (filled after validation).
QUARANTINE = pa.schema(
    [
        pa.field("table", _STR),
        pa.field("row_key", _STR),
        pa.field("expectation", _STR),
        pa.field("column", _STR),
        pa.field("severity", _STR),
        pa.field("value", _STR),
    ]
)

# Written by the Beam job beside the tables, never published: the inputs whose article is
# already in the warehouse with the current extractor version (an incremental run skips them).
UNCHANGED = pa.schema(
    [
        pa.field("source_uri", _STR, nullable=False),
        pa.field("article_id", _STR, nullable=False),
    ]
)

RUNS = pa.schema(
    [
        pa.field("run_id", _STR, nullable=False),
        pa.field("started_at", pa.timestamp("s")),
        pa.field("ended_at", pa.timestamp("s")),
        pa.field("status", _STR),
        pa.field("inputs", _STRS),
        pa.field("full_refresh", pa.bool_()),
        pa.field("files_read", pa.int64()),
        pa.field("rejected", pa.int64()),
        pa.field("articles_new", pa.int64()),
        pa.field("articles_unchanged", pa.int64()),
        pa.field("facts_new", pa.int64()),
        pa.field("articles_total", pa.int64()),
        pa.field("facts_total", pa.int64()),
        pa.field("validation", _STR),
        pa.field("extractor_version", _STR),
        pa.field("message", _STR),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "sentences": SENTENCES,
    "facts": FACTS,
    "rejects": REJECTS,
}


# Everything the Beam job writes into a run's staging folder.
STAGING_TABLES: dict[str, pa.Schema] = {**TABLES, "unchanged": UNCHANGED}


def schema_version() -> str:
    """A digest of every published table's schema: the warehouse records it, and `suanli
    sql` compares it with its own to tell a warehouse built by another version apart."""
    import hashlib

    parts = [f"{name}:{schema}" for name, schema in sorted(TABLES.items())]
    parts += [f"runs:{RUNS}", f"quality_checks:{QUALITY_CHECKS}", f"quarantine:{QUARANTINE}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


class SchemaError(ValueError):
    """A row does not have exactly the fields of its table."""


def conform(table: str, row: dict) -> dict:
    """Return `row` unchanged if its keys are exactly the table's fields, else raise."""
    names = TABLES[table].names
    if set(row) != set(names):
        missing = sorted(set(names) - set(row))
        extra = sorted(set(row) - set(names))
        raise SchemaError(f"{table}: missing {missing} extra {extra}")
    return row


def reject_row(source_uri: str, stage: str, reason: str, detail: str = "",
               article_id: str | None = None) -> dict:
    """A row of the rejects table; `reason` is a short code, `detail` says what to do."""
    if stage not in REJECT_STAGES:
        raise SchemaError(f"unknown reject stage {stage!r}")
    return {"source_uri": source_uri, "stage": stage, "reason": reason,
            "detail": detail[:2000], "article_id": article_id}
