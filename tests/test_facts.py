"""Table-driven extractor rules: one sentence (or short passage) -> the facts it states."""
from datetime import datetime

import pytest

from transforms.facts import Sentence, extract_facts
from transforms.normalise import split_sentences

PUB = datetime(2024, 6, 1)


def facts_of(text, segmenter, published=PUB):
    sents = [Sentence(i, s, text[s:e]) for i, (s, e) in enumerate(split_sentences(text))]
    return extract_facts(sents, segmenter, published, text)


def summary(f):
    return (f.subject, f.metric, f.value_normalised, f.qualifier, f.status, f.year)


@pytest.mark.parametrize("text, expected", [
    ("截至今年3月底,成都智算中心智能算力达到300P。",
     [("成都智算中心", "intelligent_compute", 3e17, "exact", "actual", 2024)]),
    ("到2025年,全省通用算力将超过10EFLOPS。",
     [("全省", "general_compute", 1e19, "more_than", "target", 2025)]),
    ("预计明年该市超算算力有望达到200PFLOPS左右。",
     [(None, "supercomputing_compute", 2e17, "approx", "forecast", 2025)]),
    ("目前贵州算力总规模约为12EFLOPS。",
     [("贵州", "total_compute", 1.2e19, "approx", "actual", 2024)]),
    ("去年底,深圳已建成算力规模超过8000P。",
     [("深圳", "total_compute", 8e18, "more_than", "actual", 2023)]),
    ("该园区规划建设机柜不低于2万个。",
     [("该园区", "rack_count", 2e4, "at_least", "target", None)]),
    ("项目总投资约50亿元,建成后可提供5000P算力。",
     [(None, "investment", 5e9, "approx", "target", None),
      (None, "total_compute", 5e18, "exact", "target", None)]),
    ("全市智能算力占比已达六成。",
     [("全市", "compute_share", 60, "exact", "actual", 2024)]),
    ("乌兰察布数据中心集群部署服务器超过50万台。",
     [("乌兰察布数据中心集群", "server_count", 5e5, "more_than", "actual", 2024)]),
    ("该智算中心IT负荷为30MW。",
     [("该智算中心", "power_capacity", 3e7, "exact", "actual", 2024)]),
])
def test_facts(text, expected, segmenter):
    got = [summary(f) for f in facts_of(text, segmenter)]
    for exp in expected:
        subject, *rest = exp
        match = [g for g in got if list(g[1:]) == list(rest)]
        assert match, f"{exp} not in {got}"
        if subject is not None:
            assert match[0][0] == subject, got
    assert len(got) == len(expected), got


def test_from_to_is_actual_then_target(segmenter):
    got = [summary(f) for f in facts_of("全市算力规模将由1300P提升至3000P。", segmenter)]
    assert [(g[1], g[2], g[4]) for g in got] == [
        ("total_compute", 1.3e18, "actual"), ("total_compute", 3e18, "target")]


def test_completed_change_is_actual_on_both_sides(segmenter):
    got = [summary(f) for f in facts_of("全市算力已经从5000P增加到1.2万P。", segmenter)]
    assert [(g[2], g[4]) for g in got] == [(5e18, "actual"), (1.2e19, "actual")]


def test_restatement_merged_and_conflict_flagged(segmenter):
    facts = facts_of("南京智能计算中心算力规模将达到每秒900亿亿次(900POPS)。", segmenter)
    assert len(facts) == 1
    f = facts[0]
    assert (f.value_normalised, f.unit_family) == (9e17, "OPS")
    assert "unit_conflict" in f.flags
    facts = facts_of("临港总算力超过3EFLOPS(每秒300亿亿次)。", segmenter)
    assert len(facts) == 1 and "unit_conflict" not in facts[0].flags
    assert facts[0].value_normalised == 3e18


