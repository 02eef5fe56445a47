-- latest_capacity: the latest actual figure per subject, metric and unit family.
-- Answers: how much compute (or how many cards, racks, MW ...) does each subject have now?
-- "Latest" is the latest year, then the latest published article, then the larger value.
create or replace view latest_capacity as
with actuals as (
    select f.*, a.published_at, a.source_uri
    from facts as f
    join articles as a using (article_id)
    where f.status = 'actual' and f.subject is not null
),
ranked as (
    select
        *,
        row_number() over (
            partition by subject, metric, unit_family
            order by year desc nulls last, published_at desc nulls last,
                     value_normalised desc, fact_id
        ) as rank_in_subject
    from actuals
),
final as (
    select
        subject, province, city, adcode, metric, unit_family, value, unit, value_normalised,
        qualifier, year, published_at, evidence, fact_id, article_id, source_uri
    from ranked
    where rank_in_subject = 1
)
select * from final;
