from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"


@pytest.fixture(scope="session")
def segmenter():
    from transforms.segmenter import Segmenter

    return Segmenter()


@pytest.fixture(scope="session")
def seed_docs():
    """Every seed normalised: {file stem: Doc}."""
    from transforms.article import RawArticle, process_raw
    from transforms.decode import decode_bytes

    docs = {}
    for path in sorted(SEEDS.glob("*.txt")):
        decoded = decode_bytes(path.read_bytes())
        docs[path.stem] = process_raw(RawArticle(str(path), decoded.text, decoded.encoding))
    return docs


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """`suanli run` on the seeds, once per test session: (output folder, stdout)."""
    import os
    import subprocess

    out = tmp_path_factory.mktemp("run") / "data"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--input",
                           "seeds/*.txt", "--output", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc.stdout
