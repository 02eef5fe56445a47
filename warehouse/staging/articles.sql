-- articles: one row per article, as published. Answers: what did we read, from whom, when?
-- `text` is the clean simplified body that facts' char_start/char_end point into; `raw_text`
-- is the article as decoded, which raw_char_start/raw_char_end point into.
create or replace view articles as
select
    article_id,
    source_uri,
    title,
    published_at,
    outlet,
    dateline_city,
    dateline_date,
    reporters,
    editors,
    original_title,
    encoding,
    script,
    quality_flags,
    text,
    raw_text,
    content_hash,
    n_sentences,
    extractor_version
from raw.articles;
