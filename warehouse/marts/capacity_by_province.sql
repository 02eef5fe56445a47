-- capacity_by_province: per province, year, metric and status, the largest figure reported
-- and the facts behind it. Answers: how much compute does each province report, and on how
-- many facts does that rest? Figures are not summed (a city's total and a facility in it
-- would count twice); n_facts and fact_ids say what each row rests on. Multi-region subjects
-- (粤港澳大湾区) and national figures are left out.
create or replace view capacity_by_province as
with placed as (
    select *
    from facts
    where province is not null and province not like '%|%'
),
final as (
    select
        province,
        year,
        metric,
        status,
        unit_family,
        max(value_normalised) as max_value,
        arg_max(subject, value_normalised) as max_value_subject,
        count(*) as n_facts,
        count(distinct subject) as n_subjects,
        count(distinct article_id) as n_articles,
        list(fact_id order by fact_id) as fact_ids
    from placed
    group by province, year, metric, status, unit_family
)
select * from final;
