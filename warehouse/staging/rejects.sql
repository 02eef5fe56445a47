-- rejects: every input that did not become an article, with the stage and the reason.
-- Answers: what could we not use, and what should the operator do about it?
create or replace view rejects as
select
    source_uri,
    stage,
    reason,
    detail,
    article_id
from raw.rejects;
