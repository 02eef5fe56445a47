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
from transforms.quantities import (ARABIC, LATIN_UNITS, MULTIPLIERS, Quantity,
                                   find_quantities, multiplier_value, parse_number)
from transforms.schema import METRICS, QUALIFIERS, STATUSES

LEXICON_KINDS = {
    "metric": METRICS, "count_noun": METRICS, "share": ("share",), "money": METRICS,
    "qualifier": QUALIFIERS, "qualifier_after": QUALIFIERS, "status": STATUSES,
    "not_fact": None, "per_unit": ("per_unit",), "definition": ("definition",),
    "lead": ("lead",), "infra": ("infra",), "facility_suffix": ("facility",),
    "zone_suffix": ("zone",), "national": ("national",), "creation": ("creation",),
    "generic": ("generic",),
}
CLAUSE_BREAK = re.compile(r"[,，;；:：]")
EXPLICIT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
RELATIVE_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
RELATIVE_YEAR_RE = re.compile("|".join(RELATIVE_YEAR))
TARGET_YEAR = re.compile(r"(?<![截止])(?:到|至|于|在)\s*(?:19|20)\d{2}\s*年")
FROM_TO = re.compile(
    rf"(?:从|由)\s*(?P<num>{ARABIC})(?P<mult>[万亿千百]*)"
    rf"(?P<unit>[A-Za-z%]*)\s*[^,，;；。\d]{{0,8}}?(?:提升|增加|增长|提高|扩大|跃升|上升|发展|扩容|增至|升)"
    rf"(?:至|到|为)?\s*$"
)
DETERMINERS = ("该", "此", "这个", "这些", "本", "这一")
NOUNISH = frozenset({"n", "ns", "nt", "nz", "nr", "nrt", "nrfg", "eng", "j", "ng", "an"})
PLACE_TAGS = frozenset({"ns", "nt", "j"})
COMPUTE_FAMILIES = ("FLOPS", "OPS")
MAX_EVIDENCE_LEAD = 60
CONTEXT_SENTENCES = 3
OTHER_NOUN_WINDOW = 6
SPEED_WORDS = ("运算速度", "计算速度")  # 5个智算中心: a counted facility follows its count closely  # earlier sentences read for the topic when a figure needs it
RELATIVE_TOLERANCE = 0.005


class Tagger(Protocol):
    def tag(self, text: str) -> list[tuple[str, str]]: ...


@dataclass(frozen=True, eq=False)
class Lexicon:
    words: dict[str, tuple[tuple[str, str], ...]]  # kind -> ((word, label), ...) longest first
    _plain: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self):
        for kind, pairs in self.words.items():
            self._plain[kind] = tuple(w for w, _ in pairs)

    def of(self, kind: str) -> tuple[tuple[str, str], ...]:
        return self.words.get(kind, ())

    def labels(self, kind: str) -> dict[str, str]:
        return dict(self.words.get(kind, ()))

    def plain(self, kind: str) -> tuple[str, ...]:
        return self._plain.get(kind, ())

    def regex(self, kind: str) -> re.Pattern:
        """One compiled alternation of a kind's words, longest first."""
        cached = self._plain.get("__re__" + kind)
        if cached is None:
            alternation = "|".join(re.escape(w) for w in self.plain(kind)) or "(?!)"
            cached = (re.compile(alternation),)
            self._plain["__re__" + kind] = cached
        return cached[0]


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
        if tokens[first][3] not in NOUNISH or tokens[first][3] == "vn":
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
        elif not det and len(members) == 1 and tokens[first][3] in ("nt", "nz"):
            out.append(Entity(run_start, tokens[first][1], tokens[first][2]))  # 字节跳动
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
    hit = lex.regex("metric").search(text, cs, ce)
    metric_at = hit.start() if hit else ce
    bound = min(first_verb, limit, ce)
    for ent in entities:
        if text[max(cs, ent.start - 2):ent.start].endswith(("占", "占到", "约占")):
            continue  # 占全市算力比重: the whole the share is of, not the subject
        if cs <= ent.start < bound and ent.end <= limit and \
                (ent.start < metric_at or ent.text.endswith(lex.plain("facility_suffix"))):
            return ent
    return None


