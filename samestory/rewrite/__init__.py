"""The rewrite tier: paraphrased, spun and translated-back copies, which share few word sequences.

`find_rewrites(...)` (find.py) is its front, a cascade: signature candidates (signature.py,
candidates.py) -> a cheap lexical sentence screen -> the static model's screen and decision
(static_model.py, decision.py) -> the full sentence model (embed.py) for the undecided pairs
only -> a one-to-one, order-aware sentence alignment (align.py), name variants (names.py) and
the fitted decision (decision.py) -> rewrite and related pairs with their evidence. Signatures
are computed per batch in the workers (`signature_batch`); sentences are split by sentences.py.
"""

from .embed import DEFAULT_MODEL, Embedder, ModelError
from .find import RewriteStats, find_rewrites, rewrite_evidence
from .signature import Signatures, concat_signatures, replace_signature_rows, signature, signature_batch

__all__ = [
    "DEFAULT_MODEL", "Embedder", "ModelError", "RewriteStats", "Signatures", "concat_signatures", "find_rewrites",
    "replace_signature_rows", "rewrite_evidence", "signature", "signature_batch",
]
