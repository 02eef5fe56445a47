"""A minimal Airflow DAG for the nightly Suanli run (an example: it is not imported by the
package and does not run in CI).

The task runs `suanli run` and maps its exit statuses:
  0 published                -> success
  3 validation failed        -> failure (nothing was published; the report is in OUT/failed/)
  4 output locked            -> skipped (yesterday's run is still going)
  1, 2                       -> failure
"""
from __future__ import annotations

from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SUANLI = "/srv/suanli/.venv/bin/suanli"
INPUT = "/data/crawl/**/*.txt"
OUTPUT = "/data/suanli"

with DAG(
    dag_id="suanli_daily",
    start_date=datetime(2026, 1, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=20)},
    tags=["suanli"],
) as dag:
    run = BashOperator(
        task_id="suanli_run",
        bash_command=f"{SUANLI} run --input '{INPUT}' --output {OUTPUT} "
                     "--direct_num_workers 2 --direct_running_mode multi_processing",
        skip_on_exit_code=4,
        execution_timeout=timedelta(hours=6),
    )
    runs_log = BashOperator(
        task_id="suanli_runs_log",
        bash_command=f"{SUANLI} runs --output {OUTPUT} | tail -n 5",
    )
    run >> runs_log
