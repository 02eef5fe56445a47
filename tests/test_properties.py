"""Property-based tests (hypothesis): the text rules never raise on arbitrary Unicode or on
mutated seed sentences, offsets stay inside the text, values stay finite and non-negative."""
import math
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.decode import DecodeError, decode_bytes
from transforms.facts import Sentence, extract_facts
from transforms.normalise import normalise, split_sentences
from transforms.quantities import find_quantities
from transforms.segmenter import Segmenter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_SENTENCES = [
    "目前临港总算力超过3EFLOPS(EFLOPS是指每秒百亿亿次浮点运算次数),智能算力占比近80%。",
    "算力规模将达到每秒900亿亿次(900POpS)",
    "全国智能算力占算力总规模比重超过30%。",
    "目前,贵安新区部署智算卡近10万张,综合算力水平位居全国前列,智算规模占比超90%。",
    "预计2025年武汉总算力规模或将超过5000P。",
    "并将分批次投放4万个适用于智算、超算的高功率机架",
]
SEGMENTER = Segmenter()
CJKISH = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list("0123456789.,%()（）:;。！？“”、 \n万亿千百十PEFLOPSTW张台个元")),
    st.characters()), max_size=300)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated_seed(draw):
    """A seed sentence with characters inserted, deleted or replaced."""
    text = list(draw(st.sampled_from(SEED_SENTENCES)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        ch = draw(st.one_of(st.characters(), st.sampled_from(list("0123456789万亿P%(),。"))))
        if op == "insert":
            text.insert(i, ch)
        elif text and op == "delete":
            del text[i]
        elif text:
            text[i] = ch
    return "".join(text)


def check_facts(text: str):
    sentences = [Sentence(i, s, text[s:e]) for i, (s, e) in enumerate(split_sentences(text))]
    for f in extract_facts(sentences, SEGMENTER, datetime(2024, 6, 1), text):
        assert 0 <= f.char_start < f.char_end <= len(text)
        assert text[f.char_start:f.char_end] == f.evidence
        assert math.isfinite(f.value_normalised) and f.value_normalised >= 0
        assert math.isfinite(f.value)


@SETTINGS
@given(st.text(max_size=400))
def test_normalise_never_raises_and_offsets_stay_inside(raw):
    art = normalise(raw)
    text = art.text
    assert len(text.offsets) == len(text.text)
    assert all(0 <= o <= len(raw) for o in text.offsets)
    for s, e in split_sentences(text.text):
        assert 0 <= s < e <= len(text.text)


@SETTINGS
@given(st.binary(max_size=300))
def test_decode_either_reads_or_rejects(data):
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert exc.reason in ("empty", "binary", "undecodable")
    else:
        assert decoded.text.strip()


@SETTINGS
@given(CJKISH)
def test_quantities_finite_and_inside(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert math.isfinite(q.value_normalised) and q.value_normalised >= 0


@SETTINGS
@given(CJKISH)
def test_extractor_on_arbitrary_text(text):
    check_facts(text)


@SETTINGS
@given(mutated_seed())
def test_extractor_on_mutated_seed_sentences(text):
    check_facts(text)
