"""End-to-end: the real `suanli run` on the seeds, then the warehouse, eval and report."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.evaluate import evaluate, load_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"
SUANLI = [sys.executable, "-m", "pipelines.cli"]

pytestmark = pytest.mark.slow


def run(args, cwd=ROOT, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*SUANLI, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, **kw)


@pytest.fixture(scope="module")
def output(seed_run):
    return seed_run


def facts_of(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("select a.source_uri, f.* from facts f join articles a "
                          "using (article_id) order by fact_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def test_summary_printed(output):
    out, stdout = output
    assert re.search(r"facts\s+: 12\b", stdout)
    assert re.search(r"articles\s+: 5\b", stdout)
    assert "validation  : passed" in stdout
    assert str((out / "warehouse.duckdb").absolute()) in stdout
    assert str((out / "report" / "index.html").absolute()) in stdout


def test_every_gold_fact_found_and_no_false_positive(output):
    out, _ = output
    result = evaluate(load_gold(GOLD), facts_of(out / "warehouse.duckdb"))
    assert result.misses == []
    assert result.false_positives == []
    assert result.subject_accuracy == 1.0


def test_parquet_tables_written(output):
    out, _ = output
    for table in ("articles", "sentences", "facts", "rejects"):
        assert list((out / "parquet" / table).glob("*.parquet")), table


def test_sql_command_answers(output):
    out, _ = output
    proc = run(["sql", "--warehouse", str(out / "warehouse.duckdb"),
                "select metric, count(*) as n from facts group by 1 order by 1"])
    assert proc.returncode == 0, proc.stderr
    assert "compute_share" in proc.stdout and "| 5 " in proc.stdout
    assert "(5 rows)" in proc.stdout


def test_sql_errors_are_clear(output, tmp_path):
    out, _ = output
    proc = run(["sql", "--warehouse", str(out / "warehouse.duckdb"), "select * from nope"])
    assert proc.returncode == 1 and "nope" in proc.stderr
    proc = run(["sql", "--warehouse", str(tmp_path / "missing.duckdb"), "select 1"])
    assert proc.returncode == 2 and "no warehouse" in proc.stderr


def test_eval_command(output):
    out, _ = output
    proc = run(["eval", "--gold", str(GOLD), "--warehouse", str(out / "warehouse.duckdb")])
    assert proc.returncode == 0, proc.stderr
    assert "precision 1.000  recall 1.000" in proc.stdout


def test_warehouse_moved_and_opened_elsewhere_with_plain_duckdb(output, tmp_path):
    out, _ = output
    moved = tmp_path / "elsewhere"
    shutil.copytree(out, moved)
    code = ("import duckdb; c = duckdb.connect('elsewhere/warehouse.duckdb', read_only=True); "
            "print(c.execute('select count(*) from facts').fetchone()[0], "
            "c.execute('select count(*) from articles').fetchone()[0])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={k: v for k, v in os.environ.items()
                                          if k != "PYTHONPATH"})
    assert proc.stdout.split() == ["12", "5"], proc.stderr


def test_report_shows_checks_and_highlighted_facts(output):
    out, _ = output
    html = (out / "report" / "index.html").read_text("utf-8")
    assert html.count("<tr class='fact'>") == 12
    assert html.count("<mark>") >= 12
    assert "unit_conflict" in html
    assert "class='check" in html and "pass</span>" in html
    assert "http://" not in html and "https://" not in html


def test_rerun_gives_same_fact_ids(output, tmp_path):
    out, _ = output
    again = tmp_path / "again"
    proc = run(["run", "--input", "seeds/*.txt", "--output", str(again)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = [(f["fact_id"], f["value_normalised"]) for f in facts_of(out / "warehouse.duckdb")]
    second = [(f["fact_id"], f["value_normalised"]) for f in facts_of(again / "warehouse.duckdb")]
    assert first == second


def test_no_input_is_a_usage_error(tmp_path):
    proc = run(["run", "--input", str(tmp_path / "*.txt"), "--output", str(tmp_path / "o")])
    assert proc.returncode == 2
    assert "no input file matches" in proc.stderr


def test_report_command_rebuilds(output, tmp_path):
    out, _ = output
    target = tmp_path / "r.html"
    proc = run(["report", "--warehouse", str(out / "warehouse.duckdb"), "--out", str(target)])
    assert proc.returncode == 0, proc.stderr
    assert target.read_text("utf-8").count("<tr class='fact'>") == 12


def test_sql_formats_and_files(output, tmp_path):
    out, _ = output
    w = str(out / "warehouse.duckdb")
    proc = run(["sql", "--warehouse", w, "--format", "csv",
                "select metric, count(*) as n from facts group by 1 order by 1"])
    assert proc.stdout.splitlines()[:2] == ["metric,n", "accelerator_count,1"]
    proc = run(["sql", "--warehouse", w, "--format", "json",
                "select subject, year from facts where metric = 'total_compute' "
                "order by value_normalised desc, subject limit 1"])
    assert json.loads(proc.stdout) == [{"subject": "临港新片区", "year": 2025}]
    target = tmp_path / "facts.parquet"
    proc = run(["sql", "--warehouse", w, "--format", "parquet", "--out", str(target),
                "select * from facts"])
    assert proc.returncode == 0, proc.stderr
    assert duckdb.sql(f"select count(*) from '{target}'").fetchall() == [(12,)]


def test_sql_shell_reads_statements(output):
    out, _ = output
    proc = run(["sql", "--warehouse", str(out / "warehouse.duckdb")],
               input="select count(*) as n\nfrom articles;\n.tables\n.quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "| 5 |" in proc.stdout and "latest_capacity" in proc.stdout


def test_sql_is_read_only_by_default(output):
    out, _ = output
    proc = run(["sql", "--warehouse", str(out / "warehouse.duckdb"), "create table x (a int)"])
    assert proc.returncode == 1 and "read-only" in proc.stderr.lower()


def test_sql_reports_schema_mismatch(output, tmp_path):
    out, _ = output
    copy = tmp_path / "old.duckdb"
    shutil.copy(out / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    con.execute("update raw.meta set value = 'feedbeef' where key = 'schema_version'")
    con.close()
    proc = run(["sql", "--warehouse", str(copy), "select 1"])
    assert proc.returncode == 2 and "schema mismatch" in proc.stderr


def test_sql_imports_neither_beam_nor_great_expectations(output):
    out, _ = output
    code = ("import sys; from pipelines.cli import main; "
            f"main(['sql', '--warehouse', {str(out / 'warehouse.duckdb')!r}, 'select 1']); "
            "print(sorted(m for m in ('apache_beam', 'great_expectations') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stderr


def test_runs_command_lists_the_run(output):
    out, _ = output
    proc = run(["runs", "--output", str(out)])
    assert proc.returncode == 0 and "published" in proc.stdout


def test_marts_answer(output):
    out, _ = output
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        latest = con.execute("select value_normalised from latest_capacity where subject = "
                             "'临港新片区' and metric = 'total_compute'").fetchall()
        progress = con.execute("select progress from targets_vs_actuals where subject = "
                               "'临港新片区' and metric = 'total_compute'").fetchall()
        provinces = con.execute("select distinct province from capacity_by_province "
                                "order by 1").fetchall()
    finally:
        con.close()
    assert latest == [(3e18,)]
    assert progress == [(0.6,)]
    assert [p[0] for p in provinces] == ["上海市", "江苏省", "湖北省", "贵州省"]
