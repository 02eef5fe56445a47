-- targets_vs_actuals: every target or forecast with the latest actual figure of the same
-- subject, metric and unit family (from latest_capacity), and how far along it is.
-- Answers: which plans are on track, and which have no reported actual at all?
create or replace view targets_vs_actuals as
with plans as (
    select f.*, a.published_at
    from facts as f
    join articles as a using (article_id)
    where f.status in ('target', 'forecast') and f.subject is not null
),
final as (
    select
        p.subject,
        p.province,
        p.metric,
        p.unit_family,
        p.status,
        p.year as target_year,
        p.value_normalised as target_value,
        p.qualifier as target_qualifier,
        p.evidence as target_evidence,
        l.year as actual_year,
        l.value_normalised as actual_value,
        l.evidence as actual_evidence,
        case when l.value_normalised is not null and p.value_normalised > 0
             then l.value_normalised / p.value_normalised end as progress,
        p.fact_id as target_fact_id,
        l.fact_id as actual_fact_id
    from plans as p
    left join latest_capacity as l
        on l.subject = p.subject and l.metric = p.metric and l.unit_family = p.unit_family
)
select * from final;
