"""Sentence splitting: offsets always index the original text exactly."""

import pytest

from checker.sentences import split_sentences

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


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\t ") == []
