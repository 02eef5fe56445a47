"""Capacity facts from sentences: metric, value, qualifier, status, year, subject, evidence.

Pure: no Beam import. The rules follow tests/gold/README.md (the labelling guide); every word
list they use is in resources/lexicon.tsv. How a figure becomes a fact:

1. transforms.quantities finds figures with units; a figure restated in parentheses in another
   unit (3EFLOPS(每秒300亿亿次)) is merged into one, flagged `unit_conflict` if the two
   disagree; from/to pairs (由1300P提升至3000P) give an actual and a target.
2. The clause before the figure decides whether it is a fact at all (unit definitions, per-unit
   specs, revenue, growth rates ... are not) and which metric it is: the nearest compute
   keyword for FLOPS/OPS, a share word plus a compute keyword for percentages, the counted noun
   for counts, an investment or industry-scale keyword for money, compute context for power.
3. Qualifier: the word right before the number (超过, 近, 约 ...) or right after the unit
   (以上, 左右); status: the nearest time/modality marker before it in the sentence (预计, 将,
   已, 目前, 到2025年); year: the nearest explicit or relative year before it, else the publish
   year for actual figures.
4. Subject: the entity in subject position of the figure's clause (before its verb and its
   metric keyword), else the topic of earlier clauses of the sentence (a facility introduced
   by 打造/建成/成立 ..., or a clause's subject), else the running topic of the article
   (flagged `subject_inferred`).
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from transforms.normalise import ResourceError, read_resource
from transforms.regions import gazetteer
from transforms.quantities import (ARABIC, MULTIPLIERS, Quantity, find_quantities,
                                   multiplier_value, parse_number)
from transforms.schema import METRICS, QUALIFIERS, STATUSES

LEXICON_KINDS = {
    "metric": METRICS, "count_noun": METRICS, "share": ("share",), "money": METRICS,
    "qualifier": QUALIFIERS, "qualifier_after": QUALIFIERS, "status": STATUSES,
    "not_fact": None, "per_unit": ("per_unit",), "definition": ("definition",),
    "lead": ("lead",), "infra": ("infra",), "facility_suffix": ("facility",),
    "zone_suffix": ("zone",), "national": ("national",), "creation": ("creation",),
}
CLAUSE_BREAK = re.compile(r"[,，;；:：]")
EXPLICIT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
RELATIVE_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
RELATIVE_YEAR_RE = re.compile("|".join(RELATIVE_YEAR))
TARGET_YEAR = re.compile(r"(?:到|至|于|在)\s*(?:19|20)\d{2}\s*年")
FROM_TO = re.compile(
    rf"(?:从|由)\s*(?P<num>{ARABIC})(?P<mult>[万亿千百]*)"
    rf"(?P<unit>[A-Za-z%]*)\s*[^,，;；。\d]{{0,8}}?(?:提升|增加|增长|提高|扩大|跃升|上升|发展|扩容|增至|升)"
    rf"(?:至|到|为)?\s*$"
)
DETERMINERS = ("该", "此", "这个", "这些", "本", "这一")
NOUNISH = frozenset({"n", "ns", "nt", "nz", "nr", "nrt", "nrfg", "eng", "j", "vn", "ng", "an"})
PLACE_TAGS = frozenset({"ns", "nt", "j"})
COMPUTE_FAMILIES = ("FLOPS", "OPS")
MAX_EVIDENCE_LEAD = 60
RELATIVE_TOLERANCE = 0.005


class Tagger(Protocol):
    def tag(self, text: str) -> list[tuple[str, str]]: ...


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, tuple[tuple[str, str], ...]]  # kind -> ((word, label), ...) longest first

    def of(self, kind: str) -> tuple[tuple[str, str], ...]:
        return self.words.get(kind, ())

    def labels(self, kind: str) -> dict[str, str]:
        return dict(self.words.get(kind, ()))

    def plain(self, kind: str) -> tuple[str, ...]:
        return tuple(w for w, _ in self.words.get(kind, ()))


@functools.lru_cache(maxsize=None)
def lexicon() -> Lexicon:
    words: dict[str, list[tuple[str, str]]] = {}
    for n, line in read_resource("lexicon.tsv"):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2]:
            raise ResourceError(f"lexicon.tsv line {n}: expected kind<TAB>label<TAB>word")
        kind, label, word = parts
        if kind not in LEXICON_KINDS:
            raise ResourceError(f"lexicon.tsv line {n}: unknown kind {kind!r}")
        allowed = LEXICON_KINDS[kind]
        if allowed is not None and label not in allowed:
            raise ResourceError(f"lexicon.tsv line {n}: label {label!r} not in {allowed}")
        words.setdefault(kind, []).append((word, label))
    return Lexicon({k: tuple(sorted(v, key=lambda wl: -len(wl[0]))) for k, v in words.items()})


@dataclass
class Sentence:
    index: int
    start: int  # offset of the sentence in the article text
    text: str


@dataclass
class Fact:
    sentence_index: int
    subject: str | None
    subject_source: str | None
    metric: str
    value: float
    unit: str
    value_normalised: float
    unit_family: str
    qualifier: str
    status: str
    year: int | None
    evidence: str
    char_start: int
    char_end: int
    flags: list[str] = field(default_factory=list)
    confidence: float = 0.9

    def key(self) -> tuple:
        return (self.subject, self.metric, round(self.value_normalised, 6), self.status,
                self.year)


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str


@dataclass
class _Figure:
    q: Quantity
    start: int          # evidence end is max(q.end, extra_end)
    end: int
    flags: list[str]
    status: str | None = None


# --- small helpers -------------------------------------------------------------------------

def _nearest_before(text: str, pos: int, words: tuple[tuple[str, str], ...]
                    ) -> tuple[int, str, str] | None:
    """(end, word, label) of the occurrence ending nearest before `pos`; longest on ties."""
    best = None
    head = text[:pos]
    for word, label in words:
        i = head.rfind(word)
        if i < 0:
            continue
        end = i + len(word)
        if best is None or end > best[0] or (end == best[0] and len(word) > len(best[1])):
            best = (end, word, label)
    return best


def _contains_any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and CLAUSE_BREAK.match(ch):
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


def _token_spans(tags: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    out, pos = [], 0
    for word, tag in tags:
        out.append((pos, pos + len(word), word, tag))
        pos += len(word)
    return out


# --- entities and subjects -----------------------------------------------------------------

def _is_place(word: str, tag: str) -> bool:
    return tag in PLACE_TAGS or word in gazetteer()


def find_entities(text: str, tokens: list[tuple[int, int, str, str]], lex: Lexicon
                  ) -> list[Entity]:
    """Runs of noun-like tokens that name a place, an organisation or a facility.

    In a run, the longest piece ending in a facility suffix (中心, 公司, 集群 ...) is the
    entity (成都智算中心智能算力 -> 成都智算中心); a piece of one generic token (计算中心) is
    not. A run with no such piece yields its leading place (武汉总算力规模 -> 武汉). A
    determiner makes an anaphor (该园区), resolved later against earlier entities."""
    national = set(lex.plain("national"))
    suffixes = lex.plain("facility_suffix")
    out: list[Entity] = []
    i, n = 0, len(tokens)
    while i < n:
        s, e, w, t = tokens[i]
        if w in national:
            out.append(Entity(s, e, w))
            i += 1
            continue
        det = w in DETERMINERS and i + 1 < n and tokens[i + 1][3] in NOUNISH
        first = i + 1 if det else i
        if tokens[first][3] not in NOUNISH:
            i += 1
            continue
        members = []
        j = first
        while j < n:
            _, _, wj, tj = tokens[j]
            if tj in NOUNISH and wj not in national:
                members.append(j)
                j += 1
            elif tj in ("a", "b") and members and j + 1 < n and tokens[j + 1][3] in NOUNISH:
                j += 1
            elif wj in "(（" and j + 2 < n and tokens[j + 1][3] in NOUNISH \
                    and tokens[j + 2][2] in ")）":
                j += 3
            else:
                break
        run_start = s
        best_end = None
        for k in members:
            piece = text[run_start:tokens[k][1]]
            n_tokens = k - first + 1
            if piece.endswith(suffixes) and (det or n_tokens >= 2 or
                                              _is_place(tokens[k][2], tokens[k][3])
                                              or tokens[k][3] in ("nt", "nz")):
                best_end = tokens[k][1]
        if best_end is not None:
            out.append(Entity(run_start, best_end, text[run_start:best_end]))
        elif not det:
            metric_words = lex.plain("metric")
            place_end = None
            for k in members:
                if any(tokens[k][2].startswith(m) for m in metric_words):
                    break
                if _is_place(tokens[k][2], tokens[k][3]):
                    place_end = tokens[k][1]
            if place_end is not None:
                out.append(Entity(run_start, place_end, text[run_start:place_end]))
        i = max(j, i + 1)
    return out


def _subject_position(text: str, clause: tuple[int, int], tokens, entities: list[Entity],
                      lex: Lexicon, limit: int) -> Entity | None:
    """The entity a clause is about: one that starts before the clause's first verb (lead
    words such as 预计, 目前 skipped) and before its first metric keyword."""
    cs, ce = clause
    leads = set(lex.plain("lead"))
    first_verb = ce
    for s, e, w, t in tokens:
        if cs <= s < ce and t.startswith("v") and t != "vn" and w not in leads \
                and w not in ("到", "占"):
            first_verb = s
            break
    metric_at = min((i for i in (text.find(k, cs, ce) for k in lex.plain("metric")) if i >= 0),
                    default=ce)
    bound = min(first_verb, limit, ce)
    for ent in entities:
        if cs <= ent.start < bound and ent.end <= limit and \
                (ent.start < metric_at or ent.text.endswith(lex.plain("facility_suffix"))):
            return ent
    return None


def _created_entity(text: str, clause: tuple[int, int], entities: list[Entity],
                    lex: Lexicon) -> Entity | None:
    cs, ce = clause
    verbs = lex.plain("creation")
    best = None
    for ent in entities:
        if cs <= ent.start and ent.end <= ce:
            head = text[cs:ent.start]
            if any(head.rstrip("了").endswith(v) or head.endswith(v + "了") for v in verbs) \
                    or re.search("(" + "|".join(verbs) + ")了?[^,，。]{0,4}$", head):
                best = ent
    return best


def expand_zone(name: str, article_text: str, lex: Lexicon) -> str:
    """临港 -> 临港新片区, 新片区 -> 临港新片区, where the article names the full zone."""
    zones = lex.plain("zone_suffix")
    if name in zones:
        found = re.findall(rf"([\u4e00-\u9fff]{{2,4}}?){re.escape(name)}", article_text)
        found = [f for f in found if f not in ("上海自贸区",)]
        if found:
            best = max(set(found), key=found.count)
            return best + name
        return name
    if name.endswith(zones):
        return name
    for z in zones:
        if name + z in article_text:
            return name + z
    return name


# --- the extractor -------------------------------------------------------------------------

def extract_facts(sentences: list[Sentence], tagger: Tagger, published_at: datetime | None,
                  article_text: str) -> list[Fact]:
    lex = lexicon()
    pub_year = published_at.year if published_at else None
    facts: list[Fact] = []
    topic: str | None = None
    known: list[str] = []  # entities named so far, for anaphora (该中心 -> the last 中心)
    seen: set[tuple] = set()
    for sent in sentences:
        text = sent.text
        quantities = find_quantities(text)
        if not quantities and topic is not None and not _contains_any(text, ("算力",)):
            continue
        tokens = _token_spans(tagger.tag(text))
        entities = find_entities(text, tokens, lex)
        clauses = _clauses(text)
        for fig in _figures(text, quantities):
            fact = _fact(fig, sent, tokens, entities, clauses, lex, pub_year, topic,
                         article_text)
            if fact is None:
                continue
            _resolve_anaphor(fact, known + [x.text for x in entities if x.end <= fig.start],
                             lex)
            k = fact.key()
            if k in seen:
                continue
            seen.add(k)
            facts.append(fact)
        known.extend(x.text for x in entities if not x.text.startswith(DETERMINERS))
        for clause in clauses:
            ent = _subject_position(text, clause, tokens, entities, lex, clause[1])
            if ent is not None:
                topic = expand_zone(ent.text, article_text, lex)
                break
    return facts


def _resolve_anaphor(fact: Fact, known: list[str], lex: Lexicon) -> None:
    """该园区 / 该中心 -> the most recent named entity with the same head (园区 / 中心)."""
    subj = fact.subject
    if not subj or not subj.startswith(DETERMINERS):
        return
    det = next(d for d in sorted(DETERMINERS, key=len, reverse=True) if subj.startswith(d))
    head = subj[len(det):]
    suffix = next((x for x in lex.plain("facility_suffix") if head.endswith(x)), head)
    for name in reversed(known):
        if name.endswith(suffix) and not name.startswith(DETERMINERS) and name != head:
            fact.subject = name
            fact.flags.append("subject_anaphora")
            return


def _figures(text: str, quantities: list[Quantity]) -> list[_Figure]:
    figs: list[_Figure] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        fig = _Figure(q, q.start, q.end, [])
        if i + 1 < len(quantities):
            r = quantities[i + 1]
            between = text[q.end:r.start]
            if re.fullmatch(r"\s*[(（]\s*", between) and re.match(r"\s*[)）]", text[r.end:]) \
                    and q.unit_family in COMPUTE_FAMILIES and r.unit_family in COMPUTE_FAMILIES:
                primary, other = (r, q) if q.per_second and not r.per_second else (q, r)
                close = text.index(")" if ")" in text[r.end:r.end + 3] else "）", r.end)
                fig = _Figure(primary, q.start, close + 1, [])
                if abs(primary.value_normalised - other.value_normalised) > \
                        RELATIVE_TOLERANCE * max(primary.value_normalised, 1):
                    fig.flags.append("unit_conflict")
                figs.append(fig)
                i += 2
                continue
        m = FROM_TO.search(text[:q.start])
        if m:
            lead = re.split(r"[,，;；。]", text[:m.start("num")])[-1]
            done = bool(re.search(r"已经?|已", lead))
            earlier = next((f for f in figs if f.q.start == m.start("num")), None)
            first = earlier or _from_figure(m, q)
            if first is not None:
                first.status = "actual"
                fig.status = "actual" if done else "target"
                if earlier is None:
                    figs.append(first)
        figs.append(fig)
        i += 1
    return figs


def _from_figure(m: re.Match, q: Quantity) -> _Figure | None:
    """The first figure of 由A提升至B: A takes B's unit when it has none of its own."""
    unit = m["unit"] or ""
    chain_b = "".join(ch for ch in q.unit if ch in MULTIPLIERS)
    if unit and unit.upper() != q.unit[len(chain_b):].upper():
        return None
    number = parse_number(m["num"])
    mult = multiplier_value(m["mult"] or "")
    if q.unit_family == "count":
        value = norm = number * mult
    else:
        per_unit = q.value_normalised / (q.value * multiplier_value(chain_b)) if q.value else 0
        value, norm = number, number * mult * per_unit
    start = m.start("num")
    end = m.end("unit") if m["unit"] else m.end("mult")
    unit_written = (m["mult"] or "") + q.unit[len(chain_b):] if q.unit_family != "count" \
        else q.unit
    fq = Quantity(start, end, value, unit_written, norm, q.unit_family, False, q.per_second,
                  m.group(0)[start - m.start():end - m.start()])
    return _Figure(fq, start, end, [])


