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
    # (a short line between chrome lines at an edge is part of its block: the first line is prose)
    text = "Share this:\nThe article starts here, with a whole sentence.\nLog in\nThe article goes on after a stray UI line.\nLeave a comment\nLog In"
    cleaned, removed = strip_chrome_lines(text)
    assert cleaned == "The article starts here, with a whole sentence.\nLog in\nThe article goes on after a stray UI line."
    assert removed == ["Share this:", "Leave a comment", "Log In"]


def _tidy_reference(text: str) -> str:
    """tidy_text as first written: every line rebuilt (the fast path must agree with it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in (line.strip() for line in text.split("\n")):
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def test_tidy_text_equals_rebuilding_every_line():
    import random

    from samestory.clean.normalize import tidy_text

    rng = random.Random(3)
    alphabet = ["a", "b", " ", "\n", "\n", "\r", "\t", "\u00a0", "\u2028", "\x85", "\x1c", "é", "\u3000"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        assert tidy_text(text) == _tidy_reference(text), repr(text)
    tidy = "First paragraph.\n\nSecond one.\nThird."
    assert tidy_text(tidy) is tidy  # a tidy text comes back as it is, not rebuilt


def test_text_records_clean_as_clean_one_does(settings):
    import dataclasses
    import random

    from samestory.clean import clean_one, clean_text
    from samestory.records import RawDocument

    rng = random.Random(4)
    pieces = ["Share this:", "Leave a comment", "Log In", "|", "12", "© 2024 X. All rights reserved.", "Read more",
              "The council met on Tuesday and agreed the budget.", "He said it would take years.", "", " ", "\t",
              "Müller sagte „Nein“.", "AT&amp;T &lt;b&gt;", "\u00a0x\u00a0", "word " * 20]
    raws = []
    for i in range(3000):
        lines = [rng.choice(pieces) for _ in range(rng.randrange(0, 7))]
        content = rng.choice(["\n", "\r\n", "\r", "\n\n"]).join(lines) or " "
        title = rng.choice([None, None, lines[0] if lines else None, "The council met on Tuesday and agreed the budget."])
        raws.append(RawDocument(doc_id=f"d{i}", source="s", kind="text", content=content, title=title))
    for clean_settings in (settings.clean, dataclasses.replace(settings.clean, min_words=3),
                           dataclasses.replace(settings.clean, strip_chrome_lines=False)):
        batch = clean_batch(raws, clean_settings)
        for k, raw in enumerate(raws):
            want = clean_one(raw, clean_settings)
            got = {name: getattr(batch, name)[k] for name in want}
            assert got == want, raw
            text, chrome_lines, reason = clean_text(raw.content, raw.title, clean_settings)
            assert (text, chrome_lines, reason) == (want["text"], want["chrome_lines"], want["reason"])
