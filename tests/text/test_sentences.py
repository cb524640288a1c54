"""Sentence splitting: offsets always index the original text exactly."""

import pytest

from checker.text.sentences import split_sentences

TRICKY = [
    "The U.S. said on Jan. 21 that talks would go on.",
    "Gen. Mark Milley spoke. Then Sen. Jim Risch replied.",
    'Rep. Adam Schiff (D-Calif.) said so. Others disagreed.',
    '"Is it true?" he asked. "Yes," she said.',
    "Headline Without A Full Stop\nThe body starts here. It goes on.",
    "A line that wraps\nin the middle of a sentence. Next one.",
    "Paragraph one ends.\n\n\nParagraph two starts.",
    "   Leading and trailing space.   ",
    "Mr. Smith paid $1.5 million on Jan. 5, 2022. He left.",
    "Prices rose 3.5% in Q3. Analysts were surprised!",
    "Emoji are fine 🎉. Really 👍.",
    "مرحبا بالعالم. هذا اختبار.",
    "Ukraine’s “minor incursion” row grew. Kyiv objected.",
    "No punctuation at all in this line",
    "...",
    "\n\n\n",
    "e.g. this starts lower case. And this does not.",
    "The U.K. and the E.U. agreed. The deal holds.",
    "Tabs\tand\tnew\nlines\r\nwith CRLF. More text here.",
    "Item 1.\nItem 2.\nItem 3.",
    "She said: “We will not back down.” The crowd cheered.",
    "x" * 5000,
    "word " * 3000,
]


@pytest.mark.parametrize("text", TRICKY)
def test_offsets_round_trip(text: str) -> None:
    """Every sentence is exactly the slice of the input its offsets name, in order."""
    sentences = split_sentences(text)
    last = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= last
        last = s.end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. said on Jan. 21 that talks would go on. Gen. Smith agreed.",
         ["The U.S. said on Jan. 21 that talks would go on.", "Gen. Smith agreed."]),
        ("Headline Here\nBody sentence one. Body two.",
         ["Headline Here", "Body sentence one.", "Body two."]),
        ("A line that wraps\nin the middle. Next.", ["A line that wraps\nin the middle.", "Next."]),
        ('"Is it true?" he asked. Nobody knew.', ['"Is it true?" he asked.', "Nobody knew."]),
        ("first.\n\"Quoted start,\" she said.", ["first.", '"Quoted start," she said.']),
    ],
)
def test_known_splits(text: str, expected: list[str]) -> None:
    """Abbreviations do not end sentences; headlines and line breaks do; quotes stay attached."""
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a stray quotation mark used to pair with the next quote and swallow the sentences between
        ('He said “no.". Later it rained. He has maintained that it was wrong. Asked by Smith if it '
         'would change, Jones said "maybe".',
         ['He said “no.".', "Later it rained.", "He has maintained that it was wrong.",
          'Asked by Smith if it would change, Jones said "maybe".']),
        # a quote of two statements gives two claims; the reporting frame stays with the second
        ('"We are ready. The plan is set for next week," he added. Talks ended.',
         ['"We are ready.', 'The plan is set for next week," he added.', "Talks ended."]),
        ("She said: “We won. They lost.” The crowd cheered.",
         ["She said: “We won.", "They lost.”", "The crowd cheered."]),
        ("‘Prices rose 5%. Wages did not,’ the minister said.",
         ["‘Prices rose 5%.", "Wages did not,’ the minister said."]),
        # a bare frame after a quoted question or exclamation is not a statement of its own
        ('"Why now?" Blinken asked. Nobody knew.', ['"Why now?" Blinken asked.', "Nobody knew."]),
        ('"We won!" President Joe Biden told reporters. Next.',
         ['"We won!" President Joe Biden told reporters.', "Next."]),
        ('"We won." The Senate said no.', ['"We won."', "The Senate said no."]),
        # apostrophes inside words are not quotation marks
        ("Russia's troops stayed. Ukraine’s army didn't move.",
         ["Russia's troops stayed.", "Ukraine’s army didn't move."]),
    ],
)
def test_quotes_and_reporting_frames_split_into_statements(text: str, expected: list[str]) -> None:
    """Quotation marks never hide a sentence boundary; each claim is one statement."""
    assert [s.text for s in split_sentences(text)] == expected


def test_seed_article_merged_claim_is_split() -> None:
    """The seed article's "He has maintained … Asked by Stephanopoulos …" is two sentences, even
    after the stray mark in the tweet quoted above it (text as in ../shared/seed, abridged)."""
    text = ('Zelensky tweeted that “There are no minor incursions.". Blinken warned of "a severe and a '
            'united response". In the months since, Blinken has been steadfast.\nHe has maintained that '
            "the crisis was one of Russia’s own design and how to end it depended on whether or not Putin "
            "wants to. Asked by Stephanopoulos if a second summit between Biden and Putin was in the "
            'works, Blinken confirmed it was a possibility.\n"If it proves useful, we\'re prepared to do '
            'that," Blinken said.')
    texts = [s.text for s in split_sentences(text)]
    assert texts[3].startswith("He has maintained") and texts[3].endswith("Putin wants to.")
    assert texts[4].startswith("Asked by Stephanopoulos") and texts[4].endswith("a possibility.")
    assert texts[5] == '"If it proves useful, we\'re prepared to do that," Blinken said.'


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\t ") == []