def _fact(fig: _Figure, sent: Sentence, tokens, entities, clauses, lex: Lexicon,
          pub_year: int | None, topic: str | None, article_text: str) -> Fact | None:
    text = sent.text
    q = fig.q
    ci = next(i for i, (cs, ce) in enumerate(clauses) if cs <= fig.start <= ce)
    cs, ce = clauses[ci]
    before = text[cs:fig.start]
    local = before
    after_q = text[fig.end:ce].lstrip()
    if _contains_any(before, lex.plain("definition")) or after_q.startswith(
            lex.plain("definition")):
        return None
    if _contains_any(text[cs:ce], lex.plain("per_unit")):
        return None
    evidence_end = max(fig.end, q.end)
    metric, flags = None, list(fig.flags)
    family = q.unit_family
    if family in COMPUTE_FAMILIES:
        if _contains_any(local, lex.plain("not_fact")):
            return None
        hit = _nearest_before(text, fig.start, lex.of("metric"))
        if hit is None:
            metric = "total_compute"
            flags.append("metric_default")
        else:
            metric = hit[2]
    elif family == "percent":
        if _contains_any(local, lex.plain("not_fact")):
            return None
        if not _contains_any(before, lex.plain("share")):
            return None
        if not _contains_any(before, lex.plain("metric")):
            return None
        metric = "compute_share"
    elif family == "count":
        noun = _counted_noun(text, q, cs, ce, fig.start, lex)
        if noun is None or _contains_any(local, lex.plain("not_fact")):
            return None
        evidence_end, metric = max(evidence_end, noun[0]), noun[1]
    elif family == "W":
        if not _contains_any(text, lex.plain("infra")):
            return None
        metric = "power_capacity"
    else:  # money
        if _contains_any(local, lex.plain("not_fact")):
            return None
        hit = _nearest_before(text, fig.start, lex.of("money"))
        if hit is None:
            return None
        metric = hit[2]
        if not _contains_any(text, lex.plain("infra")):
            return None
    qualifier = _qualifier(text, fig.start, evidence_end, q, lex)
    status = fig.status or _status(text, fig.start, lex)
    year, explicit = _year(text, fig.start, pub_year)
    if status == "actual" and explicit and pub_year and year and year > pub_year:
        status = "target"
    if year is None and status == "actual":
        year = pub_year
    if metric in ("investment",) and fig.status is None and status == "actual" \
            and _contains_any(before, ("总投资", "计划投资")):
        status = "target"
    subject, source = _subject(text, ci, clauses, fig.start, tokens, entities, lex, topic)
    if subject is not None:
        subject = expand_zone(subject, article_text, lex)
    if source == "context":
        flags.append("subject_inferred")
    elif source is None:
        flags.append("subject_missing")
    ev_start = max(cs, fig.start - MAX_EVIDENCE_LEAD)
    while ev_start < fig.start and text[ev_start] in " ,，、":
        ev_start += 1
    confidence = 0.9 - 0.3 * ("unit_conflict" in flags) - 0.2 * ("subject_inferred" in flags) \
        - 0.3 * ("subject_missing" in flags) - 0.1 * ("metric_default" in flags)
    return Fact(
        sentence_index=sent.index, subject=subject, subject_source=source, metric=metric,
        value=q.value, unit=q.unit, value_normalised=q.value_normalised, unit_family=family,
        qualifier=qualifier, status=status, year=year,
        evidence=text[ev_start:evidence_end], char_start=sent.start + ev_start,
        char_end=sent.start + evidence_end, flags=flags, confidence=round(confidence, 2),
    )