def _is_named(ent: Entity, text: str, tokens) -> bool:
    """A proper name: something besides generic modifiers before its head noun
    (星河智算中心, 南京智能计算中心; not 人工智能数据中心)."""
    lex = lexicon()
    generic = set(lex.plain("generic"))
    suffixes = lex.plain("facility_suffix")
    inside = [(w, t) for s, e, w, t in tokens if ent.start <= s < ent.end]
    if any(_is_place(w, t) or t in ("nt", "nz") for w, t in inside):
        return True
    head = inside[:-1] if inside and inside[-1][0].endswith(suffixes) else inside
    return any(w not in generic for w, _ in head)


def _created_entity(text: str, clause: tuple[int, int], entities: list[Entity],
                    lex: Lexicon, tokens=()) -> Entity | None:
    cs, ce = clause
    verbs = lex.plain("creation")
    best = None
    for ent in entities:
        if cs <= ent.start and ent.end <= ce and _is_named(ent, text, tokens):
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

@dataclass
class _Context:
    """What the extractor knows about the article so far."""
    article_text: str
    pub_year: int | None
    topic: str | None = None
    known: list[str] = field(default_factory=list)   # entities named so far (for anaphora)
    province: str | None = None                        # last province named (for 全省)
    city: str | None = None                            # last city named (for 全市)


def extract_facts(sentences: list[Sentence], tagger: Tagger, published_at: datetime | None,
                  article_text: str) -> list[Fact]:
    lex = lexicon()
    ctx = _Context(article_text, published_at.year if published_at else None)
    facts: list[Fact] = []
    seen: set[tuple] = set()
    relevant = _relevance_pattern(lex)
    pending: list[str] = []  # sentences not yet read for context (topic, places)
    for sent in sentences:
        text = sent.text
        quantities = find_quantities(text) if relevant.search(text) else []
        if not quantities:
            pending.append(text)
            continue
        for earlier in pending[-CONTEXT_SENTENCES:]:  # context only where a figure needs it
            e_tokens = _token_spans(tagger.tag(earlier))
            _remember(ctx, earlier, e_tokens, find_entities(earlier, e_tokens, lex),
                      _clauses(earlier), lex)
        pending = []
        tokens = _token_spans(tagger.tag(text))
        entities = find_entities(text, tokens, lex)
        clauses = _clauses(text)
        figures = _figures(text, quantities)
        respectively = _respectively(text, figures, entities)
        for fig in figures:
            fact = _fact(fig, sent, tokens, entities, clauses, lex, ctx)
            if fact is None:
                continue
            if fig.start in respectively:
                fact.subject, fact.subject_source = respectively[fig.start], "clause"
            _resolve_subject(fact, ctx, entities, fig.start, lex)
            k = fact.key()
            if k in seen:
                continue
            seen.add(k)
            facts.append(fact)
        _remember(ctx, text, tokens, entities, clauses, lex)
    return facts


@functools.lru_cache(maxsize=None)
def _relevance_pattern(lex: Lexicon) -> re.Pattern:
    """Sentences worth reading for figures: they name compute, its hardware, its money or
    a compute unit. Everything else is skipped before any tagging."""
    words = set()
    for kind in ("metric", "count_noun", "infra", "money"):
        words.update(lex.plain(kind))
    latin = r"\d\s?(?:[EPT](?:FLOPS|OPS|Flops)|P(?![A-Za-z])|Petaflops|MW|GW)|亿亿次|万亿次|京次"
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(f"{alternatives}|{latin}", re.IGNORECASE)


def _remember(ctx: _Context, text, tokens, entities, clauses, lex: Lexicon) -> None:
    for ent in entities:
        if ent.text.startswith(DETERMINERS) or ent.text in lex.plain("national"):
            continue
        ctx.known.append(ent.text)
        place = gazetteer().get(ent.text)
        if place is not None and place.level == "province" and place.adcode:
            ctx.province = ent.text
        elif place is not None and place.level == "city":
            ctx.city = ent.text
    for clause in clauses:
        ent = _subject_position(text, clause, tokens, entities, lex, clause[1])
        if ent is not None:
            ctx.topic = expand_zone(ent.text, ctx.article_text, lex)
            break


