"""`suanli`: the command line. Each command imports only what it needs: `sql` and `eval`
never import Beam or Great Expectations.

    suanli run [--input GLOB ...] [--output data] [--full-refresh] [beam flags]
                                           the pipeline (exit 0 ok, 1 failed, 2 usage,
                                           3 validation failed, 4 output locked)
    suanli sql [QUERY] [--warehouse W] [--format table|csv|json|parquet] [--out FILE]
                                           a query (an interactive shell without QUERY)
    suanli runs [--output data]            the runs log
    suanli eval --gold FILE [--warehouse W]   precision / recall / F1 against a gold file
    suanli report [--warehouse W] [--out FILE]  rebuild the reviewer report
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        from pipelines.capacity_facts import run

        return run(argv[1:])
    parser = argparse.ArgumentParser(prog="suanli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the pipeline (see `suanli run --help`)")
    p_sql = sub.add_parser("sql", help="query the warehouse (a shell when no query is given)")
    p_sql.add_argument("query", nargs="?", help="SQL; omit it for an interactive shell")
    p_sql.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    p_sql.add_argument("--format", choices=FORMATS, default="table")
    p_sql.add_argument("--out", help="write the result to this file (required for parquet)")
    p_sql.add_argument("--read-write", action="store_true",
                       help="open the warehouse for writing (read-only by default)")
    p_sql.add_argument("--max-width", type=int, default=60,
                       help="table format: cut cells wider than this (default %(default)s)")
    p_runs = sub.add_parser("runs", help="list the runs recorded in an output folder")
    p_runs.add_argument("--output", default="data")
    p_eval = sub.add_parser("eval", help="score the warehouse's facts against a gold file")
    p_eval.add_argument("--gold", required=True, help="gold jsonl (tests/gold/seeds.jsonl)")
    p_eval.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    p_rep = sub.add_parser("report", help="rebuild the reviewer report from a warehouse")
    p_rep.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    p_rep.add_argument("--out", default=None,
                       help="HTML file (default: report/index.html beside the warehouse)")
    args = parser.parse_args(argv)
    try:
        if args.command == "sql":
            return cmd_sql(args)
        if args.command == "runs":
            return cmd_runs(args)
        if args.command == "eval":
            return cmd_eval(args)
        if args.command == "report":
            return cmd_report(args)
    except WarehouseError as exc:
        print(f"suanli {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


class WarehouseError(Exception):
    pass


FORMATS = ("table", "csv", "json", "parquet")


def connect(path: str, read_only: bool = True, check_schema: bool = True):
    import duckdb

    if not Path(path).is_file():
        raise WarehouseError(f"no warehouse at {path}: run `suanli run` first, or pass "
                             "--warehouse")
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open {path}: {str(exc).splitlines()[0]}") from exc
    if check_schema:
        _check_schema(con, path)
    return con


def _check_schema(con, path: str) -> None:
    from transforms.schema import schema_version

    try:
        row = con.execute("select value from raw.meta where key = 'schema_version'").fetchone()
    except Exception:  # noqa: BLE001 - a warehouse without meta predates the check
        row = None
    found = row[0] if row else "unknown"
    if found != schema_version():
        con.close()
        raise WarehouseError(
            f"schema mismatch: {path} was built with table schema {found}, this suanli "
            f"expects {schema_version()}; rebuild it with `suanli run --full-refresh` (plain "
            "duckdb can still open it)")


def cmd_sql(args) -> int:
    if args.format == "parquet" and not args.out:
        print("suanli sql: --format parquet needs --out FILE", file=sys.stderr)
        return EXIT_USAGE
    con = connect(args.warehouse, read_only=not args.read_write)
    try:
        if args.query is None:
            return _shell(con, args)
        return _run_query(con, args.query, args)
    finally:
        con.close()


def _run_query(con, query: str, args, stream=None) -> int:
    import duckdb

    try:
        if args.format == "parquet":
            con.execute(f"copy ({query.rstrip().rstrip(';')}) to "
                        f"'{str(Path(args.out).absolute()).replace(chr(39), chr(39) * 2)}' "
                        "(format parquet)")
            print(f"wrote {args.out}", file=sys.stderr)
            return EXIT_OK
        cur = con.execute(query)
        names = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if names else []
    except duckdb.Error as exc:
        print(f"suanli sql: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    text = render(names, rows, args.format, args.max_width)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({len(rows)} rows)", file=sys.stderr)
    else:
        print(text, file=stream or sys.stdout)
    return EXIT_OK


def _shell(con, args) -> int:
    """Statements end with `;`; `.tables` lists the views, `.quit` or end of input leaves."""
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"suanli sql shell on {args.warehouse} ({'read-write' if args.read_write else 'read-only'}); "
              "end statements with ';', .tables, .quit")
    buffer: list[str] = []
    status = EXIT_OK
    while True:
        try:
            line = input("suanli> " if not buffer else "   ...> ") if interactive \
                else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and line == "":
            break
        stripped = line.strip()
        if not buffer and stripped in (".quit", ".exit", "\\q"):
            break
        if not buffer and stripped == ".tables":
            _run_query(con, "select view_name from duckdb_views() where not internal "
                            "order by 1", args)
            continue
        buffer.append(line.rstrip("\n"))
        if stripped.endswith(";"):
            status = _run_query(con, "\n".join(buffer), args) or status
            buffer = []
    if buffer and "".join(buffer).strip():
        status = _run_query(con, "\n".join(buffer), args) or status
    return status


def render(names: list[str], rows: list[tuple], fmt: str, max_width: int = 60) -> str:
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    if fmt == "json":
        import json

        return json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False,
                          default=_json_default, indent=1)
    return format_table(names, rows, max_width)


def _json_default(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (set, tuple)):
        return list(v)
    return str(v)


def cmd_runs(args) -> int:
    from pipelines.publish import OutputStore

    runs = OutputStore(args.output).runs()
    if not runs:
        print(f"no runs recorded in {args.output}/runs", file=sys.stderr)
        return EXIT_USAGE
    cols = ["run_id", "status", "started_at", "ended_at", "files_read", "rejected",
            "articles_new", "articles_unchanged", "facts_new", "articles_total", "facts_total",
            "validation"]
    print(format_table(cols, [tuple(r.get(c) for c in cols) for r in runs], 40))
    return EXIT_OK


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _cell(v, max_width: int) -> str:
    s = "NULL" if v is None else str(v)
    s = s.replace("\n", " ")
    if _width(s) > max_width:
        out, w = [], 0
        for ch in s:
            w += _width(ch)
            if w > max_width - 1:
                break
            out.append(ch)
        s = "".join(out) + "…"
    return s


def format_table(names: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """An aligned text table; CJK characters count two columns."""
    cells = [[_cell(v, max_width) for v in r] for r in rows]
    widths = [max([_width(n)] + [_width(r[i]) for r in cells]) for i, n in enumerate(names)]

    def line(vals):
        return "| " + " | ".join(v + " " * (w - _width(v)) for v, w in zip(vals, widths)) + " |"

    sep = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [sep, line(names), sep, *(line(r) for r in cells), sep,
           f"({len(rows)} row{'s' if len(rows) != 1 else ''})"]
    return "\n".join(out)


def cmd_eval(args) -> int:
    from pipelines.evaluate import evaluate, format_report, load_gold

    gold = load_gold(Path(args.gold))
    con = connect(args.warehouse, check_schema=False)
    try:
        cur = con.execute("""select a.source_uri, f.* from facts f join articles a
                             using (article_id) order by a.source_uri, f.char_start""")
        names = [d[0] for d in cur.description]
        predicted = [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()
    result = evaluate(gold, predicted)
    print(format_report(result))
    return EXIT_OK


def cmd_report(args) -> int:
    from warehouse.report import write_report

    connect(args.warehouse, check_schema=False).close()
    out = Path(args.out) if args.out else Path(args.warehouse).parent / "report" / "index.html"
    write_report(Path(args.warehouse), out)
    print(f"report: {out.resolve()}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
