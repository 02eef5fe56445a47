-- runs: one row per run of the pipeline on this output, whatever its outcome (published,
-- validation_failed, failed, interrupted). Answers: when did the warehouse last change, and
-- what did each run read, reject and add?
create or replace view runs as
select
    run_id,
    started_at,
    ended_at,
    status,
    inputs,
    full_refresh,
    files_read,
    rejected,
    articles_new,
    articles_unchanged,
    facts_new,
    articles_total,
    facts_total,
    validation,
    extractor_version,
    message
from raw.runs;
