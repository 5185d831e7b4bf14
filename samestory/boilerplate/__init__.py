"""Site boilerplate: lines that recur on many different articles of one site, removed before matching.

Three steps (site_lines.py explains the rule): `line_hashes_batch` per batch in the workers,
`learn_boilerplate` once over the corpus (the group-by-(site, line) step), `strip_lines_batch`
per batch in the workers for the documents that lost lines.
"""

from .site_lines import (
    threshold,
    Boilerplate, LineHashes, concat_line_hashes, learn_boilerplate, line_hashes_batch, normalize_line, site_key,
    strip_lines, strip_lines_batch,
)

__all__ = [
    "Boilerplate", "LineHashes", "concat_line_hashes", "learn_boilerplate", "line_hashes_batch", "normalize_line",
    "site_key", "strip_lines", "strip_lines_batch", "threshold",
]
