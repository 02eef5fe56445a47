from pipelines.cli import format_table
from pipelines.evaluate import evaluate, format_report

G = {"metric": "total_compute", "value_normalised": 5e18, "status": "forecast", "year": 2025,
     "subject": "武汉"}


def pred(**kw):
    base = {"source_uri": "seeds/004_x.txt", "metric": "total_compute", "value_normalised": 5e18,
            "status": "forecast", "year": 2025, "subject": "武汉", "value": 5000, "unit": "P",
            "qualifier": "more_than", "evidence": "e"}
    return {**base, **kw}


def test_match_within_half_percent():
    r = evaluate({"004_x": [G]}, [pred(value_normalised=5.02e18)])
    assert (r.tp, r.fp, r.fn) == (1, 0, 0)
    r = evaluate({"004_x": [G]}, [pred(value_normalised=5.03e18)])
    assert (r.tp, r.fp, r.fn) == (0, 1, 1)


def test_status_and_year_checked_only_where_gold_gives_them():
    assert evaluate({"004_x": [G]}, [pred(status="target")]).tp == 0
    assert evaluate({"004_x": [G]}, [pred(year=2024)]).tp == 0
    assert evaluate({"004_x": [{**G, "year": None}]}, [pred(year=2024)]).tp == 1


def test_one_to_one_and_per_metric():
    r = evaluate({"004_x": [G]}, [pred(), pred()])
    assert (r.tp, r.fp) == (1, 1)
    assert r.per_metric["total_compute"] == {"tp": 1, "fp": 1, "fn": 0}
    assert abs(r.precision - 0.5) < 1e-9 and r.recall == 1.0


def test_subject_accuracy_and_report_lists_errors():
    r = evaluate({"004_x": [G]}, [pred(subject="湖北")])
    assert r.subject_accuracy == 0.0
    text = format_report(r)
    assert "gold 武汉 / predicted 湖北" in text


def test_format_table_aligns_cjk():
    out = format_table(["subject", "n"], [("武汉", 1), ("Shanghai", None)])
    lines = out.splitlines()
    assert lines[3] == "| 武汉     | 1    |"
    assert lines[4] == "| Shanghai | NULL |"
    assert lines[-1] == "(2 rows)"
