"""Bytes to text: a byte order mark, then UTF-8, then what the page declares, then a guess.

The order, for bytes that carry no BOM and are not UTF-8:

1. the charset the container or the page declares (`declared`, `<meta charset>`);
2. a file whose lines are partly UTF-8 and partly not (a feed that appended Latin-1 records to
   a UTF-8 file) is decoded line by line: no single encoding can decode both kinds of line
   right, and guessing one for the whole file turns every UTF-8 line into mojibake ("BrÃ¼cke");
3. UTF-8 with a few broken bytes stays UTF-8 (U+FFFD for the bad bytes);
4. a legacy encoding. charset-normalizer proposes; a multi-byte encoding (Shift_JIS, GBK,
   EUC-KR, Big5...) it ranks first is taken, since their byte structure is strong evidence. The
   single-byte code pages are another matter: most byte strings decode in all of them, and on
   short texts charset-normalizer's measures (mess and language coherence) cannot tell
   cp1252 from cp1250 or KOI8-R from cp1251 (its best guess missed 28-33 % of the short
   single-byte samples of benchmarks/encodings.py; QUESTIONS.md, issue 20). So each web code page's decoding is scored here by what a
   wrong code page produces and a right one does not: C1 control characters, symbols inside
   words (`gę¶l±`), letters of two scripts in one word, a lowercase letter followed by an
   uppercase one (`нЬТ`: KOI8-R read as cp1251), and non-ASCII letters that no one
   language's alphabet holds together (`naďf … l’śuvre`: French read as cp1250). The lowest
   score wins; ties go to the code page more web pages use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
#: Share of bytes that may be undecodable UTF-8 before we ask charset detection instead:
#: crawls often carry a few broken multi-byte sequences in otherwise UTF-8 pages.
_MAX_REPLACEMENT_SHARE = 0.005
#: Valid multi-byte UTF-8 sequences, and lone bytes that are not part of one.
_HIGH_BYTES = bytes(range(0x80, 0x100))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

#: Byte order marks, longest first (FF FE 00 00 is UTF-32LE, not UTF-16LE and a NUL).
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
)

#: Single-byte code pages of the web, most used first (W3Techs' shares: windows-1252 with its
#: ISO-8859-1/-15 relatives, then windows-1251, -1250, ...): the order breaks ties.
SINGLE_BYTE = (
    "cp1252", "cp1251", "cp1250", "iso8859_2", "cp1256", "cp1253", "cp1254", "iso8859_9", "koi8_r", "cp1255",
    "cp1257", "iso8859_7", "cp874", "koi8_u", "iso8859_15", "latin_1",
)
#: The script each non-Latin single-byte code page is for.
CODE_PAGE_SCRIPT = {
    "cp1251": "CYRILLIC", "koi8_r": "CYRILLIC", "koi8_u": "CYRILLIC", "cp1253": "GREEK", "iso8859_7": "GREEK",
    "cp1255": "HEBREW", "cp1256": "ARABIC", "cp874": "THAI",
}
#: Multi-byte legacy encodings, with the supersets charset-normalizer names (euc_jis_2004 for
#: EUC-JP...): taken when it ranks one of them first (one that reads kana first, if any).
MULTI_BYTE = {
    "shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "gb2312",
    "gbk", "gb18030", "big5", "big5hkscs", "cp950", "euc_kr", "cp949", "utf_16", "utf_16_le", "utf_16_be",
}
# Encodings that real web pages use (by share of sites), in Python's codec names.
_WEB_ENCODINGS = set(SINGLE_BYTE) | MULTI_BYTE | {"tis_620"}

#: Non-ASCII lowercase letters of the alphabets written in the single-byte code pages above
#: (Latin script only: the other scripts are told apart by script and case). A right decoding
#: uses letters one of these holds; a wrong one mixes letters of several.
ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ", "German": "äöüß", "Spanish": "áéíñóúü", "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú", "Catalan": "àçèéíïòóúü", "Dutch": "áéíóúëïöüè", "Danish/Norwegian": "æøåéó",
    "Swedish": "åäöé", "Finnish": "äöåšž", "Icelandic": "áðéíóúýþæö", "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž", "Polish": "ąćęłńóśźż", "Hungarian": "áéíóöőúüű", "Romanian": "ăâîșțşţ",
    "Croatian/Slovene": "čćđšž", "Turkish": "çğıöşüâî", "Lithuanian": "ąčęėįšųūž", "Latvian": "āčēģīķļņšūž",
    "Estonian": "äõöüšž", "Albanian": "çë",
}
_ALPHABET_SETS = [frozenset(letters) for letters in ALPHABETS.values()]
#: Characters that sit between two letters in real text (d’hôtel, l·l, Jean‑Paul).
_INSIDE_WORDS = set("’‘ʼ´`'·‑‐-–—")
#: Symbols that the Latin code pages put where another has a letter, and that real text
#: hardly uses: anywhere (¤ is ISO-8859-15's €, ¦ its Š), or next to a letter (± is ą).
_RARE_SYMBOLS = set("¤¦¨¸")
_NOT_BESIDE_LETTERS = set("±¶¹¼½¾")
#: Format characters that real text holds inside words: soft hyphen, zero-width (non-)joiner.
_INVISIBLE_IN_WORDS = set("\u00ad\u200c\u200d")
#: Scripts that are written next to Latin letters without a space (iPhone手机): no mixing there.
_JOINED_SCRIPTS = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"}


class DecodeError(ValueError):
    pass


#: Declared labels that browsers read as a superset (the WHATWG Encoding Standard): a page that
#: says ISO-8859-1 is read as windows-1252, whose curly quotes and dashes (0x80-0x9F) such
#: pages hold; Python's latin_1 would make them C1 control characters.
WHATWG_SUPERSETS = {
    "cp1252": ("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100",
               "us-ascii", "ascii", "windows-1252", "x-cp1252"),
    "cp1254": ("iso-8859-9", "iso8859-9", "iso_8859-9", "latin5", "l5", "windows-1254"),
    "cp874": ("tis-620", "iso-8859-11", "iso8859-11", "windows-874"),
    "gb18030": ("gb2312", "gbk", "x-gbk", "gb_2312-80", "chinese", "csgb2312"),
    "cp949": ("euc-kr", "ks_c_5601-1987", "windows-949", "korean", "ksc5601"),
    "cp932": ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"),
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "x-x-big5"),
}
_WHATWG = {label: codec for codec, labels in WHATWG_SUPERSETS.items() for label in labels}


def web_codec(label: str) -> str:
    """The codec a browser uses for a declared charset label (WHATWG_SUPERSETS), else the label."""
    return _WHATWG.get(label.strip().lower(), label)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when `data` opens with a byte order mark."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean "not text"."""
    head = data[:8192]
    if not head:
        return False
    if bom_encoding(head):  # UTF-16/32 text is full of NULs; its BOM says what it is
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.02


