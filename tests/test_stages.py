"""TestPipeline tests of each composite transform: main and rejected outputs."""
import codecs

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.article import RawArticle
from transforms.stages import ExtractCapacityFacts, ReadArticles

ARTICLE = ("2024-05-01 09:00:00 来源:新华社\n"
           "新华社成都5月1日电 截至4月底,成都智算中心智能算力达到300P,部署智算卡超过2000张。"
           "到2025年,全市算力规模将超过5EFLOPS。")


@pytest.fixture()
def input_dir(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "big5.txt").write_bytes(("臺灣新竹智算中心的智能算力達到100P,持續擴充算力資源。" * 2)
                                        .encode("big5"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + ARTICLE.replace("成都", "重庆")
                                         .encode("utf-16-le"))
    (tmp_path / "sub").mkdir()
    return tmp_path


def split(envelopes, kind, label):
    return (envelopes | f"only_{label}" >> beam.Filter(lambda e, k=kind: e[0] == k)
            | f"payload_{label}" >> beam.Map(lambda e: e[1]))


def test_read_articles_main_and_rejected(input_dir):
    with TestPipeline(runner="FnApiRunner") as p:
        out = p | ReadArticles([str(input_dir / "*")])
        ok, rejected = split(out, "raw", "raw"), split(out, "rejects", "rejects")
        assert_that(ok | "uri" >> beam.Map(lambda r: (r.source_uri.rsplit("/", 1)[-1],
                                                      r.encoding)),
                    equal_to([("good.txt", "utf-8"), ("big5.txt", "big5"),
                              ("utf16.txt", "utf-16")]), label="ok")
        assert_that(rejected | "why" >> beam.Map(lambda r: (r["source_uri"].rsplit("/", 1)[-1],
                                                            r["stage"], r["reason"])),
                    equal_to([("empty.txt", "decode", "empty"),
                              ("image.txt", "decode", "binary")]), label="rejected")


def test_extract_capacity_facts_tables():
    raws = [
        RawArticle("a.txt", ARTICLE, "utf-8"),
        RawArticle("b.txt", ARTICLE, "utf-8"),    # same content: resolved in the merge
        RawArticle("c.txt", "Hello world, no Chinese here at all.", "utf-8"),
    ]
    with TestPipeline(runner="FnApiRunner") as p:
        out = p | beam.Create([("raw", r) for r in raws]) | ExtractCapacityFacts()
        tables = {k: split(out, k, k) for k in ("articles", "facts", "rejects", "sentences")}
        assert_that(out | "kinds" >> beam.Map(lambda e: e[0]) | beam.Distinct(),
                    equal_to(["articles", "facts", "rejects", "sentences"]), label="kinds")
        assert_that(tables["articles"] | "a" >> beam.Map(lambda r: (r["source_uri"],
                                                                    r["outlet"])),
                    equal_to([("a.txt", "新华社"), ("b.txt", "新华社")]), label="articles")
        assert_that(tables["facts"] | "f" >> beam.Map(lambda r: (r["metric"],
                                                                 r["value_normalised"],
                                                                 r["status"], r["year"])),
                    equal_to([("intelligent_compute", 3e17, "actual", 2024),
                              ("accelerator_count", 2000.0, "actual", 2024),
                              ("total_compute", 5e18, "target", 2025)] * 2), label="facts")
        assert_that(tables["rejects"] | "r" >> beam.Map(lambda r: (r["source_uri"],
                                                                   r["reason"])),
                    equal_to([("c.txt", "no_chinese_text")]),
                    label="rejects")
        assert_that(tables["sentences"] | "n" >> beam.combiners.Count.Globally(),
                    equal_to([4]), label="sentences")
