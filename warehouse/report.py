"""The reviewer report: OUT/report/index.html, one self-contained file.

Read from the warehouse (so `suanli report` rebuilds it without rerunning the pipeline). No
request leaves the machine: CSS and the small sort/filter script are inline, and every piece
of article text is HTML-escaped (a <script> in an article shows as text).
"""
from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

# The report stays readable and small on a large warehouse: the rest is one query away.
MAX_FACTS = 5000          # flagged and least confident first
MAX_ARTICLES = 2000       # articles with facts first
MAX_ARTICLE_TEXTS = 300   # full texts, only of articles with facts
MAX_REJECTS = 2000

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.88em;width:100%}
th,td{border:1px solid #ddd;padding:.25em .45em;vertical-align:top;text-align:left}
th{background:#f3f3f3;cursor:pointer;user-select:none}
tr.fail td{background:#fdecea}tr.warn td{background:#fff8e1}
.pass{color:#1b7f3b;font-weight:bold}.fail{color:#b3261e;font-weight:bold}
.warnlabel{color:#a15c00;font-weight:bold}
mark{background:#ffe066;padding:0 .1em}
.summary td:first-child{font-weight:bold;width:14em}
.flag{display:inline-block;background:#eee;border-radius:3px;padding:0 .3em;margin:1px;font-size:.85em}
.flag.unit_conflict{background:#f8d7da}
input.filter{margin:.4em 0;padding:.3em;width:24em}
pre{white-space:pre-wrap;font-size:.85em;background:#fafafa;border:1px solid #eee;padding:.5em}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure.chart{margin:0}
figcaption{font-weight:bold;margin-bottom:.3em}
div.text{line-height:1.7;max-width:60em}
"""

SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.from(body.rows), asc = th.dataset.asc !== '1';
    rows.sort(function(a, b){
      var x = a.cells[i].dataset.v || a.cells[i].textContent, y = b.cells[i].dataset.v || b.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
    th.dataset.asc = asc ? '1' : '0';
  });
});
document.body.dataset.resources = String(performance.getEntriesByType('resource').length);
document.body.dataset.rendered = '1';
document.querySelectorAll('input.filter').forEach(function(inp){
  inp.addEventListener('input', function(){
    var q = inp.value.toLowerCase(), table = document.getElementById(inp.dataset.table);
    Array.from(table.tBodies[0].rows).forEach(function(r){
      r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
});
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _fmt_num(v) -> str:
    if v is None:
        return ""
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def highlight(sentence: str, evidence: str) -> str:
    """The sentence, escaped, with the evidence marked (the whole sentence is escaped first,
    so article text can never inject markup)."""
    i = sentence.find(evidence) if evidence else -1
    if i < 0:
        return _e(sentence) + (f" <mark>{_e(evidence)}</mark>" if evidence else "")
    return (_e(sentence[:i]) + "<mark>" + _e(evidence) + "</mark>"
            + _e(sentence[i + len(evidence):]))


def mark_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The article text, escaped, with each fact's evidence span marked."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos or end > len(text) or start < 0:
            continue
        out.append(_e(text[pos:start]))
        out.append("<mark>" + _e(text[start:end]) + "</mark>")
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def bar_chart(title: str, bars: list[tuple[str, float]], fmt: str) -> str:
    """A horizontal bar chart as inline SVG (no library, nothing fetched)."""
    if not bars:
        return f"<figure><figcaption>{_e(title)}</figcaption><p>No data.</p></figure>"
    width, label_w, row_h = 720, 300, 22
    top = max(v for _, v in bars) or 1.0
    height = row_h * len(bars) + 10
    rows = []
    for i, (label, value) in enumerate(bars):
        y = 5 + i * row_h
        w = max(1.0, (width - label_w - 70) * value / top)
        rows.append(f"<text x='{label_w - 6}' y='{y + 15}' text-anchor='end'>{_e(label)}</text>"
                    f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row_h - 6}' "
                    f"fill='#4a78b5'><title>{_e(label)}: {fmt.format(value)}</title></rect>"
                    f"<text x='{label_w + w + 5:.1f}' y='{y + 15}'>{fmt.format(value)}</text>")
    return (f"<figure class='chart'><figcaption>{_e(title)}</figcaption>"
            f"<svg width='{width}' height='{height}' "
            f"font-size='12' role='img' aria-label='{_e(title)}'>{''.join(rows)}</svg></figure>")


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def write_report(db_path: Path, out_html: Path, summary: dict | None = None) -> Path:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True,
                         config={"memory_limit": "512MB", "threads": 2})
    try:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("articles", "sentences", "facts", "rejects")}
        checks = _rows(con, "select * from quality_checks order by success, severity, "
                            "table_name, expectation")
        facts = _rows(con, f"""
            with shown as (
                select * from facts
                order by len(flags) desc, confidence, article_id, char_start
                limit {MAX_FACTS})
            select f.*, a.source_uri, a.title, s.text as sentence
            from shown f join (select article_id, source_uri, title from articles) a
                using (article_id)
            left join (select article_id, sentence_index, text from sentences
                       where article_id in (select article_id from shown)) s
                on s.article_id = f.article_id and s.sentence_index = f.sentence_index
            order by len(f.flags) desc, f.confidence, a.source_uri, f.char_start""")
        articles = _rows(con, f"""
            select article_id, source_uri, title, published_at, outlet, encoding, script,
                   quality_flags, n_sentences from articles
            order by article_id in (select article_id from facts) desc, source_uri
            limit {MAX_ARTICLES}""")
        rejects = _rows(con, f"select * from rejects order by stage, reason, source_uri "
                             f"limit {MAX_REJECTS}")
        summary = dict(summary or {})
        for table, n, shown in (("facts", counts["facts"], len(facts)),
                                ("articles", counts["articles"], len(articles)),
                                ("rejects", counts["rejects"], len(rejects))):
            if n > shown:
                summary[f"{table} shown"] = f"{shown} of {n} (query the warehouse for all)"
        extra = {
            "quarantine": _rows(con, "select * from quarantine order by severity, table_name, "
                                     "expectation, row_key") if _has(con, "quarantine") else [],
            "conflicts": _rows(con, "select * from conflicts order by subject, metric")
            if _has(con, "conflicts") else [],
            "provinces": _rows(con, "select province, year, metric, status, max_value "
                                    "from capacity_by_province where unit_family = 'FLOPS' "
                                    "order by province, year")
            if _has(con, "capacity_by_province") else [],
            "texts": {r["article_id"]: r["text"] for r in _rows(
                con, f"select article_id, text from articles where article_id in "
                     f"(select article_id from facts) order by article_id "
                     f"limit {MAX_ARTICLE_TEXTS}")},
        }
    finally:
        con.close()
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(render(counts, checks, facts, articles, rejects, summary, extra),
                        encoding="utf-8")
    return out_html


def _has(con, view: str) -> bool:
    return bool(con.execute("select count(*) from duckdb_views() where view_name = ?",
                            [view]).fetchone()[0])


def render(counts, checks, facts, articles, rejects, summary, extra=None) -> str:
    extra = extra or {}
    failed_errors = [c for c in checks if not c["success"] and c["severity"] == "critical"]
    failed_warn = [c for c in checks if not c["success"] and c["severity"] != "critical"]
    verdict = ("<span class='fail'>FAILED</span>" if failed_errors
               else "<span class='pass'>PASSED</span>")
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    parts = [
        "<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        "<title>Suanli data-quality report</title>", f"<style>{CSS}</style></head><body>",
        "<h1>Suanli: capacity facts, data-quality report</h1>",
        "<h2 id='summary'>Run summary</h2><table class='summary'>",
        f"<tr><td>Validation</td><td>{verdict}: {len(checks) - len(failed_errors) - len(failed_warn)}"
        f" of {len(checks)} checks passed, {len(failed_errors)} errors, "
        f"{len(failed_warn)} warnings</td></tr>",
    ]
    for table, n in counts.items():
        parts.append(f"<tr><td>{_e(table)}</td><td>{n}</td></tr>")
    for key, value in summary.items():
        parts.append(f"<tr><td>{_e(key)}</td><td>{_e(value)}</td></tr>")
    parts.append(f"<tr><td>generated</td><td>{generated}</td></tr></table>")
    parts.append("<p>Sections: <a href='#charts'>charts</a> · <a href='#checks'>expectations</a> · "
                 "<a href='#quarantine'>quarantine</a> · <a href='#conflicts'>flags and conflicts</a> · "
                 "<a href='#facts'>facts</a> · <a href='#rejects'>rejects</a> · "
                 "<a href='#articles'>articles</a> · "
                 "<a href='gx/index.html'>Great Expectations Data Docs</a> (when built)</p>")
    parts.append("<h2 id='charts'>Charts</h2><div class='charts'>")
    metric_counts: dict[str, int] = {}
    for f in facts:
        metric_counts[f["metric"]] = metric_counts.get(f["metric"], 0) + 1
    parts.append(bar_chart("Facts per metric", sorted(metric_counts.items(),
                                                       key=lambda kv: -kv[1]), "{:.0f}"))
    province_bars = [(f"{p['province']} {p['year'] or '?'} {p['status']} {p['metric']}",
                      p["max_value"] / 1e18) for p in extra.get("provinces", [])]
    parts.append(bar_chart("Compute by province and year (largest figure, EFLOPS)",
                           province_bars, "{:.3g}"))
    parts.append("</div>")

    parts.append("<h2 id='checks'>Expectations</h2>"
                 "<table class='sortable' id='checks-table'><thead><tr><th>result</th>"
                 "<th>severity</th><th>table</th><th>expectation</th><th>column</th>"
                 "<th>arguments</th><th>observed</th><th>unexpected</th>"
                 "<th>unexpected examples</th></tr></thead><tbody>")
    for c in checks:
        cls = "" if c["success"] else ("fail" if c["severity"] == "critical" else "warn")
        label = ("<span class='pass'>pass</span>" if c["success"] else
                 "<span class='fail'>fail</span>" if c["severity"] == "critical" else
                 "<span class='warnlabel'>warn</span>")
        parts.append(
            f"<tr class='check {cls}' data-success='{str(c['success']).lower()}'>"
            f"<td>{label}</td><td>{_e(c['severity'])}</td><td>{_e(c['table_name'])}</td>"
            f"<td>{_e(c['expectation'])}</td><td>{_e(c['column_name'])}</td>"
            f"<td><code>{_e(c['kwargs'])}</code></td><td>{_e(_unjson(c['observed']))}</td>"
            f"<td>{_e(c['unexpected_count'])}</td>"
            f"<td><code>{_e(c['unexpected_examples'])}</code></td></tr>")
    parts.append("</tbody></table>")

    quarantine = extra.get("quarantine", [])
    parts.append(f"<h2 id='quarantine'>Quarantine ({len(quarantine)})</h2>")
    if quarantine:
        parts.append("<table class='sortable' id='quarantine-table'><thead><tr><th>severity</th>"
                     "<th>table</th><th>row</th><th>expectation</th><th>column</th>"
                     "<th>value</th></tr></thead><tbody>")
        for q in quarantine:
            cls = "fail" if q["severity"] == "critical" else "warn"
            parts.append(f"<tr class='quarantined {cls}'><td>{_e(q['severity'])}</td>"
                         f"<td>{_e(q['table_name'])}</td><td>{_e(q['row_key'])}</td>"
                         f"<td>{_e(q['expectation'])}</td><td>{_e(q['column_name'])}</td>"
                         f"<td><code>{_e(q['value'])}</code></td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>No row broke a row-level expectation.</p>")

    flagged = [f for f in facts if f["flags"]]
    conflicts = extra.get("conflicts", [])
    parts.append(f"<h2 id='conflicts'>Flags and conflicts</h2>"
                 f"<p>{len(flagged)} facts carry flags; {len(conflicts)} subject/metric/year "
                 "groups disagree across articles.</p>")
    if flagged:
        parts.append("<table><thead><tr><th>flags</th><th>subject</th><th>metric</th>"
                     "<th>value</th><th>evidence</th></tr></thead><tbody>")
        for f in flagged:
            flags = "".join(f"<span class='flag {_e(x)}'>{_e(x)}</span>" for x in f["flags"])
            parts.append(f"<tr class='flagged'><td>{flags}</td><td>{_e(f['subject'])}</td>"
                         f"<td>{_e(f['metric'])}</td><td>{_fmt_num(f['value'])} {_e(f['unit'])}"
                         f"</td><td>{_e(f['evidence'])}</td></tr>")
        parts.append("</tbody></table>")
    if conflicts:
        parts.append("<table><thead><tr><th>subject</th><th>metric</th><th>status</th>"
                     "<th>year</th><th>articles</th><th>min</th><th>max</th><th>facts</th>"
                     "</tr></thead><tbody>")
        for c in conflicts:
            parts.append(f"<tr class='conflict'><td>{_e(c['subject'])}</td><td>{_e(c['metric'])}"
                         f"</td><td>{_e(c['status'])}</td><td>{_e(c['year'])}</td>"
                         f"<td>{c['n_articles']}</td><td>{_fmt_num(c['min_value'])}</td>"
                         f"<td>{_fmt_num(c['max_value'])}</td><td>{_e(', '.join(c['fact_ids']))}"
                         "</td></tr>")
        parts.append("</tbody></table>")

    parts.append(f"<h2 id='facts'>Facts ({len(facts)})</h2>"
                 "<input class='filter' data-table='facts-table' placeholder='filter facts'>"
                 "<table class='sortable' id='facts-table'><thead><tr><th>subject</th>"
                 "<th>metric</th><th>value</th><th>unit</th><th>normalised</th><th>family</th>"
                 "<th>qualifier</th><th>status</th><th>year</th><th>flags</th>"
                 "<th>evidence in its sentence</th><th>article</th></tr></thead><tbody>")
    for f in facts:
        flags = "".join(f"<span class='flag {_e(x)}'>{_e(x)}</span>" for x in (f["flags"] or []))
        parts.append(
            f"<tr class='fact'><td>{_e(f['subject'])}</td><td>{_e(f['metric'])}</td>"
            f"<td data-v='{_e(f['value'])}'>{_fmt_num(f['value'])}</td><td>{_e(f['unit'])}</td>"
            f"<td data-v='{_e(f['value_normalised'])}'>{_fmt_num(f['value_normalised'])}</td>"
            f"<td>{_e(f['unit_family'])}</td><td>{_e(f['qualifier'])}</td>"
            f"<td>{_e(f['status'])}</td><td>{_e(f['year'])}</td><td>{flags}</td>"
            f"<td>{highlight(f['sentence'] or '', f['evidence'])}</td>"
            f"<td><a href='#article-{_e(f['article_id'])}'>{_e(_stem(f['source_uri']))}</a></td>"
            "</tr>")
    parts.append("</tbody></table>")

    parts.append(f"<h2 id='rejects'>Rejects ({len(rejects)})</h2>")
    by_reason: dict[tuple[str, str], int] = {}
    for r in rejects:
        by_reason[(r["stage"], r["reason"])] = by_reason.get((r["stage"], r["reason"]), 0) + 1
    if by_reason:
        parts.append("<table id='rejects-summary'><thead><tr><th>stage</th><th>reason</th>"
                     "<th>files</th></tr></thead><tbody>")
        for (stage, reason), n in sorted(by_reason.items(), key=lambda kv: -kv[1]):
            parts.append(f"<tr><td>{_e(stage)}</td><td>{_e(reason)}</td><td>{n}</td></tr>")
        parts.append("</tbody></table>")
    if rejects:
        parts.append("<table class='sortable' id='rejects-table'><thead><tr><th>source</th>"
                     "<th>stage</th><th>reason</th><th>detail</th></tr></thead><tbody>")
        for r in rejects:
            parts.append(f"<tr><td>{_e(r['source_uri'])}</td><td>{_e(r['stage'])}</td>"
                         f"<td>{_e(r['reason'])}</td><td>{_e(r['detail'])}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Every input became an article.</p>")

    parts.append(f"<h2 id='articles'>Articles ({len(articles)})</h2>"
                 "<table class='sortable'><thead><tr><th>source</th><th>title</th>"
                 "<th>published</th><th>outlet</th><th>encoding</th><th>script</th>"
                 "<th>flags</th><th>sentences</th></tr></thead><tbody>")
    spans: dict[str, list[tuple[int, int]]] = {}
    for f in facts:
        spans.setdefault(f["article_id"], []).append((f["char_start"], f["char_end"]))
    texts = extra.get("texts", {})
    for a in articles:
        flags = "".join(f"<span class='flag'>{_e(x)}</span>" for x in (a["quality_flags"] or []))
        body = mark_spans(texts.get(a["article_id"], ""), spans.get(a["article_id"], []))
        parts.append(
            f"<tr id='article-{_e(a['article_id'])}'><td>{_e(a['source_uri'])}</td>"
            f"<td>{_e(a['title'])}</td><td>{_e(a['published_at'])}</td><td>{_e(a['outlet'])}</td>"
            f"<td>{_e(a['encoding'])}</td><td>{_e(a['script'])}</td><td>{flags}</td>"
            f"<td>{_e(a['n_sentences'])}</td></tr>"
            f"<tr class='article-text'><td colspan='8'><details><summary>text "
            f"({len(spans.get(a['article_id'], []))} facts marked)</summary>"
            f"<div class='text'>{body}</div></details></td></tr>")
    parts.append("</tbody></table>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _stem(uri: str) -> str:
    return Path(uri).name if uri else ""


def _unjson(s):
    try:
        return json.loads(s)
    except (TypeError, ValueError):
        return s