def decode_bytes(data: bytes, declared: str | None = None, is_html: bool = False) -> str:
    """Decode crawled bytes; raise DecodeError with a human reason when impossible."""
    bom = bom_encoding(data)
    if bom:  # the strongest evidence there is (the HTML standard puts it before any declaration)
        codec, size = bom
        return data[size:].decode(codec, errors="replace")
    if looks_binary(data):
        raise DecodeError("binary content, not text or HTML")
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
        for codec in dict.fromkeys((web_codec(name), name)):
            try:
                return data.decode(codec)
            except (LookupError, UnicodeDecodeError):
                continue
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return mixed
    if _broken_utf8(data):
        return data.decode("utf-8", errors="replace")
    return data.decode(legacy_encoding(data))


def legacy_encoding(data: bytes, single_byte: bool = False) -> str:
    """The codec of bytes that are neither UTF-8 nor marked (see the module's docstring, 4);
    with `single_byte`, one of SINGLE_BYTE (lines appended to a UTF-8 file)."""
    guesses = [] if single_byte else [m.encoding for m in from_bytes(data[:200_000]) if m.encoding]
    web = [g for g in guesses if g in _WEB_ENCODINGS]
    if web and web[0] in MULTI_BYTE:
        multi = [name for name in web if name in MULTI_BYTE and _decodes(data, name)]
        # Japanese is written with kana: a decoding that has them beats one that reads the
        # same bytes as Korean syllables (charset-normalizer's first guess on short Japanese)
        kana = [name for name in multi if _kana_share(data[:20_000].decode(name, errors="replace")) >= 0.25]
        if kana or multi:
            return (kana or multi)[0]
    sample = data[:65_536]  # enough to score: the scores compare code pages on the same bytes
    decoded = {name: text for name in SINGLE_BYTE if _decodes(data, name)
               and _in_its_script(name, text := sample.decode(name))}
    if decoded:
        return _most_plausible(decoded)
    for name in guesses:  # charset-normalizer's other proposals (cp1006, mac_roman...)
        if _decodes(data, name):
            return name
    if guesses:
        raise DecodeError(f"undecodable bytes: not UTF-8, and {guesses[0]} fails too")
    raise DecodeError("undecodable bytes: not UTF-8 and no character set fits")