def _counted_noun(text: str, q: Quantity, cs: int, ce: int, start: int, lex: Lexicon
                  ) -> tuple[int, str] | None:
    """(evidence end, metric) of what a count counts: the noun after the unit up to the next
    clause break (4万个...机架), else one earlier in the clause (部署智算卡近10万张)."""
    if q.unit == "卡":
        return q.end, "accelerator_count"
    after = re.split(r"[,，;；。!?！？]", text[q.end:ce])[0][:20]
    best = None
    for word, label in lex.of("count_noun"):
        i = after.find(word)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, word, label)
    if best is not None:
        return q.end + best[0] + len(best[1]), best[2]
    hit = _nearest_before(text[cs:start], start - cs, lex.of("count_noun"))
    return (q.end, hit[2]) if hit else None


def _qualifier(text: str, start: int, end: int, q: Quantity, lex: Lexicon) -> str:
    head = text[:start]
    stripped = head[:-1] if head.endswith("了") else head
    for word, label in lex.of("qualifier"):
        if stripped.endswith(word):
            return "more_than" if q.more_than and label == "exact" else label
    if q.more_than:
        return "more_than"
    tail = text[end:end + 4]
    for word, label in lex.of("qualifier_after"):
        if tail.startswith(word):
            return label
    return "exact"


