"""Beam stages: thin DoFns around the pure per-article functions of transforms/article.py.

The pipeline is one straight chain of (kind, payload) envelopes, from files to table rows:

    ReadableFile -> DecodeFileFn -> ("raw", RawArticle) | ("rejects", row)
    -> NormaliseFn -> ("doc", Doc) | ("rejects", row)
    -> SkipUnchangedFn -> ("doc", Doc) | ("unchanged", row)
    -> SegmentFn -> ("doc", Doc) + ("sentences", row)...
    -> ExtractFn -> ("articles", row) + ("facts", row)...
    -> WriteTables (one sink)

Each stage handles the envelopes of its own kind and passes every other envelope through
unchanged. No tagged outputs, no branches, no Flatten: the shape every runner we tried computes
correctly (the Dask runner routes multi-output ParDos wrongly and computes only the last of
several sinks). Whatever a stage cannot handle leaves as a ("rejects", row) with stage, reason
and the exception's last line, never as a swallowed exception and never as a failed job.
"""
from __future__ import annotations

import json
import traceback

import apache_beam as beam
from apache_beam.io import fileio

from transforms.article import (ArticleRejected, RawArticle, article_row, fact_rows,
                                process_raw, segment_doc, sentence_rows)
from transforms.decode import DecodeError, decode_bytes
from transforms.schema import reject_row
from transforms.segmenter import Segmenter
from transforms.version import extractor_version

RAW, DOC, REJECTS = "raw", "doc", "rejects"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# A larger file is no single article (a dump, a log, a pathological one-line page): it is
# rejected before it is read, so it can never take a worker's memory.
MAX_ARTICLE_BYTES = 8 * 1024 * 1024


