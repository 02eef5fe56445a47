"""Beam stages: thin DoFns around the pure per-article functions of transforms/article.py.

Every DoFn owns a REJECTED tag; whatever it cannot handle leaves through it as a rejects row
(stage, reason, detail with the exception's last line), never as a swallowed exception and
never as a failed job.
"""
from __future__ import annotations

import traceback

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.io import fileio

from transforms.article import (ArticleRejected, RawArticle, article_row, fact_rows,
                                process_raw, segment_doc, sentence_rows)
from transforms.decode import DecodeError, decode_bytes
from transforms.schema import reject_row
from transforms.segmenter import Segmenter
from transforms.version import extractor_version

REJECTED = "rejected"


def _last_line(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return lines[-1].strip() if lines else repr(exc)


class DecodeFileFn(beam.DoFn):
    """ReadableFile -> RawArticle; unreadable or undecodable files -> rejects."""

    def process(self, readable):
        uri = readable.metadata.path
        try:
            data = readable.read()
        except (OSError, IOError) as exc:
            yield pvalue.TaggedOutput(REJECTED, reject_row(uri, "read", "unreadable",
                                                           _last_line(exc)))
            return
        try:
            decoded = decode_bytes(data)
        except DecodeError as exc:
            yield pvalue.TaggedOutput(REJECTED, reject_row(uri, "decode", exc.reason,
                                                           exc.detail))
            return
        yield RawArticle(uri, decoded.text, decoded.encoding)


class NormaliseFn(beam.DoFn):
    def process(self, raw: RawArticle):
        try:
            yield process_raw(raw)
        except ArticleRejected as exc:
            yield pvalue.TaggedOutput(REJECTED, reject_row(raw.source_uri, exc.stage,
                                                           exc.reason, exc.detail))
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            yield pvalue.TaggedOutput(REJECTED, reject_row(raw.source_uri, "normalise",
                                                           "error", _last_line(exc)))


class SkipUnchangedFn(beam.DoFn):
    """Docs whose article is already in the warehouse with this extractor version leave
    through UNCHANGED (an incremental run does no more work on them)."""
    UNCHANGED = "unchanged"

    def __init__(self, version: str):
        self.version = version

    def process(self, doc, known):
        if known.get(doc.article_id) == self.version:
            yield pvalue.TaggedOutput(self.UNCHANGED, {"source_uri": doc.source_uri,
                                                       "article_id": doc.article_id})
            return
        yield doc


class _SegmenterFn(beam.DoFn):
    def __init__(self, backend: str = "rjieba"):
        self.backend = backend
        self.segmenter = None

    def setup(self):
        self.segmenter = Segmenter(self.backend)


class SegmentFn(_SegmenterFn):
    """Doc -> Doc with tokens per sentence; also emits the sentence rows."""
    SENTENCES = "sentences"

    def process(self, doc):
        try:
            doc = segment_doc(doc, self.segmenter)
            rows = sentence_rows(doc)
        except Exception as exc:  # noqa: BLE001
            yield pvalue.TaggedOutput(REJECTED, reject_row(doc.source_uri, "segment", "error",
                                                           _last_line(exc), doc.article_id))
            return
        for row in rows:
            yield pvalue.TaggedOutput(self.SENTENCES, row)
        yield doc


class ExtractFn(_SegmenterFn):
    """Doc -> article row (main) and fact rows (FACTS)."""
    FACTS = "facts"

    def process(self, doc):
        try:
            facts = fact_rows(doc, self.segmenter)
            article = article_row(doc)
        except Exception as exc:  # noqa: BLE001
            yield pvalue.TaggedOutput(REJECTED, reject_row(doc.source_uri, "extract", "error",
                                                           _last_line(exc), doc.article_id))
            return
        for row in facts:
            yield pvalue.TaggedOutput(self.FACTS, row)
        yield article


class ReadArticles(beam.PTransform):
    """Glob patterns -> (RawArticle, rejects)."""

    def __init__(self, patterns: list[str]):
        super().__init__()
        self.patterns = list(patterns)

    def expand(self, pbegin):
        files = (
            pbegin
            | "Patterns" >> beam.Create(self.patterns)
            | "Match" >> fileio.MatchAll(fileio.EmptyMatchTreatment.ALLOW)
            # The fan-out from globs to files: redistribute before the heavy work, so that
            # parallel workers (and distributed runners) each take a share of the files.
            | "Redistribute" >> beam.Reshuffle()
            # Directories matched by a glob are read too, and become `unreadable` rejects.
            | "Open" >> fileio.ReadMatches(skip_directories=False)
        )
        out = files | "Decode" >> beam.ParDo(DecodeFileFn()).with_outputs(REJECTED, main="ok")
        return out.ok, out[REJECTED]


class ExtractCapacityFacts(beam.PTransform):
    """RawArticle -> the four tables as PCollections of row dicts."""

    def __init__(self, segmenter: str = "rjieba", known: dict[str, str] | None = None):
        """`known`: article_id -> extractor version of the articles already published."""
        super().__init__()
        self.segmenter = segmenter
        self.known = dict(known or {})

    def expand(self, raw):
        # Duplicates (the same normalised text under two names) are resolved after the job,
        # in the publisher's merge: no shuffle of whole articles, so memory stays bounded.
        norm = raw | "Normalise" >> beam.ParDo(NormaliseFn()).with_outputs(REJECTED, main="ok")
        known = raw.pipeline | "KnownArticles" >> beam.Create(sorted(self.known.items()))
        fresh = norm.ok | "SkipUnchanged" >> beam.ParDo(
            SkipUnchangedFn(extractor_version()), beam.pvalue.AsDict(known)).with_outputs(
            SkipUnchangedFn.UNCHANGED, main="ok")
        docs = fresh.ok
        seg = docs | "Segment" >> beam.ParDo(SegmentFn(self.segmenter)).with_outputs(
            REJECTED, SegmentFn.SENTENCES, main="ok")
        ext = seg.ok | "Extract" >> beam.ParDo(ExtractFn(self.segmenter)).with_outputs(
            REJECTED, ExtractFn.FACTS, main="ok")
        rejects = ((norm[REJECTED], seg[REJECTED], ext[REJECTED])
                   | "Rejects" >> beam.Flatten())
        return {
            "articles": ext.ok,
            "sentences": seg[SegmentFn.SENTENCES],
            "facts": ext[ExtractFn.FACTS],
            "rejects": rejects,
            "unchanged": fresh[SkipUnchangedFn.UNCHANGED],
        }
