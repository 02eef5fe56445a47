"""Custom Great Expectations expectations for what the built-ins cannot say.

Importing this module registers them (Great Expectations registers an expectation class by its
snake_case name when the class is defined), so the suites in suites/*.json can name them:

  expect_evidence_to_occur_in_article_text   column_A (evidence) occurs in column_B (the text
                                             of the article the fact came from)
"""
from __future__ import annotations

from typing import ClassVar, Tuple

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)


class EvidenceOccursInText(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.suanli_evidence_in_text"
    condition_domain_keys = ("batch_id", "table", "column_A", "column_B", "row_condition",
                             "condition_parser", "ignore_row_if")
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, **kwargs):  # noqa: N803 - Great Expectations' names
        return pd.Series([isinstance(a, str) and bool(a) and isinstance(b, str) and a in b
                          for a, b in zip(column_A, column_B)], index=column_A.index)


class ExpectEvidenceToOccurInArticleText(ColumnPairMapExpectation):
    """Every fact's evidence is a substring of its article's clean text."""

    map_metric = "column_pair_values.suanli_evidence_in_text"
    success_keys: ClassVar[Tuple[str, ...]] = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys: ClassVar[Tuple[str, ...]] = ("column_A", "column_B")
    ignore_row_if: str = "neither"
