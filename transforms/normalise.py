"""Raw crawled article -> clean simplified text plus metadata. Pure: no Beam import.

Steps, in order (each keeps the offset map of transforms/tracked.py):
 1. newlines and invisible characters
 2. GBK byte-shift mojibake repaired where the repair reads as Chinese words, else flagged
 3. pinyin glosses after characters removed (聯(lián) -> 聯); real parentheses kept
 4. full-width ASCII forms to ASCII (digits, letters, ％, punctuation); ①, ², ㎡ left alone
 5. traditional -> simplified (OpenCC t2s) and the 著/着 fix-up; the original script recorded
 6. line work: metadata lines (date, source, dateline, editors, original title) read and
    removed, page furniture removed (resources/furniture.tsv), the title taken, broken lines
    joined, verbatim repeated paragraphs dropped
Sentences are split by `split_sentences`, which keeps quotes and decimals intact.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

from transforms.tracked import Tracked, join

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_LETTER = f"a-zü{TONE_MARKED}"
# A gloss: right after a CJK character, parentheses holding only pinyin letters (one or more
# syllables) with at least one tone mark. `(AI)`, `(POpS)`, `(南京)` have none and survive.
PINYIN_GLOSS = re.compile(
    rf"(?<=[{CJK}])[(（]\s*(?=[{PINYIN_LETTER}\s]*[{TONE_MARKED}])"
    rf"[{PINYIN_LETTER}]+(?:\s+[{PINYIN_LETTER}]+)*\s*[)）]"
)
INVISIBLE = re.compile("[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff\u00ad]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Full-width ASCII block to ASCII, ideographic space to space. Nothing else: NFKC would turn
# ①5000P into 15000P and m² into m2.
WIDTH_TABLE = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
WIDTH_TABLE[0x3000] = " "
WIDTH_TABLE[0x00A0] = " "
# Mojibake: a GBK two-byte character lost its first byte to "?" and the next one its high
# bit, so the rest decoded one byte out of step (seed 003: ?;浉郯拇鬄硡^).
GBK_SHIFT = re.compile(rf"\?(?P<span>[\x21-\x7e][^\x00-\x7f\s]{{2,}}[\x40-\x7e]?)")
MOJIBAKE_HINT = re.compile("\ufffd|[\u00c0-\u00ff][\u0080-\u00bf]{1,2}[\u00c0-\u00ff]")

TERMINAL = "。！？!?…"
CLOSERS = "”’」』)）】》\""
COMMA_LIKE = ",，、;；"

DATE_TIME = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
META_LINE = re.compile(
    rf"^(?:(?:发布时间|发布日期|时间|日期|更新时间)\s*[:]?\s*)?{DATE_TIME.pattern}"
    rf"(?P<rest>.{{0,60}})$"
)
SOURCE = re.compile(rf"(?:来源|来自|稿源)\s*[:]\s*(?P<src>[{CJK}A-Za-z0-9·]{{2,20}})")
DATELINE = re.compile(
    rf"^(?P<outlet>[{CJK}]{{1,8}}?(?:社|网|报|台|电视台|日报|晚报|新闻))"
    rf"(?P<city>[{CJK}]{{2,6}}?)(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日(?:电|讯|消息)"
    rf"\s*(?:[(（](?:记者|通讯员)?\s*(?P<rep>[^()（）]{{2,30}})[)）])?"
)
TRAILING_BYLINE = re.compile(
    rf"(?<=[{TERMINAL}”])\s*[(（](?P<names>[{CJK}]{{2,4}}(?:[\s、,][{CJK}]{{2,4}}){{0,5}})[)）]\s*$"
)
REPORTER_IN_CAPTION = re.compile(rf"(?:记者|通讯员)\s*(?P<n>[{CJK}]{{2,3}})(?=\s|摄|$)")
NAME_SPLIT = re.compile(r"[、,，/\s]+")
ONLY_DIGITS = re.compile(r"^[\d.、]+$")


@dataclass
class NormalisedArticle:
    text: Tracked
    title: str | None = None
    original_title: str | None = None
    published_at: datetime | None = None
    outlet: str | None = None
    dateline_city: str | None = None
    dateline_date: str | None = None
    reporters: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    script: str = "simplified"
    quality_flags: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.text.encode("utf-8")).hexdigest()


# --- resources -----------------------------------------------------------------------------

FURNITURE_KINDS = ("drop", "breadcrumb", "editor", "original_title", "caption", "keywords")


class ResourceError(ValueError):
    """A malformed line in a shipped word list or rule table."""


def read_resource(name: str) -> list[tuple[int, str]]:
    """(line number, line) of a resource file, comments and blank lines skipped."""
    text = resources.files("transforms.resources").joinpath(name).read_text("utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((n, line.rstrip("\n")))
    return out


@functools.lru_cache(maxsize=None)
def furniture_rules() -> tuple[tuple[str, re.Pattern], ...]:
    rules = []
    for n, line in read_resource("furniture.tsv"):
        kind, sep, pattern = line.partition("\t")
        if not sep or kind not in FURNITURE_KINDS:
            raise ResourceError(f"furniture.tsv line {n}: expected kind<TAB>regex, "
                                f"kind one of {FURNITURE_KINDS}")
        try:
            rules.append((kind, re.compile(pattern)))
        except re.error as exc:
            raise ResourceError(f"furniture.tsv line {n}: bad regex: {exc}") from exc
    return tuple(rules)


@functools.lru_cache(maxsize=None)
def zhe_words() -> frozenset[str]:
    """Words in which 著 stays 著 in simplified Chinese (著名, 显著 ...)."""
    return frozenset(w.strip() for _, w in read_resource("zhe_words.txt"))


@functools.lru_cache(maxsize=None)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


# --- character-level steps -----------------------------------------------------------------

def _word_coverage(text: str) -> float:
    """Share of CJK characters covered by dictionary words of two or more characters."""
    import rjieba

    cjk = count_cjk(text)
    if not cjk:
        return 0.0
    covered = sum(len(w) for w in rjieba.cut(text, False) if len(w) >= 2 and rjieba.has_word(w))
    return covered / cjk


def repair_gbk_shift(span: str) -> str | None:
    """Re-add the high bit lost by the first byte and decode as GBK; None if that fails."""
    try:
        data = bytearray(span.encode("gb18030"))
    except UnicodeEncodeError:
        return None
    data[0] |= 0x80
    try:
        repaired = bytes(data).decode("gbk")
    except UnicodeDecodeError:
        return None
    if not all("\u4e00" <= ch <= "\u9fff" for ch in repaired):
        return None
    return repaired


def fix_mojibake(t: Tracked, flags: list[str]) -> Tracked:
    """Repair GBK byte-shift spans whose repair reads as Chinese words; flag the rest."""
    def repl(m: re.Match) -> str:
        span = m.group("span")
        repaired = repair_gbk_shift(span)
        if repaired is not None:
            simple = to_simplified(repaired)
            if _word_coverage(simple) >= 0.6 and _word_coverage(simple) > _word_coverage(span):
                flags.append("mojibake_repaired")
                return "?" + repaired  # the lost character stays visible as "?"
        flags.append("mojibake_suspected")
        return m.group(0)

    t = t.sub(GBK_SHIFT, repl)
    if MOJIBAKE_HINT.search(t.text) and "mojibake_suspected" not in flags:
        flags.append("mojibake_suspected")
    return t


CJK_CHAR = re.compile("[\u4e00-\u9fff]")
FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000\u00a0]")


def count_cjk(text: str) -> int:
    return CJK_CHAR.subn("", text)[1]


def detect_script(text: str, simplified: str) -> str:
    if text == simplified:
        return "simplified" if CJK_CHAR.search(text) else "none"
    changed = sum(1 for a, b in zip(text, simplified) if a != b)
    if changed < 3:
        return "simplified"  # one or two variant characters, usually in names (昇腾)
    return "traditional" if changed / max(count_cjk(text), 1) >= 0.03 else "mixed"


ZHE = re.compile("著")


def fix_zhe(t: Tracked) -> Tracked:
    """OpenCC t2s keeps Taiwan-style 著 (随著, 面临著); in simplified text the aspect marker is
    着, while 著 stays in the words of resources/zhe_words.txt (著名, 显著 ...)."""
    words = zhe_words()
    text = t.text

    def repl(m: re.Match) -> str:
        i = m.start()
        for w in words:
            k = w.find("著")
            if text.startswith(w, i - k) and i - k >= 0:
                return "著"
        return "着"

    return t.sub(ZHE, repl)


# --- line-level steps ----------------------------------------------------------------------

def _names(value: str) -> list[str]:
    return [n for n in NAME_SPLIT.split(value.strip()) if n]


def _parse_dt(m: re.Match) -> datetime | None:
    try:
        return datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0),
                        int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None


def _ends_terminal(s: str) -> bool:
    s = s.rstrip(CLOSERS)
    return bool(s) and s[-1] in TERMINAL


def _is_fragment(line: str) -> bool:
    return len(line) < 40 and not _ends_terminal(line)


def normalise(raw: str) -> NormalisedArticle:
    flags: list[str] = []
    t = Tracked(raw)
    t = t.sub(re.compile(r"\r\n?"), "\n")
    t = t.sub(INVISIBLE, "")
    t = t.sub(CONTROL, "")
    t = fix_mojibake(t, flags)
    t = t.sub(PINYIN_GLOSS, "")
    if FULL_WIDTH.search(t.text):
        t = t.translate(WIDTH_TABLE)
    simplified = t.convert(to_simplified)
    script = detect_script(t.text, simplified.text)
    if script != "simplified":
        t = simplified  # simplified text is left as it is: t2s would turn 昇腾 into 升腾
    if script in ("traditional", "mixed") or "著" in t.text:
        t = fix_zhe(t)
    art = NormalisedArticle(text=t, script=script, quality_flags=flags)
    _line_work(art, [line.strip() for line in t.split_lines()])
    return art


def _line_work(art: NormalisedArticle, lines: list[Tracked]) -> None:
    """Read the header (title, date, source, dateline), drop furniture, keep the body.

    A title is the first short unterminated line of the header, confirmed by a metadata line
    (date, source, original title) after it; unconfirmed, it stays in the body."""
    body: list[Tracked] = []
    header_zone = True
    candidate: Tracked | None = None
    confirmed = False
    for line in lines:
        s = line.text
        if not s:
            continue
        if header_zone and len(s) < 90:
            m = META_LINE.match(s)
            if m and art.published_at is None:
                art.published_at = _parse_dt(m)
                src = SOURCE.search(m["rest"] or "")
                if src and re.search(f"[{CJK}]", src["src"]):
                    art.outlet = src["src"]
                confirmed = candidate is not None
                continue
        kind, value = _furniture(s)
        if kind:
            _furniture_metadata(art, kind, value, s)
            if kind in ("original_title", "drop") and candidate is not None and header_zone:
                confirmed = confirmed or kind == "original_title" or SOURCE.search(s) is not None
            continue
        if header_zone and candidate is None and _is_title(s):
            candidate = line
            continue
        if header_zone:
            header_zone = False
            if candidate is not None and not confirmed:
                body.append(candidate)
                candidate = None
            dl = DATELINE.match(s)
            if dl:
                art.dateline_city = dl["city"]
                art.dateline_date = f"{int(dl['m']):02d}-{int(dl['d']):02d}"
                if art.outlet is None:
                    art.outlet = dl["outlet"]
                if dl["rep"]:
                    art.reporters.extend(_names(dl["rep"]))
        body.append(line)
    if candidate is not None and not confirmed and header_zone:
        body.insert(0, candidate)
        candidate = None
    art.title = candidate.text if candidate is not None else art.original_title
    body = _strip_trailing_byline(art, body)
    body = _join_broken_lines(body)
    body = _drop_repeats(body, art.quality_flags)
    art.text = join(body, "\n")
    art.reporters = list(dict.fromkeys(art.reporters))
    art.editors = list(dict.fromkeys(art.editors))


def _furniture_metadata(art: NormalisedArticle, kind: str, value: str | None, line: str) -> None:
    if kind == "editor" and value:
        art.editors.extend(_names(value))
    elif kind == "original_title" and value:
        art.original_title = value.strip()
    elif kind == "caption":
        art.reporters.extend(m["n"] for m in REPORTER_IN_CAPTION.finditer(line))
    elif kind == "breadcrumb" and "breadcrumb_removed" not in art.quality_flags:
        art.quality_flags.append("breadcrumb_removed")
    if kind == "drop" and art.outlet is None:
        src = SOURCE.search(line)
        if src and re.search(f"[{CJK}]", src["src"]):
            art.outlet = src["src"]


def _furniture(line: str) -> tuple[str | None, str | None]:
    for kind, pattern in furniture_rules():
        m = pattern.search(line)
        if m:
            return kind, m.groupdict().get("v")
    return None, None


def _is_title(s: str) -> bool:
    return (4 <= len(s) <= 64 and not _ends_terminal(s) and s[-1] not in COMMA_LIKE
            and not DATELINE.match(s))


def _strip_trailing_byline(art: NormalisedArticle, body: list[Tracked]) -> list[Tracked]:
    if not body:
        return body
    last = body[-1]
    m = TRAILING_BYLINE.search(last.text)
    if m:
        art.reporters.extend(_names(m["names"]))
        body[-1] = last.slice(0, m.start()).strip()
    return body


def _join_broken_lines(body: list[Tracked]) -> list[Tracked]:
    """Join lines broken mid-sentence. A line ending in a comma always continues; in an
    article where most lines are short unterminated fragments (a poster-style repost), a
    short fragment joins the next short line too. Section numbers (01) stay alone."""
    if not body:
        return body
    fragments = sum(1 for b in body if _is_fragment(b.text))
    broken_mode = fragments / len(body) >= 0.4
    out: list[list[Tracked]] = []
    for line in body:
        s = line.text
        if out:
            prev = out[-1][-1].text
            prev_all = "".join(p.text for p in out[-1])
            joins = False
            if ONLY_DIGITS.match(prev) or ONLY_DIGITS.match(s):
                joins = False
            elif prev and prev[-1] in COMMA_LIKE:
                joins = True
            elif broken_mode and _is_fragment(prev) and len(s) < 40 \
                    and not _ends_terminal(prev_all):
                joins = True
            if joins:
                out[-1].append(line)
                continue
        out.append([line])
    return [join(group, "") for group in out]


def _drop_repeats(body: list[Tracked], flags: list[str]) -> list[Tracked]:
    seen: set[str] = set()
    out = []
    for para in body:
        key = para.text
        if len(key) >= 10 and key in seen:
            if "repeated_paragraph_dropped" not in flags:
                flags.append("repeated_paragraph_dropped")
            continue
        seen.add(key)
        out.append(para)
    return out


# --- sentences -----------------------------------------------------------------------------

OPENING_QUOTES = "“‘「『"
CLOSING_QUOTES = "”’」』"


SENTENCE_MARKS = re.compile(f"[\n{re.escape(TERMINAL + OPENING_QUOTES + CLOSING_QUOTES)}]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of sentences. Splits after 。！？!?… (and closing quotes or brackets
    right after them) outside quotation marks, and at every newline. A full stop inside a
    quote does not split; a decimal point never does."""
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    n = len(text)
    skip_to = 0
    for m in SENTENCE_MARKS.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
        ch = text[i]
        if ch == "\n":
            if text[start:i].strip():
                spans.append((start, i))
            start = i + 1
            depth = 0
        elif ch in OPENING_QUOTES:
            depth += 1
        elif ch in CLOSING_QUOTES:
            depth = max(0, depth - 1)
            if depth == 0 and i > 0 and text[i - 1] in TERMINAL:
                spans.append((start, i + 1))
                start = i + 1
        elif depth == 0:  # a terminal mark outside quotes
            j = i + 1
            while j < n and (text[j] in TERMINAL or text[j] in CLOSERS):
                j += 1
            spans.append((start, j))
            start = j
            skip_to = j
    if text[start:].strip():
        spans.append((start, n))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
