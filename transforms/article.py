"""One article as it flows through the pipeline, and its rows. Pure: no Beam import.

`process_raw` (normalise) and `segment_doc` / `extract_doc` are the whole per-article work;
the Beam DoFns in transforms/stages.py only wrap them and route errors to rejects.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from transforms.facts import Sentence, extract_facts, fact_id
from transforms.htmltext import html_to_text, looks_like_html
from transforms.normalise import NormalisedArticle, count_cjk, normalise, split_sentences
from transforms.regions import resolve
from transforms.schema import conform
from transforms.version import extractor_version
from transforms.segmenter import Segmenter

# An article whose clean text has fewer Chinese characters than this is rejected: a page with
# no article in it (a list page, a login wall, an English page).
MIN_CJK_CHARS = 5


class ArticleRejected(ValueError):
    def __init__(self, stage: str, reason: str, detail: str):
        super().__init__(f"{stage}/{reason}: {detail}")
        self.stage, self.reason, self.detail = stage, reason, detail


@dataclass
class RawArticle:
    source_uri: str
    text: str
    encoding: str
    flags: tuple[str, ...] = ()


@dataclass
class Doc:
    source_uri: str
    raw_text: str
    encoding: str
    norm: NormalisedArticle
    article_id: str = ""
    sentences: list[tuple[int, int]] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.norm.text.text


def process_raw(raw: RawArticle) -> Doc:
    text, flags = raw.text, list(raw.flags)
    if looks_like_html(text):
        text, _ = html_to_text(text)  # the page's article text is the article as published
        flags.append("html_extracted")
        if not text.strip():
            raise ArticleRejected("normalise", "html_without_text",
                                  "an HTML page with no article text in <article> or <body>")
    norm = normalise(text)
    norm.quality_flags[:0] = flags
    cjk = count_cjk(norm.text.text[:10_000])
    if cjk < MIN_CJK_CHARS:
        raise ArticleRejected("normalise", "no_chinese_text",
                              f"{cjk} Chinese characters after normalisation "
                              f"(at least {MIN_CJK_CHARS} needed); not a Chinese article")
    doc = Doc(raw.source_uri, text, raw.encoding, norm)
    doc.article_id = norm.content_hash[:16]
    doc.sentences = split_sentences(doc.text)
    return doc


def segment_doc(doc: Doc, segmenter: Segmenter) -> Doc:
    doc.tokens = [segmenter.cut(doc.text[s:e]) for s, e in doc.sentences]
    return doc


def article_row(doc: Doc) -> dict:
    n = doc.norm
    return conform("articles", {
        "article_id": doc.article_id,
        "source_uri": doc.source_uri,
        "title": n.title,
        "published_at": n.published_at,
        "outlet": n.outlet,
        "dateline_city": n.dateline_city,
        "dateline_date": n.dateline_date,
        "reporters": list(n.reporters),
        "editors": list(n.editors),
        "original_title": n.original_title,
        "encoding": doc.encoding,
        "script": n.script,
        "quality_flags": list(n.quality_flags),
        "text": doc.text,
        "raw_text": doc.raw_text,
        "content_hash": n.content_hash,
        "n_sentences": len(doc.sentences),
        "extractor_version": extractor_version(),
    })


def sentence_rows(doc: Doc) -> list[dict]:
    return [conform("sentences", {
        "article_id": doc.article_id,
        "sentence_index": i,
        "char_start": s,
        "char_end": e,
        "text": doc.text[s:e],
        "tokens": list(doc.tokens[i]) if i < len(doc.tokens) else [],
    }) for i, (s, e) in enumerate(doc.sentences)]


def fact_rows(doc: Doc, segmenter: Segmenter) -> list[dict]:
    sents = [Sentence(i, s, doc.text[s:e]) for i, (s, e) in enumerate(doc.sentences)]
    rows = []
    for f in extract_facts(sents, segmenter, doc.norm.published_at, doc.text):
        raw_start, raw_end = doc.norm.text.raw_span(f.char_start, f.char_end)
        place = resolve(f.subject)
        rows.append(conform("facts", {
            "fact_id": fact_id(doc.norm.content_hash, f),
            "article_id": doc.article_id,
            "sentence_index": f.sentence_index,
            "subject": f.subject,
            "subject_source": f.subject_source,
            "province": place.province if place else None,
            "city": place.city if place else None,
            "adcode": place.adcode if place else None,
            "metric": f.metric,
            "value": float(f.value),
            "unit": f.unit,
            "value_normalised": float(f.value_normalised),
            "unit_family": f.unit_family,
            "qualifier": f.qualifier,
            "status": f.status,
            "year": f.year,
            "evidence": f.evidence,
            "char_start": f.char_start,
            "char_end": f.char_end,
            "raw_char_start": raw_start,
            "raw_char_end": raw_end,
            "flags": list(f.flags),
            "confidence": f.confidence,
            "extractor_version": extractor_version(),
        }))
    return rows
