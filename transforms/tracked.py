"""Text that remembers where each character came from. Pure: no Beam import.

`Tracked(text, offsets)`: `offsets[i]` is the index in the raw (decoded) article of
`text[i]`. Every normalisation step maps a Tracked to a Tracked, so a fact found at
`[start, end)` of the clean text can be shown at `raw_span(start, end)` of the article as
published. Inserted characters take the offset of what they replace.
"""
from __future__ import annotations

import re
from array import array
from typing import Callable, Iterable


class Tracked:
    __slots__ = ("text", "offsets")

    def __init__(self, text: str, offsets: array | None = None):
        self.text = text
        self.offsets = array("i", range(len(text))) if offsets is None else offsets
        if len(self.offsets) != len(self.text):
            raise ValueError("offsets must have one entry per character")

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"Tracked({self.text!r})"

    def slice(self, start: int, end: int) -> "Tracked":
        return Tracked(self.text[start:end], self.offsets[start:end])

    def strip(self) -> "Tracked":
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self.slice(left, max(left, right))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) covering clean [start, end); (-1, -1) for an empty span."""
        if end <= start or not self.offsets:
            return (-1, -1)
        return (int(self.offsets[start]), int(self.offsets[end - 1]) + 1)

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> "Tracked":
        """re.sub that keeps offsets: an equal-length replacement maps char to char,
        any other maps every new char to the start of what it replaced."""
        pieces: list[str] = []
        offs = array("i")
        pos = 0
        text = self.text
        for m in pattern.finditer(text):
            s, e = m.span()
            new = repl(m) if callable(repl) else m.expand(repl)
            if s == e and not new:
                continue
            pieces.append(text[pos:s])
            offs.extend(self.offsets[pos:s])
            pieces.append(new)
            if len(new) == e - s:
                offs.extend(self.offsets[s:e])
            else:
                anchor = self.offsets[s] if s < len(text) else (self.offsets[-1] + 1 if text else 0)
                offs.extend([anchor] * len(new))
            pos = e
        if not pieces:
            return self
        pieces.append(text[pos:])
        offs.extend(self.offsets[pos:])
        return Tracked("".join(pieces), offs)

    def translate(self, table: dict[int, str]) -> "Tracked":
        """str.translate with a table of single-character replacements (offsets kept)."""
        out = self.text.translate(table)
        if len(out) != len(self.text):
            raise ValueError("translate table must map one character to one character")
        return Tracked(out, self.offsets)

    def convert(self, fn: Callable[[str], str]) -> "Tracked":
        """Apply a whole-text converter (such as OpenCC). Where it keeps the length (nearly
        always for t2s) offsets map char to char; a line whose length changed maps each
        of its new characters proportionally into the old line."""
        out = fn(self.text)
        if len(out) == len(self.text):
            return Tracked(out, self.offsets)
        parts = [convert_line(line, fn) for line in self.split_lines()]
        return join(parts, "\n")

    def split_lines(self) -> list["Tracked"]:
        lines = []
        start = 0
        for m in re.finditer("\n", self.text):
            lines.append(self.slice(start, m.start()))
            start = m.end()
        lines.append(self.slice(start, len(self.text)))
        return lines


def convert_line(line: Tracked, fn: Callable[[str], str]) -> Tracked:
    out = fn(line.text)
    if len(out) == len(line.text) or not line.text:
        return Tracked(out, line.offsets if len(out) == len(line.text) else array("i"))
    n_old, n_new = len(line.text), len(out)
    offs = array("i", (line.offsets[min(n_old - 1, i * n_old // n_new)] for i in range(n_new)))
    return Tracked(out, offs)


def join(parts: Iterable[Tracked], sep: str) -> Tracked:
    """Concatenate with a separator; the separator takes the offset just after the piece
    before it."""
    texts: list[str] = []
    offs = array("i")
    first = True
    for part in parts:
        if not first and sep:
            anchor = offs[-1] + 1 if len(offs) else 0
            texts.append(sep)
            offs.extend([anchor] * len(sep))
        texts.append(part.text)
        offs.extend(part.offsets)
        first = False
    return Tracked("".join(texts), offs)
