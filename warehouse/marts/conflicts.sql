-- conflicts: the same subject, metric, status and year reported with different values
-- (more than 0.5% apart) by different articles. Answers: which figures disagree across
-- sources, and which facts should a reviewer compare? (A target and an actual of the same
-- year are not a conflict, so status is part of the key.) Conflicts inside one article, such
-- as a figure restated in another unit, are in facts.flags as unit_conflict.
create or replace view conflicts as
with keyed as (
    select subject, metric, status, year, unit_family, value_normalised, article_id, fact_id
    from facts
    where subject is not null
),
grouped as (
    select
        subject,
        metric,
        status,
        year,
        unit_family,
        count(distinct article_id) as n_articles,
        count(*) as n_facts,
        min(value_normalised) as min_value,
        max(value_normalised) as max_value,
        list(fact_id order by fact_id) as fact_ids
    from keyed
    group by subject, metric, status, year, unit_family
),
final as (
    select * from grouped
    where n_articles > 1 and max_value > min_value * 1.005
)
select * from final;
