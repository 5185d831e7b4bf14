"""The lexical tier: exact, near and partial copies, found by what their words share.

Three steps, each a plain function:
1. `fingerprint_batch(texts, settings)` — per batch, in workers: exact hash, MinHash, anchors
   (fingerprints.py, over the shingle hashes of shingles.py);
2. `find_candidates(fingerprints, representative, settings)` — the group-by-key step over the
   whole corpus: exact groups, MinHash LSH bands, shared anchors (candidates.py);
3. `verify_exact` and `verify_lexical` — every candidate pair checked on its real shingle sets
   (verify.py); `candidate_chunks` + `verify_chunk` cut the work into self-contained jobs.
"""

from .candidates import Candidates, exact_representatives, find_candidates
from .fingerprints import Fingerprints, concat_fingerprints, fingerprint_batch, replace_rows
from .shingles import shingle_set, shingle_sets
from .verify import candidate_chunks, classify_overlap, verify_chunk, verify_exact, verify_lexical

__all__ = [
    "Candidates", "Fingerprints", "candidate_chunks", "classify_overlap", "concat_fingerprints",
    "exact_representatives", "find_candidates", "fingerprint_batch", "replace_rows", "shingle_set",
    "shingle_sets", "verify_chunk", "verify_exact", "verify_lexical",
]