def _resolve_subject(fact: Fact, ctx: _Context, entities, pos: int, lex: Lexicon) -> None:
    """Anaphora (该中心 -> the last named 中心), whole-region words (全省 -> the province the
    article named), zone short forms (临港 -> 临港新片区), and collective data centres
    (山东省数据中心 -> 山东省)."""
    subj = fact.subject
    if not subj:
        return
    if subj.startswith(DETERMINERS):
        det = next(d for d in sorted(DETERMINERS, key=len, reverse=True) if subj.startswith(d))
        head = subj[len(det):]
        suffix = next((x for x in lex.plain("facility_suffix") if head.endswith(x)), head)
        known = ctx.known + [e.text for e in entities if e.end <= pos
                             and not e.text.startswith(DETERMINERS)]
        for name in reversed(known):
            if name.endswith(suffix) and name != head:
                fact.subject = name
                fact.flags.append("subject_anaphora")
                return
        return
    if subj in ("全省", "全市"):
        level = "province" if subj == "全省" else "city"
        def fits(place) -> bool:  # 全市 may be a municipality (天津市) as well as a city
            return place.level == level or (level == "city" and place.name.endswith("市"))

        here = [e.text for e in entities if e.end <= pos and e.text in gazetteer()
                and fits(gazetteer()[e.text]) and gazetteer()[e.text].adcode]
        named = here[-1] if here else (ctx.province if level == "province" else ctx.city)
        if named:
            fact.subject = named
    elif subj.endswith("数据中心") and subj[:-4] in gazetteer():
        fact.subject = subj[:-4]
    else:
        fact.subject = expand_zone(subj, ctx.article_text, lex)


def _respectively(text: str, figures: list[_Figure], entities: list[Entity]) -> dict[int, str]:
    """北京、上海的智能算力占比分别达到27%和26%: the n-th figure after 分别 belongs to the
    n-th of the entities listed (joined by 、 和 与 及) before it."""
    out: dict[int, str] = {}
    for m in re.finditer("分别", text):
        figs = [f for f in figures if f.start > m.end()]
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in ",，;；。") + 1
        listed = [e for e in entities if clause_start <= e.start and e.end <= m.start()]
        run: list[Entity] = []
        for e in listed:
            if run and not re.fullmatch(r"\s*[、和与及]\s*", text[run[-1].end:e.start]):
                run = []
            run.append(e)
        if len(run) >= 2 and len(figs) >= len(run):
            for f, e in zip(figs, run):
                out[f.start] = e.text
    return out


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
                close = re.search(r"[)）]", text[r.end:]).start() + r.end
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


def _unit_forms() -> frozenset[str]:
    forms = {"kW", "Petaflops", "Exaflops", "Teraflops", "PFlop/s", "EFlop/s"}
    for key in LATIN_UNITS:
        forms |= {key, key.title(), key[0] + key[1:].lower(), key[0] + "Flops"}
    return frozenset(forms)


UNIT_FORMS = _unit_forms()


def unit_form_is_standard(unit: str) -> bool:
    """900POpS is read as 900 POPS but looks like a typo: the fact is flagged for review."""
    latin = unit.lstrip("十百千万亿京")
    if not latin or not latin[0].isascii() or not latin[0].isalpha():
        return True
    return latin in UNIT_FORMS


def _keyword_hits(text: str, end: int, words: tuple[tuple[str, str], ...]
                  ) -> list[tuple[int, int, str]]:
    """Keyword occurrences in text[:end], read left to right taking the longest word at each
    position (智能算力规模 is 智能算力 + 规模, not ...算力规模)."""
    hits = []
    i = 0
    while i < end:
        best = None
        for word, label in words:  # longest first
            if text.startswith(word, i) and i + len(word) <= end:
                best = (i, i + len(word), label)
                break
        if best:
            hits.append(best)
            i = best[1]
        else:
            i += 1
    return hits


