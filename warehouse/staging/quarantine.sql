-- quarantine: every row that broke a row-level expectation in the run that built this
-- warehouse, with the expectation and its severity. Answers: which facts (or articles,
-- rejects) did validation object to, and why? Rows of severity `critical` fail the run (it is
-- then kept in OUT/failed/<run id>/); `warning` rows are published and listed here.
create or replace view quarantine as
select
    "table" as table_name,
    row_key,
    expectation,
    "column" as column_name,
    severity,
    value
from raw.quarantine;
