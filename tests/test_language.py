"""Language identification (samestory/language) and the `language` column."""

from __future__ import annotations

import numpy as np
import pytest

import samestory
from samestory import Settings
from samestory.clean import clean_batch
from samestory.language import MIN_LETTERS, SAMPLE_CHARS, detect_language, detect_languages, detection_sample
from samestory.records import RawDocument

from .conftest import SEEDS, by_id
from .language_samples import SAMPLES


def test_every_written_language_and_script_is_recognised():
    texts = [p for ps in SAMPLES.values() for p in ps]
    expected = [lang for lang, ps in SAMPLES.items() for _ in ps]
    codes, confidence = detect_languages(texts)
    assert codes == expected
    assert confidence.dtype == np.float32 and len(confidence) == len(texts)
    assert float(confidence.min()) > 0.5


def test_cyrillic_languages_are_told_apart():
    # the failure: Russian pages judged by an English model; the gate needs the code
    codes, _ = detect_languages([SAMPLES["ru"][0], SAMPLES["uk"][0], SAMPLES["bg"][0], SAMPLES["en"][0]])
    assert codes == ["ru", "uk", "bg", "en"]


def test_too_little_text_has_no_language():
    codes, confidence = detect_languages([None, "", "12:30 14:45 2024", "Oslo 3-1", SAMPLES["de"][1]])
    assert codes[:4] == [None, None, None, None]
    assert confidence[:4].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert codes[4] == "de"
    assert detect_language("x" * (MIN_LETTERS - 1)) == (None, 0.0)


def test_capitals_are_read_as_the_language_they_are_written_in():
    assert detect_language(SAMPLES["en"][0].upper())[0] == "en"


def test_detection_is_deterministic_and_independent_of_the_batch():
    texts = [p for ps in SAMPLES.values() for p in ps]
    first = detect_languages(texts)
    again = detect_languages(list(reversed(texts)))
    assert first[0] == list(reversed(again[0]))
    assert np.array_equal(first[1], again[1][::-1])
    assert [detect_language(t)[0] for t in texts] == first[0]


def test_sample_reads_prose_first_and_is_bounded():
    schedule = "\n".join(f"12.{d:02d}. Hamburg" for d in range(1, 30))
    text = schedule + "\n" + SAMPLES["fr"][0] + "\n" + "mot " * 2000
    sample = detection_sample(text)
    assert sample.startswith(SAMPLES["fr"][0][:40])
    assert len(sample) <= SAMPLE_CHARS
    assert detect_language(schedule + "\n" + SAMPLES["fr"][0])[0] == "fr"


def test_clean_batch_fills_the_language_column():
    raws = [
        RawDocument(doc_id="a.txt", source="a.txt", kind="text", content=SAMPLES["el"][0] + "\n" + SAMPLES["el"][1]),
        RawDocument(doc_id="b.txt", source="b.txt", kind="rejected", content="", reason="broken"),
        RawDocument(doc_id="c.html", source="c.html", kind="html",
                    content="<html><body><article><p>" + "</p><p>".join(SAMPLES["ja"]) + "</p></article></body></html>"),
    ]
    batch = clean_batch(raws, Settings().clean)
    assert batch.language == ["el", None, "ja"]


def test_documents_parquet_has_the_language(tmp_path):
    settings = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})
    result = samestory.run(SEEDS, out=tmp_path / "out", settings=settings)
    docs = by_id(result.documents)
    assert "language" in result.documents.column_names
    assert {d["language"] for d in docs.values()} == {"en"}


@pytest.mark.skipif(not __import__("benchmarks.wmt21", fromlist=["wmt_available"]).wmt_available(),
                    reason="../shared/data/wmt21 not present")
def test_real_articles_of_four_languages():
    from benchmarks.wmt21 import read_wmt21

    versions = read_wmt21()[::10]  # 290 real articles: Icelandic, English, German, French
    codes, _ = detect_languages([v.text for v in versions])
    assert codes == [v.lang for v in versions]
