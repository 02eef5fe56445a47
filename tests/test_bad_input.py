"""Bad input never loses data and never takes the run down (tests/badinput/make_corpus.py).

One real `suanli run` over the whole bad-input corpus; then, for every kind, its intended
outcome, and the invariant: every input file matched is in `articles` or in `rejects`, and
the counts printed at the end add up.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.fileio import ReadableFile

from tests.badinput.make_corpus import KINDS, build
from transforms.stages import DecodeFileFn

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    corpus = base / "in"
    build(corpus)
    (corpus / "19_vanishing.txt").unlink()  # gone by the time a run reads; see the DoFn test
    out = base / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--input",
                           str(corpus / "*"), "--output", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        articles = {Path(r[0]).name: list(r[1]) for r in
                    con.execute("select source_uri, quality_flags from articles").fetchall()}
        rejects = {Path(r[0]).name: (r[1], r[2], r[3]) for r in
                   con.execute("select source_uri, stage, reason, detail from rejects")
                   .fetchall()}
        facts = con.execute("select count(*) from facts").fetchone()[0]
    finally:
        con.close()
    return corpus, proc.stdout, articles, rejects, facts


CASES = [(name, kind, outcome) for name, (kind, outcome) in KINDS.items()
         if name not in ("19_vanishing.txt", "17_lines.jsonl")]


@pytest.mark.parametrize("name, kind, outcome", CASES, ids=[c[0] for c in CASES])
def test_each_kind_has_its_outcome(bad_run, name, kind, outcome):
    _, _, articles, rejects, _ = bad_run
    if outcome == "article":
        assert name in articles, kind
    elif outcome.startswith("flagged:"):
        assert outcome.split(":", 1)[1] in articles[name], (kind, articles.get(name))
    elif outcome.startswith("reject:"):
        stage, reason = outcome.split(":", 1)[1].split("/")
        assert rejects[name][:2] == (stage, reason), (kind, rejects.get(name))
        assert rejects[name][2], "a reject says what to do about it"
    elif outcome == "duplicate":
        assert rejects[name][1] == "duplicate" and "08_gb18030.txt" in rejects[name][2]
    elif outcome == "skipped":
        assert name not in articles and name not in rejects
    else:
        pytest.fail(f"unknown outcome {outcome}")


def test_json_lines_good_lines_are_articles_bad_line_a_reject(bad_run):
    _, _, articles, rejects, _ = bad_run
    assert {"17_lines.jsonl#L1", "17_lines.jsonl#L3"} <= set(articles)
    assert rejects["17_lines.jsonl#L2"][:2] == ("decode", "bad_json_line")


def test_every_input_file_is_an_article_or_a_reject(bad_run):
    corpus, _, articles, rejects, _ = bad_run
    inputs = {p.name for p in corpus.iterdir() if p.is_file()}  # follows links; no dirs
    accounted = {re.sub(r"#L\d+$", "", n) for n in list(articles) + list(rejects)}
    assert inputs == accounted


def test_printed_counts_add_up(bad_run):
    _, stdout, articles, rejects, facts = bad_run
    m = re.search(r"this run\s+: (\d+) new articles \+ (\d+) unchanged \+ (\d+) rejected = "
                  r"(\d+) inputs read", stdout)
    new, unchanged, rejected, read = map(int, m.groups())
    assert new + unchanged + rejected == read
    assert (new, rejected) == (len(articles), len(rejects))
    assert re.search(rf"facts\s+: {facts}\b", stdout)


def test_a_file_that_vanished_after_listing_is_a_reject(tmp_path):
    gone = FileMetadata(str(tmp_path / "gone.txt"), 100)
    (kind, row), = list(DecodeFileFn().process(ReadableFile(gone)))
    assert (kind, row["stage"], row["reason"]) == ("rejects", "read", "unreadable")
    assert "gone.txt" in row["detail"] or "No such file" in row["detail"]


def test_too_many_rejects_fail_the_run(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"bad{i}.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (corpus / "good.txt").write_text("目前,武汉算力规模达到400P,部署智算卡超过3000张。", "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--input",
                           str(corpus / "*.txt"), "--output", str(tmp_path / "out"),
                           "--max_reject_ratio", "0.5"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 5, proc.stderr[-2000:]
    assert "4 of 5 inputs rejected" in proc.stderr
    assert not (tmp_path / "out" / "current").exists()
    report = next((tmp_path / "out" / "failed").iterdir()) / "report" / "index.html"
    assert "binary" in report.read_text("utf-8")
