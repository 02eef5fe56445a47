-- rejects_by_reason: how many inputs each stage rejected, and why, with examples.
-- Answers: what could the pipeline not use, and is one cause (a crawler fault, an encoding)
-- behind most of it?
create or replace view rejects_by_reason as
with final as (
    select
        stage,
        reason,
        count(*) as n_inputs,
        list(source_uri order by source_uri)[1:5] as examples,
        any_value(detail) as example_detail
    from rejects
    group by stage, reason
)
select * from final
order by n_inputs desc, stage, reason;