def _metric_for_compute(text: str, fig: _Figure, lex: Lexicon) -> tuple[str, bool]:
    """(metric, defaulted): a keyword right after the figure (3000P的智能算力) first, else the
    nearest keyword before it in the sentence, else total_compute."""
    after = re.match(r"[的]?(\S{0,8})", text[fig.end:fig.end + 9])
    if after:
        tail = after.group(1)
        for word, label in lex.of("metric"):
            if tail.startswith(word):
                return label, False
    hits = _keyword_hits(text, fig.start, lex.of("metric"))
    if hits:
        start, end, label = hits[-1]
        if label == "total_compute" and text[start:end] in SPEED_WORDS and any(
                h[2] == "supercomputing_compute" for h in hits):
            return "supercomputing_compute", False  # 超算中心最高运算速度: an HPC peak
        return label, False
    return "total_compute", True


def _fact(fig: _Figure, sent: Sentence, tokens, entities, clauses, lex: Lexicon,
          ctx: _Context) -> Fact | None:
    text = sent.text
    q = fig.q
    ci = next(i for i, (cs, ce) in enumerate(clauses) if cs <= fig.start <= ce)
    cs, ce = clauses[ci]
    before = text[cs:fig.start]
    after_q = text[fig.end:ce].lstrip()
    if _contains_any(before, lex.plain("definition")) or after_q.startswith(
            lex.plain("definition")):
        return None
    if _contains_any(text[:fig.start] + text[fig.start:ce], lex.plain("per_unit")):
        return None
    if _contains_any(before, lex.plain("not_fact")):
        return None
    evidence_end = max(fig.end, q.end)
    flags = list(fig.flags)
    if not unit_form_is_standard(q.unit):
        flags.append("unit_typo")
    family = q.unit_family
    if family in COMPUTE_FAMILIES:
        metric, defaulted = _metric_for_compute(text, fig, lex)
        if defaulted:
            flags.append("metric_default")
    elif family == "percent":
        if not _contains_any(before, lex.plain("share")):
            return None
        if not _contains_any(text[:fig.start], lex.plain("metric")):
            return None
        metric = "compute_share"
    elif family == "count":
        if q.value == 1 and q.text.startswith("一"):
            return None  # 一台/一个: an article, not a count
        noun = _counted_noun(text, q, ci, clauses, fig.start, tokens, lex)
        if noun is None:
            return None
        evidence_end, metric = max(evidence_end, noun[0]), noun[1]
    elif family == "W":
        if not _contains_any(text, lex.plain("infra")):
            return None
        metric = "power_capacity"
    else:  # money
        hits = _keyword_hits(text, fig.start, lex.of("money"))
        if not hits or not _contains_any(text, lex.plain("infra")):
            return None
        metric = hits[-1][2]
        if metric == "industry_scale" and not _contains_any(text[:fig.start], ("算力", "智算")):
            return None  # 服务器市场规模: a market, not the compute industry
    qualifier = _qualifier(text, fig.start, evidence_end, q, lex)
    status = fig.status or _status(text, fig.start, cs, lex)
    year, explicit = _year(text, fig.start, ctx.pub_year)
    if status == "actual" and explicit and ctx.pub_year and year and year > ctx.pub_year:
        status = "target"
    if year is None and status == "actual":
        year = ctx.pub_year
    if metric == "investment" and fig.status is None and status == "actual" \
            and _contains_any(before, ("总投资", "计划投资")):
        status = "target"
    subject, source = _subject(text, ci, clauses, fig.start, tokens, entities, lex, ctx.topic)
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


