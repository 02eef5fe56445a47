"""The output folder as a dependable warehouse: incremental merge, validation, atomic
publication, a lock, and the runs log.

Layout of OUT (the paths users and analysts see are the first three):

    OUT/warehouse.duckdb -> current/warehouse.duckdb      (symlinks, made once)
    OUT/parquet          -> current/parquet
    OUT/report           -> current/report
    OUT/current          -> versions/<run id>             (the one atomic switch)
    OUT/versions/<run id>/{parquet/<table>/part-0.parquet, warehouse.duckdb, report/}
    OUT/runs/<run id>.json                                (every run, whatever its outcome)
    OUT/.staging/<run id>/                                (a run in progress)
    OUT/failed/<run id>/                                  (the last runs that failed validation)
    OUT/.lock                                             (held while a run is in progress)

A run writes what is new into .staging, merges it with the current version into a new version
folder, validates the merged tables, builds the warehouse and the report there, and publishes by
replacing the `current` symlink (rename is atomic). A run that fails or is killed at any point
before that leaves `current` as it was. All links are relative, so OUT can be moved or copied.

Merge rules (article identity is the hash of the normalised text):
- an article processed in this run replaces the published article with the same id (a new
  extractor version) or the same source_uri (the file changed); its sentences and facts go
  with it, so no article ever shows facts from two extractor versions;
- articles this run skipped as unchanged, and articles not in this run's input, stay;
- a reject replaces earlier rejects of the same source_uri, and a file that now became an
  article (or is unchanged) loses its old reject.
When nothing changed, the new version's Parquet files are hard links to the current ones, so
the published facts are byte for byte the same.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from transforms.schema import TABLES

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_LOCKED, EXIT_REJECTS = 0, 1, 2, 3, 4, 5
PUBLISHED_LINKS = ("warehouse.duckdb", "parquet", "report")
KEEP_VERSIONS = 2
DUCKDB_MEMORY_LIMIT = "1GB"
KEEP_FAILED = 3
STREAMED = ("articles", "sentences")  # wide tables: merged batch by batch, not sorted
ORDER_BY = {
    "articles": "article_id",
    "sentences": "article_id, sentence_index",
    "facts": "article_id, char_start, char_end, fact_id",
    "rejects": "source_uri, stage, reason, detail",
}


class IncompleteOutput(RuntimeError):
    """The Beam job wrote less than every input accounted for."""


class RunLocked(Exception):
    """Another run holds OUT/.lock."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)


@dataclass
class RunRecord:
    run_id: str
    started_at: str
    inputs: list[str]
    full_refresh: bool
    extractor_version: str
    status: str = "running"
    ended_at: str | None = None
    files_read: int = 0
    rejected: int = 0
    articles_new: int = 0
    articles_unchanged: int = 0
    facts_new: int = 0
    articles_total: int = 0
    facts_total: int = 0
    validation: str | None = None
    message: str | None = None


@dataclass
class Outcome:
    status: int
    record: RunRecord
    timings: dict[str, float] = field(default_factory=dict)


