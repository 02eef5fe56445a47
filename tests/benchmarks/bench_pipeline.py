"""End-to-end benchmark: the whole `suanli run` against bare jieba on the same text.

    make bench                      # 50 MB, 1 and 2 workers
    python -m tests.benchmarks.bench_pipeline [--mb 50] [--workers 1 2] [--cache .bench]
                                              [--work /tmp/suanli-bench] [--skip-jieba]

Builds a corpus of article files from the People's Daily January 1998 text (corpus.py): the
text is cut into article-sized pieces and repeated until the size is reached, each copy made
unique by a generated header (publish time, outlet) and a capacity sentence in the style of
the seeds, so that extraction has work to do and no copy is a duplicate. Then it times:
  - `suanli run --full-refresh` with 1 worker, and with N workers (multi_processing), in a
    fresh process each, with that process tree's peak RSS;
  - bare `jieba.lcut` over the same article texts, in this process;
and prints MB/s, articles/s, the pipeline/jieba wall-time ratio, the per-stage split reported
by the run, and the speed-up from 1 to N workers. Not part of `make test`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.corpus import articles, corpus_path

PLACES = ["武汉", "贵安新区", "临港新片区", "成都", "合肥", "乌兰察布", "庆阳", "中卫", "韶关",
          "芜湖", "南京", "杭州", "郑州", "西安", "长沙"]
TEMPLATES = [
    "目前{p}算力规模达到{a}P,智能算力占比超过{b}%。",
    "到{y}年,{p}智算中心总算力将超过{c}EFLOPS。",
    "{p}数据中心集群已部署服务器{d}万台,标准机架{e}万架。",
    "预计{y}年{p}总算力规模或将超过{a}P。",
    "{p}人工智能计算中心部署智算卡近{e}万张,项目总投资约{d}0亿元。",
]
OUTLETS = ["新华社", "人民网", "长江日报", "南方日报", "解放日报"]


def build_corpus(text: str, folder: Path, megabytes: float, seed: int = 7) -> tuple[int, int]:
    """Write article files until `megabytes` of UTF-8; returns (files, bytes)."""
    rng = random.Random(seed)
    pieces = articles(text)
    folder.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1e6)
    total = n = 0
    while total < target:
        body = pieces[n % len(pieces)]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        header = (f"2024-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00 "
                  f"来源:{rng.choice(OUTLETS)}")
        fact = rng.choice(TEMPLATES).format(
            p=rng.choice(PLACES), a=rng.randint(100, 9000), b=rng.randint(10, 90),
            c=rng.randint(1, 20), d=rng.randint(1, 50), e=rng.randint(1, 20),
            y=rng.randint(2025, 2030))
        paras = body.split("\n")
        paras.insert(min(2, len(paras)), fact + f"(第{n}期)")
        data = (header + "\n" + "\n".join(paras) + "\n").encode("utf-8")
        (folder / f"a{n:07d}.txt").write_bytes(data)
        total += len(data)
        n += 1
    return n, total


def time_run(inputs: Path, out: Path, workers: int) -> dict:
    """`suanli run` in a fresh process; wall time, its summary and the tree's peak RSS."""
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--input", str(inputs / "*.txt"),
           "--output", str(out), "--full-refresh"]
    if workers > 1:
        cmd += ["--direct_num_workers", str(workers), "--direct_running_mode",
                "multi_processing"]
    probe = ("import resource, subprocess, sys, time, json\n"
             "t = time.perf_counter()\n"
             f"p = subprocess.run({cmd!r}, capture_output=True, text=True)\n"
             "wall = time.perf_counter() - t\n"
             "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "print(json.dumps({'wall': wall, 'rc': p.returncode, 'out': p.stdout, "
             "'err': p.stderr[-2000:], 'peak_rss_kb': rss}))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"suanli run failed ({result['rc']}): {result['err']}")
    m = re.search(r"seconds\s+: (.*)", result["out"])
    result["stages"] = dict((k, float(v)) for k, v in
                            (p.split() for p in m.group(1).split(", "))) if m else {}
    return result


def time_jieba(folder: Path) -> tuple[float, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - t, sum(len(x.encode("utf-8")) for x in texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--cache", default=".bench")
    ap.add_argument("--work", default="/tmp/suanli-bench")
    ap.add_argument("--skip-jieba", action="store_true")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    text = corpus_path(Path(args.cache)).read_text("utf-8")
    t = time.perf_counter()
    n_files, n_bytes = build_corpus(text, work / "in", args.mb)
    mb = n_bytes / 1e6
    print(f"corpus: {n_files} articles, {mb:.1f} MB (built in {time.perf_counter() - t:.0f} s)")
    results = {}
    for w in args.workers:
        r = time_run(work / "in", work / f"out{w}", w)
        results[w] = r
        print(f"suanli run, {w} worker(s): {r['wall']:.1f} s wall, {mb / r['wall']:.2f} MB/s, "
              f"{n_files / r['wall']:.0f} articles/s, peak RSS {r['peak_rss_kb'] / 1024:.0f} MB")
        print("  stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()))
        counts = re.findall(r"(articles|facts|rejects)\s+: (\d+)", r["out"])
        print("  tables: " + ", ".join(f"{k} {v}" for k, v in counts))
    if len(args.workers) > 1:
        one, many = results[args.workers[0]]["wall"], results[args.workers[-1]]["wall"]
        print(f"speed-up {args.workers[0]} -> {args.workers[-1]} workers: {one / many:.2f}x "
              f"(Beam stage alone: {results[args.workers[0]]['stages'].get('beam', 0) / max(results[args.workers[-1]]['stages'].get('beam', 1), 1e-9):.2f}x)")
    if not args.skip_jieba:
        jt, jb = time_jieba(work / "in")
        print(f"bare jieba.lcut (default mode, HMM on), 1 core: {jt:.1f} s, "
              f"{jb / 1e6 / jt:.2f} MB/s, {n_files / jt:.0f} articles/s")
        for w, r in results.items():
            print(f"pipeline/bare-jieba wall-time ratio, {w} worker(s): {r['wall'] / jt:.2f}")


if __name__ == "__main__":
    main()
