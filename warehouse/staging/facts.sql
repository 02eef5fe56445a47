-- facts: capacity facts extracted from the articles, one row per (subject, metric, value,
-- status, year) an article states. Answers: who has or plans how much compute?
-- value_normalised is in base units of unit_family (FLOPS, OPS, count, W, percent, CNY ...).
create or replace view facts as
select
    fact_id,
    article_id,
    sentence_index,
    subject,
    subject_source,
    province,
    city,
    adcode,
    metric,
    value,
    unit,
    value_normalised,
    unit_family,
    qualifier,
    status,
    year,
    evidence,
    char_start,
    char_end,
    raw_char_start,
    raw_char_end,
    flags,
    confidence,
    extractor_version
from raw.facts;
