"""The article text of a saved HTML page. Pure: no Beam import; the standard library's
HTMLParser, no network and no JavaScript.

Text comes from the <article> element when there is one, else from <body>; <script>, <style>,
<noscript>, <nav>, <header>, <footer>, <aside>, <form> and comments are dropped; block
elements (p, div, br, li, h1-h6, tr ...) end lines. The title is <h1> or else <title>; a
<meta name="publishdate|pubdate|article:published_time"> or <time datetime> becomes a date
line the normaliser reads like any other header.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
        "svg", "template", "button", "select"}
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
         "section", "article", "blockquote", "pre", "table", "dd", "dt", "figcaption"}
DATE_META = {"publishdate", "pubdate", "article:published_time", "og:published_time",
             "publish_time", "date"}
HTML_START = re.compile(r"^\s*(<!doctype html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.I)


def looks_like_html(text: str) -> bool:
    head = text[:2048]
    return bool(HTML_START.match(head)) or ("<body" in head.lower() and "</" in text[:65536])


class _Extractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.in_article = 0
        self.in_body = 0
        self.in_title = self.in_h1 = False
        self.body: list[str] = []
        self.article: list[str] = []
        self.title: list[str] = []
        self.h1: list[str] = []
        self.date: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in SKIP:
            self.skip_depth += 1
        elif tag == "article":
            self.in_article += 1
        elif tag == "body":
            self.in_body += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.in_h1 = True
        elif tag == "meta":
            key = (a.get("name") or a.get("property") or "").lower()
            if key in DATE_META and a.get("content") and not self.date:
                self.date = a["content"]
        elif tag == "time" and a.get("datetime") and not self.date:
            self.date = a["datetime"]
        if tag in BLOCK:
            self._newline()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "article":
            self.in_article = max(0, self.in_article - 1)
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in BLOCK:
            self._newline()

    def _newline(self):
        for buf in (self.body, self.article):
            if buf and buf[-1] != "\n":
                buf.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1.append(data)
            return
        if self.in_article:
            self.article.append(data)
        if self.in_body or not self.title:
            self.body.append(data)


def _clean(parts: list[str]) -> str:
    lines = [re.sub(r"[ \t\u3000]+", " ", ln).strip() for ln in "".join(parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


def html_to_text(html: str) -> tuple[str, str | None]:
    """(text with a title line and a date line first where known, title)."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    body = _clean(parser.article) or _clean(parser.body)
    title = _clean(parser.h1) or _clean(parser.title) or None
    if title:
        title = title.split("\n")[0]
        title = re.split(r"\s*[_|｜-]\s*(?=[^_|｜-]{2,20}$)", title)[0]  # "标题_新华网"
    head = []
    if title:
        head.append(title)
    if parser.date:
        head.append(f"发布时间:{parser.date.replace('T', ' ')[:19]}")
    return "\n".join(head + [body]), title
