import re

import pytest

from transforms.normalise import (PINYIN_GLOSS, WIDTH_TABLE, fix_zhe, normalise,
                                  repair_gbk_shift, split_sentences, to_simplified)
from transforms.tracked import Tracked


def clean(raw: str) -> str:
    return normalise(raw).text.text


@pytest.mark.parametrize("raw, expected", [
    ("聯(lián)網(wǎng)", "聯網"),
    ("算力(suànlì)规模", "算力规模"),
    ("算力(suàn lì)规模", "算力规模"),
    ("區(qū)", "區"),
    ("規（guī）模", "規模"),
    # real parentheses survive
    ("每秒900億億次(900POpS)", "每秒900億億次(900POpS)"),
    ("華為(南京)人工智能", "華為(南京)人工智能"),
    ("(記者楊有宗)", "(記者楊有宗)"),
    ("(以下简称“方案”)", "(以下简称“方案”)"),
    ("人工智能(AI)", "人工智能(AI)"),
    ("人工智能(ai)", "人工智能(ai)"),
    ("模型(GPT)", "模型(GPT)"),
])
def test_pinyin_gloss(raw, expected):
    assert Tracked(raw).sub(PINYIN_GLOSS, "").text == expected


@pytest.mark.parametrize("raw, expected", [
    ("２０２５年", "2025年"),
    ("占比８０％", "占比80%"),
    ("ＥＦＬＯＰＳ", "EFLOPS"),
    ("算力，规模：", "算力,规模:"),
    ("（南京）", "(南京)"),
    ("①5000P", "①5000P"),     # NFKC would make 15000P
    ("2²", "2²"),              # NFKC would make 22
    ("100㎡", "100㎡"),         # NFKC would make 100m2
    ("算力\u3000规模", "算力 规模"),
])
def test_width_keeps_numbers_apart(raw, expected):
    assert Tracked(raw).translate(WIDTH_TABLE).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("隨著技術發展", "随着技术发展"),
    ("面臨著挑戰", "面临着挑战"),
    ("著名的顯著成果", "著名的显著成果"),
    ("他的著作", "他的著作"),
])
def test_traditional_to_simplified_with_zhe(raw, expected):
    t = Tracked(raw).convert(to_simplified)
    assert fix_zhe(t).text == expected


def test_gbk_shift_mojibake_repaired():
    assert to_simplified(repair_gbk_shift(";浉郯拇鬄硡^")) == "粤港澳大湾区"
    art = normalise("前一階段是以頭部企業為主的階段?;浉郯拇鬄硡^(qū)是人工智能產業和製造業產業結合發展最具優勢的區域。")
    assert "粤港澳大湾区是人工智能" in art.text.text
    assert "mojibake_repaired" in art.quality_flags


def test_mojibake_left_alone_when_repair_not_provable():
    raw = "这是一段正常的中文文字?;浉郯测试内容,后面还有更多正常文字。"
    art = normalise(raw)
    assert "mojibake_repaired" not in art.quality_flags


def test_furniture_removed_and_kept_as_metadata():
    raw = "\n".join([
        "您的位置:首页 > 产经 >",
        "某市智算中心正式投运",
        "2024-03-02 10:00:00 来源:新华社",
        "原标题:某市智算中心投运",
        "新华社合肥3月2日电(记者张三)某市智算中心正式投运,算力规模达到500P。",
        "(资料图片仅供参考)",
        "图为投运仪式现场。记者李四 摄",
        "该中心由多家企业共同建设。主办方供图",
        "中心负责人表示,将继续扩容。",
        "(责编:王五、赵六)",
        "关键词:",
        "最近更新",
    ])
    art = normalise(raw)
    text = art.text.text
    for junk in ("您的位置", "资料图片", "摄", "供图", "责编", "关键词", "最近更新", "原标题"):
        assert junk not in text
    assert art.title == "某市智算中心正式投运"
    assert art.original_title == "某市智算中心投运"
    assert art.outlet == "新华社"
    assert art.published_at.isoformat() == "2024-03-02T10:00:00"
    assert (art.dateline_city, art.dateline_date) == ("合肥", "03-02")
    assert "张三" in art.reporters and "李四" in art.reporters
    assert art.editors == ["王五", "赵六"]
    assert "算力规模达到500P" in text