def _kana_share(text: str) -> float:
    wide = [c for c in text if c >= "\u3040"]
    return sum("\u3040" <= c <= "\u30ff" for c in wide) / len(wide) if wide else 0.0


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def _in_its_script(name: str, text: str) -> bool:
    """A code page made for a script other than Latin is a candidate only for text whose
    non-ASCII letters are mostly in that script (cp1256 also holds œ and é, cp874 dashes)."""
    script = CODE_PAGE_SCRIPT.get(name)
    if script is None:
        return True
    letters = [c for c in text if not c.isascii() and c.isalpha()]
    return sum(_script(c) == script for c in letters) * 2 > len(letters)


def _most_plausible(decoded: dict[str, str]) -> str:
    """The code page whose decoding is least implausible; among equals, the one whose text is
    not mostly capitals (KOI8-R read as cp1251 swaps the case), then the one whose letters
    best match a language's frequencies (charset-normalizer's coherence: Hebrew in cp1255,
    not as Cyrillic in cp1251), then the one more web pages use."""
    ranked = sorted((implausibility(text), _mostly_capitals(text), rank, name)
                    for rank, (name, text) in enumerate(decoded.items()))
    tied = [name for score, capitals, _, name in ranked if (score, capitals) == ranked[0][:2]]
    if len({decoded[name] for name in tied}) <= 1:
        return tied[0]
    from charset_normalizer.cd import coherence_ratio

    coherence = {name: max((ratio for _, ratio in coherence_ratio(decoded[name][:20_000])), default=0.0)
                 for name in tied}
    return max(tied, key=lambda name: round(coherence[name], 2))  # max keeps the first of equals


def _mostly_capitals(text: str) -> bool:
    cased = [c for c in text if not c.isascii() and (c.isupper() or c.islower())]
    return sum(c.isupper() for c in cased) > 0.5 * len(cased) if len(cased) >= 8 else False


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters
_AROUND_NON_ASCII = re.compile(r"\S*[^\x00-\x7f]\S*")


