"""The extractor's version, recorded on every fact and article.

`extractor_version()` is the package version plus a digest of everything that decides what
comes out of an article: the rule modules' source and the word lists in resources/. Change a
rule or a word list and the version changes, so an incremental run re-extracts the articles
that an older version produced (pipelines/publish.py).
"""
from __future__ import annotations

import functools
import hashlib
from importlib import resources

PACKAGE_VERSION = "0.2.0"
RULE_MODULES = ("decode.py", "normalise.py", "tracked.py", "quantities.py", "facts.py",
                "regions.py", "segmenter.py", "article.py")


@functools.lru_cache(maxsize=None)
def extractor_version() -> str:
    digest = hashlib.sha256()
    pkg = resources.files("transforms")
    for name in RULE_MODULES:
        digest.update(name.encode())
        digest.update(pkg.joinpath(name).read_bytes())
    res = pkg.joinpath("resources")
    for entry in sorted(res.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".txt", ".tsv")):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return f"{PACKAGE_VERSION}+{digest.hexdigest()[:10]}"