def test_broken_lines_joined_and_repeats_dropped():
    raw = "\n\n".join([
        "从ChatGPT到Sora,", "从文心一言的全面放开", "到AI“复活”亲人", "……", "全世界争相发力人工智能,",
        "它的每一次迸发", "都引爆了社会话题。", "丰富的应用场景和数据资源", "是我国发展人工智能最大的优势。",
        "马修军解释,武汉作为国家重要的工业基地,有很多成熟的先进制造产业,可以率先布局。",
        "马修军解释,武汉作为国家重要的工业基地,有很多成熟的先进制造产业,可以率先布局。",
    ])
    art = normalise(raw)
    paras = art.text.text.split("\n")
    assert paras[0] == "从ChatGPT到Sora,从文心一言的全面放开到AI“复活”亲人……"
    assert "全世界争相发力人工智能,它的每一次迸发都引爆了社会话题。" in paras
    assert "丰富的应用场景和数据资源是我国发展人工智能最大的优势。" in paras
    assert sum(p.startswith("马修军解释") for p in paras) == 1
    assert "repeated_paragraph_dropped" in art.quality_flags


def test_headings_not_joined_in_ordinary_articles():
    raw = "\n\n".join([
        "这是第一段正文,内容比较长,讲的是算力基础设施建设的最新进展和各地的发展规划。",
        "为高质量发展提供算力支撑",
        "谁能把握新技术,谁就把准了时代脉搏。",
        "这是第三段正文,内容比较长,讲的是算力基础设施建设的最新进展和各地的发展规划。",
    ])
    paras = normalise(raw).text.text.split("\n")
    assert "为高质量发展提供算力支撑" in paras


@pytest.mark.parametrize("text, expected", [
    ("算力达到3.5EFLOPS。规模第一。", ["算力达到3.5EFLOPS。", "规模第一。"]),
    ("他说:“目标是5EFLOPS。一定能做到。”随后离开。",
     ["他说:“目标是5EFLOPS。一定能做到。”", "随后离开。"]),
    ("真的吗?是的!", ["真的吗?", "是的!"]),
    ("第一行\n第二行没有句号", ["第一行", "第二行没有句号"]),
    ("占比为27.5%。", ["占比为27.5%。"]),
])
def test_split_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_offsets_point_back_to_raw():
    raw = "臨港總算力(zǒng)超過３EFLOPS。"
    art = normalise(raw)
    text = art.text.text
    i = text.index("超过3EFLOPS")
    s, e = art.text.raw_span(i, i + len("超过3EFLOPS"))
    assert raw[s:e] == "超過３EFLOPS"


# --- the seeds ---------------------------------------------------------------------------

@pytest.mark.parametrize("stem, title", [
    ("001_8dcf4de746318955", "目标百亿级 上海临港加速构建算力产业生态体系"),
    ("004_307a864e4be62eb8", "云端会客厅:新风口全球爆发,武汉早已布局"),
    ("000_5786db3649874129", None),
    ("002_97a6e349795e93be", None),
])
def test_seed_titles(seed_docs, stem, title):
    assert seed_docs[stem].norm.title == title


@pytest.mark.parametrize("stem, published, outlet", [
    ("001_8dcf4de746318955", "2023-06-04T16:33:03", "新华社"),
    ("002_97a6e349795e93be", "2024-11-18T20:28:05", "人民网"),
    ("004_307a864e4be62eb8", "2024-04-11T11:28:00", "长江日报"),
])
def test_seed_publish_time_and_outlet(seed_docs, stem, published, outlet):
    norm = seed_docs[stem].norm
    assert norm.published_at.isoformat() == published
    assert norm.outlet == outlet


