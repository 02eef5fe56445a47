"""The expectation suites catch what they promise to catch."""
import pyarrow as pa
import pytest

from expectations.validate import load_suites, validate_frames
from transforms.schema import TABLES


def frame(table, rows):
    return pa.Table.from_pylist(rows, schema=TABLES[table]).to_pandas()


GOOD_FACT = {
    "fact_id": "f1", "article_id": "a1", "sentence_index": 0, "subject": "武汉",
    "subject_source": "clause", "province": "湖北省", "city": "武汉市", "adcode": "420100000000",
    "metric": "total_compute", "value": 5000.0, "unit": "P", "value_normalised": 5e18,
    "unit_family": "FLOPS", "qualifier": "more_than", "status": "forecast", "year": 2025,
    "evidence": "武汉总算力规模或将超过5000P", "char_start": 10, "char_end": 26,
    "raw_char_start": 10, "raw_char_end": 26, "flags": [], "confidence": 0.9,
    "extractor_version": "test",
}
GOOD_ARTICLE = {
    "article_id": "a1", "source_uri": "x.txt", "title": "t", "published_at": None,
    "outlet": "新华社", "dateline_city": None, "dateline_date": None, "reporters": [],
    "editors": [], "original_title": None, "encoding": "utf-8", "script": "simplified",
    "quality_flags": [], "text": "预计2025年武汉总算力规模或将超过5000P。" * 2, "raw_text": "",
    "content_hash": "h", "n_sentences": 2, "extractor_version": "t",
}


@pytest.fixture(scope="module")
def suites():
    return load_suites()


def test_suites_cover_three_tables(suites):
    assert set(suites) == {"facts", "articles", "rejects"}


def run_checks(facts):
    articles = frame("articles", [GOOD_ARTICLE])
    articles["text_length"] = articles["text"].str.len()
    return validate_frames({"facts": frame("facts", facts), "articles": articles,
                            "rejects": frame("rejects", [])})


def test_good_tables_pass():
    outcome = run_checks([GOOD_FACT])
    assert outcome.passed, [c.expectation for c in outcome.errors]


@pytest.mark.parametrize("change, expectation", [
    ({"metric": "gpu_hours"}, "expect_column_values_to_be_in_set"),
    ({"value_normalised": -1.0}, "expect_column_values_to_be_between"),
    ({"metric": "compute_share", "unit_family": "percent", "value_normalised": 130.0},
     "expect_column_values_to_be_between"),
    ({"evidence": ""}, "expect_column_value_lengths_to_be_between"),
    ({"char_end": 5}, "expect_column_pair_values_a_to_be_greater_than_b"),
])
def test_bad_fact_fails_with_error(change, expectation):
    outcome = run_checks([GOOD_FACT, {**GOOD_FACT, "fact_id": "bad", **change}])
    assert not outcome.passed
    failed = [c for c in outcome.errors if c.expectation == expectation]
    assert failed and "bad" in failed[0].unexpected_examples


def test_duplicate_fact_id_is_an_error():
    outcome = run_checks([GOOD_FACT, GOOD_FACT])
    assert any(c.expectation == "expect_column_values_to_be_unique" for c in outcome.errors)


def test_out_of_range_flops_is_only_a_warning():
    outcome = run_checks([{**GOOD_FACT, "value_normalised": 5e25}])
    assert outcome.passed
    assert any(c.column == "value_normalised" for c in outcome.warnings)
