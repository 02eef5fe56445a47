"""Bytes -> text, or a clear reason why not. Pure: no Beam import.

Order of decisions (first that applies wins):
1. nothing but white space            -> DecodeError("empty")
2. a known binary signature (PNG, ZIP, PDF, GZIP, JPEG, GIF) or many control bytes
                                       -> DecodeError("binary")
3. a byte-order mark (UTF-8, UTF-16, UTF-32) -> that codec, strictly
4. valid UTF-8                          -> "utf-8"; a few NUL bytes in it are dropped
   (flag nul_removed); a multi-byte character cut off at the very end is dropped (flag
   truncated_utf8)
5. charset-normalizer among the Chinese legacy codecs and BOM-less UTF-16
   (gb18030, big5, utf_16_le, utf_16_be), strictly re-decoded -> that codec
6. otherwise                            -> DecodeError("undecodable")
Nothing is ever decoded with errors="replace": a byte we cannot read is a reject, not a "?".
"""
from __future__ import annotations

import codecs
import re
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
    flags: tuple[str, ...] = ()


# At most this share of NUL characters in otherwise valid UTF-8 is dropped as noise.
MAX_NUL_SHARE = 0.01


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


LATIN1_RUN = re.compile("[\u00c0-\u00ff][\u0080-\u00bf\u0152-\u2122]{1,3}")


def repair_latin1_mojibake(text: str) -> str | None:
    """UTF-8 Chinese that was once decoded as Latin-1 or cp1252 (ç®—åŠ› for 算力): undo
    it when the whole text round-trips and the result is Chinese; None otherwise."""
    if len(LATIN1_RUN.findall(text[:4096])) < 3 or re.search("[\u4e00-\u9fff]", text[:4096]):
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if re.search("[\u4e00-\u9fff]", repaired):
            return repaired
    return None


def decode_bytes(data: bytes) -> Decoded:
    decoded = _decode(data)
    if not decoded.text.strip():
        raise DecodeError("empty", f"{len(data)} bytes of white space, no text")
    return decoded


def _decode(data: bytes) -> Decoded:
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
    flags: tuple[str, ...] = ()
    if text is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                text = data[:exc.start].decode("utf-8", errors="strict") \
                    if _strict(data[:exc.start], "utf-8") is not None else None
                flags = ("truncated_utf8",) if text is not None else ()
    if text is not None:
        repaired = repair_latin1_mojibake(text)
        if repaired is not None:
            text, flags = repaired, flags + ("latin1_mojibake_repaired",)
        nuls = text.count("\x00")
        if not nuls:
            return Decoded(text, "utf-8", flags)
        if nuls <= MAX_NUL_SHARE * len(text) and not _looks_utf16(data):
            return Decoded(text.replace("\x00", ""), "utf-8", flags + ("nul_removed",))
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
