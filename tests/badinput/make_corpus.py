"""Build the bad-input corpus: every kind of dirty file a crawl leaves in an input folder.

    python -m tests.badinput.make_corpus OUT_DIR

Written by this script (no hand-edited binaries). KINDS maps each file name to the kind and the
outcome the pipeline must give it: `article` (decoded and processed), `flagged:<flag>`
(processed, with that quality flag), `reject:<stage>/<reason>`, `duplicate`, or `skipped`
(not an input file: directories and dangling links, which no glob match returns).
"""
from __future__ import annotations

import codecs
import io
import json
import os
import random
import sys
import zipfile
from pathlib import Path

ARTICLE = ("2024-05-20 10:00:00 来源:新华社\n"
           "新华社武汉5月20日电 目前,武汉人工智能计算中心算力规模达到400P,部署智算卡超过3000张。"
           "预计2025年武汉总算力规模将超过5000P。\n"
           "专家认为,算力是数字经济发展的关键基础设施。")
TRADITIONAL = ("2024-05-20 10:00:00 來源:中央社\n"
               "臺灣新竹智算中心的智能算力達到100P,將持續擴充算力資源,服務更多企業。")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8ffff3f0005fe02fea7d605b40000000049454e44ae426082")

# file name -> (kind, expected outcome)
KINDS: dict[str, tuple[str, str]] = {
    "01_empty.txt": ("empty file", "reject:decode/empty"),
    "02_whitespace.txt": ("whitespace only (ASCII and ideographic)", "reject:decode/empty"),
    "03_image.txt": ("PNG image", "reject:decode/binary"),
    "04_archive.txt": ("ZIP archive", "reject:decode/binary"),
    "05_random.txt": ("random bytes", "reject:decode/binary"),
    "06_nul_inside.txt": ("NUL bytes inside text", "flagged:nul_removed"),
    "07_truncated_utf8.txt": ("truncated UTF-8", "flagged:truncated_utf8"),
    "08_gb18030.txt": ("GB18030", "article"),
    "09_big5.txt": ("Big5 (traditional)", "article"),
    "10_utf16_bom.txt": ("UTF-16 with BOM", "article"),
    "11_utf16_nobom.txt": ("UTF-16 LE without BOM", "article"),
    "12_latin1_mojibake.txt": ("Latin-1 mojibake of UTF-8 Chinese",
                               "flagged:latin1_mojibake_repaired"),
    "13_page.html": ("a full HTML page of a news article", "flagged:html_extracted"),
    "14_huge_line.txt": ("a 50 MB single line", "reject:read/too_large"),
    "15_no_chinese.txt": ("an article with no Chinese", "reject:normalise/no_chinese_text"),
    "16_numbers.txt": ("an article with 10,000 numbers", "article"),
    "17_lines.jsonl": ("JSON lines, one malformed line among good ones",
                       "jsonl:2 articles, 1 reject:decode/bad_json_line"),
    "18_duplicate.txt": ("the same article under another name", "duplicate"),
    "19_vanishing.txt": ("a file that disappears between listing and reading",
                         "reject:read/unreadable"),
    "20_link.txt": ("a symlink to an article outside the glob", "article"),
    "21_dangling_link.txt": ("a symlink to nothing", "skipped"),
    "22_subdir.txt": ("a directory matched by the glob", "skipped"),
    "23_gbk_mojibake.txt": ("GBK byte-shift mojibake inside a UTF-8 article",
                            "flagged:mojibake_repaired"),
    "24_utf8_bom.txt": ("UTF-8 with BOM", "article"),
    "25_script.html": ("an HTML page whose article text holds <script>",
                       "flagged:html_extracted"),
}


