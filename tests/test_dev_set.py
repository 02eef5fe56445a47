"""The extractor on the development set (tests/dev): precision >= 0.95, recall >= 0.90."""
from pathlib import Path

import pytest

from pipelines.evaluate import evaluate, format_report, load_gold
from transforms.article import RawArticle, fact_rows, process_raw, segment_doc
from transforms.decode import decode_bytes

DEV = Path(__file__).resolve().parent / "dev"


def extract_folder(folder: Path, segmenter) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.txt")):
        decoded = decode_bytes(path.read_bytes())
        doc = segment_doc(process_raw(RawArticle(str(path), decoded.text, decoded.encoding)),
                          segmenter)
        rows += [{**r, "source_uri": str(path)} for r in fact_rows(doc, segmenter)]
    return rows


@pytest.fixture(scope="module")
def dev_result(segmenter):
    return evaluate(load_gold(DEV / "dev.jsonl"), extract_folder(DEV / "articles", segmenter))


def test_dev_set_size():
    gold = load_gold(DEV / "dev.jsonl")
    assert len(gold) >= 60
    assert sum(len(f) for f in gold.values()) >= 60


def test_precision_and_recall(dev_result):
    report = format_report(dev_result)
    assert dev_result.precision >= 0.95, report
    assert dev_result.recall >= 0.90, report


def test_subject_accuracy(dev_result):
    assert dev_result.subject_accuracy >= 0.80, format_report(dev_result)


def test_holdout_set_floor(segmenter):
    """tests/holdout: scored once before tuning (see its README); a floor against regressions."""
    holdout = DEV.parent / "holdout"
    result = evaluate(load_gold(holdout / "holdout.jsonl"),
                      extract_folder(holdout / "articles", segmenter))
    assert result.precision >= 0.9 and result.recall >= 0.9, format_report(result)
