"""The shared text analysis: tokens, sentences, clauses, stems, context words, and the
per-text memo the check modules build on."""

from __future__ import annotations

import datetime as dt

import pytest

from checker.compare.text import Text, analyse, canon, name_key, per_text, stem_of


def test_tokens_keep_figures_abbreviations_and_punctuation() -> None:
    """Figures with separators and hyphenated words are single tokens; currency signs and stops are apart."""
    t = Text("Russia-Ukraine talks cost $1,500.5 on Jan. 21, U.S. officials said.", None)
    assert t.toks == ["Russia-Ukraine", "talks", "cost", "$", "1,500.5", "on", "Jan", ".", "21", ",", "U.S", ".",
                      "officials", "said", "."]
    assert t.text[slice(*t.span(0, 2))] == "Russia-Ukraine talks"
    assert t.tight(4) and not t.tight(5)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Blinken met Lavrov. They talked for 90 minutes.", 2),
        ("U.S. officials met on Jan. 21 in Geneva.", 1),
        ("Antony J. Blinken said it was over.", 1),
        ("The effect was small (P =.03). Nothing else.", 2),
        ("A headline\nThe first line of the text", 2),
    ],
)
def test_sentences_are_cut_at_enders_not_abbreviations(text: str, sentences: int) -> None:
    """Full stops after abbreviations and initials, and stops with no space after them, do not end a sentence."""
    assert len(Text(text, None).sent_starts) == sentences


def test_clause_stops_at_commas_and_contrast_words() -> None:
    """The clause around a word is cut at commas, semicolons and words such as "but"."""
    t = Text("Prices rose sharply but wages fell, officials said.", None)
    a, b = t.clause(t.lows.index("rose"))
    assert t.toks[a:b] == ["Prices", "rose", "sharply"]
    a, b = t.clause(t.lows.index("fell"))
    assert t.toks[a:b] == ["wages", "fell"]


@pytest.mark.parametrize(("a", "b"), [("plans", "planning"), ("talks", "talking"), ("rose", "rising"),
                                      ("troops", "troop"), ("Ukraine's", "ukraine")])
def test_stems_match_word_forms(a: str, b: str) -> None:
    assert stem_of(a) == stem_of(b)


def test_context_forms_use_the_alias_table() -> None:
    """As context a place counts by its alias group, and a demonym by its country."""
    assert canon("Kyiv") == canon("Ukrainian") == "ukraine"
    assert canon("Tongan") == "tonga"
    assert name_key("U.S.") == "us" and name_key("Ukraine’s") == "ukraine"


def test_words_around_stay_in_the_sentence_and_skip_stop_words() -> None:
    t = Text("The army said 100,000 troops were massed near the border. Talks resumed.", None)
    i = t.toks.index("100,000")
    assert t.words_around(i, i + 1) == {"army", "troop", "mass", "border"}


def test_per_text_computes_once_per_text() -> None:
    """A check module's analysis is computed on first use and kept with that text only."""
    calls: list[str] = []

    @per_text
    def words(t: Text) -> int:
        calls.append(t.text)
        return t.n

    first, second = Text("one two", None), Text("three", None)
    assert (words(first), words(first), words(second)) == (2, 2, 1)
    assert calls == ["one two", "three"]


def test_analyse_reuses_the_analysis_of_a_text() -> None:
    """The same text with the same reference date is analysed once; another date is another analysis."""
    ref = dt.date(2022, 1, 21)
    assert analyse("Talks resumed on Friday.", ref) is analyse("Talks resumed on Friday.", ref)
    assert analyse("Talks resumed on Friday.", ref) is not analyse("Talks resumed on Friday.", None)
