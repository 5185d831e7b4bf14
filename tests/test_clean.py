"""Main-text extraction and the chrome-line filter, on the seeds and on general cases."""

from __future__ import annotations

from samestory.clean import clean_batch, strip_chrome_lines
from samestory.clean.chrome import is_chrome_line
from samestory.read import iter_documents

from .conftest import SEED_HTML, SEED_REWRITE, SEEDS


def clean_seed(name, settings):
    raw = [d for d in iter_documents([SEEDS / name])]
    batch = clean_batch(raw, settings.clean)
    assert batch.status == ["ok"]
    return batch.text[0]


def test_rewrite_seed_loses_exactly_its_three_chrome_lines(settings):
    original = (SEEDS / SEED_REWRITE).read_text(encoding="utf-8")
    body_lines = [line.strip() for line in original.splitlines() if line.strip()]
    text = clean_seed(SEED_REWRITE, settings)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == body_lines[:-3]
    assert body_lines[-3:] == ["leave a comment", "Create Account", "Log In Your Account"]
    for chrome in body_lines[-3:]:
        assert chrome not in text


def test_html_seed_is_its_nine_article_paragraphs(settings):
    text = clean_seed(SEED_HTML, settings)
    paragraphs = text.split("\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("China and the European Space Agency are discussing")
    assert paragraphs[-1].startswith("China was excluded from the International Space Station")
    for junk in ("Advertisements", "getAdSnippetCallback", "tudeMappings", "Discover more", "Subscribe", "London Glossy Post"):
        assert junk not in text
    assert "\u201cMoon Village\u201d" in text  # entities decoded


def test_chrome_rule_is_general_not_a_list_of_seed_lines():
    for line in ("Leave a reply", "Sign up for our newsletter", "Share this:", "Log in", "Create an account",
                 "We use cookies to improve your experience.", "© 2024 Example News. All rights reserved.",
                 "Subscribe to get the latest posts sent to your email.", "Kommentar schreiben", "Related posts"):
        assert is_chrome_line(line), line
    for line in ("He declined to comment.", "Subscribers rose by five percent in the quarter.",
                 "The council said the account would be settled in May.",
                 "Readers can leave a comment on the proposal at the town hall until Friday, the mayor's office said in a statement."):
        assert not is_chrome_line(line), line


def test_only_the_edges_are_stripped():
    text = "Share this:\nThe article starts here.\nLog in\nThe article goes on after a stray UI line.\nLeave a comment\nLog In"
    cleaned, removed = strip_chrome_lines(text)
    assert cleaned == "The article starts here.\nLog in\nThe article goes on after a stray UI line."
    assert removed == ["Share this:", "Leave a comment", "Log In"]