def test_seed_datelines(seed_docs):
    assert seed_docs["001_8dcf4de746318955"].norm.dateline_city == "上海"
    assert seed_docs["002_97a6e349795e93be"].norm.dateline_city == "北京"
    assert seed_docs["002_97a6e349795e93be"].norm.dateline_date == "09-05"


def test_no_gloss_or_traditional_left_in_seeds(seed_docs):
    for stem, doc in seed_docs.items():
        text = doc.text
        assert not re.search(r"\([a-zü\u00e0-\u01dc]+\)", text), stem
        assert to_simplified(text) == text, stem


def test_seed_scripts(seed_docs):
    scripts = {stem[:3]: d.norm.script for stem, d in seed_docs.items()}
    assert scripts == {"000": "traditional", "001": "traditional", "002": "simplified",
                       "003": "traditional", "004": "simplified"}


def test_seed_003_region_repaired(seed_docs):
    doc = seed_docs["003_b2bd724458966c0e"]
    assert "粤港澳大湾区是人工智能产业" in doc.text
    assert "mojibake_repaired" in doc.norm.quality_flags


def test_seed_004_repeated_paragraph_dropped(seed_docs):
    text = seed_docs["004_307a864e4be62eb8"].text
    assert text.count("马修军解释,武汉作为国家重要的工业基地") == 1
    raw = (seed_docs["004_307a864e4be62eb8"].raw_text)
    assert raw.count("马修军解释,武汉作为国家重要的工业基地") == 2


@pytest.mark.parametrize("header, published, outlet", [
    ("发布时间:2024-11-18 20:28:05 来源: sp20241118", "2024-11-18T20:28:05", None),
    ("2023-06-04 16:33:03 来源:新华社", "2023-06-04T16:33:03", "新华社"),
    ("2024-04-11 11:28", "2024-04-11T11:28:00", None),
    ("2024年4月11日 09:30 来源:长江日报", "2024-04-11T09:30:00", "长江日报"),
    ("时间:2022/12/01", "2022-12-01T00:00:00", None),
])
def test_publish_time_lines(header, published, outlet):
    art = normalise(header + "\n正文第一段,算力规模持续扩大,各地加快建设智算中心。")
    assert art.published_at.isoformat() == published
    assert art.outlet == outlet
    assert "正文第一段" in art.text.text and header[:4] not in art.text.text


@pytest.mark.parametrize("first, city, date, outlet, reporters", [
    ("新华社上海6月4日电(记者杨有宗)数字经济时代。", "上海", "06-04", "新华社", ["杨有宗"]),
    ("人民网北京9月5日电 (焦磊)作为新动能。", "北京", "09-05", "人民网", ["焦磊"]),
    ("中新网合肥1月3日电(记者 张强、李明)合肥算力。", "合肥", "01-03", "中新网", ["张强", "李明"]),
    ("本报讯 全市算力规模持续扩大。", None, None, None, []),
])
def test_datelines(first, city, date, outlet, reporters):
    art = normalise(first + "\n第二段正文。")
    assert (art.dateline_city, art.dateline_date, art.outlet) == (city, date, outlet)
    assert art.reporters == reporters
    assert art.text.text.startswith(first.split("\n")[0][:4])


def test_trailing_byline_is_reporters_not_text():
    art = normalise("第一段。\n最后一段说完了。(王梦原 李正豪)")
    assert art.reporters == ["王梦原", "李正豪"]
    assert art.text.text.endswith("最后一段说完了。")


def test_real_parenthesis_at_paragraph_end_survives():
    art = normalise("第一段。\n华为在南京设立创新中心(南京)")
    assert art.text.text.endswith("创新中心(南京)")


def test_simplified_text_not_converted():
    # OpenCC t2s maps 昇 to 升: a simplified article keeps its brand names as written.
    art = normalise("华为昇腾AI集群规模已超过1.6万卡,计算中心运行良好。")
    assert art.script == "simplified"
    assert "昇腾" in art.text.text
