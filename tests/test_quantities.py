import pytest

from transforms.quantities import find_quantities, parse_chinese_number, parse_number


@pytest.mark.parametrize("text, value", [
    ("三百", 300), ("两万", 20000), ("一万五千", 15000), ("三亿两千万", 3.2e8), ("十二x", None), ("十五", 15), ("十", 10), ("一千二百", 1200), ("两", 2),
    ("二〇二五", 2025), ("一百", 100), ("三十五", 35),
])
def test_chinese_numerals(text, value):
    if value is None:
        with pytest.raises(ValueError):
            parse_chinese_number(text)
    else:
        assert parse_chinese_number(text) == value


@pytest.mark.parametrize("text, value", [("1,200", 1200), ("3.5", 3.5), ("5000", 5000)])
def test_arabic_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, value, unit, normalised, family", [
    ("3EFLOPS", 3, "EFLOPS", 3e18, "FLOPS"),
    ("5000P", 5000, "P", 5e18, "FLOPS"),
    ("1.2万P", 1.2, "万P", 1.2e19, "FLOPS"),
    ("200PFLOPS", 200, "PFLOPS", 2e17, "FLOPS"),
    ("10 Petaflops", 10, "Petaflops", 1e16, "FLOPS"),
    ("900POpS", 900, "POpS", 9e17, "OPS"),
    ("256TOPS", 256, "TOPS", 2.56e14, "OPS"),
    ("每秒900亿亿次", 900, "亿亿次/秒", 9e18, "FLOPS"),
    ("300亿亿次/秒", 300, "亿亿次/秒", 3e18, "FLOPS"),
    ("每秒十亿亿次", 10, "亿亿次/秒", 1e17, "FLOPS"),
    ("每秒5千万亿次", 5, "千万亿次/秒", 5e15, "FLOPS"),
    ("4万个", 40000, "个", 40000, "count"),
    ("10万张", 100000, "张", 100000, "count"),
    ("一百多个", 100, "个", 100, "count"),
    ("10万卡", 100000, "卡", 100000, "count"),
    ("100亿元", 100, "亿元", 1e10, "CNY"),
    ("2000多亿元", 2000, "亿元", 2e11, "CNY"),
    ("5亿美元", 5, "亿美元", 5e8, "USD"),
    ("150MW", 150, "MW", 1.5e8, "W"),
    ("20兆瓦", 20, "兆瓦", 2e7, "W"),
    ("10万千瓦", 10, "万千瓦", 1e8, "W"),
    ("80%", 80, "%", 80, "percent"),
    ("七成", 7, "成", 70, "percent"),
    ("百分之三十", 30, "%", 30, "percent"),
])
def test_quantities(text, value, unit, normalised, family):
    qs = find_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert (q.value, q.unit, q.unit_family) == (value, unit, family)
    assert q.value_normalised == pytest.approx(normalised)


@pytest.mark.parametrize("text", [
    "访问量达到100万次",        # a count of times, not a rate
    "EFLOPS是指每秒百亿亿次浮点运算",  # no number before the multiplier
    "近百家科研院所",
    "2025年",
    "6月2日",
    "千瓦时",
    "5000千瓦时",                # energy, not power
    "增长130%以上的110%",         # percentages over 100 of % are not shares either way
])
def test_not_quantities(text):
    qs = [q for q in find_quantities(text) if q.unit_family not in ("percent",) or q.value <= 100]
    assert all(q.unit_family == "percent" for q in qs)
    if "%" not in text:
        assert qs == []


def test_fraction_is_percent():
    q = find_quantities("约占全国的1/6")[0]
    assert q.unit_family == "percent"
    assert q.value_normalised == pytest.approx(100 / 6)


def test_dates_are_not_fractions():
    assert find_quantities("2024/11/18发布") == []