def _counted_noun(text: str, q: Quantity, ci: int, clauses, start: int, tokens, lex: Lexicon
                  ) -> tuple[int, str] | None:
    """(evidence end, metric) of what a count counts: the unit itself (标准机架, 卡), the noun
    after the unit up to the next clause break (4万个...机架), else one earlier in the clause
    (部署智算卡近10万张), else, for a clause with no noun of its own whose figure is the
    object of 增至/达到/为 (计划到2025年增至10万台), one earlier in the sentence."""
    nouns = lex.of("count_noun")
    labels = dict(nouns)
    if q.unit in labels:
        return q.end, labels[q.unit]
    if q.unit == "卡":  # 10万卡: cards, but only where the sentence is about compute
        compute = lex.plain("metric") + lex.plain("infra") + ("GPU", "加速")
        return (q.end, "accelerator_count") if _contains_any(text, compute) else None
    cs, ce = clauses[ci]
    after = re.split(r"[,，;；。!?！？]", text[q.end:ce])[0][:20]
    best = None
    for word, label in nouns:
        i = after.find(word)
        if i < 0 or (label == "other" and i > OTHER_NOUN_WINDOW):
            continue
        if best is None or i < best[0]:
            best = (i, word, label)
    if best is not None:
        return q.end + best[0] + len(best[1]), best[2]
    hits = _keyword_hits(text[:start], start, nouns)
    hits = [h for h in hits if h[0] >= cs]
    if hits:
        return q.end, hits[-1][2]
    markers = set(lex.plain("status")) | set(lex.plain("lead"))
    own_nouns = [t for t in tokens if cs <= t[0] < start and t[3].startswith("n")
                 and t[3] not in ("nr",) and t[2] not in markers]
    predicate = re.search(r"(增至|增加到|增长到|提升至|提高到|扩大到|扩容至|达到|达|至|为)\s*$",
                          text[cs:start])
    if not own_nouns and predicate and ci > 0:
        hits = _keyword_hits(text, cs, nouns)
        if hits:
            return q.end, hits[-1][2]
    return None


def _qualifier(text: str, start: int, end: int, q: Quantity, lex: Lexicon) -> str:
    """The word right before the number (超过, 近, 约), or right after the unit (以上, 左右)
    where the word before is a plain 达到/为; 多 or 余 after the number is more_than."""
    head = text[:start]
    stripped = head[:-1] if head.endswith("了") else head
    before = None
    for word, label in lex.of("qualifier"):
        if stripped.endswith(word):
            before = label
            break
    if before not in (None, "exact"):
        return before
    if q.more_than:
        return "more_than"
    tail = text[end:end + 4]
    for word, label in lex.of("qualifier_after"):
        if tail.startswith(word):
            return label
    return "exact"


def _status(text: str, pos: int, clause_start: int, lex: Lexicon) -> str:
    """The nearest marker before `pos`: multi-character markers by substring, one-character
    markers (将, 已, 拟) only where they stand alone (not 将近, 而已). A forecast word earlier
    in the sentence outranks a nearer target marker (预计今年底将达到, IDC预测,到2027年...将
    达到: forecasts)."""
    found: list[tuple[int, int, str]] = []
    head = text[:pos]
    for word, label in lex.of("status"):
        for m in re.finditer(re.escape(word), head):
            if len(word) == 1 and not _single_char_marker(head, m.start(), word):
                continue
            found.append((m.start(), m.end(), label))
    for m in TARGET_YEAR.finditer(head):
        found.append((m.start(), m.end(), "target"))
    if not found:
        return "actual"
    best = max(found, key=lambda f: (f[1], f[1] - f[0]))
    if best[2] == "target" and any(label == "forecast" for _, _, label in found):
        return "forecast"
    return best[2]


def _single_char_marker(text: str, i: int, word: str) -> bool:
    nxt = text[i + 1:i + 2]
    prev = text[i - 1:i]
    if word == "将":
        return nxt not in ("近", "其", "军", "来", "领") and prev not in ("即",)
    if word == "已":
        return prev not in ("而", "不")
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
        cs, ce = clauses[j]
        created = _created_entity(text, clauses[j], entities, lex, tokens)
        if created is not None:
            return created.text, "sentence"
        ent = _subject_position(text, clauses[j], tokens, entities, lex, ce)
        if ent is not None:
            return ent.text, "sentence"
        last = [e for e in entities if cs <= e.start and e.end <= ce]
        if last and text[last[-1].end:ce].strip() == "" and _is_named(last[-1], text, tokens):
            return last[-1].text, "sentence"  # a topic phrase: 位于X的Y中心,已部署...
    if topic is not None:
        return topic, "context"
    return None, None


def fact_id(content_hash: str, fact: Fact) -> str:
    key = f"{content_hash}|{fact.char_start}|{fact.char_end}|{fact.metric}|" \
          f"{fact.value_normalised:.6g}|{fact.status}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

