"""Numbers and units in Chinese news text -> base values. Pure: no Beam import.

A quantity is NUMBER [多|余] MULTIPLIERS [多|余] UNIT, optionally with 每秒 before it:
  NUMBER       Arabic (1,200 / 3.5) or Chinese (三百, 两, 十五, 一千二百)
  MULTIPLIERS  any chain of 十 百 千 万 亿 京, multiplied (千万亿 = 1e15, 百亿亿 = 1e18)
  UNIT         compute (EFLOPS, P, POPS, 次 with 每秒 or /秒 or 浮点), counts (张 台 个 ...),
               money (元, 美元 ...), power (MW, 兆瓦, 千瓦), percent (%, 成)
A bare 百/千/万 is not a number (近百家, 百亿亿次 in a unit definition). Families follow the
labelling guide: FLOPS and OPS kept apart; money keeps its currency code as the family.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
MULTIPLIERS = {"十": 1e1, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8, "京": 1e16}

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_SECTION = r"(?:[零〇一二两三四五六七八九]|十)[零〇一二两三四五六七八九十百千]*"
# 一万五千 is one number; in 两万张 the 万 is a multiplier (no digit follows it).
CHINESE_NUMBER = rf"{_CN_SECTION}(?:[万亿](?=[零〇一二两三四五六七八九])[零〇一二两三四五六七八九十百千]+)*"
NUMBER = rf"(?P<num>{ARABIC}|{CHINESE_NUMBER})"
APPROX_SUFFIX = r"(?P<more>多|余)?"
MULTIPLIER = r"(?P<mult>[十百千万亿京]*)"
APPROX_SUFFIX2 = r"(?P<more2>多|余)?"


@dataclass(frozen=True)
class UnitSpec:
    family: str      # FLOPS, OPS, count, W, percent, CNY/USD/...
    scale: float     # base units per unit
    fold: bool = False  # counts: multiplier words are folded into the value (4万个 -> 40000 个)


# Latin compute units: case-insensitive, not followed by another letter.
LATIN_UNITS = {
    "EFLOPS": UnitSpec("FLOPS", 1e18), "PFLOPS": UnitSpec("FLOPS", 1e15),
    "TFLOPS": UnitSpec("FLOPS", 1e12), "GFLOPS": UnitSpec("FLOPS", 1e9),
    "EXAFLOPS": UnitSpec("FLOPS", 1e18), "PETAFLOPS": UnitSpec("FLOPS", 1e15),
    "TERAFLOPS": UnitSpec("FLOPS", 1e12),
    "EOPS": UnitSpec("OPS", 1e18), "POPS": UnitSpec("OPS", 1e15), "TOPS": UnitSpec("OPS", 1e12),
    "EFLOP/S": UnitSpec("FLOPS", 1e18), "PFLOP/S": UnitSpec("FLOPS", 1e15),
    "P": UnitSpec("FLOPS", 1e15),
    "MW": UnitSpec("W", 1e6), "GW": UnitSpec("W", 1e9), "KW": UnitSpec("W", 1e3),
}
CJK_UNITS = {
    "张": UnitSpec("count", 1, True), "块": UnitSpec("count", 1, True),
    "台": UnitSpec("count", 1, True), "架": UnitSpec("count", 1, True),
    "个": UnitSpec("count", 1, True), "套": UnitSpec("count", 1, True),
    "颗": UnitSpec("count", 1, True), "片": UnitSpec("count", 1, True),
    "枚": UnitSpec("count", 1, True), "座": UnitSpec("count", 1, True),
    "卡": UnitSpec("count", 1, True),
    "标准机架": UnitSpec("count", 1, True), "标准机柜": UnitSpec("count", 1, True),
    "机架": UnitSpec("count", 1, True), "机柜": UnitSpec("count", 1, True),
    "元": UnitSpec("CNY", 1), "人民币": UnitSpec("CNY", 1), "美元": UnitSpec("USD", 1),
    "欧元": UnitSpec("EUR", 1), "港元": UnitSpec("HKD", 1), "港币": UnitSpec("HKD", 1),
    "日元": UnitSpec("JPY", 1),
    "兆瓦": UnitSpec("W", 1e6), "千瓦": UnitSpec("W", 1e3), "吉瓦": UnitSpec("W", 1e9),
    "%": UnitSpec("percent", 1), "成": UnitSpec("percent", 10),
}
_latin = "|".join(sorted((re.escape(u) for u in LATIN_UNITS), key=len, reverse=True))
_cjk = "|".join(sorted((re.escape(u) for u in CJK_UNITS), key=len, reverse=True))
# 次 is compute only with a per-second marker: 每秒N亿亿次, N亿亿次/秒, N亿亿次浮点运算.
OPS_TIMES = r"(?P<times>次(?P<per>/秒|每秒)?(?P<float>浮点)?)"
UNIT = rf"(?:(?P<latin>{_latin})(?![A-Za-z])|(?P<cjk>{_cjk})(?!时)|{OPS_TIMES})"

QUANTITY = re.compile(
    rf"(?<![数几])(?P<persec>每秒(?:钟)?)?{NUMBER}{APPROX_SUFFIX}{MULTIPLIER}{APPROX_SUFFIX2}\s?{UNIT}",
    re.IGNORECASE,
)
PERCENT_WORDS = re.compile(rf"百分之(?P<num>{ARABIC}|{CHINESE_NUMBER})")
FRACTION = re.compile(
    rf"(?<![\d/])(?P<a>\d+)\s*/\s*(?P<b>\d+)(?![\d/])|(?P<cb>{CHINESE_NUMBER})分之(?P<ca>{CHINESE_NUMBER})"
)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float          # the number as written, multipliers folded in only for counts
    unit: str             # as written, with multiplier words unless folded
    value_normalised: float
    unit_family: str
    more_than: bool       # 多 / 余 after the number
    per_second: bool      # compute written with 次: needs a per-second marker to count
    text: str


class NumberError(ValueError):
    pass


def parse_chinese_number(s: str) -> float:
    """三百 -> 300, 十五 -> 15, 一千二百 -> 1200, 两 -> 2, 二〇二五 -> 2025."""
    if not s:
        raise NumberError("empty numeral")
    if all(ch in CN_DIGITS for ch in s):
        v = 0
        for ch in s:
            v = v * 10 + CN_DIGITS[ch]
        return float(v)
    for big, factor in (("亿", 100_000_000), ("万", 10_000)):
        if big in s:
            head, _, tail = s.partition(big)
            return parse_chinese_number(head) * factor + (parse_chinese_number(tail) if tail else 0)
    total, digit = 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            total += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        else:
            raise NumberError(f"not a Chinese numeral: {s!r}")
    if digit is not None:
        total += digit
    return float(total)


def parse_number(s: str) -> float:
    s = s.strip()
    if re.fullmatch(ARABIC, s):
        return float(s.replace(",", ""))
    return parse_chinese_number(s)


def multiplier_value(chain: str) -> float:
    v = 1.0
    for ch in chain:
        v *= MULTIPLIERS[ch]
    return v


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity with a known unit in `text`, left to right, non-overlapping."""
    out: list[Quantity] = []
    for m in QUANTITY.finditer(text):
        q = _from_match(m)
        if q is not None:
            out.append(q)
    for m in PERCENT_WORDS.finditer(text):
        v = parse_number(m["num"])
        out.append(Quantity(m.start(), m.end(), v, "%", v, "percent", False, False, m.group(0)))
    for m in FRACTION.finditer(text):
        if m["a"]:
            a, b = float(m["a"]), float(m["b"])
        else:
            a, b = parse_chinese_number(m["ca"]), parse_chinese_number(m["cb"])
        if b == 0 or a > b:
            continue
        if any(q.start <= m.start() < q.end for q in out):
            continue
        pct = a / b * 100
        out.append(Quantity(m.start(), m.end(), pct, "%", pct, "percent", False, False,
                            m.group(0)))
    out.sort(key=lambda q: q.start)
    return out