def implausibility(text: str) -> float:
    """How much a decoding looks like the work of the wrong code page (0: not at all).

    Counted over the tokens that hold non-ASCII characters: C1 controls (10 each: cp1252 bytes
    read as Latin-1), symbols between two letters, words mixing two scripts, lowercase letters
    followed by uppercase ones, and (2 each) the non-ASCII Latin letters that the best-fitting
    alphabet of ALPHABETS lacks."""
    score = 0.0
    latin: set[str] = set()
    for token in _AROUND_NON_ASCII.findall(text):
        for i, c in enumerate(token):
            if c.isascii():
                continue
            if "\x80" <= c <= "\x9f":
                score += 10
                continue
            if not c.isalpha():
                category = unicodedata.category(c)
                beside = (i > 0 and token[i - 1].isalpha()) or (i < len(token) - 1 and token[i + 1].isalpha())
                if category[0] == "C" and c not in _INVISIBLE_IN_WORDS:
                    score += 1  # a control or format character where a letter was: ş read as cp1256's RLM
                elif category[0] == "M" and i > 0 and token[i - 1].isalpha() and _script(token[i - 1]) != _script(c):
                    score += 1  # a combining mark of another script: ö read as cp1256's Arabic kasra
                elif c in _RARE_SYMBOLS or (c in _NOT_BESIDE_LETTERS and beside):
                    score += 1
                elif (0 < i < len(token) - 1 and token[i - 1].isalpha() and token[i + 1].isalpha()
                        and c not in _INSIDE_WORDS and unicodedata.category(c)[0] in "SNP"):
                    score += 1
                continue
            if _script(c) == "LATIN":
                latin.add(c.lower())
        for word in _WORD.findall(token):
            if word.isascii():
                continue
            scripts = {_script(c) for c in word}
            if len(scripts - _JOINED_SCRIPTS) > 1 and not (scripts & _JOINED_SCRIPTS):
                score += 1
            score += sum(1 for a, b in zip(word, word[1:]) if a.islower() and b.isupper() and not (a + b).isascii())
    if latin:
        score += 2 * min(len(latin - alphabet) for alphabet in _ALPHABET_SETS)
    return score


@lru_cache(maxsize=4096)
def _script(c: str) -> str:
    """The first word of a character's Unicode name: LATIN, CYRILLIC, GREEK, CJK, ..."""
    name = unicodedata.name(c, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _decode_mixed_lines(data: bytes) -> str | None:
    """Lines of UTF-8 and lines of a legacy encoding in one file: each line decoded as what it
    is (None unless the file holds both kinds). A line that is UTF-8 but for a few broken bytes
    counts as UTF-8."""
    lines = data.split(b"\n")
    utf8 = legacy = 0
    kinds: list[bool | None] = []  # True: UTF-8, False: legacy, None: ASCII
    for line in lines:
        if line.isascii():
            kinds.append(None)
            continue
        try:
            line.decode("utf-8")
            is_utf8 = True
        except UnicodeDecodeError:
            is_utf8 = _mostly_utf8(line)
        kinds.append(is_utf8)
        utf8 += is_utf8
        legacy += not is_utf8
    if not (utf8 and legacy):
        return None
    # Shift_JIS lines in a UTF-8 file are not a thing; Latin-1 or cp1251 records appended to one are
    codec = legacy_encoding(b"\n".join(line for line, kind in zip(lines, kinds) if kind is False), single_byte=True)
    return "\n".join(line.decode("utf-8", errors="replace") if kind is not False else line.decode(codec, errors="replace")
                     for line, kind in zip(lines, kinds))


def _broken_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes: some valid multi-byte sequences, and few bad bytes beside
    them (a text without a single valid sequence is in a legacy encoding, however few its
    non-ASCII bytes: one cp1252 dash in an English page)."""
    if not _UTF8_MULTIBYTE.search(data):
        return False
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= _MAX_REPLACEMENT_SHARE * max(len(text), 1) or _mostly_utf8(data)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes: most non-ASCII bytes form valid UTF-8 sequences.

    A short file has few characters, so the share rule above cannot tell three bad bytes in a
    UTF-8 text from a legacy code page; a single-byte code page almost never forms valid
    multi-byte sequences, so counting them does.
    """
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    return in_sequences > 0 and in_sequences >= 0.75 * non_ascii
