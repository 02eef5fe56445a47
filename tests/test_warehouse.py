"""The warehouse views over small hand-made tables."""
import os
import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from transforms.schema import TABLES
from warehouse.build import build_warehouse


def fact(fid, article, subject, value, metric="total_compute", status="actual", year=2024,
         province="湖北省"):
    return {"fact_id": fid, "article_id": article, "sentence_index": 0, "subject": subject,
            "subject_source": "clause", "province": province, "city": None, "adcode": None,
            "metric": metric, "value": value, "unit": "P", "value_normalised": value * 1e15,
            "unit_family": "FLOPS", "qualifier": "exact", "status": status, "year": year,
            "evidence": f"{subject}算力{value}P", "char_start": 0, "char_end": 5,
            "raw_char_start": 0, "raw_char_end": 5, "flags": [], "confidence": 0.9,
            "extractor_version": "t"}


def article(aid):
    return {"article_id": aid, "source_uri": f"{aid}.txt", "title": None, "published_at": None,
            "outlet": None, "dateline_city": None, "dateline_date": None, "reporters": [],
            "editors": [], "original_title": None, "encoding": "utf-8", "script": "simplified",
            "quality_flags": [], "text": "武汉算力", "raw_text": "武汉算力", "content_hash": aid,
            "n_sentences": 1, "extractor_version": "t"}


@pytest.fixture()
def warehouse(tmp_path):
    root = tmp_path / "parquet"
    rows = {
        "articles": [article("a1"), article("a2"), article("a3")],
        "facts": [fact("f1", "a1", "武汉", 5000), fact("f2", "a2", "武汉", 4000),
                  fact("f3", "a3", "武汉", 5000.1), fact("f4", "a1", "南京", 100),
                  fact("f5", "a2", "武汉", 9000, status="target", year=2025)],
        "sentences": [], "rejects": [],
    }
    for table, data in rows.items():
        (root / table).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(data, schema=TABLES[table]),
                       root / table / "part-0.parquet")
    db = tmp_path / "out" / "warehouse.duckdb"
    db.parent.mkdir()
    build_warehouse(root, db, [])
    return db


def query(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_views_exist(warehouse):
    names = {r[0] for r in query(warehouse, "select view_name from duckdb_views() "
                                            "where not internal")}
    assert {"articles", "sentences", "facts", "rejects", "quality_checks",
            "conflicts"} <= names


def test_conflicts_lists_disagreeing_articles(warehouse):
    rows = query(warehouse, "select subject, metric, status, year, n_articles, min_value, "
                            "max_value, fact_ids from conflicts")
    assert rows == [("武汉", "total_compute", "actual", 2024, 3, 4e18, 5.0001e18,
                     ["f1", "f2", "f3"])]


def test_opens_from_another_directory_after_a_move(warehouse, tmp_path):
    moved = tmp_path / "moved"
    warehouse.parent.rename(moved)
    code = ("import duckdb;"
            "print(duckdb.connect('moved/warehouse.duckdb', read_only=True)"
            ".execute('select count(*) from facts').fetchone()[0])")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env=env)
    assert out.stdout.strip() == "5", out.stderr