def _status(text: str, pos: int, lex: Lexicon) -> str:
    """The nearest marker before `pos`: multi-character markers by substring, one-character
    markers (将, 已, 拟) only as whole tokens of their own (not 将近, 而已)."""
    best: tuple[int, str] | None = None
    head = text[:pos]
    for word, label in lex.of("status"):
        for m in re.finditer(re.escape(word), head):
            if len(word) == 1 and not _single_char_marker(head, m.start(), word):
                continue
            if best is None or m.end() > best[0]:
                best = (m.end(), label)
    for m in TARGET_YEAR.finditer(head):
        if best is None or m.end() > best[0]:
            best = (m.end(), "target")
    return best[1] if best else "actual"


def _single_char_marker(text: str, i: int, word: str) -> bool:
    nxt = text[i + 1:i + 2]
    prev = text[i - 1:i]
    if word == "将":
        return nxt not in ("近", "其", "军", "来", "领") and prev not in ("即",)
    if word == "已":
        return prev not in ("而", "不", "早") or prev == "早"
    return True


def _year(text: str, pos: int, pub_year: int | None) -> tuple[int | None, bool]:
    head = text[:pos]
    best: tuple[int, int | None] | None = None
    for m in EXPLICIT_YEAR.finditer(head):
        y = int(m.group(1))
        if 1990 <= y <= 2100 and (best is None or m.end() > best[0]):
            best = (m.end(), y)
    for m in RELATIVE_YEAR_RE.finditer(head):
        y = pub_year + RELATIVE_YEAR[m.group(0)] if pub_year else None
        if best is None or m.end() > best[0]:
            best = (m.end(), y)
    if best is None:
        return None, False
    return best[1], True


def _subject(text, ci, clauses, pos, tokens, entities, lex, topic
             ) -> tuple[str | None, str | None]:
    ent = _subject_position(text, clauses[ci], tokens, entities, lex, pos)
    if ent is not None:
        return ent.text, "clause"
    for j in range(ci - 1, -1, -1):
        created = _created_entity(text, clauses[j], entities, lex)
        if created is not None:
            return created.text, "sentence"
        ent = _subject_position(text, clauses[j], tokens, entities, lex, clauses[j][1])
        if ent is not None:
            return ent.text, "sentence"
    if topic is not None:
        return topic, "context"
    return None, None


def fact_id(content_hash: str, fact: Fact) -> str:
    key = f"{content_hash}|{fact.char_start}|{fact.char_end}|{fact.metric}|" \
          f"{fact.value_normalised:.6g}|{fact.status}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

