"""A dependable warehouse: incremental and idempotent runs, atomic publication, the lock."""
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.capacity_facts import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, run
from pipelines.publish import OutputStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
pytestmark = pytest.mark.slow


@pytest.fixture()
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def add(inbox, *names):
    for p in sorted(SEEDS.glob("*.txt")):
        if p.name[:3] in names:
            shutil.copy(p, inbox / p.name)


def go(inbox, out, *extra):
    return run(["--input", str(inbox / "*.txt"), "--output", str(out), *extra])


def facts(out):
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select fact_id, article_id, value_normalised, extractor_version "
                           "from facts order by fact_id").fetchall()
    finally:
        con.close()


def last_run(out):
    return OutputStore(out).runs()[-1]


def test_incremental_add_then_unchanged_rerun(inbox, tmp_path):
    out = tmp_path / "out"
    add(inbox, "000", "001", "002")
    assert go(inbox, out) == EXIT_OK
    first = facts(out)
    assert len(first) == 11 and last_run(out)["articles_new"] == 3

    add(inbox, "003", "004")                      # the input folder grew
    assert go(inbox, out) == EXIT_OK
    r = last_run(out)
    assert (r["articles_new"], r["articles_unchanged"], r["facts_new"]) == (2, 3, 1)
    grown = facts(out)
    assert len(grown) == 12
    assert set(first) <= set(grown)               # earlier facts kept, same ids

    parquet = sorted((out / "parquet" / "facts").glob("*.parquet"))[0].read_bytes()
    assert go(inbox, out) == EXIT_OK              # nothing new
    r = last_run(out)
    assert (r["articles_new"], r["articles_unchanged"], r["facts_new"]) == (0, 5, 0)
    assert facts(out) == grown
    again = sorted((out / "parquet" / "facts").glob("*.parquet"))[0].read_bytes()
    assert again == parquet                       # byte for byte
    statuses = [r["status"] for r in OutputStore(out).runs()]
    assert statuses == ["published"] * 3


def test_full_refresh_reprocesses_everything(inbox, tmp_path):
    out = tmp_path / "out"
    add(inbox, "001", "002")
    assert go(inbox, out) == EXIT_OK
    before = facts(out)
    assert go(inbox, out, "--full-refresh") == EXIT_OK
    r = last_run(out)
    assert (r["articles_new"], r["articles_unchanged"]) == (2, 0)
    assert facts(out) == before


def test_changed_extractor_version_reextracts(inbox, tmp_path, monkeypatch):
    from transforms import version

    out = tmp_path / "out"
    add(inbox, "001", "002")
    assert go(inbox, out) == EXIT_OK
    old = facts(out)
    monkeypatch.setattr(version, "PACKAGE_VERSION", "9.9.9")
    version.extractor_version.cache_clear()
    try:
        assert go(inbox, out) == EXIT_OK
        new = facts(out)
    finally:
        version.extractor_version.cache_clear()
    assert last_run(out)["articles_new"] == 2
    assert len(new) == len(old)                   # one version per article, never both
    assert all(f[3].startswith("9.9.9+") for f in new)
    assert not any(f[3].startswith("9.9.9+") for f in old)


def test_changed_file_replaces_its_old_article(inbox, tmp_path):
    out = tmp_path / "out"
    add(inbox, "004")
    assert go(inbox, out) == EXIT_OK
    assert len(facts(out)) == 1
    path = next(inbox.glob("004_*.txt"))
    path.write_text(path.read_text("utf-8").replace("5000P", "6000P"), encoding="utf-8")
    assert go(inbox, out) == EXIT_OK
    rows = facts(out)
    assert [r[2] for r in rows] == [6e18]


def test_failure_before_publication_keeps_previous_warehouse(inbox, tmp_path, monkeypatch,
                                                            capsys):
    out = tmp_path / "out"
    add(inbox, "001")
    assert go(inbox, out) == EXIT_OK
    before = facts(out)
    current = os.readlink(out / "current")
    add(inbox, "002")

    def boom(*_a, **_k):
        raise RuntimeError("simulated crash after the Beam job")

    monkeypatch.setattr("expectations.validate.validate", boom)
    assert go(inbox, out) == EXIT_FAILED
    assert "simulated crash" in capsys.readouterr().err
    assert os.readlink(out / "current") == current
    assert facts(out) == before                   # still there and queryable
    assert last_run(out)["status"] == "failed"
    assert not any((out / ".staging").iterdir())


def test_second_run_on_same_output_is_refused(inbox, tmp_path, capsys):
    out = tmp_path / "out"
    add(inbox, "001")
    with OutputStore(out).lock():
        assert go(inbox, out) == EXIT_LOCKED
    assert "another suanli run holds" in capsys.readouterr().err
    assert go(inbox, out) == EXIT_OK               # the lock is gone with its holder


def test_duplicate_under_another_name_is_a_reject(inbox, tmp_path):
    out = tmp_path / "out"
    add(inbox, "001")
    src = next(inbox.glob("001_*.txt"))
    shutil.copy(src, inbox / "zz_copy_of_001.txt")
    assert go(inbox, out) == EXIT_OK
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        rejects = con.execute("select source_uri, reason, detail from rejects").fetchall()
        n_facts = con.execute("select count(*) from facts").fetchone()[0]
    finally:
        con.close()
    assert len(rejects) == 1
    assert rejects[0][0].endswith("zz_copy_of_001.txt") and rejects[0][1] == "duplicate"
    assert src.name in rejects[0][2]
    assert n_facts == 7
