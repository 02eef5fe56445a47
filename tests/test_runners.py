"""The same pipeline on engines beyond one process, compared with FnApiRunner on the seeds.

- Portable: Beam's Python job service and an external SDK worker pool as separate processes,
  the pipeline submitted with --runner PortableRunner --environment_type EXTERNAL. This is the
  topology of Flink and Dataflow: the graph travels as a portable proto and user code is
  unpickled in other processes.
- Dask: the DaskRunner that ships with Beam against a real Dask cluster, a scheduler and two
  workers started as separate processes on 127.0.0.1.
Every process is started here on loopback ports and stopped at the end.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, procs, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args} exited with {p.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def start(cmd, log: Path) -> subprocess.Popen:
    # The worker pool starts SDK workers as `python` from PATH: it must be this environment's.
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def suanli_run(out: Path, *flags, timeout=600):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--input",
                           "seeds/*.txt", "--output", str(out), *flags], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def facts(out: Path):
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("select fact_id, subject, metric, value_normalised, status, year "
                           "from facts order by fact_id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(seed_run):
    out, _ = seed_run
    rows = facts(out)
    assert len(rows) == 12
    return rows


def test_portable_runner_with_external_worker_pool(reference, tmp_path):
    job_port, pool_port = free_port(), free_port()
    procs = [
        start([sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main",
               "--port", str(job_port)], tmp_path / "job_service.log"),
        start([sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main",
               "--service_port", str(pool_port)], tmp_path / "worker_pool.log"),
    ]
    try:
        wait_for_port(job_port, procs)
        wait_for_port(pool_port, procs)
        proc = suanli_run(tmp_path / "out", "--runner", "PortableRunner",
                          "--job_endpoint", f"localhost:{job_port}",
                          "--environment_type", "EXTERNAL",
                          "--environment_config", f"localhost:{pool_port}")
    finally:
        stop(procs)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert facts(tmp_path / "out") == reference


@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None,
                    reason="dask is not installed (pip install 'apache-beam[dask]')")
def test_dask_runner_on_a_local_cluster(reference, tmp_path):
    port = free_port()
    dask = str(BIN / "dask")
    scheduler = start([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                       "--no-dashboard"], tmp_path / "scheduler.log")
    procs = [scheduler]
    try:
        wait_for_port(port, procs)
        for i in range(2):
            procs.append(start([dask, "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1",
                                "--nthreads", "1", "--no-dashboard"],
                               tmp_path / f"worker{i}.log"))
        time.sleep(3)
        proc = suanli_run(tmp_path / "out", "--runner",
                          "apache_beam.runners.dask.dask_runner.DaskRunner",
                          "--dask_client_address", f"tcp://127.0.0.1:{port}")
    finally:
        stop(procs)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert facts(tmp_path / "out") == reference
