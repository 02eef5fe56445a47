"""A planted bad fact fails the run with status 3, lands in quarantine and in the report, and
nothing new is published."""
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.publish import EXIT_INVALID, EXIT_OK, OutputStore
from transforms.article import RawArticle, article_row, fact_rows, process_raw, segment_doc
from transforms.decode import decode_bytes
from transforms.schema import STAGING_TABLES

SEED = Path(__file__).resolve().parent.parent / "seeds" / "004_307a864e4be62eb8.txt"
pytestmark = pytest.mark.slow


def stage(store, record, facts_extra=()):
    from transforms.segmenter import Segmenter

    seg = Segmenter()
    raw = decode_bytes(SEED.read_bytes())
    doc = segment_doc(process_raw(RawArticle(str(SEED), raw.text, raw.encoding)), seg)
    rows = {"articles": [article_row(doc)], "facts": fact_rows(doc, seg) + list(facts_extra),
            "sentences": [], "rejects": [], "unchanged": []}
    root = store.staging(record) / "new"
    for table, data in rows.items():
        (root / table).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(data, schema=STAGING_TABLES[table]),
                       root / table / "part-0.parquet")
    return rows


def test_planted_bad_fact_is_quarantined_and_fails_the_run(tmp_path, capsys):
    store = OutputStore(tmp_path / "out")
    with store.lock():
        good = store.begin(["x"], False, "v")
        stage(store, good)
        assert store.finish(good, 1, {}).status == EXIT_OK
        published = os.readlink(tmp_path / "out" / "current")

        bad_run = store.begin(["x"], False, "v")
        rows = stage(store, bad_run)
        planted = dict(rows["facts"][0], fact_id="planted0000000bad", metric="compute_share",
                       unit_family="percent", value=250.0, unit="%", value_normalised=250.0,
                       evidence="这段证据不在文章里")
        stage_root = store.staging(bad_run) / "new" / "facts" / "part-0.parquet"
        pq.write_table(pa.Table.from_pylist(rows["facts"] + [planted],
                                            schema=STAGING_TABLES["facts"]), stage_root)
        outcome = store.finish(bad_run, 1, {})
    assert outcome.status == EXIT_INVALID
    assert "validation failed" in capsys.readouterr().err
    assert os.readlink(tmp_path / "out" / "current") == published   # nothing new published
    failed = tmp_path / "out" / "failed" / bad_run.run_id
    con = duckdb.connect(str(failed / "warehouse.duckdb"), read_only=True)
    try:
        reasons = con.execute("select expectation, severity from quarantine where row_key = "
                              "'planted0000000bad' order by 1").fetchall()
    finally:
        con.close()
    assert ("expect_evidence_to_occur_in_article_text", "critical") in reasons
    assert ("expect_column_values_to_be_between", "critical") in reasons
    html = (failed / "report" / "index.html").read_text("utf-8")
    assert "planted0000000bad" in html and "FAILED" in html
    assert store.runs()[-1]["status"] == "validation_failed"


def test_article_text_is_escaped_in_the_report(tmp_path):
    from warehouse.report import highlight, mark_spans

    assert "<script>" not in highlight("<script>alert(1)</script>算力500P", "算力500P")
    text = "<script>x</script>算力"
    i = text.index("算力")
    marked = mark_spans(text, [(i, i + 2)])
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert "<mark>算力</mark>" in marked
