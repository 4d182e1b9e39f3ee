"""Chinese text utilities for the report loader: a normalised view of the text that keeps
a map back to the stored offsets, numeral parsing, and the spaCy pipeline."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"
_SENTENCE_END = "。！？；!?;"
_CJK = re.compile(r"[\u3400-\u9fff]")


def parse_cn_int(text: str) -> int:
    """Parse a Chinese numeral below 10,000 (十 = 10, 三十 = 30, 一百零五 = 105; a digit right
    after 百 or 千 is the next place, 三千五 = 3500, 二百五 = 250)."""
    total, digit, unit, zero = 0, None, None, False
    for ch in text:
        if ch in "零〇":
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {text!r}")  # 二〇二四 is a year
            zero = True
        elif ch in _CN_DIGIT:
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {text!r}")  # 九五 is a name
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            if unit is not None and _CN_SMALL[ch] >= unit:
                raise ValueError(f"not a Chinese numeral: {text!r}")  # 十百
            unit = _CN_SMALL[ch]
            total += (1 if digit is None else digit) * unit
            digit, zero = None, False
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    if digit is not None and unit is not None and unit >= 100 and not zero:
        return total + digit * unit // 10
    return total + (digit or 0)


def parse_count(text: str) -> int:
    """A count written in digits (12) or in Chinese numerals (十二); ValueError otherwise."""
    return int(text) if text.isdigit() else parse_cn_int(text)


def parse_number(text: str) -> Decimal:
    """A number written in digits (12, 2.5, 1,086 with thousands grouped) or in Chinese."""
    if text[0].isdigit():
        return Decimal(text.replace(",", ""))
    return Decimal(parse_cn_int(text))


@cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


#: The share of a text's Chinese characters (and at least two) the converter must change
#: for the text to be read as traditional script. A text in simplified script has a few
#: characters the converter changes all the same (乾 of 乾安县 into 干): it is left as
#: written.
TRADITIONAL_SHARE = 0.05


def _in_traditional_script(text: str) -> bool:
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return False
    sample = "".join(cjk)
    converted = _t2s().convert(sample)
    if len(converted) != len(sample):
        converted = "".join(_t2s().convert(c) or c for c in sample)
    changed = sum(a != b for a, b in zip(sample, converted, strict=True))
    return changed >= max(2, TRADITIONAL_SHARE * len(cjk))


def simplified(text: str) -> str:
    """``text`` in simplified script, character by character, whatever script it is in."""
    out = _t2s().convert(text)
    return out if len(out) == len(text) else "".join(_t2s().convert(c) or c for c in text)


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E and ch not in "（）":
        return chr(code - 0xFEE0)
    if ch == "\u3000" or ch == "\ufeff":
        return " "
    return ch


def _ascii_punctuation(line: str) -> str:
    """A line of a web copy written with ASCII punctuation, read as Chinese punctuation of the
    same length: straight double quotes paired into “ and ”, and a full stop after Chinese text
    (not a decimal point: 2.5) into 。."""
    if '"' not in line and "." not in line:
        return line
    out = list(line)
    quotes = [i for i, ch in enumerate(out) if ch == '"']
    for k in range(0, len(quotes) - 1, 2):
        out[quotes[k]], out[quotes[k + 1]] = "“", "”"
    for i, ch in enumerate(out):
        if ch != "." or i == 0:
            continue
        before, after = out[i - 1], out[i + 1] if i + 1 < len(out) else ""
        # (代理.2025年: a digit after a Chinese word and a dot opens the next sentence; a
        # letter after it is a web address, 某某网.cn)
        if (_CJK.match(before) or before in "”)）") and not (after.isascii() and after.isalpha()):
            out[i] = "。"
    return "".join(out)


_GAP = " \u00a0\u3000"


def _joins_number(before: list[str], after: str) -> bool:
    """True for a space between a number and a Chinese word or a per cent sign, either way
    round: dropped from the search view, so that a number meets its unit."""
    prev = before[0] if before else ""
    if not prev or not after:
        return False
    if prev.isdigit():
        return bool(_CJK.match(after)) or after in "%％"
    return bool(_CJK.match(prev)) and after.isdigit()


def normalise(text: str) -> tuple[str, list[int]]:
    """A search view of ``text`` and, for each of its characters, the stored offset.

    Full-width digits and punctuation become half-width, traditional characters become
    simplified (character by character, so lengths stay equal), a line break that cuts a
    sentence in the middle (the line before is long and does not end a sentence) is dropped
    so that the words on both sides meet again, and so is a space between a number and a
    Chinese word or per cent sign (社区 28 个), and every invisible format character (a
    zero-width space, a byte-order mark, a soft hyphen); an arrow typed -> reads →.
    """
    converter = _t2s()
    traditional = _in_traditional_script(text)
    chars: list[str] = []
    index: list[int] = []
    lines = re.split(r"(\n[\s\u3000]*)", text)
    pos = 0
    previous_line = ""
    for part in lines:
        if part.startswith("\n"):
            nxt_start = pos + len(part)
            nxt_char = text[nxt_start] if nxt_start < len(text) else ""
            stripped = previous_line.strip()
            joins = (
                len(stripped) >= 30
                and not _metadata_line(stripped)
                and stripped[-1:] not in _SENTENCE_END + "。”"
                and _cut_between(stripped[-1:], nxt_char)
            )
            if not joins:
                chars.append("\n")
                index.append(pos)
            pos += len(part)
            continue
        simplified = converter.convert(part) if part and traditional else part
        if len(simplified) != len(part):
            simplified = "".join(converter.convert(c) or c for c in part)
        folded = _ascii_punctuation("".join(_fold_char(ch[0]) for ch in simplified))
        arrow = False
        for i, ch in enumerate(folded):
            if arrow:  # the > of an arrow written ->, read as → already
                arrow = False
                continue
            if ch in "-—–" and folded[i + 1 : i + 2] == ">":
                ch, arrow = "→", True  # A->B->C: an arrow typed in ASCII, one joiner
            if ch in _GAP and _joins_number(chars[-1:], folded[i + 1 : i + 2]):
                continue  # 社区 28 个, 96.5 %: a web page's spaces around a number
            if ch > "\x7f" and unicodedata.category(ch) == "Cf":
                continue  # a zero-width space, joiner, soft hyphen or mark a web copy carries
            chars.append(ch)
            index.append(pos + i)
        pos += len(part)
        previous_line = part
    index.append(len(text))
    return "".join(chars), index


_METADATA = re.compile(r"[|｜]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}|(?:[：:].*){2}")


def _cut_between(last: str, nxt: str) -> bool:
    """The characters either side of a line break are of one sentence: Chinese on both sides,
    or a number and its unit (1263|件, 收集|1263), not two numbers."""
    cjk_last, cjk_next = bool(_CJK.match(last)), bool(_CJK.match(nxt))
    return (cjk_last or last.isdigit()) and (cjk_next or nxt.isdigit()) and (cjk_last or cjk_next)


def _metadata_line(line: str) -> bool:
    """A web page's line of fields (来源：某日报 | 2026-08-21 08:30 | 责任编辑：某某): fields
    split by |, a date or a time of day, or two labels with colons. Such a line is never
    the first half of a sentence cut by a line break."""
    return _METADATA.search(line) is not None


def doc_text(doc: Any) -> str:
    """The text of a spaCy ``Doc``, read once: ``Doc.text`` joins every token on each access."""
    text = doc.user_data.get("govkg_text")
    if text is None:
        text = doc.user_data["govkg_text"] = doc.text
    return str(text)
