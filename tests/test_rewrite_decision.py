"""Decision features of a sentence alignment, the logistic decision, and the static model's
loading errors (no model is built or loaded here: these tests are fast)."""

from __future__ import annotations

import numpy as np
import pytest

from samestory.config import RewriteSettings
from samestory.rewrite import static_model
from samestory.rewrite.decision import FEATURES, RewriteFeatures, alignment_features, countable_rows, decide, score
from samestory.rewrite.align import align_sentences

SETTINGS = RewriteSettings()


def _unit(rows: list[list[float]]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _features(sa, ea, sb, eb):
    al = align_sentences(sa, ea, sb, eb, SETTINGS)
    ra, rb = countable_rows(sa, SETTINGS.min_sentence_words), countable_rows(sb, SETTINGS.min_sentence_words)
    return alignment_features(al, ra, ea[ra], rb, eb[rb], name_variants=0), al


def test_soft_coverage_is_mean_best_cosine_of_the_shorter_document():
    sa = ["The council met on Monday evening.", "It voted on the budget plan.", "The mayor spoke after that."]
    sb = sa[:2] + ["Residents asked many questions.", "A decision follows next week in town."]
    ea = _unit([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
    eb = _unit([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0.6, 0.8], [0, 0, 0, 1]])
    f, al = _features(sa, ea, sb, eb)
    # a is shorter: best cosines 1, 1, 0.6 (two of them verbatim)
    assert f.soft_coverage == pytest.approx((1 + 1 + 0.6) / 3, abs=1e-6)
    assert f.verbatim_share == pytest.approx(2 / 3)
    assert f.length_ratio == pytest.approx(3 / 4)
    assert f.coverage == al.coverage_a


def test_verbatim_sentences_count_as_one_even_when_embeddings_disagree():
    sa = ["Exactly the same sentence appears here.", "Another identical sentence is here too."]
    sb = ["exactly  the same sentence appears here.", "Another identical sentence is here too."]
    ea = _unit([[1, 0], [0, 1]])
    eb = _unit([[0.5, 0.5], [0, 1]])  # the first pair's vectors differ (as a noisy model's might)
    f, _ = _features(sa, ea, sb, eb)
    assert f.verbatim_share == 1.0
    assert f.soft_coverage == 1.0


def test_empty_alignment_gives_zero_features():
    f, _ = _features(["Too short."], _unit([[1, 0]]), ["Also a sentence of enough words here."], _unit([[0, 1]]))
    assert f == RewriteFeatures()


def test_decision_rises_with_alignment_quality():
    weak = RewriteFeatures(coverage=0.6, soft_coverage=0.7, aligned_mean=0.75, aligned_q25=0.72,
                           strong_share=0.6, order=1.0, length_ratio=1.0, sentence_length_ratio=0.8,
                           number_agreement=1.0)
    strong = RewriteFeatures(coverage=0.9, soft_coverage=0.9, aligned_mean=0.9, aligned_q25=0.86,
                             strong_share=0.9, order=1.0, length_ratio=1.0, sentence_length_ratio=0.8,
                             number_agreement=1.0)
    assert score(strong) > score(weak)
    s, ok = decide(strong)
    assert ok and 0.0 <= s <= 1.0
    assert decide(weak)[1] is False  # many aligned sentences, none aligned well: not a rewrite
    assert decide(RewriteFeatures())[1] is False
    assert len(RewriteFeatures().vector()) == len(FEATURES)


def test_missing_static_model_is_a_one_line_error(tmp_path):
    with pytest.raises(static_model.StaticModelError) as err:
        static_model.load_static_model(str(tmp_path / "nowhere"))
    message = str(err.value)
    assert "\n" not in message and "static_model build" in message


def test_static_model_cli_usage(capsys):
    assert static_model.main([]) == 2
    assert "usage" in capsys.readouterr().err
    assert not static_model.is_built(static_model.Path("/nonexistent/static"))
