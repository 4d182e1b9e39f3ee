"""Reading what a reported number counts (its measure) and how it counts it (its scope),
out of the words around it in the normalised text: the part of the report loader
(:class:`govkg.loaders.text.TextLoader`) that works on words and their classes. The cue words
are in ``measures.yaml``; the word classes are jieba's."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from govkg.loaders.base import Ranges
from govkg.loaders.corpus import Text
from govkg.loaders.enumerations import cues
from govkg.loaders.gazetteer import place_rules, text_names
from govkg.loaders.lexicon import Lexicon, lexicon, measure_cues, unify
from govkg.loaders.places import _opener
from govkg.loaders.zh import CN_NUMERAL

# Parts of speech (jieba tags) that may sit inside a noun phrase naming what is counted.
_NOUNISH = ("n", "j", "l", "vn", "an", "nz", "nt", "ns", "zg", "ng", "b", "a", "eng", "i", "s")

_MEASURE_CUES: dict[str, Any] = measure_cues()


def _posseg(text: str) -> list[tuple[str, str]]:
    """jieba's words and tags; a word that opens with one of the verbs of ``verbal_words``
    is that verb and the words after it (联系群众, one idiom to jieba → 联系 | 群众), and a
    four-character idiom that opens with an adverb is the adverb and the rest (积极参与 →
    积极 | 参与); 点 after a word is one noun with it (服务点)."""
    import jieba.posseg

    out: list[tuple[str, str]] = []
    verbs = _MEASURE_CUES["verbal_words"]
    tags = jieba.posseg.dt.word_tag_tab
    for w, f in jieba.posseg.cut(text):
        # (a word ending one character after the verb is a noun of its own: 联系点, 联系户)
        verb = next((v for v in verbs if w.startswith(v) and len(w) > len(v) + 1), None)
        if verb is not None:
            out.append((verb, "v"))
            out.extend((x, g) for x, g in jieba.posseg.cut(w[len(verb) :]))
        elif f in ("i", "l") and len(w) == 4 and tags.get(w[:2]) in ("ad", "d"):
            out.append((w[:2], str(tags[w[:2]])))
            out.extend((x, g) for x, g in jieba.posseg.cut(w[2:]))
        elif w == "点" and f == "m" and out and out[-1][1] != "m" and out[-1][0][-1:].isalpha():
            # 服务|点, 联系|点: 点 after a word (not a number) is a site, one noun with it
            out[-1] = (out[-1][0] + w, "n")
        else:
            out.append((w, f))
    return out


@cache
def _count_re() -> re.Pattern[str]:
    """A count and its unit (21项, 三十余个)."""
    units = "|".join(map(re.escape, sorted(lexicon().units, key=len, reverse=True)))
    return re.compile(rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL}]+)[余多]?(?:{units})")


def _is_nounish(word: str, flag: str) -> bool:
    if word in "()（）“”·":
        return True
    if word in _MEASURE_CUES["nominal_words"]:
        return True  # 县(局)|级|领导干部
    if len(word) == 2 and word.endswith(tuple(_MEASURE_CUES["nominal_words"])):
        return True  # 处级, 科级: a rank the segmenter may tag as a verb
    if word.endswith(tuple(_MEASURE_CUES["nominal_endings"])):
        return True  # 办结|率, 满意度: the segmenter may tag a rate as a verb
    if word in _MEASURE_CUES["verbal_words"]:
        return False  # 选派|专职网格员: a verb the segmenter's dictionary calls a noun
    # ad: an adjective used as an adverb (积极|融入), no part of a noun phrase
    return flag.startswith(_NOUNISH) and not flag.startswith(("nr", "r", "ad"))


# --------------------------------------------------------------------------- text model


def _ranked_noun(words: list[tuple[str, str]]) -> bool:
    """True for a noun after a rank word (12个|一级|网格, 68个|二级|网格)."""
    return (
        len(words) > 1
        and re.fullmatch(rf"[{CN_NUMERAL}]+级", words[0][0]) is not None
        and _is_nounish(*words[1])
    )


@cache
def _division_names() -> tuple[frozenset[str], int]:
    names = frozenset(text_names())
    return names, max(map(len, names))


def _without_leading_division(text: str) -> str:
    """``text`` without the names of divisions it opens with (浙江省义乌市…), where at least
    two characters are left: the place is where the number is, not part of what is counted."""
    names, longest = _division_names()
    cut = True
    while cut:
        cut = False
        for k in range(min(longest, len(text) - 2), 1, -1):
            if text[:k] in names:
                text, cut = text[k:], True
                break
    return text


def _acts_on(measure: str) -> str:
    """What a measure that holds a verb acts on: the words after its last verb (受理群众诉求,
    网格收集民生诉求, 社区累计受理居民诉求 → 群众诉求, 民生诉求, 居民诉求); else ""."""
    words = _posseg(measure)
    last = max((k for k, (_w, f) in enumerate(words[:-1]) if f == "v"), default=-1)
    if last < 0 or words[last + 1][1] == "v":
        return ""  # 送医送药: actions, nothing acted on named
    rest = "".join(w for w, _f in words[last + 1 :])
    return rest if len(rest) >= 2 else ""


def _unquote(text: str) -> str:
    """``text`` without the quotes around all of it, keeping a quoted part inside it whole
    (“送法进社区”活动, 清理“僵尸车”): a quote is dropped only with its pair, or where it has
    none."""
    text = text.strip()
    while (
        len(text) >= 2
        and text[0] == "“"
        and text[-1] == "”"
        and text[1:-1].count("“") == text[1:-1].count("”")
    ):
        text = text[1:-1]
    if text.startswith("“") and text.count("“") > text.count("”"):
        text = text[1:]
    if text.endswith("”") and text.count("”") > text.count("“"):
        text = text[:-1]
    return text


class MeasureReading:
    """What :class:`~govkg.loaders.text.TextLoader` reads of each number's words (a mixin:
    it uses the loader's lexicon, and ``measured``: what each statistic of the document read
    so far counts, in which unit, by its offset)."""

    lex: Lexicon
    measured: dict[int, tuple[str, str]]

    def _same_unit_before(self, sp: Any, norm: str) -> str | None:
        """What the last statistic before ``sp`` in its sentence (to the full stop, across
        semicolons) counts, where it counts in the same unit."""
        stop = max(norm.rfind(ch, 0, sp.start_char) for ch in "。！？!?\n") + 1
        unit = sp._.quantity.unit or ""
        for start, (text, other_unit) in reversed(self.measured.items()):  # in text order
            if start < stop:
                break
            if start < sp.start_char and other_unit == unit and text:
                return text
        return None

    def _measure_named_before(
        self, norm: str, lo: int, hi: int, names: Ranges
    ) -> tuple[str, int, int] | None:
        """The measure the lexicon knows that ends last in ``norm[lo:hi]`` outside place
        names (东湖社区 is no 社区 counted), the longest of those ending there, with its
        span; None if there is none."""
        best: tuple[str, int, int] | None = None
        for label in self.lex.measures:
            if len(label) < 2:
                continue
            k = norm.rfind(label, lo, hi)
            while k >= 0 and names.holder(k) is not None:
                k = norm.rfind(label, lo, k)
            if k < 0:
                continue
            end = k + len(label)
            if best is None or (end, len(label)) > (best[2], len(best[0])):
                best = (label, k, end)
        return best

    def _people_after_verb(self, sp: Any, words: list[tuple[str, str]]) -> bool:
        """True for people counted with a two-character word of the verb class before the
        noun that names them (3200名|在职|党员, 45名|下沉|干部), and for anything counted so
        where the noun ends the clause (900多个|报到|单位、…: the verb describes the noun)."""
        if not (
            len(words) > 1
            and words[0][1] == "v"
            and len(words[0][0]) == 2
            and _is_nounish(*words[1])
        ):
            return False
        if len(words) == 2:
            return True
        return words[1][0].endswith(
            tuple(_MEASURE_CUES["person_noun_endings"])
        ) and self.lex.units.get(sp._.quantity.unit, "") in ("person", "person-time")

    def _measure(
        self,
        t: Text,
        sp: Any,
        s_start: int,
        prev: dict[int, tuple[str, int, int]],
        names: Ranges | None = None,
    ) -> tuple[str, int, int]:
        norm = t.norm
        place = names.holder(sp.start_char - 1) if names is not None else None
        ends_item = norm[sp.end_char : sp.end_char + 1] in ("", *"、，。；,;\n")
        if place is not None and place[1] == sp.start_char and ends_item:
            # 党员中心户分布为：东湖社区120户、西湖社区95户: right after a place's name, the
            # number counts the measure named before it in the sentence, not the place
            earlier = self._measure_named_before(norm, s_start, place[0], names)
            if earlier is not None:
                return earlier
        q_end = sp._.quantity.end
        end = q_end if sp.start_char < q_end <= sp.end_char else sp.end_char
        running = self._years_running(norm, sp, end)
        if running is not None:
            return running
        # clause bounds
        c_end = end
        depth = 0  # 12个县（市、区）: a 、 inside brackets breaks no clause
        while c_end < len(norm) and (depth > 0 or norm[c_end] not in "，。；：！？,;:!?\n、"):
            if norm[c_end] in "(（":
                depth += 1
            elif norm[c_end] in ")）" and depth > 0:
                depth -= 1
            elif norm[c_end] in "。！？!?\n":
                break  # an unclosed bracket ends at the sentence
            c_end += 1
        c_start = sp.start_char
        depth = 0  # 辖乡(林场、园区)12个: a 、 inside brackets breaks no clause
        while c_start > s_start and (depth > 0 or norm[c_start - 1] not in "，。；：！？,;:!?\n、"):
            ch = norm[c_start - 1]
            if ch in ")）":
                depth += 1
            elif ch in "(（":
                depth = max(0, depth - 1)
            elif ch in "。！？!?\n":
                break
            c_start -= 1
        c_start = _inside_brackets(norm, c_start, sp.start_char)
        if norm.startswith(("“", "「"), end):
            # a quoted phrase after the number is read whole, its inner 、 no clause break
            close = norm.find("”" if norm[end] == "“" else "」", end)
            if c_end < close <= end + 40:
                c_end = close + 1
                while c_end < len(norm) and norm[c_end] not in "，。；：！？,;:!?\n、":
                    c_end += 1
        # 17条21项执法职能: a count right after the unit counts what the next count counts
        nxt = _count_re().match(norm, end, c_end)
        if nxt is not None and nxt.end() < c_end:
            end = nxt.end()
        # 205个“冷可取暖、热可纳凉”的“暖新驿站”: the quoted words before 的 describe it
        described = re.compile(r"[“「][^”」]{1,40}[”」]的").match(norm, end, c_end)
        if described is not None and described.end() < c_end:
            end = described.end()
        share = re.match(r"(?:以上|以下|左右)?的", norm[end:c_end])
        lead = norm[c_start : sp.start_char].strip()
        only_place = (
            not lead
            or lead in place_rules()["deixis"]
            or lead in _division_names()[0]
            or lead.endswith("有")  # 已有96%的村: a share of the villages
        )
        if share is not None and only_place and (sp._.quantity.unit or "") == "%":
            end += share.end()  # 全区80%以上的社区: a share of the 社区
        if norm[end : end + 1] in ("(", "（"):
            # 城市社区289个（其中涉农社区33个）: the brackets say more of the figure before
            # them; what it counts stands before the number
            close = re.search(r"[)）]", norm[end:c_end])
            if close is not None:
                end += close.end()
        after = norm[end:c_end]
        words = _posseg(after) if after else []
        if after.startswith(tuple(v for v in _MEASURE_CUES["joining_verbs"] if len(v) >= 3)):
            words = []  # 由原来的300人|发展到…: the earlier figure of the subject before 由
        # 党员中心户56户联系牧户680户: a noun before the number that ends in its unit (户)
        # is what it counts, whatever follows
        unit = sp._.quantity.unit or ""
        echoed = len(unit) == 1 and norm[sp.start_char - 1 : sp.start_char] == unit
        # 42名区级领导、96个区直|部门: a count opening an item of a list of counts is
        # followed by what it counts, whatever class the segmenter gives its first word
        list_item = (
            norm[c_start - 1 : c_start] == "、"
            and c_start == sp.start_char
            and len(words) > 1
            and words[0][1].startswith("v")
            and _is_nounish(*words[1])
        )
        # the whole clause, past the 、 of a list of those counted
        stop = re.search(r"[，。；！？,;!?\n]", norm[end : end + 60])
        serving = self._role_served(norm[end : end + (stop.start() if stop else 0)], unit)
        if serving is not None:
            role, k = serving
            return role, end + k, end + k + len(role)
        headed = self._head_after_description(after) if words and not echoed else None
        if headed is not None:
            head, k = headed
            return head, end + k, end + k + len(head)
        # pre-nominal: 289个社区 …, 3200名在职党员 …
        if (
            words
            and not echoed
            and (
                _is_nounish(*words[0])
                or words[0][0] == "“"
                or self._people_after_verb(sp, words)
                or _ranked_noun(words)
                or list_item
            )
        ):
            acc = ""
            i = 0
            depth = 0
            while i < len(words):
                w, f = words[i]
                if w in "“(（":
                    depth += 1
                elif w in "”)）":
                    depth -= 1
                elif depth <= 0 and not _is_nounish(w, f):
                    if i == 0 and _ranked_noun(words):
                        pass  # 一级|网格: the rank is part of what is counted
                    elif (
                        len(acc.strip("“”")) < 2
                        and f.startswith("v")
                        and i + 1 < len(words)
                        and _is_nounish(*words[i + 1])
                        and not self._known_count_word(acc)  # 28个村|建成|议事点: 村
                    ):
                        pass
                    else:
                        break
                elif depth <= 0 and f != "n" and self._known_count_word(acc):
                    break  # 21个街道|全面推广: after a level word only a plain noun goes on
                acc += w
                i += 1
                if depth < 0:
                    break
            acc = acc.rstrip("“(（")
            nxt = end + len(acc)
            if (len(acc) == 1 or acc.endswith("级")) and norm[nxt : nxt + 1] == "、":
                # 5位市、县级领导, 37名处级、科级干部: one level (or rank) of a list of them;
                # the list and its head count
                more = ""
                for w, f in _posseg(norm[nxt + 1 : nxt + 13]):
                    if not _is_nounish(w, f) or w in "，。；：！？,;:!?、\n":
                        break
                    more += w
                if more:
                    acc = acc + "、" + more
            key = unify(acc)
            becomes = norm[end + len(acc) : end + len(acc) + 1] == "为"
            if key not in self.lex.measures and becomes:
                # 287个社区细化为… : a known measure followed by a verb of becoming
                for label in sorted(self.lex.measures, key=len, reverse=True):
                    if len(label) >= 2 and key.startswith(label) and 0 < len(key) - len(label) <= 2:
                        acc = acc[: len(label)]
                        break
            place = unify(self._clean(acc)) in self.lex.covered_levels
            if place and self.lex.units.get(sp._.quantity.unit, "") in ("person", "person-time"):
                acc = after[:8]  # 3名社区治理专干: people of the place, not the place
            lone = _posseg(acc) if acc else []
            if len(lone) == 1 and lone[0][1] == "a":
                acc = ""  # 5-15户不等: an adjective alone after the number says how, not what
            if len(acc.strip("“”()（）")) >= 1:
                cleaned = self._clean(acc)
                k = acc.find(cleaned) if cleaned else -1
                if k >= 0:  # the span of what is counted, without the words cleaned off
                    a, b = end + k, end + k + len(cleaned)
                    if not acc[:k].strip("“「(（"):
                        a = end  # only an opening quote cleaned off: it stays in the span
                    while b < end + len(acc) and norm[b] in "”」)）":
                        b += 1  # and so does the closing one
                    return cleaned, a, b
                return cleaned, end, end + len(acc)
        listed = self._listed_measure(norm, sp, s_start)
        if listed is not None:
            return listed
        # post-nominal: 建立党建联盟601个
        before = norm[c_start : sp.start_char]
        if (
            -1 in prev
            and not after.strip()
            and re.search(r"\d[^\d，。；、,;]{0,3}[和与及]$", before)
            # 较上年分别提高1.5和2.8个百分点: each the change of its own rate (below)
            and not re.search(r"[较比][^，。；,;]{0,10}" + place_rules()["respectively"], before)
        ):
            return prev[-1]  # 分别建立网格党支部86个和64个: the second counts what the first does
        if before.endswith("等") and not after.strip():
            # 成员单位有：A、B、C等21家: the members, named by the word before the list
            named = self._members_named_before(norm, s_start, c_start)
            if named is not None:
                return named
        # 化解率为96.2%: a rate and a one-character word joining it to its value (为, 达)
        endings = "|".join(map(re.escape, _MEASURE_CUES["nominal_endings"]))
        joiners = "|".join(map(re.escape, _MEASURE_CUES["rate_joiners"]))
        joined = re.search(rf"(?:{endings})({joiners})$", before)
        gap = len(joined.group(1)) if joined else 0
        # 网格员由2024年的390名增加到460名, 今年发展到1450户: a verb joining a new figure
        verb = next((v for v in _MEASURE_CUES["joining_verbs"] if before.endswith(v)), "")
        # …由2024年的390名|增加到, 从300户|降至: what went from the earlier figure to this one
        was = (
            re.search(r"^(.+?)[由从][^由从]*\d[^\d]{0,3}$", before[: len(before) - len(verb)])
            if verb
            else None
        )
        if not gap and (len(verb) >= 3 or was is not None):
            gap = len(verb)
            subject = self._clean(was.group(1)) if was else ""
            if subject and was is not None:
                k = before.rfind(subject, 0, was.end(1))
                if k >= 0:
                    return subject, c_start + k, c_start + k + len(subject)
        before = before[: len(before) - gap]
        bwords = _posseg(before) if before else []
        acc = ""
        depth = 0
        taken = 0
        for w, f in reversed(bwords):
            if w in "”)）":
                depth += 1
            elif w in "“(（":
                depth -= 1
            elif depth <= 0 and not _is_nounish(w, f):
                if acc in _MEASURE_CUES["bare_heads"] and f.startswith("v") and len(w) == 2:
                    acc = w + acc  # 村级|调解|委员会: a bare head and the verb naming its work
                    taken += 1
                    continue
                if acc and re.fullmatch(rf"[{CN_NUMERAL}]+级", w):
                    acc = w + acc  # 划分一级网格17个: the rank is part of what is counted
                    taken += 1
                rate = acc.endswith(tuple(_MEASURE_CUES["nominal_endings"]))
                if rate and taken == 1 and f == "v" and len(w) == 2 and len(acc) >= 3:
                    acc = w + acc  # 调处|成功率: the action whose rate it is names it
                    taken += 1
                break
            acc = w + acc
            taken += 1
        if acc in _MEASURE_CUES["nominal_endings"] and len(acc) == 1:
            # 按时|办结|率: a rate is named by the words before it, whatever their class
            for w, _f in reversed(bwords[: len(bwords) - taken][-2:]):
                if not re.fullmatch(r"[\u4e00-\u9fff]+", w):
                    break
                acc = w + acc
        place = unify(self._clean(acc)) in self.lex.covered_levels
        persons = self.lex.units.get(sp._.quantity.unit, "") in ("person", "person-time")
        if place and persons:
            acc = ""  # 在职党员进社区1.8万人 counts people, not places: read the whole phrase
        verbs = "|".join(map(re.escape, _MEASURE_CUES["change_verbs"]))
        compared = re.search(rf"[较比][^，。；,;]{{0,10}}(?:{verbs})(?:[\d.]+[和与及、])*$", before)
        respective = self._respective_measure(norm, sp, compared, prev)
        if respective is not None:
            return respective
        if compared is not None:
            # 群众满意率较去年同期提升4.1个百分点: the change of the rate named before 较
            subject = self._clean(before[: compared.start()])
            last = _posseg(subject)[-1:] if len(subject) >= 2 else []
            a_noun = bool(last) and last[0][1].startswith("n")
            if subject.endswith(tuple(_MEASURE_CUES["nominal_endings"])) or a_noun:
                # 信访总量较去年同期减少45件: the change of what the clause names, too
                k = before.rfind(subject, 0, compared.start())
                return subject, c_start + k, c_start + k + len(subject)
            if -1 in prev:
                # 满意率98.7%，较去年同期提升3.2个百分点: that rate's change; after the parts
                # of a total by level (其中街道级9个、社区级77个，较上年增加11个), the total's
                levels = {w for ws in cues()["level_order"] for w in ws}
                ranked = re.match(r"([\u4e00-\u9fff]{1,2})级", prev[-1][0])
                if ranked and ranked.group(1) in levels:
                    base = prev[-1][0][ranked.end() :]
                    total = [m for key, m in prev.items() if key != -1 and m[0] == base]
                    if total:
                        return total[-1]
                return prev[-1]
        if len(acc) == 1 and taken < len(bwords):
            # 派|单1568件: one character of a noun after one of a verb is one word with it
            w, f = bwords[len(bwords) - taken - 1]
            if len(w) == 1 and f.startswith("v") and not self._known_count_word(acc):
                acc = w + acc  # (有|村12个: 村 is a level, counted alone)
        end_at = sp.start_char - gap
        if acc.strip("“”()（）") and self._clean(acc):
            cleaned = self._clean(acc)
            if -1 in prev and re.fullmatch(r"[\u4e00-\u9fff]{1,2}级", cleaned):
                levels = {w for ws in cues()["level_order"] for w in ws}
                # 党群服务中心86个，其中街道级9个: the centres at that level
                if cleaned[:-1] in levels:
                    base = prev[-1][0]
                    ranked = re.match(r"([\u4e00-\u9fff]{1,2})级", base)
                    if ranked and ranked.group(1) in levels:
                        base = base[ranked.end() :]  # 社区级 after 街道级党群服务中心
                    cleaned = cleaned + base
            return cleaned, end_at - len(acc), end_at
        if not before.strip() and -1 in prev:
            return prev[-1]
        # 网格员全年走访3200次, 共调解18次: a count of times names the action right before it
        if (sp._.quantity.unit or "") in _MEASURE_CUES["action_units"] and bwords:
            w, f = bwords[-1]
            ignored = (
                _MEASURE_CUES["change_verbs"]
                + _MEASURE_CUES["joining_verbs"]
                + _MEASURE_CUES["leading_verbs"]
            )
            # only where no word of the action's own goes before it (政策|宣讲, 送医|送药):
            # a time, an adverb, the clause's start, or the people who do it (网格员|走访)
            prev_w, prev_f = bwords[-2] if len(bwords) > 1 else ("", "x")
            alone = prev_f.startswith(("t", "d", "m", "p", "c", "r", "x")) or prev_w.endswith(
                tuple(_MEASURE_CUES["person_noun_endings"])
            )
            if f.startswith("v") and len(w) >= 2 and w not in ignored and alone:
                k = before.rfind(w)
                return w, c_start + k, c_start + k + len(w)
        # a verb phrase (清理乱堆乱放), or the subject before function words (收取率由原来的)
        for skip_function in (False, True):
            j = len(bwords)
            if skip_function:
                # and a time or an earlier figure (满意度由2022年的…, 网格由3个增加到…)
                while j > 0 and (
                    (
                        bwords[j - 1][1].startswith(("uj", "d", "p", "v", "c"))
                        and len(bwords[j - 1][0]) <= 2
                    )
                    or bwords[j - 1][1] in ("m", "t")
                ):
                    j -= 1
            acc, has_noun = "", False
            for w, f in reversed(bwords[:j]):
                if f.startswith(("x", "c", "p", "uj", "m", "r", "t")) and w not in "“”()（）":
                    break
                # 调解纠纷 (z), 就地解决 (i): a set phrase of a verb and its object
                phrase = f in _MEASURE_CUES["set_phrase_tags"] and len(w) >= 3
                has_noun = has_noun or _is_nounish(w, f) or phrase
                acc = w + acc
            if acc and has_noun:
                k = before.rfind(acc)
                # 通过“六步工作法”|累计办理群众诉求: a quoted name the verb phrase follows is
                # how it was done, not what is counted
                q = acc.rfind("”")
                tail = acc[q + 1 :] if q >= 0 else ""
                tw = _posseg(tail) if len(tail) >= 3 else []
                if tw and tw[0][1].startswith("v") and any(_is_nounish(*x) for x in tw):
                    k, acc = k + q + 1, tail
                return self._clean(acc), c_start + k, c_start + k + len(acc)
        lead = before.strip()
        if (
            c_start > 0
            and norm[c_start - 1] == "、"
            and 2 <= len(lead) <= 8
            and re.fullmatch(r"[\u4e00-\u9fff]+", lead)
            and all(f.startswith("v") for _w, f in bwords)
        ):
            # 为群众送医送药1.2万次、配餐送餐3800次: an item of a list of actions counted is
            # its own action, not the one before it
            k = before.find(lead)
            return lead, c_start + k, c_start + k + len(lead)
        # 其中自行处置5.2万件: a part of the total before, by the action done on it
        opener = next((o for o in _MEASURE_CUES["subset_openers"] if lead.startswith(o)), "")
        acts = list(bwords)
        if opener:
            lead = lead[len(opener) :]
            acts = list(_posseg(lead)) if lead else []
        # (自行|处置: after 其中, an adverb or a pronoun of manner may go before the verb)
        how = ("d", "r") if opener else ("d",)
        if (
            c_start > 0
            and norm[c_start - 1] in "；;，,"
            and 2 <= len(lead) <= 4
            and any(f == "v" for _w, f in acts)
            and all(f == "v" or f in how for _w, f in acts)
            and lead not in _MEASURE_CUES["change_verbs"]
            and (same := self._same_unit_before(sp, norm))
        ):
            # 受理群众诉求8562件；办结8401件: another action on the things counted before in
            # the sentence, in the same unit (办结群众诉求)
            k = before.find(lead)
            if not opener:
                # 已办结1198件: the adverb before the action is no part of what is counted
                done = list(acts)
                while len(done) > 1 and done[0][1] == "d":
                    done = done[1:]
                verb = "".join(w for w, _f in done)
                k, lead = k + len(lead) - len(verb), verb
            return lead + (_acts_on(same) or same), c_start + k, c_start + k + len(lead)
        if -1 in prev:
            return prev[-1]
        # a bare number after a comma repeats the previous measure with a new unit
        return "", sp.start_char, sp.start_char

    def _members_named_before(self, norm: str, lo: int, hi: int) -> tuple[str, int, int] | None:
        """The last word for members as a whole (成员单位, 驻区单位, 单位…) in ``norm[lo:hi]``,
        with its span, the longest where several end at one place."""
        best: tuple[str, int, int] | None = None
        for word in cues()["member_categories"]:
            k = norm.rfind(word, lo, hi)
            if k >= 0 and (best is None or (k + len(word), len(word)) > (best[2], len(best[0]))):
                best = (word, k, k + len(word))
        return best

    def _years_running(self, norm: str, sp: Any, end: int) -> tuple[str, int, int] | None:
        """连续4年开展“红色轮训”, 连续5年被评为先进街道: how many years in a row something was
        done; what was done, after the number to the end of its clause, is what is counted."""
        q = sp._.quantity
        if q.unit != "年" or norm[max(0, q.number_start - 2) : q.number_start] != "连续":
            return None
        stop = re.search(r"[，。；！？,;!?\n]", norm[end : end + 30])
        done = norm[end : end + stop.start()] if stop else ""
        if not 2 <= len(done) <= 24:
            return None
        return done, end, end + len(done)

    def _role_served(self, after: str, unit: str) -> tuple[str, int] | None:
        """300余名退休教师、法律工作者担任调解员, 挑选85人在3个小区担当示范户: people of
        several kinds, or of none named, counted, then the role they all serve in, which ends
        the clause: the role is what is counted (one kind, 300名热心居民担任网格员, stays what
        is counted)."""
        if self.lex.units.get(unit, "") != "person":
            return None
        verbs = "|".join(map(re.escape, _MEASURE_CUES["serving_verbs"]))
        # (…担任调解员的调解队伍: the role, before what they make up)
        m = re.search(
            rf"(?:{verbs})([\u4e00-\u9fff“”]{{2,10}}?)(?:的[“「]?[\u4e00-\u9fff]{{1,8}}[”」]?)?$",
            after,
        )
        if m is None:
            return None
        people = after[: m.start()]
        # several kinds (A、B担任…), or none named (85人在…小区担当示范户)
        first = _posseg(people)[:1] if people else []
        if "、" not in people and first and _is_nounish(*first[0]):
            return None
        role = self._clean(m.group(1))
        words = _posseg(role)
        # 示范|户: a counter word may close the name of a role
        if len(role) < 2 or not all(_is_nounish(w, f) or f == "q" for w, f in words[1:]):
            return None
        if not _is_nounish(*words[0]):
            return None
        return role, after.rfind(role)

    def _head_after_description(self, after: str) -> tuple[str, int] | None:
        """40项群众急需且镇街能够承接的行政权力, 12个有特色的党建品牌: a clause that
        describes what is counted (an adjective, a verb or a conjunction in it) and 的 stand
        between the number and it; what is counted is the noun phrase after 的 (and its
        offset in ``after``)."""
        m = re.match(r"([^，。；、,;:：“”的]{2,16})的", after)
        if m is None:
            return None
        desc = _posseg(m.group(1))
        if not any(f.startswith(("a", "c", "v", "d")) and not f.startswith("vn") for _w, f in desc):
            return None  # 15个社区的党群服务中心: the number counts 社区
        if desc[-1][0] in _MEASURE_CUES["composition_verbs"]:
            return None  # 由14名镇村干部组成的专班: the number counts those who make it up
        head = ""
        for w, f in _posseg(after[m.end() : m.end() + 12]):
            if not _is_nounish(w, f):
                break
            head += w
        head = self._clean(head) if len(head) >= 2 else ""
        if not head:
            return None
        return head, after.find(head, m.end())

    def _listed_measure(self, norm: str, sp: Any, s_start: int) -> tuple[str, int, int] | None:
        """解决率和满意率分别达到93.5%、94.2%: measures listed before 分别, then as many values
        after it; the k-th value counts the k-th measure."""
        cue = place_rules()["respectively"]
        seg = norm[s_start : sp.start_char]
        k = seg.rfind(cue)
        if k < 0:
            return None
        # between 分别 and this number: a verb, then the values before it in the list
        between = seg[k + len(cue) :]
        value = r"[\d.]+(?:[%％]|个百分点|[\u4e00-\u9fff]{0,2})?"
        m = re.fullmatch(rf"[\u4e00-\u9fff]{{0,4}}?((?:{value}[、和与及])*)", between)
        if m is None:
            return None
        index = len(re.findall(r"[、和与及]", m.group(1)))
        lo = max(seg.rfind(ch, 0, k) for ch in "，。；：,;:!?！？\n") + 1
        names = seg[lo:k]
        parts = [(x.start(), x.group()) for x in re.finditer(r"[^和与及、]+", names)]
        if len(parts) < 2 or index >= len(parts):
            return None
        stop = sp.end_char
        while stop < len(norm) and norm[stop] not in "，。；！？,;!?\n":
            stop += 1
        later = len(re.findall(rf"[、和与及]{value}", norm[sp.end_char : stop]))
        if index + 1 + later != len(parts):
            return None  # as many values as measures, or no pairing
        at, text = parts[index]
        cleaned = self._clean(text)
        if not cleaned:
            return None
        a = s_start + lo + at + text.find(cleaned)
        return cleaned, a, a + len(cleaned)

    def _respective_measure(
        self,
        norm: str,
        sp: Any,
        compared: re.Match[str] | None,
        prev: dict[int, tuple[str, int, int]],
    ) -> tuple[str, int, int] | None:
        """办结率96.8%，满意率93.5%，较上年同期分别提升4.2和3.6个百分点: after 分别 in a
        comparison, the k-th number is the change of the k-th of as many measures read
        before it in the sentence."""
        cue = place_rules()["respectively"]
        if compared is None or cue not in compared.group(0):
            return None
        k = compared.group(0).count("和") + compared.group(0).count("、")
        k += compared.group(0).count("与") + compared.group(0).count("及")
        stop = sp.end_char
        while stop < len(norm) and norm[stop] not in "，。；！？,;!?\n":
            stop += 1
        listed = k + 1 + len(re.findall(r"[和与及、][\d.]+", norm[sp.end_char : stop]))
        read = [m for key, m in prev.items() if key != -1]
        read = read[: len(read) - k]  # not the numbers of this list before it (4.2 before 3.6)
        seen: list[tuple[str, int, int]] = []
        for m in read:
            if m[0] and (not seen or seen[-1][0] != m[0]):
                seen.append(m)
        if len(seen) < listed or listed < 2:
            return None
        return seen[len(seen) - listed + k]

    def _clean(self, text: str) -> str:
        """What is counted, without the words around it that are not part of it: pronouns,
        counters and place words before it (全县基层党组织 → 基层党组织), and a one-character
        verb, adverb or particle after it (楼组有 → 楼组, 基层党组织共 → 基层党组织). A name in
        quotes, all of it, is what is counted as written (“四点半课堂”: its 四 no numeral)."""
        whole = text.strip()
        if re.fullmatch(r"“[^“”]{2,20}”", whole) and re.search(r"[\u4e00-\u9fff]", whole):
            return whole[1:-1]
        text = _unquote(text)
        # +N服务阵地 (after “1+N”): a measure opens with a word, not with a sign or a letter
        text = re.sub(r"^(?:“[^\u4e00-\u9fff”]*”)?[^\u4e00-\u9fff“]*", "", text)
        opener = _opener().match(text)
        if opener is not None and len(text) - opener.end() >= 2:
            text = text[opener.end() :]  # 今年以来群众满意率 → 群众满意率
        # and a verb of change (网格覆盖率提高|2.5个百分点: the change of the rate)
        change = sorted(_MEASURE_CUES["change_verbs"], key=len, reverse=True)
        for verb in _MEASURE_CUES["joining_verbs"] + _MEASURE_CUES["trailing_words"] + change:
            if text.endswith(verb) and len(text) > len(verb) + 1:
                text = text[: -len(verb)]
                break
        for adverb in _MEASURE_CUES["trailing_adverbs"]:
            # 村共 (the segmenter's word in 28个村共组建): a level or a known measure and 共
            rest = text[: -len(adverb)]
            known = self._known_count_word(rest) or (len(adverb) > 1 and len(rest) >= 2)
            if text.endswith(adverb) and rest and known:
                text = rest
                break
        text = _without_leading_verb(text)
        # 信访总量较去年同期|减少236件: the comparison is no part of what is counted
        times = "|".join(map(re.escape, _MEASURE_CUES["comparison_times"]))
        compared = re.search(rf"(?:同比|环比|[较比](?:{times}|\d{{4}}年)+)$", text)
        if compared is not None and compared.start() >= 2:
            text = text[: compared.start()]
        text = _without_leading_division(text)  # 南岗区党员志愿者 → 党员志愿者
        text = self._after_count_opener(text)  # 全区共有区级领导 → 区级领导
        words = _posseg(text)
        lead = _MEASURE_CUES["leading_tags"]
        deixis = set(place_rules()["deixis"]) | set(_MEASURE_CUES["scope_words"])
        while len(words) > 1 and (words[0][1].startswith(tuple(lead)) or words[0][0] in deixis):
            if re.fullmatch(rf"[{CN_NUMERAL}]+级", words[0][0]):
                break  # 一级网格: a rank, part of what is counted
            words = words[1:]
        if words and len(words) < len(_posseg(text)):
            # 全区|建成区级…: a verb that opened what is counted after the place word
            words = _posseg(_without_leading_verb("".join(w for w, _ in words)))
        trail = _MEASURE_CUES["trailing_tags"]
        # only a one-character word: a longer verb may be what is counted (送医送药1.6万次)
        while (
            len(words) > 1
            and words[-1][1] in trail
            and len(words[-1][0]) == 1
            and not _is_nounish(*words[-1])  # 率 tagged as a verb (响应|率) stays
        ):
            rest = "".join(w for w, _ in words[:-1]).strip("“”")
            if len(rest) < 2 and not self._known_count_word(rest):
                break  # 村|有 → 村: a level word of one character is what is counted
            if not any(_is_nounish(w, f) for w, f in words[:-1]):
                break
            words = words[:-1]
        return _unquote("".join(w for w, _ in words))

    def _after_count_opener(self, text: str) -> str:
        """``text`` after the last word that opens a count (共有, 累计, 共), where a word of
        two characters or more is left (该街道共受理群众诉求 → 受理群众诉求); a word the
        segmenter glues to the next (共有|区 in 共有区级领导) still opens it."""
        openers = tuple(sorted(_MEASURE_CUES["count_openers"], key=len, reverse=True))
        cut, pos = 0, 0
        for w, _f in _posseg(text):
            opener = next((o for o in openers if w.startswith(o)), None)
            whole = opener is not None and (len(opener) >= 2 or w == opener)
            if opener is not None and whole and len(text) - (pos + len(opener)) >= 2:
                cut = pos + len(opener)
            pos += len(w)
        return text[cut:]

    def _known_count_word(self, text: str) -> bool:
        """True for a level word or a measure the lexicon knows (村, 社区, 网格员)."""
        key, lex = unify(text), self.lex
        return key in lex.measures or key in lex.covered_levels or key in lex.admin_levels

    def _scope(self, t: Text, sp: Any, m_start: int, m_end: int) -> str:
        """ "total" for a count of all there is (全市289个社区, 建立党支部2062个); "subset" for
        a count of those that did something (6个社区入围…, 下沉到95个社区); "change" for how
        much a count grew or fell (较2020年增加了86名); "per" for what each one of something
        has (每个网格配备网格员2名, 每万人口拥有社区工作者18人)."""
        norm = t.norm
        c_start = sp.start_char
        while c_start > 0 and norm[c_start - 1] not in "，。；！？,;!?\n":
            c_start -= 1
        c_start = _inside_brackets(norm, c_start, sp.start_char)
        before = norm[c_start : sp.start_char]
        if re.search(r"每(?:[\d一二两三四五六七八九十百千万]+)?[个名户位人年月周天季届]?", before):
            return "per"  # 每个网格…2名: a figure for each one, never a total
        if before.endswith("平均"):
            return "per"  # 执法人员平均5人: an average, a figure for each one
        if before.endswith(tuple(_MEASURE_CUES["change_verbs"])):
            return "change"  # 增加了86名: by how much, never a count of all there is
        if any(v in before for v in _MEASURE_CUES["new_verbs"]):
            return "change"  # 今年新增“红色驿站”15个: those added, not all there are
        verbs = "|".join(map(re.escape, _MEASURE_CUES["change_verbs"]))
        if re.search(rf"[比较][^，。；,;]{{0,8}}(?:{verbs})", before) or re.search(
            r"[比较][^，。；,;]{1,8}[多少]$", before
        ):  # 比上年多21名: how many more
            return "change"  # 比上年减少网格12个: a comparison, the verb before the measure
        if before.lstrip(" \u3000").startswith(tuple(_MEASURE_CUES["subset_openers"])):
            return "subset"  # 其中综合网格41个、专属网格6个: parts of a total just given
        deixis = "|".join(w for w in place_rules()["deixis"] if w.startswith("全"))
        if re.search(rf"({deixis}|共|累计|总|分为|划为|划分为)", before):
            return "total"  # 全镇18个行政村, 划分为96个网格: all there are
        if m_start < sp.start_char and norm[m_start - 1 : m_start] == "的" and m_start > c_start:
            # 收入超过50万元的村有37个: a clause before 的 picks some of them out
            picked = _posseg(norm[c_start : m_start - 1])
            if any(f.startswith(("v", "m")) and not f.startswith("vn") for _w, f in picked):
                return "subset"
        if m_start < sp.start_char:
            return "total"  # 建立网格党组织1560个: the object of a creating verb
        if re.search(r"(到|在|向|对|为|给|于)$", before):
            return "subset"
        # 6个社区入围…: places that did something; 2250名执法人员下沉 still counts all of them
        noun = unify(norm[m_start:m_end]) if m_end > m_start else ""
        levels = noun in self.lex.covered_levels or noun in self.lex.admin_levels
        if levels or noun.endswith(tuple(_MEASURE_CUES["place_kind_endings"])):
            after = norm[m_end : m_end + 20]
            cut = re.search(r"[，。；！？,;!?\n]", after)
            after = after[: cut.start()] if cut else after
            for w, f in _posseg(after) if after else []:
                if _is_nounish(w, f):
                    continue  # 20多个社区全员隔离: look past the adverbial noun
                if w == "、" or f.startswith(("m", "q")):
                    continue  # 1个城区、15个街道减员: the verb after the list counts for all
                if f.startswith("v") and not f.startswith("vn"):
                    return "subset"
                break
        return "total"


def _inside_brackets(norm: str, c_start: int, pos: int) -> int:
    """Where the clause of a number at ``pos`` starts: right after a bracket still open at
    the number ((其中涉农社区33个) reads from the bracket on; 实践站（所）52个 does not)."""
    k = max(norm.rfind("(", c_start, pos), norm.rfind("（", c_start, pos))
    if k >= 0 and not re.search(r"[)）]", norm[k:pos]):
        return k + 1
    return c_start


def _without_leading_verb(text: str) -> str:
    """``text`` without a leading verb that only says something was done (开展, 推动, 建成),
    where what is left opens with a word (建成|区级社会治理中心), not with a character of a
    word the verb is part of (建成区|面积)."""
    for verb in _MEASURE_CUES["leading_verbs"]:
        rest = text[len(verb) :]
        if text.startswith(verb) and len(rest) >= 2 and len(_posseg(rest)[0][0]) >= 2:
            return rest
    return text
