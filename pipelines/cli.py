"""`suanli`: the command line. Each command imports only what it needs: `sql` and `eval`
never import Beam or Great Expectations.

    suanli run [--input GLOB ...] [--output data] [beam flags]   the pipeline (exit 0/1/2/3)
    suanli sql [--warehouse data/warehouse.duckdb] "select ..."  a query, printed as a table
    suanli eval --gold FILE [--warehouse ...]                    precision / recall / F1
    suanli report [--warehouse ...] [--out FILE]                 rebuild the reviewer report
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
    p_sql = sub.add_parser("sql", help="run one SQL query against the warehouse")
    p_sql.add_argument("query")
    p_sql.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    p_sql.add_argument("--max-width", type=int, default=60,
                       help="cut cells wider than this many columns (default %(default)s)")
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


def connect(path: str):
    import duckdb

    if not Path(path).is_file():
        raise WarehouseError(f"no warehouse at {path}: run `suanli run` first, or pass "
                             "--warehouse")
    return duckdb.connect(path, read_only=True)


def cmd_sql(args) -> int:
    import duckdb

    con = connect(args.warehouse)
    try:
        cur = con.execute(args.query)
        names = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if names else []
    except duckdb.Error as exc:
        print(f"suanli sql: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    print(format_table(names, rows, args.max_width))
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
    con = connect(args.warehouse)
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

    connect(args.warehouse).close()
    out = Path(args.out) if args.out else Path(args.warehouse).parent / "report" / "index.html"
    write_report(Path(args.warehouse), out)
    print(f"report: {out.resolve()}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
