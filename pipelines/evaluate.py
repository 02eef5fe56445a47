"""Score extracted facts against a gold file (the format of tests/gold/seeds.jsonl).

A predicted fact matches a gold fact of the same article when the metric is equal, the
normalised values agree within 0.5%, and the status and year agree where the gold gives them
(a null year in the gold is not checked). Matching is one-to-one, gold facts in file order.
Pure: no DuckDB, Beam or Great Expectations import.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePath

TOLERANCE = 0.005


@dataclass
class EvalResult:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    subject_right: int = 0
    per_metric: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[tuple[str, dict]] = field(default_factory=list)
    false_positives: list[tuple[str, dict]] = field(default_factory=list)
    wrong_subjects: list[tuple[str, str, str | None]] = field(default_factory=list)
    unscored_articles: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def subject_accuracy(self) -> float:
        return self.subject_right / self.tp if self.tp else 1.0


def load_gold(path: Path) -> dict[str, list[dict]]:
    gold = {}
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            gold[rec["id"]] = list(rec["facts"])
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: not a gold record ({exc})") from exc
    return gold


def article_key(source_uri: str) -> str:
    return PurePath(source_uri.replace("\\", "/")).stem


def _matches(g: dict, p: dict) -> bool:
    if g["metric"] != p["metric"]:
        return False
    gv, pv = float(g["value_normalised"]), float(p["value_normalised"])
    if abs(gv - pv) > TOLERANCE * max(abs(gv), 1e-12):
        return False
    if g.get("status") and g["status"] != p["status"]:
        return False
    if g.get("year") is not None and g["year"] != p.get("year"):
        return False
    return True


def _metric_counts(result: EvalResult, metric: str) -> dict[str, int]:
    return result.per_metric.setdefault(metric, {"tp": 0, "fp": 0, "fn": 0})


def evaluate(gold: dict[str, list[dict]], predicted: list[dict]) -> EvalResult:
    by_article: dict[str, list[dict]] = {}
    for p in predicted:
        by_article.setdefault(article_key(p["source_uri"]), []).append(p)
    result = EvalResult()
    result.unscored_articles = len(set(by_article) - set(gold))
    for art, gold_facts in gold.items():
        preds = list(by_article.get(art, []))
        used = [False] * len(preds)
        for g in gold_facts:
            hit = next((i for i, p in enumerate(preds) if not used[i] and _matches(g, p)), None)
            if hit is None:
                result.fn += 1
                _metric_counts(result, g["metric"])["fn"] += 1
                result.misses.append((art, g))
                continue
            used[hit] = True
            result.tp += 1
            _metric_counts(result, g["metric"])["tp"] += 1
            if (g.get("subject") or "") == (preds[hit].get("subject") or ""):
                result.subject_right += 1
            else:
                result.wrong_subjects.append((art, g.get("subject"), preds[hit].get("subject")))
        for i, p in enumerate(preds):
            if not used[i]:
                result.fp += 1
                _metric_counts(result, p["metric"])["fp"] += 1
                result.false_positives.append((art, p))
    return result


def _fact_line(f: dict) -> str:
    return (f"{f.get('subject')} | {f['metric']} | {f.get('value')} {f.get('unit')} "
            f"= {f['value_normalised']:g} | {f.get('qualifier')} {f.get('status')} "
            f"{f.get('year')} | {f.get('evidence')}")


def format_report(r: EvalResult) -> str:
    lines = [
        f"facts: gold {r.tp + r.fn}, predicted {r.tp + r.fp}, matched {r.tp}",
        f"precision {r.precision:.3f}  recall {r.recall:.3f}  F1 {r.f1:.3f}  "
        f"subject accuracy {r.subject_accuracy:.3f} ({r.subject_right}/{r.tp})",
        "",
        f"{'metric':<24} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}",
    ]
    for metric in sorted(r.per_metric):
        c = r.per_metric[metric]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        rc = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        lines.append(f"{metric:<24} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {p:>10.3f} {rc:>8.3f}")
    lines.append("")
    lines.append(f"misses ({len(r.misses)}):")
    lines += [f"  {a}: {_fact_line(g)}" for a, g in r.misses] or ["  none"]
    lines.append(f"false positives ({len(r.false_positives)}):")
    lines += [f"  {a}: {_fact_line(p)}" for a, p in r.false_positives] or ["  none"]
    lines.append(f"wrong subjects ({len(r.wrong_subjects)}):")
    lines += [f"  {a}: gold {g} / predicted {p}" for a, g, p in r.wrong_subjects] or ["  none"]
    if r.unscored_articles:
        lines.append(f"({r.unscored_articles} predicted articles are not in the gold file and "
                     "were not scored)")
    return "\n".join(lines)
