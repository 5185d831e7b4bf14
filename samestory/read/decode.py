"""Bytes to text: charset detection with a fast path for UTF-8."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
#: Share of bytes that may be undecodable UTF-8 before we ask charset detection instead:
#: crawls often carry a few broken multi-byte sequences in otherwise UTF-8 pages.
_MAX_REPLACEMENT_SHARE = 0.005
#: Valid multi-byte UTF-8 sequences, and lone bytes that are not part of one.
_HIGH_BYTES = bytes(range(0x80, 0x100))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


# Encodings that real web pages use (by share of sites), in Python's codec names.
_WEB_ENCODINGS = {
    "cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "shift_jis", "cp932", "euc_jp", "gb2312", "gbk",
    "gb18030", "big5", "euc_kr", "cp949", "iso8859_2", "koi8_r", "koi8_u", "cp1256", "cp1253", "cp1254",
    "cp1255", "cp1257", "cp874", "tis_620", "iso8859_7", "iso8859_9", "utf_16", "utf_16_le", "utf_16_be",
}


class DecodeError(ValueError):
    pass


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean "not text"."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; charset detection handles it when a BOM says so.
        return not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"))
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.02


def decode_bytes(data: bytes, declared: str | None = None, is_html: bool = False) -> str:
    """Decode crawled bytes; raise DecodeError with a human reason when impossible."""
    if looks_binary(data):
        raise DecodeError("binary content, not text or HTML")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        candidates.append(declared)
    if is_html:
        match = _META_CHARSET.search(data[:4096])
        if match:
            candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        if name.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= _MAX_REPLACEMENT_SHARE * max(len(text), 1) or _mostly_utf8(data):
        return text
    guesses = [m.encoding for m in from_bytes(data[:200_000]) if m.encoding]
    if not guesses:
        raise DecodeError("undecodable bytes: not UTF-8 and no character set fits")
    # charset_normalizer ranks rare DOS code pages (cp775, cp852...) first on short Western
    # text; a web page is far more likely to be in one of the encodings the web uses.
    web = [g for g in guesses if g in _WEB_ENCODINGS]
    for name in web or guesses:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    raise DecodeError(f"undecodable bytes: not UTF-8, and {guesses[0]} fails too")


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes: most non-ASCII bytes form valid UTF-8 sequences.

    A short file has few characters, so the share rule above cannot tell three bad bytes in a
    UTF-8 text from a legacy code page; a single-byte code page almost never forms valid
    multi-byte sequences, so counting them does.
    """
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    return in_sequences > 0 and in_sequences >= 0.75 * non_ascii

