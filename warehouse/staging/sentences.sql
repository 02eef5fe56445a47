-- sentences: the articles split into sentences with their jieba tokens.
-- Answers: where in an article is a sentence, and how was it segmented?
create or replace view sentences as
select
    article_id,
    sentence_index,
    char_start,
    char_end,
    text,
    tokens
from raw.sentences;