def build(out: Path) -> dict[str, tuple[str, str]]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    w = lambda name, data: (out / name).write_bytes(data)  # noqa: E731
    w("01_empty.txt", b"")
    w("02_whitespace.txt", b" \n\t\r\n  \xe3\x80\x80\n")
    w("03_image.txt", PNG)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", ARTICLE)
    w("04_archive.txt", buf.getvalue())
    w("05_random.txt", bytes(rng.randrange(256) for _ in range(4096)))
    data = ARTICLE.replace("智算卡", "智算卡 ").encode("utf-8")
    w("06_nul_inside.txt", data[:40] + b"\x00" + data[40:])
    data = (ARTICLE + "算").encode("utf-8")
    w("07_truncated_utf8.txt", data[:-1])
    w("08_gb18030.txt", ARTICLE.replace("武汉", "合肥").encode("gb18030"))
    w("09_big5.txt", TRADITIONAL.encode("big5"))
    w("10_utf16_bom.txt", codecs.BOM_UTF16_LE + ARTICLE.replace("武汉", "成都").encode("utf-16-le"))
    w("11_utf16_nobom.txt", ARTICLE.replace("武汉", "重庆").encode("utf-16-le"))
    w("12_latin1_mojibake.txt",
      ARTICLE.replace("武汉", "南京").encode("utf-8").decode("latin-1").encode("utf-8"))
    w("13_page.html", f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>郑州算力规模持续提升_新华网</title><meta name="publishdate" content="2024-05-21 09:00:00">
<style>body{{color:#333}}</style><script>var tracker = "https://example.invalid/t.js";</script>
</head><body><nav><a href="/">首页</a> &gt; <a href="/tech">科技</a></nav>
<article><h1>郑州算力规模持续提升</h1><p>目前,郑州人工智能计算中心算力规模达到300P。</p>
<p>预计2025年郑州总算力规模将超过2000P。</p></article>
<footer>版权所有 &copy; 2024</footer></body></html>""".encode("utf-8"))
    with open(out / "14_huge_line.txt", "wb") as f:
        chunk = ("算力" * 5000).encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    w("15_no_chinese.txt", b"Breaking: compute capacity grows. No Chinese text in this page at all.")
    numbers = "数据如下:" + ",".join(str(rng.randrange(10**6)) for _ in range(10_000)) + "。"
    w("16_numbers.txt", (ARTICLE.replace("武汉", "西安") + "\n" + numbers).encode("utf-8"))
    lines = [json.dumps({"title": "杭州算力", "published_at": "2024-05-22 08:00:00",
                         "source": "浙江日报", "text": "目前,杭州智算中心算力规模达到600P。"},
                        ensure_ascii=False),
             '{"title": "坏行", "text": "缺少结尾',
             json.dumps({"title": "宁波算力", "published_at": "2024-05-23", "source": "宁波日报",
                         "text": "宁波数据中心已部署服务器2万台,计划到2026年增至5万台。"},
                        ensure_ascii=False)]
    w("17_lines.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    w("18_duplicate.txt", ARTICLE.replace("武汉", "合肥").encode("utf-8"))  # = 08 once decoded
    w("19_vanishing.txt", ARTICLE.encode("utf-8"))
    target = out.parent / (out.name + "_outside") / "linked_article.txt"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(ARTICLE.replace("武汉", "长沙").encode("utf-8"))
    for name, dest in (("20_link.txt", target), ("21_dangling_link.txt", out / "nowhere.txt")):
        if os.path.lexists(out / name):
            os.unlink(out / name)
        os.symlink(dest, out / name)
    (out / "22_subdir.txt").mkdir(exist_ok=True)
    (out / "22_subdir.txt" / "inner.txt").write_bytes(ARTICLE.encode("utf-8"))
    shifted = "前一阶段是以头部企业为主的阶段" + "?;浉郯拇鬄硡^" + "是人工智能产业和制造业结合发展最具优势的区域。"
    w("23_gbk_mojibake.txt", (ARTICLE.replace("武汉", "广州") + "\n" + shifted).encode("utf-8"))
    w("24_utf8_bom.txt", codecs.BOM_UTF8 + ARTICLE.replace("武汉", "贵阳").encode("utf-8"))
    w("25_script.html", """<html><head><title>测试</title></head><body><article>
<p>深圳智算中心算力规模达到800P,&lt;script&gt;alert(1)&lt;/script&gt;仍在扩容。</p>
</article></body></html>""".encode("utf-8"))
    return KINDS


if __name__ == "__main__":
    build(Path(sys.argv[1]))
    print(f"{len(KINDS)} kinds written to {sys.argv[1]}")
