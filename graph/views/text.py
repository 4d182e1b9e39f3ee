"""Label text: wrapping labels into balanced lines and writing reported numbers in
Chinese and English.

>>> wrap_label("街道党工委", 4)
'街道党\\n工委'
>>> fmt_value("68", "个", "exact")
'68个'
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from functools import cache

from govkg.graph.views.config import config


def text_units(text: str) -> float:
    """Width in Chinese characters: Latin letters and digits count as about half."""
    return sum([0.6 if c < "\u2e80" else 1.0 for c in text])


@cache  # pages wrap each label twice: to size their layout, then to draw it
def wrap_label(text: str, per_line: int, max_lines: int = 3) -> str:
    """Break a label into balanced lines of at most ``per_line`` Chinese characters (Latin
    letters and digits count as about half and words are not split, except after a
    hyphen), at most ``max_lines`` lines, the last ending in … when text is left over;
    line breaks already in the text are kept."""
    lines: list[str] = []
    for para in text.strip().split("\n"):
        para = para.strip()
        total = text_units(para)
        if total <= per_line:  # one line, as the loop below would make it
            lines.append(para)
            continue
        tokens = re.findall(r"[^\s\u2e80-\uffff-]+-?|-|\s+|.", para)
        # as many lines as needed, then as even as possible: 11 characters in lines of 10
        # become 6 + 5, not 10 + 1; when there is no room for that, fill each line
        needed = max(1, math.ceil(total / per_line - 0.01)) if total else 1
        room = max_lines - len(lines)
        target = total / needed if needed <= room else float(per_line)
        line, width = "", 0.0
        for tok in tokens:
            w = text_units(tok) if len(tok) > 1 else (0.6 if tok < "\u2e80" else 1.0)
            if line and (width + w > per_line + 0.01 or width >= target - 0.01):
                lines.append(line.rstrip())
                line, width = "", 0.0
                if tok.isspace():
                    continue
            line += tok
            width += w
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) > 1 and text_units(last + "…") > per_line + 0.01:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return "\n".join(lines)


def line_count(label: str) -> int:
    return label.count("\n") + 1


def fmt_number(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def fmt_value(value: str, unit: str, qualifier: str, value_max: str = "") -> str:
    """A reported number as a Chinese label: 约68个, 7万多个 stays 70000多个."""
    num = fmt_number(value)
    if value_max:
        num = f"{num}至{fmt_number(value_max)}"
    if qualifier == "approx_about":
        return f"约{num}{unit}"
    if qualifier == "approx_nearly":
        return f"近{num}{unit}"
    if qualifier == "approx_more_than":
        return f"{num}多{unit}" if unit and unit != "%" else f"{num}{unit}以上"
    return f"{num}{unit}"


def fmt_value_en(value: str, unit: str, qualifier: str, value_max: str = "") -> str:
    num = fmt_number(value)
    if value_max:
        num = f"{num}–{fmt_number(value_max)}"
    unit_en = config()["units_en"].get(unit, "")
    text = f"{num}{unit_en}" if unit_en == "%" else f"{num} {unit_en}".strip()
    prefix = {"approx_about": "about ", "approx_nearly": "nearly ", "approx_more_than": "over "}
    return prefix.get(qualifier, "") + text


#: gk:countScope in the details of a statistic, in both languages: what the number counts
#: and whether it is compared with other numbers for conflicts.
COUNT_SCOPE_TEXT = {
    "total": "总数：该地全部（参与冲突比较） / total: all there are (compared for conflicts)",
    "subset": "部分：仅做了某事的（不与总数比较冲突） / subset: only those that did something "
    "(not compared for conflicts)",
    "change": "变化量：增加或减少了多少（不与总数比较冲突） / change: by how much a count grew or "
    "fell (not compared for conflicts)",
    "per": "每个：每一个单位各有多少（不与总数比较冲突） / per: what each one of something has "
    "(not compared for conflicts)",
}


def qualifier_zh(q: str) -> str:
    return {
        "exact": "精确",
        "approx_more_than": "余/多",
        "approx_about": "约",
        "approx_nearly": "近",
        "percent": "百分比",
    }.get(q, q)
