"""Properties that hold for any text: the normalised view maps back to the stored offsets,
and reading places or statistics never fails, whatever a report holds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkg.loaders.base import GraphWriter
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.places import read_places
from govkg.loaders.text import TextLoader
from govkg.loaders.zh import normalise

# Characters reports are made of: simplified and traditional Chinese, digits in both widths,
# both kinds of punctuation, blanks and line breaks, place words and invisible characters.
_PIECES = st.sampled_from(
    list("社区街道网格党委县市省区镇村居民楼組黨區個，。；：！？、“”「」（）()《》")
    + list("0123456789０１２３４５６７８９.%％万亿余约近")
    + [" ", "\u3000", "\n", "\n\n", "吉林市", "乾安縣", "西湖区", "万安社区", "全市", "个", "名"]
    # what web copies carry unseen: zero-width space and joiner, byte-order mark, soft hyphen
    + ["\u200b", "\u200d", "\ufeff", "\xad", "->", "-", ">"]
)
_TEXTS = st.lists(_PIECES, max_size=80).map("".join)


@given(_TEXTS)
@settings(max_examples=200, deadline=None)
def test_the_normalised_view_maps_back_to_the_stored_text(text: str) -> None:
    norm, index = normalise(text)
    assert len(index) == len(norm) + 1
    assert index == sorted(index) and index[-1] == len(text)
    for i, ch in enumerate(norm):
        if ch == "\n":
            assert text[index[i]] == "\n"
        else:
            assert 0 <= index[i] < len(text)


@given(_TEXTS)
@settings(max_examples=60, deadline=None)
def test_places_are_spans_of_the_text(text: str) -> None:
    subs, orgs = read_places(text)
    for s in subs:
        assert text[s.start : s.end] == s.name
    for a, b in orgs:
        assert 0 <= a < b <= len(text)


@given(_TEXTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_report_loads_and_every_quote_is_its_own_text(text: str) -> None:
    doc = CorpusDocument("990_any", Path("990_any.txt"), text, "0", {"area": "吉林市"})
    graph = GraphWriter(doc.iri)
    report = TextLoader().load(doc, graph)
    assert report.read >= report.accepted
    spans: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/span/" in t.subject.value:
            key = t.predicate.value.rsplit("#", 1)[-1]
            spans.setdefault(t.subject.value, {})[key] = t.object.value
    for s in spans.values():
        assert text[int(s["start"]) : int(s["end"])] == s["quote"]


@given(_TEXTS)
@settings(max_examples=100, deadline=None)
def test_the_tokenizer_gives_spacys_words_and_spaces(text: str) -> None:
    """The linear-time tokenizer splits any text exactly as spaCy's own jieba tokenizer."""
    import spacy

    from govkg.loaders.pipeline import JiebaTokenizer

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ours = JiebaTokenizer(nlp.vocab)(text)
    assert [t.text_with_ws for t in ours] == [t.text_with_ws for t in nlp.tokenizer(text)]
    assert ours.text == text


_RANGES = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=10,
)


@given(_RANGES, st.booleans())
@settings(max_examples=200, deadline=None)
def test_ranges_find_what_a_scan_of_every_range_finds(
    ranges: list[tuple[int, int]], open_start: bool
) -> None:
    """The range index gives, at every position, the first given range a scan would find."""
    from govkg.loaders.base import Ranges

    index = Ranges(ranges, open_start=open_start)
    for pos in range(-1, 85):
        inside = [(a, b) for a, b in ranges if (a < pos if open_start else a <= pos) and pos < b]
        assert index.holder(pos) == (inside[0] if inside else None)
        assert index.holding(pos) == inside