def test_subject_carried_from_earlier_clause(segmenter):
    text = "目前,贵安新区部署智算卡近10万张,综合算力水平位居全国前列,智算规模占比超90%。"
    got = [summary(f) for f in facts_of(text, segmenter)]
    assert [g[0] for g in got] == ["贵安新区", "贵安新区"]


def test_subject_from_created_facility(segmenter):
    text = "园区携手企业共同打造了星河智算中心,算力规模将达到500P。"
    assert facts_of(text, segmenter)[0].subject == "星河智算中心"


def test_subject_inferred_from_previous_sentence_is_flagged(segmenter):
    text = "合肥先进计算中心近日投入运营。其算力规模达到200P。"
    f = facts_of(text, segmenter)[-1]
    assert f.subject == "合肥先进计算中心"
    assert "subject_inferred" in f.flags


def test_year_from_publish_date_only_for_actuals(segmenter):
    f = facts_of("该中心算力规模将达到500P。", segmenter)[0]
    assert (f.status, f.year) == ("target", None)
    f = facts_of("该中心算力规模为500P。", segmenter, published=None)[0]
    assert (f.status, f.year) == ("actual", None)


@pytest.mark.parametrize("kind, text", [
    ("model parameters", "作为千亿级参数的自然语言处理模型,支持100亿参数训练。"),
    ("tokens", "该模型每天处理的Token超过1000亿个。"),
    ("card-hours", "平台累计提供算力服务超过100万卡时。"),
    ("utilisation", "智算中心算力利用率达到70%。"),
    ("PUE", "数据中心PUE降至1.2以下,算力利用率超过60%。"),
    ("revenue", "公司算力业务营收达到50亿元。"),
    ("capex", "该公司今年资本开支达到300亿元,用于算力建设。"),
    ("benefits", "累计为企业降本超亿元,增加经济效益超10亿元。"),
    ("subsidy", "全市发放算力券1亿元,支持企业使用智算资源。"),
    ("counts of companies", "聚集了科大讯飞等特色鲜明的优质企业400余家。"),
    ("customers", "目前已经为超过1100名客户提供澎湃智算支撑。"),
    ("projects", "全省算力项目达到120个以上。"),
    ("unit definitions", "EFLOPS是指每秒百亿亿次浮点运算次数,1EFLOPS相当于每秒100亿亿次。"),
    ("dates", "2024年6月2日,智算大会在上海举行。"),
    ("stock codes", "寒武纪(688256)发布公告称将加大投入。"),
    ("rhetorical comparisons", "其算力相当于50万台高性能计算机同时运算。"),
    ("per-unit specs", "单卡算力达到256TOPS,单机柜功率为20kW。"),
    ("growth rates", "全国算力规模同比增长30%。"),
    ("storage", "存力规模达到1.2EB。"),
    ("class descriptors", "武汉将建设万卡集群。"),
    ("ranks", "综合算力水平位居全国第二。"),
    ("bank cards", "北京地区龙卡发行总量达36万张,居委会发放优惠卡三千八百张。"),
    ("cartoons", "盛大的卡通大游行共有14个方阵,天上飞着5个巨型卡通气球。"),
    ("a count far from its noun", "全市建成三个示范区和一批为计算中心配套的项目。"),
])
def test_non_facts(kind, text, segmenter):
    assert facts_of(text, segmenter) == [], kind


def test_anaphor_resolved_to_earlier_facility(segmenter):
    text = "青岛人工智能计算中心于去年投入运营。该中心算力规模已达到100P。"
    f = facts_of(text, segmenter)[-1]
    assert f.subject == "青岛人工智能计算中心"
    assert "subject_anaphora" in f.flags


@pytest.mark.parametrize("unit, standard", [
    ("EFLOPS", True), ("EFlops", True), ("Petaflops", True), ("P", True), ("万P", True),
    ("POPS", True), ("POpS", False), ("eFLOPs", False), ("亿亿次/秒", True), ("MW", True),
])
def test_unit_typo_forms(unit, standard):
    from transforms.facts import unit_form_is_standard

    assert unit_form_is_standard(unit) is standard
