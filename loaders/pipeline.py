"""The report pipeline: ``spacy.blank("zh")`` with jieba, a user dictionary and entity-ruler
patterns built from the ontology's labels and the national division names, then the govkg
components (places, quantities, lists, structures), in that order. It sits above the modules
that define the components, so that none of them imports back into it."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from govkg.loaders import (  # noqa: F401  (registers them)
    baobao,
    chain_forms,
    components,
    mechanisms,
    place_names,
    places,
    structures,
)
from govkg.loaders.enumerations import cues
from govkg.loaders.lexicon import Lexicon, lexicon, measure_cues


class JiebaTokenizer:
    """spaCy's Chinese tokenizer with jieba, in time linear in the text: the same words and
    spaces as ``spacy.lang.zh.ChineseTokenizer``, whose alignment of words to the text
    copies the rest of the text for every word (quadratic on a long report)."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Any:
        import jieba
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for word in jieba.cut(text, cut_all=False):
            if not word or word.isspace():
                continue
            start = text.index(word, pos)
            if start > pos:  # whitespace the segmenter gave as words of its own
                words.append(text[pos:start])
                spaces.append(False)
            words.append(word)
            spaces.append(False)
            pos = start + len(word)
            if pos < len(text) and text[pos] == " ":
                spaces[-1] = True
                pos += 1
        if pos < len(text):
            words.append(text[pos:])
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@cache
def nlp_pipeline() -> Any:
    """``spacy.blank("zh")`` with jieba, a user dictionary and entity-ruler patterns built
    from the ontology's labels and the national division names, the govkg places component
    (LAC: places below the county), the govkg quantity component, and the lists and
    structure recognisers of :mod:`govkg.loaders.structures`."""
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    lex: Lexicon = lexicon()
    for word in lex.user_words():
        jieba.add_word(word, freq=200000, tag="n")
    from govkg.loaders.gazetteer import place_rules

    jieba.initialize()
    # 嘎查: level words, and 网格长, 楼栋长: roles, that the dictionary lacks would be cut
    for word in [*place_rules()["sub_area_suffixes"], *cues()["role_words"]]:
        if len(word) >= 2 and not jieba.dt.FREQ.get(word):
            jieba.add_word(word, freq=200000, tag="n")
    # words the dictionary cuts or tags wrongly in these reports (measures.yaml)
    for word, tag in measure_cues()["segmenter_words"].items():
        jieba.add_word(word, freq=200000, tag=tag)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    # Reports are read whole; spaCy's 1M-character guard is for parsers we do not run.
    nlp.max_length = 50_000_000
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    patterns: list[dict[str, Any]] = []
    for label, table in (
        ("AREA", lex.areas),
        ("MEASURE", lex.measures),
        ("CADRE_RANK", lex.cadre_ranks),
        ("THEME", lex.themes),
        ("UNIT_KIND", lex.unit_kinds),
        ("CHAIN_LEVEL", lex.chain_levels),
    ):
        for text, iri in sorted(table.items()):
            if len(text) >= 2:
                patterns.append({"label": label, "pattern": text, "id": iri})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.add_pipe("govkg_places")
    nlp.add_pipe("govkg_quantities")
    nlp.add_pipe("govkg_enumerations")
    nlp.add_pipe("govkg_structures")
    nlp(cues()["warm_up_text"])  # tables and first model calls, paid for here
    return nlp
