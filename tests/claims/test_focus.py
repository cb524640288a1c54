"""Focus spans inside a claim, and standalone wordings for searching."""

import itertools

import pytest

from checker.claims.focus import focus_spans, standalone


def _spans(text: str, offset: int = 0) -> list[tuple[str, str]]:
    return [(text[f.start - offset : f.end - offset], f.kind) for f in focus_spans(text, offset=offset)]


def test_quantities_dates_names_comparisons() -> None:
    text = ("U.S. and Russian officials met in Geneva on Jan. 10, after Russia massed more than "
            "100,000 troops and spent $1.5 million, the NATO-Russia Council said.")
    spans = _spans(text)
    assert ("U.S.", "name") in spans and ("Geneva", "name") in spans and ("NATO-Russia Council", "name") in spans
    assert ("Jan. 10", "date") in spans and ("100,000", "quantity") in spans
    assert ("$1.5 million", "quantity") in spans and ("more than", "comparison") in spans


def test_offsets_are_article_offsets_and_do_not_overlap() -> None:
    article = "Intro sentence. Biden met Putin in June 2021 in Geneva."
    start = article.index("Biden")
    sentence = article[start:]
    spans = focus_spans(sentence, offset=start)
    assert [article[f.start : f.end] for f in spans] == ["Biden", "Putin", "June 2021", "Geneva"]
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start


@pytest.mark.parametrize(
    ("sentence", "before", "expected"),
    [
        ("He noted that there was no breakthrough achieved.", "", "There was no breakthrough achieved."),
        ('"Russia has massed 100,000 forces on the border," Blinken told ABC.', "",
         "Russia has massed 100,000 forces on the border."),
        ("He said talks would continue next week.", "Blinken spoke to reporters. Lavrov said little.",
         "Talks would continue next week."),
        ("She warned of a severe response.", "Kamala Harris spoke in Munich.", None),
        ("Russia massed troops near the border.", "", None),
        # the second half of a quote split into its statements keeps its pronoun frame until here
        ('Right now, the plan is to take stock of where we are next week," he added.', "",
         "Right now, the plan is to take stock of where we are next week."),
        ('"Is the war over already?" she asked.', "", "Is the war over already?"),
        ('"That\'s certainly something we\'re prepared to do.', "", "That's certainly something we're prepared to do."),
        ("He said it was fine and then, he added, nothing.", "", "It was fine and then, he added, nothing."),
        # issue 24, standalone wording: the second verb's subject went with the frame, so the statement ends there
        ("He noted that there was no breakthrough but instead insisted that talks would go on.", "",
         "There was no breakthrough."),
        ("He said no deal was reached, but argued that the sides could still talk.", "", "No deal was reached."),
        ("He said talks failed and Russia withdrew.", "", "Talks failed and Russia withdrew."),
    ],
)
def test_standalone(sentence: str, before: str, expected: str | None) -> None:
    """Reporting frames are dropped; a sentence that already stands alone gets no rewording."""
    result = standalone(sentence, before=before)
    if expected is None and sentence.startswith("She"):
        assert result is None or not result.startswith("She")
    else:
        assert result == expected


def test_focus_spans_follow_a_quote_split_into_statements() -> None:
    """Each statement of a split quote keeps its own spans, inside its own offsets."""
    from checker.text.sentences import split_sentences

    text = '"Russia massed 100,000 troops. Talks resume on Jan. 21 in Geneva," Blinken said.'
    first, second = split_sentences(text)
    assert [(text[f.start : f.end], f.kind) for f in focus_spans(first.text, offset=first.start)] == [
        ("Russia", "name"), ("100,000", "quantity")]
    spans = [(text[f.start : f.end], f.kind) for f in focus_spans(second.text, offset=second.start)]
    assert ("Jan. 21", "date") in spans and ("Geneva", "name") in spans and ("Blinken", "name") in spans
    assert standalone(second.text) == "Talks resume on Jan. 21 in Geneva."


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The plan is to take stock of where we are next week.",
     "The plan is to take stock of where we are in the week of 24 January 2022."),
    ("Talks were held yesterday and will resume next month.",
     "Talks were held on 20 January 2022 and will resume in February 2022."),
    ("Zelensky tweeted on Thursday that there are no minor incursions.",
     "Zelensky tweeted on Thursday 20 January 2022 that there are no minor incursions."),
    ("Prices have risen since last week.", "Prices have risen since the week of 10 January 2022."),
    ("Last week the council met.", "In the week of 10 January 2022 the council met."),
    ("He spoke on 21 January 2022.", None),  # already absolute
])
def test_relative_times_are_placed_on_the_article_date(sentence: str, expected: str | None) -> None:
    """Issue 24, standalone wording: relative times read against the article's date (here Friday
    21 January 2022), and left alone without one."""
    assert standalone(sentence, date="2022-01-21") == expected
    assert standalone(sentence) is None