class OutputStore:
    def __init__(self, output: str | os.PathLike):
        output = str(output)
        if "://" in output:
            raise ValueError("--output must be a local folder (the DuckDB warehouse is a "
                             "local file); read remote inputs with --input gs://... instead")
        self.out = Path(output)
        self.runs_dir = self.out / "runs"
        self.versions = self.out / "versions"
        self.staging_root = self.out / ".staging"

    # --- lock and run records ---------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self):
        """An exclusive lock on OUT/.lock; the OS releases it if the process dies."""
        self.out.mkdir(parents=True, exist_ok=True)
        handle = open(self.out / ".lock", "a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise RunLocked(f"another suanli run holds {self.out / '.lock'}; "
                                "not starting a second one on the same output") from exc
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            handle.close()

    def begin(self, inputs: list[str], full_refresh: bool, version: str) -> RunRecord:
        shutil.rmtree(self.staging_root, ignore_errors=True)  # left by a killed run
        now = _now()
        record = RunRecord(run_id=now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6],
                           started_at=now.isoformat(sep=" "), inputs=list(inputs),
                           full_refresh=full_refresh, extractor_version=version)
        self.staging(record).mkdir(parents=True)
        self.save(record)
        return record

    def staging(self, record: RunRecord) -> Path:
        return self.staging_root / record.run_id

    def save(self, record: RunRecord) -> None:
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.runs_dir / f".{record.run_id}.json.tmp"
        tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, self.runs_dir / f"{record.run_id}.json")

    def fail(self, record: RunRecord, message: str, status: str = "failed") -> None:
        record.status = status
        record.message = message[:2000]
        record.ended_at = _now().isoformat(sep=" ")
        self.save(record)
        shutil.rmtree(self.staging(record), ignore_errors=True)

    def runs(self) -> list[dict]:
        out = []
        for path in sorted(self.runs_dir.glob("*.json")):
            try:
                out.append(json.loads(path.read_text("utf-8")))
            except ValueError:
                continue
        return out

    # --- the published version --------------------------------------------------------------

    def current(self) -> Path | None:
        link = self.out / "current"
        if link.is_symlink() or link.is_dir():
            target = link.resolve()
            if (target / "parquet").is_dir():
                return target
        legacy = self.out / "parquet"
        if legacy.is_dir() and not legacy.is_symlink():
            return self.out  # a folder written before versions existed
        return None

    def known_articles(self) -> dict[str, str]:
        """article_id -> extractor version of every published article."""
        current = self.current()
        if current is None:
            return {}
        files = sorted((current / "parquet" / "articles").glob("*.parquet"))
        if not files:
            return {}
        import pyarrow.parquet as pq

        names = pq.read_schema(files[0]).names
        cols = ["article_id"] + (["extractor_version"] if "extractor_version" in names else [])
        ids, versions = [], []
        for f in files:
            t = pq.read_table(f, columns=cols)
            ids += t.column("article_id").to_pylist()
            versions += (t.column("extractor_version").to_pylist() if len(cols) == 2
                         else [None] * t.num_rows)
        return dict(zip(ids, versions))

    # --- after the Beam job -----------------------------------------------------------------

    def finish(self, record: RunRecord, files_read: int, timings: dict[str, float],
               max_reject_ratio: float = 1.0) -> Outcome:
        from expectations.validate import validate
        from warehouse.build import build_warehouse
        from warehouse.report import write_report

        record.files_read = files_read
        staging = self.staging(record)
        version_dir = self.versions / record.run_id
        t = time.perf_counter()
        counts = self._merge(staging / "new", version_dir / "parquet", record)
        timings["merge"] = time.perf_counter() - t
        read = record.articles_new + record.articles_unchanged + record.rejected
        too_many = read > 0 and record.rejected / read > max_reject_ratio
        t = time.perf_counter()
        outcome = validate(version_dir / "parquet", docs_dir=version_dir / "report" / "gx")
        timings["validate"] = time.perf_counter() - t
        record.validation = "passed" if outcome.passed else "failed"
        record.articles_total, record.facts_total = counts["articles"], counts["facts"]
        t = time.perf_counter()
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        record.status = ("too_many_rejects" if too_many else
                         "published" if outcome.passed else "validation_failed")
        record.ended_at = _now().isoformat(sep=" ")
        build_warehouse(version_dir / "parquet", version_dir / "warehouse.duckdb",
                        [c.row() for c in outcome.checks],
                        runs=[r for r in self.runs() if r.get("run_id") != record.run_id]
                        + [asdict(record)], quarantine=outcome.quarantine)
        timings["warehouse"] = time.perf_counter() - t
        t = time.perf_counter()
        summary = {"run": record.run_id, "inputs": ", ".join(record.inputs),
                   "input files": files_read, "new articles": record.articles_new,
                   "unchanged articles": record.articles_unchanged,
                   "validation": record.validation}
        write_report(version_dir / "warehouse.duckdb", version_dir / "report" / "index.html",
                     summary)
        timings["report"] = time.perf_counter() - t
        if too_many or not outcome.passed:
            failed = self.out / "failed" / record.run_id
            failed.parent.mkdir(exist_ok=True)
            version_dir.rename(failed)
            for old in sorted(failed.parent.iterdir(), reverse=True)[KEEP_FAILED:]:
                shutil.rmtree(old, ignore_errors=True)
            report = failed / "report" / "index.html"
            if too_many:
                record.message = (f"{record.rejected} of {read} inputs rejected "
                                  f"({record.rejected / read:.0%}), above --max_reject_ratio "
                                  f"{max_reject_ratio:g}: the input may be broken (a crawler "
                                  f"fault?); nothing published; report: {report}")
            else:
                record.message = (f"{len(outcome.errors)} error checks failed; nothing "
                                  f"published; report: {report}")
            self.save(record)
            shutil.rmtree(staging, ignore_errors=True)
            for c in outcome.errors:
                print(f"  error: {c.table}.{c.column or ''} {c.expectation}: {c.observed} "
                      f"examples {c.unexpected_examples}", file=sys.stderr)
            if too_many:
                print(f"suanli: too many rejects: {record.message}", file=sys.stderr)
                return Outcome(EXIT_REJECTS, record, timings)
            print(f"suanli: validation failed: {record.message}", file=sys.stderr)
            return Outcome(EXIT_INVALID, record, timings)
        self.publish(version_dir)
        self.save(record)
        shutil.rmtree(staging, ignore_errors=True)
        self._print_summary(record, outcome, counts, timings)
        return Outcome(EXIT_OK, record, timings)

    def _merge(self, new_root: Path, dest: Path, record: RunRecord) -> dict[str, int]:
        """Merge this run's new rows with the current version into dest (see module doc)."""
        import duckdb

        from transforms.schema import STAGING_TABLES

        current = None if record.full_refresh else self.current()
        # A database file in the staging folder, with a memory limit: DuckDB spills to disk
        # instead of holding the corpus in memory.
        con = duckdb.connect(str(self.staging(record) / "merge.duckdb"))
        con.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.execute(f"set temp_directory = '{_sql_str(self.staging(record) / 'spill')}'")
        con.execute("set threads = 2")
        con.execute("set preserve_insertion_order = false")
        try:
            for table, schema in STAGING_TABLES.items():
                suffix = "_all" if table in TABLES else ""  # _dedupe_new makes new_<table>
                _load(con, f"new_{table}{suffix}", new_root / table, schema, as_view=True)
                if table in TABLES:
                    _load(con, f"old_{table}", current / "parquet" / table if current else None,
                          schema, as_view=True)
            accounted = con.execute(r"""
                select count(distinct regexp_replace(source_uri, '#L\d+$', '')) from (
                    select source_uri from new_articles_all union all
                    select source_uri from new_rejects_all union all
                    select source_uri from new_unchanged)""").fetchone()[0]
            if accounted < record.files_read:
                raise IncompleteOutput(
                    f"the runner's output accounts for {accounted} of {record.files_read} "
                    "input files (each must become an article, a reject or an unchanged "
                    "article); refusing to publish. This runner does not give correct "
                    "output for this pipeline.")
            _dedupe_new(con)
            record.articles_new = _count(con, "new_articles")
            record.articles_unchanged = _count(con, "new_unchanged")
            record.facts_new = _count(con, "new_facts")
            record.rejected = _count(con, "new_rejects")
            con.execute("""
                create view final_articles as
                select * from old_articles
                where article_id not in (select article_id from new_articles)
                  and source_uri not in (select source_uri from new_articles)
                union all by name select * from new_articles""")
            for table in ("sentences", "facts"):
                con.execute(f"""
                    create view final_{table} as
                    select * from old_{table}
                    where article_id in (select article_id from final_articles)
                      and article_id not in (select article_id from new_articles)
                    union all by name
                    select * from new_{table}
                    where article_id in (select article_id from new_articles)""")
            con.execute("""
                create view final_rejects as
                select * from old_rejects
                where source_uri not in (select source_uri from new_rejects)
                  and source_uri not in (select source_uri from new_articles)
                  and source_uri not in (select source_uri from new_unchanged)
                union all by name select * from new_rejects""")
            # Articles, sentences and facts change only through new articles; rejects are
            # compared row for row (they are few).
            unchanged = (current is not None and record.articles_new == 0
                         and _same(con, "rejects"))
            dest.mkdir(parents=True)
            counts = {}
            for table in TABLES:
                out_dir = dest / table
                out_dir.mkdir()
                if unchanged:
                    for f in sorted((current / "parquet" / table).glob("*.parquet")):
                        _link_or_copy(f, out_dir / f.name)
                    counts[table] = _count(con, f"old_{table}")
                    continue
                target = out_dir / "part-0.parquet"
                if table in STREAMED:
                    counts[table] = _stream_final(con, table, current, new_root, target)
                    continue
                cols = ", ".join(f'"{n}"' for n in TABLES[table].names)
                con.execute(f"copy (select {cols} from final_{table} order by "
                            f"{ORDER_BY[table]}) to '{_sql_str(target)}' "
                            "(format parquet, compression zstd, row_group_size 20000, "
                            "row_group_size_bytes '32MB')")
                counts[table] = con.execute(
                    f"select count(*) from read_parquet('{_sql_str(target)}')").fetchone()[0]
            return counts
        finally:
            con.close()

    def publish(self, version_dir: Path) -> None:
        """Switch `current` to version_dir in one rename; keep the previous version."""
        tmp = self.out / ".current.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(os.path.relpath(version_dir, self.out), tmp)
        self._adopt_legacy()
        os.replace(tmp, self.out / "current")
        for name in PUBLISHED_LINKS:
            link = self.out / name
            if not link.is_symlink():
                os.symlink(os.path.join("current", name), link)
        keep = {version_dir.name}
        for old in sorted(self.versions.iterdir(), reverse=True):
            if old.name in keep:
                continue
            if len(keep) < KEEP_VERSIONS:
                keep.add(old.name)
                continue
            shutil.rmtree(old, ignore_errors=True)

    def _adopt_legacy(self) -> None:
        """Move entries of a pre-versions output folder aside, once."""
        legacy = [n for n in PUBLISHED_LINKS
                  if (self.out / n).exists() and not (self.out / n).is_symlink()]
        if not legacy:
            return
        dest = self.versions / "00000000-legacy"
        dest.mkdir(parents=True, exist_ok=True)
        for name in legacy:
            (self.out / name).rename(dest / name)

    def _print_summary(self, record, outcome, counts, timings) -> None:
        warn = f", {len(outcome.warnings)} warnings" if outcome.warnings else ""
        print("suanli run: done")
        print(f"  run         : {record.run_id}")
        print(f"  input files : {record.files_read}")
        print(f"  this run    : {record.articles_new} new articles + "
              f"{record.articles_unchanged} unchanged + {record.rejected} rejected = "
              f"{record.articles_new + record.articles_unchanged + record.rejected} inputs read "
              f"(JSON lines count one each); {record.facts_new} new facts")
        for table in ("articles", "sentences", "facts", "rejects"):
            print(f"  {table:<11} : {counts[table]}")
        print(f"  validation  : passed ({len(outcome.checks)} checks{warn})")
        print(f"  warehouse   : {(self.out / 'warehouse.duckdb').absolute()}")
        print(f"  report      : {(self.out / 'report' / 'index.html').absolute()}")
        print("  seconds     : " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


def _stream_final(con, table: str, current: Path | None, new_root: Path, target: Path) -> int:
    """Write final_<table> for a wide table (article bodies, sentences) batch by batch with
    pyarrow: DuckDB decides which keys survive (narrow columns only), the rows themselves
    stream from the published and the staged files, so memory stays bounded by one batch.
    Rows keep file order (published rows first); only facts and rejects are sorted."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = TABLES[table]
    old_keep = con.execute("select distinct article_id from final_articles "
                           "where article_id not in (select article_id from new_articles)"
                           ).fetchall()
    new_keep = con.execute("select article_id, source_uri from new_articles").fetchall()
    old_ids = pa.array([r[0] for r in old_keep], pa.string())
    new_ids = pa.array([r[0] for r in new_keep], pa.string())
    new_pairs = {(r[0], r[1]) for r in new_keep} if table == "articles" else None
    has_dups = con.execute("select count(*) from dup_keys").fetchone()[0] > 0
    seen: set = set()
    written = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        sources = []
        if current is not None:
            sources += [(f, old_ids, False) for f in
                        sorted((current / "parquet" / table).glob("*.parquet"))]
        sources += [(f, new_ids, True) for f in sorted((new_root / table).glob("*.parquet"))]
        for path, keep_ids, is_new in sources:
            names = pq.read_schema(path).names
            for batch in pq.ParquetFile(path).iter_batches(batch_size=2000):
                data = pa.Table.from_batches([batch])
                for f in schema:  # a column added since that file was written
                    if f.name not in names:
                        data = data.append_column(f.name, pa.nulls(data.num_rows, f.type))
                data = data.select(schema.names).cast(schema)
                data = data.filter(pc.is_in(data["article_id"], value_set=keep_ids))
                if is_new and has_dups and table == "articles":  # keep the smallest name
                    mask = [(a, u) in new_pairs for a, u in zip(
                        data["article_id"].to_pylist(), data["source_uri"].to_pylist())]
                    data = data.filter(pa.array(mask, pa.bool_()))
                if is_new and has_dups and table == "sentences":  # a duplicate's come twice
                    keys = list(zip(data["article_id"].to_pylist(),
                                    data["sentence_index"].to_pylist()))
                    mask = [k not in seen for k in keys]
                    seen.update(keys)
                    data = data.filter(pa.array(mask, pa.bool_()))
                if data.num_rows:
                    writer.write_table(data, row_group_size=2000)
                    written += data.num_rows
    return written


def _dedupe_new(con) -> None:
    """The same normalised text under several names is one article: the smallest source_uri
    keeps it, the others become `duplicate` rejects; their identical sentences and facts
    (same ids, derived from the content hash) are kept once. Only the narrow key columns are
    grouped, so memory does not grow with the text; without duplicates nothing is rewritten."""
    con.execute("""
        create table dup_keys as
        select article_id, source_uri, min(source_uri) over (partition by article_id) as kept
        from (select article_id, source_uri from new_articles_all)
        qualify source_uri <> kept""")
    has_dups = con.execute("select count(*) from dup_keys").fetchone()[0] > 0
    con.execute("""
        create view new_articles as
        select * from new_articles_all
        where (article_id, source_uri) not in (select article_id, source_uri from dup_keys)""")
    con.execute("""
        create view new_rejects as
        select * from new_rejects_all
        union all by name
        select source_uri, 'normalise' as stage, 'duplicate' as reason,
               'same normalised text as ' || kept as detail, article_id
        from dup_keys""")
    if not has_dups:
        con.execute("create view new_sentences as select * from new_sentences_all")
        con.execute("create view new_facts as select * from new_facts_all")
        return
    con.execute("create view new_sentences as select distinct on (article_id, sentence_index) "
                "* from new_sentences_all")
    con.execute("create view new_facts as select distinct on (fact_id) * from new_facts_all")


def _sql_str(path: Path) -> str:
    return str(Path(path).absolute()).replace("'", "''")


def _load(con, name: str, folder: Path | None, schema, as_view: bool) -> None:
    """A table (or a view over the Parquet files) of a folder, or an empty table of the
    schema; columns the schema has and the files lack (written by an older version) are
    added as NULL."""
    files = sorted(folder.glob("*.parquet")) if folder is not None and folder.is_dir() else []
    if not files:
        empty = schema.empty_table()  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f"create table {name} as select * from empty")
        return
    paths = ", ".join(f"'{_sql_str(f)}'" for f in files)
    source = f"read_parquet([{paths}], union_by_name = true)"
    present = {r[0] for r in con.execute(f"describe select * from {source}").fetchall()}
    extra = "".join(f", cast(null as {_duck_type(f.type)}) as \"{f.name}\""
                    for f in schema if f.name not in present)
    kind = "view" if as_view else "table"
    con.execute(f"create {kind} {name} as select *{extra} from {source}")


def _duck_type(t) -> str:
    import pyarrow as pa

    if pa.types.is_list(t):
        return "varchar[]"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_integer(t):
        return "bigint"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_boolean(t):
        return "boolean"
    return "varchar"


def _count(con, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def _same(con, table: str) -> bool:
    """final_<table> has exactly the rows of old_<table>."""
    n_old, n_final = _count(con, f"old_{table}"), _count(con, f"final_{table}")
    if n_old != n_final:
        return False
    diff = con.execute(f"select count(*) from (select * from final_{table} except all "
                       f"select * from old_{table})").fetchone()[0]
    return diff == 0


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
