"""Per-stage speed of the pure functions on real news text, one core.

    python -m tests.benchmarks.bench_stages [--cache .bench] [--mb 3]

Prints MB/s for decode+normalise, segmentation (rjieba and jieba), and extraction
(sentences/s), on the People's Daily January 1998 corpus (tests/benchmarks/corpus.py).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.benchmarks.corpus import articles, corpus_path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=".bench")
    ap.add_argument("--mb", type=float, default=3.0, help="MB of text to time")
    args = ap.parse_args()
    text = corpus_path(Path(args.cache)).read_text("utf-8")
    docs = articles(text)
    budget = int(args.mb * 1e6)
    chosen, size = [], 0
    for d in docs:
        if size >= budget:
            break
        chosen.append(d)
        size += len(d.encode("utf-8"))
    mb = size / 1e6
    print(f"corpus: {len(chosen)} articles, {mb:.2f} MB")

    from transforms.decode import decode_bytes
    from transforms.normalise import normalise, split_sentences

    data = [d.encode("utf-8") for d in chosen]
    normalise("预热")
    t = time.perf_counter()
    normed = [normalise(decode_bytes(b).text) for b in data]
    dt = time.perf_counter() - t
    print(f"decode+normalise : {mb / dt:6.2f} MB/s  ({dt:.2f} s)")

    sentences = [n.text.text[s:e] for n in normed for s, e in split_sentences(n.text.text)]
    from transforms.segmenter import Segmenter

    for backend in ("rjieba", "jieba"):
        seg = Segmenter(backend)
        seg.cut("预热")
        t = time.perf_counter()
        for s in sentences:
            seg.cut(s)
        dt = time.perf_counter() - t
        print(f"segment {backend:<8} : {mb / dt:6.2f} MB/s  ({dt:.2f} s, HMM off)")

    from transforms.facts import Sentence, extract_facts

    seg = Segmenter()
    t = time.perf_counter()
    n_sent = n_facts = 0
    for n in normed:
        body = n.text.text
        sents = [Sentence(i, s, body[s:e]) for i, (s, e) in enumerate(split_sentences(body))]
        n_sent += len(sents)
        n_facts += len(extract_facts(sents, seg, n.published_at, body))
    dt = time.perf_counter() - t
    print(f"extract          : {n_sent / dt:8.0f} sentences/s, {mb / dt:6.2f} MB/s "
          f"({dt:.2f} s, {n_facts} facts)")


if __name__ == "__main__":
    main()
