"""The alignment sentence splitter: boundaries, abbreviations, and the shape of its output."""

import pytest

from samestory.rewrite.sentences import split_for_alignment


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Smith arrived. He left at noon.", ["Mr. Smith arrived.", "He left at noon."]),
        ("Dr. Jones met Prof. Lee in St. Louis. They talked.", ["Dr. Jones met Prof. Lee in St. Louis.", "They talked."]),
        ("It opened on Jan. 5 in the city. It closed in 2003.", ["It opened on Jan. 5 in the city.", "It closed in 2003."]),
        ("J. K. Rowling wrote it. George W. Bush read it.", ["J. K. Rowling wrote it.", "George W. Bush read it."]),
        ("Growth was 3.5 percent. Prices rose 0.2 points.", ["Growth was 3.5 percent.", "Prices rose 0.2 points."]),
        ("The U.S. Army said so. It was true.", ["The U.S. Army said so.", "It was true."]),
        ("He moved to the U.S. The next day he left.", ["He moved to the U.S.", "The next day he left."]),
        ("\"Why?\" he asked. \"Because.\" She left.", ["\"Why?\" he asked.", "\"Because.\"", "She left."]),
        ("She said \u201cno.\u201d Then she went home.", ["She said \u201cno.\u201d", "Then she went home."]),
        ("Wait... and see. Is it? Yes! It is.", ["Wait... and see.", "Is it?", "Yes!", "It is."]),
        ("Apple Inc. reported gains. No. 3 won the race.", ["Apple Inc. reported gains.", "No. 3 won the race."]),
        ("NAPA COUNTY, Calif. (KGO) -- A plan moved on. It is closer.", ["NAPA COUNTY, Calif. (KGO) -- A plan moved on.", "It is closer."]),
    ],
)
def test_boundaries(text, expected):
    assert split_for_alignment(text) == expected


def test_lines_are_paragraphs_and_short_lines_stay_whole():
    text = "Breaking News\nThe mayor spoke today. She said the budget passed.\n\nRead more"
    assert split_for_alignment(text) == ["Breaking News", "The mayor spoke today.", "She said the budget passed.", "Read more"]


def test_empty_and_none():
    assert split_for_alignment(None) == []
    assert split_for_alignment("") == []
    assert split_for_alignment(" \n \n") == []


def test_pieces_cover_the_text():
    # nothing is lost or invented: the sentences joined are the text without its line breaks
    text = "One sentence here, Mr. Brown said. Another one at 4.5 p.m. on Monday! A third? Yes.\nLast line of it all."
    pieces = split_for_alignment(text)
    assert len(pieces) == 5
    assert "".join(pieces).replace(" ", "") == text.replace("\n", "").replace(" ", "")
