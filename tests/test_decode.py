import codecs

import pytest

from transforms.decode import DecodeError, decode_bytes

TEXT = "臨港新片區總算力超過3EFLOPS,智能算力占比近80%。"
SIMPLE = "临港新片区总算力超过3EFLOPS,智能算力占比近80%。"


@pytest.mark.parametrize("data, encoding, text", [
    (SIMPLE.encode("utf-8"), "utf-8", SIMPLE),
    (codecs.BOM_UTF8 + SIMPLE.encode("utf-8"), "utf-8", SIMPLE),
    (codecs.BOM_UTF16_LE + SIMPLE.encode("utf-16-le"), "utf-16", SIMPLE),
    (codecs.BOM_UTF16_BE + SIMPLE.encode("utf-16-be"), "utf-16", SIMPLE),
    ((SIMPLE * 4).encode("gb18030"), "gb18030", SIMPLE * 4),
    ((TEXT * 4).encode("big5"), "big5", TEXT * 4),
])
def test_decodes_known_encodings(data, encoding, text):
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text == text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"  \n\t \r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
    (b"PK\x03\x04" + b"\x00" * 40, "binary"),
    (bytes(range(0, 32)) * 20, "binary"),
])
def test_rejects_with_reason(data, reason):
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert err.value.reason == reason
    assert err.value.detail


def test_never_replaces_undecodable_bytes():
    # Invalid in UTF-8 and in every legacy codec tried: a reject, not "?" characters.
    data = b"\xff\xfe\xfd" * 3 + "算力".encode("utf-8")[:-1]
    with pytest.raises(DecodeError) as err:
        decode_bytes(b"\x80\x81" + data)
    assert err.value.reason in ("undecodable", "binary")
