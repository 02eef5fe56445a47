"""Bytes -> text, or a clear reason why not. Pure: no Beam import.

Order of decisions (first that applies wins):
1. nothing but white space            -> DecodeError("empty")
2. a known binary signature (PNG, ZIP, PDF, GZIP, JPEG, GIF) or many control bytes
                                       -> DecodeError("binary")
3. a byte-order mark (UTF-8, UTF-16, UTF-32) -> that codec, strictly
4. valid UTF-8                          -> "utf-8"
5. charset-normalizer among the Chinese legacy codecs and BOM-less UTF-16
   (gb18030, big5, utf_16_le, utf_16_be), strictly re-decoded -> that codec
6. otherwise                            -> DecodeError("undecodable")
Nothing is ever decoded with errors="replace": a byte we cannot read is a reject, not a "?".
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"%PDF-", "PDF document"),
    (b"\x1f\x8b", "GZIP archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY_CODECS = ("gb18030", "big5", "utf_16_le", "utf_16_be")
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13}
# More than this share of control bytes (outside a UTF-16 layout) means binary.
MAX_CONTROL_SHARE = 0.02


class DecodeError(ValueError):
    """Input that cannot be read as text; `reason` is a short code for the rejects table."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf16(data: bytes) -> bool:
    """BOM-less UTF-16 with ASCII in it (digits, punctuation, Latin) has many NULs, all on
    one byte parity; binary data has them on both."""
    if len(data) < 4 or len(data) % 2:
        return False
    half = len(data) // 2
    even = data[0::2].count(0) / half
    odd = data[1::2].count(0) / half
    return max(even, odd) >= 0.1 and min(even, odd) <= 0.01


def decode_bytes(data: bytes) -> Decoded:
    if not data.strip():
        raise DecodeError("empty", f"{len(data)} bytes, no text")
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise DecodeError("binary", f"{kind} ({len(data)} bytes); not an article")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                raise DecodeError("undecodable", f"starts with a {codec} byte-order mark "
                                  "but is not valid {codec}")
            return Decoded(text.lstrip("\ufeff"), codec.replace("-sig", ""))
    text = _strict(data, "utf-8")
    if text is not None and "\x00" not in text:
        return Decoded(text, "utf-8")
    utf16 = _looks_utf16(data)
    head = data[:65536]
    controls = sum(1 for b in head if b in _CONTROL)
    if not utf16 and controls > MAX_CONTROL_SHARE * len(head):
        raise DecodeError("binary", f"{controls} control bytes in the first {len(head)}; "
                          "not a text file")
    return _detect_legacy(data, prefer_utf16=utf16)


def _detect_legacy(data: bytes, prefer_utf16: bool) -> Decoded:
    from charset_normalizer import from_bytes  # imported here: only legacy files pay for it

    codecs_tried = ("utf_16_le", "utf_16_be") if prefer_utf16 else _LEGACY_CODECS
    best = from_bytes(data, cp_isolation=list(codecs_tried)).best()
    if best is not None:
        text = _strict(data, best.encoding)
        if text is not None and "\x00" not in text:
            return Decoded(text, best.encoding.replace("_", "-"))
    raise DecodeError("undecodable", "not valid UTF-8 and no strict decoding as "
                      + ", ".join(codecs_tried) + " reads as text")
