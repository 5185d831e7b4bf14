"""Boilerplate: lines that recur on many different articles of one site (site_lines.py), or
anywhere in the corpus (corpus_lines.py), removed before matching.

The steps: `line_hashes_batch` per batch in the workers; `learn_boilerplate` over the corpus
(the group-by-(site, line) step) and `learn_corpus_lines` per key partition of `line_entries`
(the group-by-line step); `strip_learned_batch` per batch in the workers for the documents
that lost lines (the learned lines and the chrome blocks they stand in).
"""

from .corpus_lines import (
    CORPUS_SITE, CorpusLines, LineEntries, RowLineHashes, concat_corpus_lines, learn_corpus_lines, line_entries,
    strip_learned_batch, strip_learned_lines,
)
from .site_lines import (
    threshold,
    Boilerplate, LineHashes, concat_line_hashes, learn_boilerplate, line_hashes_batch, normalize_line, site_key,
    strip_lines, strip_lines_batch,
)

__all__ = [
    "CORPUS_SITE", "CorpusLines", "LineEntries", "RowLineHashes", "concat_corpus_lines", "learn_corpus_lines",
    "line_entries", "strip_learned_batch", "strip_learned_lines", "Boilerplate", "LineHashes", "concat_line_hashes", "learn_boilerplate", "line_hashes_batch", "normalize_line",
    "site_key", "strip_lines", "strip_lines_batch", "threshold",
]
