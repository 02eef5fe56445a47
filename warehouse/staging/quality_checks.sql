-- quality_checks: the Great Expectations results of the run that built this warehouse.
-- Answers: what was checked, what failed, and with which examples?
create or replace view quality_checks as
select
    "table" as table_name,
    expectation,
    "column" as column_name,
    kwargs,
    severity,
    success,
    observed,
    unexpected_count,
    unexpected_examples
from raw.quality_checks;