def _last_line(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return lines[-1].strip() if lines else repr(exc)


class DecodeFileFn(beam.DoFn):
    """ReadableFile -> ("raw", RawArticle); unreadable, oversized or undecodable files ->
    rejects. A JSON-lines file (.jsonl, .ndjson) holds one article per line: each good line
    is an article `<path>#L<n>`, each bad line a reject of that name."""

    def process(self, readable):
        uri = readable.metadata.path
        size = readable.metadata.size_in_bytes
        if uri.endswith(JSONL_SUFFIXES):
            yield from self._jsonl(readable, uri)
            return
        if size is not None and size > MAX_ARTICLE_BYTES:
            yield REJECTS, reject_row(uri, "read", "too_large",
                                      f"{size} bytes; one article may have at most "
                                      f"{MAX_ARTICLE_BYTES} (split it, or raise the limit)")
            return
        try:
            data = readable.read()
        except (OSError, IOError) as exc:
            yield REJECTS, reject_row(uri, "read", "unreadable", _last_line(exc))
            return
        yield self._decode(uri, data)

    @staticmethod
    def _decode(uri: str, data: bytes):
        try:
            decoded = decode_bytes(data)
        except DecodeError as exc:
            return REJECTS, reject_row(uri, "decode", exc.reason, exc.detail)
        return RAW, RawArticle(uri, decoded.text, decoded.encoding, decoded.flags)

    def _jsonl(self, readable, uri: str):
        try:
            handle = readable.open()
        except (OSError, IOError) as exc:
            yield REJECTS, reject_row(uri, "read", "unreadable", _last_line(exc))
            return
        with handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                name = f"{uri}#L{n}"
                try:
                    yield RAW, jsonl_article(name, line)
                except ValueError as exc:
                    yield REJECTS, reject_row(name, "decode", "bad_json_line", str(exc)[:500])


def jsonl_article(name: str, line: bytes) -> RawArticle:
    """One JSON object per line: text (or content, body) required; title, published_at (or
    date, time), source (or outlet) optional. They become the header lines the normaliser
    reads from any article."""
    if len(line) > MAX_ARTICLE_BYTES:
        raise ValueError(f"line of {len(line)} bytes; at most {MAX_ARTICLE_BYTES}")
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(record, dict):
        raise ValueError("a JSON line must be an object")
    text = next((record[k] for k in ("text", "content", "body") if isinstance(record.get(k), str)),
                None)
    if not text:
        raise ValueError("no text, content or body field")
    head = []
    if isinstance(record.get("title"), str):
        head.append(record["title"])
    published = next((record[k] for k in ("published_at", "date", "time")
                      if isinstance(record.get(k), str)), None)
    source = next((record[k] for k in ("source", "outlet") if isinstance(record.get(k), str)),
                  None)
    if published or source:
        head.append(f"发布时间:{published or ''} 来源:{source or ''}".strip())
    return RawArticle(name, "\n".join(head + [text]), "utf-8 (json)")


class _StageFn(beam.DoFn):
    """Handles envelopes of kind INPUT with handle(); passes all others through."""
    INPUT = ""

    def process(self, element, *side):
        kind, payload = element
        if kind != self.INPUT:
            yield element
            return
        yield from self.handle(payload, *side)

    def handle(self, payload, *side):
        raise NotImplementedError


class NormaliseFn(_StageFn):
    INPUT = RAW

    def handle(self, raw: RawArticle):
        try:
            yield DOC, process_raw(raw)
        except ArticleRejected as exc:
            yield REJECTS, reject_row(raw.source_uri, exc.stage, exc.reason, exc.detail)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            yield REJECTS, reject_row(raw.source_uri, "normalise", "error", _last_line(exc))


class SkipUnchangedFn(_StageFn):
    """Docs whose article is already published with this extractor version become
    ("unchanged", row): an incremental run does no more work on them."""
    INPUT = DOC

    def __init__(self, version: str):
        self.version = version

    def handle(self, doc, known):
        if known.get(doc.article_id) == self.version:
            yield "unchanged", {"source_uri": doc.source_uri, "article_id": doc.article_id}
        else:
            yield DOC, doc


class _SegmenterFn(_StageFn):
    INPUT = DOC

    def __init__(self, backend: str = "rjieba"):
        self.backend = backend
        self.segmenter = None

    def setup(self):
        self.segmenter = Segmenter(self.backend)


class SegmentFn(_SegmenterFn):
    """Doc -> the same Doc with tokens per sentence, and its sentence rows."""

    def handle(self, doc):
        try:
            doc = segment_doc(doc, self.segmenter)
            rows = sentence_rows(doc)
        except Exception as exc:  # noqa: BLE001
            yield REJECTS, reject_row(doc.source_uri, "segment", "error", _last_line(exc),
                                      doc.article_id)
            return
        for row in rows:
            yield "sentences", row
        yield DOC, doc


class ExtractFn(_SegmenterFn):
    """Doc -> its article row and fact rows."""

    def handle(self, doc):
        try:
            facts = fact_rows(doc, self.segmenter)
            article = article_row(doc)
        except Exception as exc:  # noqa: BLE001
            yield REJECTS, reject_row(doc.source_uri, "extract", "error", _last_line(exc),
                                      doc.article_id)
            return
        for row in facts:
            yield "facts", row
        yield "articles", article


class ReadArticles(beam.PTransform):
    """Glob patterns -> ("raw", RawArticle) and ("rejects", row) envelopes."""

    def __init__(self, patterns: list[str]):
        super().__init__()
        self.patterns = list(patterns)

    def expand(self, pbegin):
        return (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll(fileio.EmptyMatchTreatment.ALLOW)
            # The fan-out from globs to files: redistribute before the heavy work, so that
            # parallel workers (and distributed runners) each take a share of the files.
            | "Redistribute" >> beam.Reshuffle()
            # Directories matched by a glob are read too, and become `unreadable` rejects.
            | "Open" >> fileio.ReadMatches(skip_directories=False)
            | "Decode" >> beam.ParDo(DecodeFileFn())
        )


class ExtractCapacityFacts(beam.PTransform):
    """Envelopes of raw articles -> envelopes of table rows: (table name, row dict) for
    articles, sentences, facts, rejects and unchanged (rejects passed through)."""

    def __init__(self, segmenter: str = "rjieba", known: dict[str, str] | None = None):
        """`known`: article_id -> extractor version of the articles already published."""
        super().__init__()
        self.segmenter = segmenter
        self.known = dict(known or {})

    def expand(self, envelopes):
        known = envelopes.pipeline | "KnownArticles" >> beam.Create(sorted(self.known.items()))
        return (
            envelopes
            | "Normalise" >> beam.ParDo(NormaliseFn())
            | "SkipUnchanged" >> beam.ParDo(SkipUnchangedFn(extractor_version()),
                                            beam.pvalue.AsDict(known))
            | "Segment" >> beam.ParDo(SegmentFn(self.segmenter))
            | "Extract" >> beam.ParDo(ExtractFn(self.segmenter))
        )