def _from_match(m: re.Match) -> Quantity | None:
    try:
        number = parse_number(m["num"])
    except NumberError:
        return None
    chain = m["mult"] or ""
    mult = multiplier_value(chain)
    more = bool(m["more"] or m["more2"])
    if m["latin"]:
        unit_key = m["latin"].upper()
        spec = LATIN_UNITS[unit_key]
        unit_written = chain + m["latin"]
    elif m["cjk"]:
        unit_key = m["cjk"]
        spec = CJK_UNITS[unit_key]
        if unit_key == "成" and chain:
            return None
        unit_written = chain + unit_key
    else:
        if not (m["persec"] or m["per"] or m["float"]) or not chain:
            return None  # 访问100万次: a count of times, not a rate
        spec = UnitSpec("FLOPS", 1.0)
        unit_written = chain + "次" + ("/秒" if (m["persec"] or m["per"]) else "")
    if spec.family == "percent" and number > 100 and unit_key == "%":
        return None
    if spec.fold:
        value = number * mult
        unit_written = unit_key
        normalised = value * spec.scale
    else:
        value = number
        normalised = number * mult * spec.scale
    if not math.isfinite(normalised) or normalised < 0:
        return None
    start = m.start("num") if not m["persec"] else m.start()
    return Quantity(start, m.end(), value, unit_written, normalised, spec.family, more,
                    bool(m["times"]), m.group(0)[start - m.start():])
