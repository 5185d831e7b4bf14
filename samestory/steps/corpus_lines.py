"""Step lines: corpus-wide boilerplate lines learned as a shuffle (boilerplate/corpus_lines.py).

One task per key partition: every short line of every clean page, from the read step's
`corpus_lines` map outputs (line hash, row, position, words, the page's exact hash), goes to
the partition of its line hash; the task runs `learn_corpus_lines` over its partition (keys
are independent: the union over partitions is what one pass over everything finds). The
different-articles check and the outside-the-article test read a few sampled pages' line
hashes (`read/<part>.lines.arrow`) and texts by row. Output, as the sites step's: which lines
each page loses, partitioned by the read part the page lies in (the docs step strips them),
and boilerplate.parquet rows with site "(corpus)" and scope "corpus".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..boilerplate.corpus_lines import CORPUS_SITE, CorpusLines, LineEntries, learn_corpus_lines
from ..config import Settings
from ..plan.folder import TaskFiles
from ..plan.parts import Parts, PartTexts
from ..plan.shuffle import range_parts, read_partition, write_partitioned
from .boilerplate import TABLE_SCHEMA, RowLines

__all__ = ["LinesArgs", "learn_lines_partition", "MAP_KIND"]

MAP_KIND = "corpus_lines"  # the read step's map output this step reduces


@dataclass(frozen=True)
class LinesArgs:
    parts: Parts
    partition: int
    n_docs: int              # clean documents of the run (the threshold's base)
    settings: Settings


def _across_sites(learned: CorpusLines, hashes: np.ndarray, sites: np.ndarray, rows: np.ndarray) -> CorpusLines:
    """The learned lines met on more than one site (a page without a site counts as a site of
    its own): a line of one site's pages only is the sites step's to judge, with that site's
    threshold, so a line is never counted twice or under two scopes."""
    site = np.where(sites == 0, rows.astype(np.uint64) | np.uint64(1 << 63), sites)  # siteless: one "site" per page
    hit = np.isin(hashes, learned.hashes)
    h, s = hashes[hit], site[hit]
    order = np.lexsort((s, h))
    h, s = h[order], s[order]
    new = np.ones(len(h), bool)
    new[1:] = (h[1:] != h[:-1]) | (s[1:] != s[:-1])
    keys, counts = np.unique(h[new], return_counts=True)
    keep = np.isin(learned.hashes, keys[counts >= 2])
    return CorpusLines(*(getattr(learned, f.name)[keep] for f in dataclasses.fields(CorpusLines)))


def learn_lines_partition(files: TaskFiles, args: LinesArgs) -> dict:
    parts = args.parts
    got = read_partition([(p.path("read", f"{MAP_KIND}.arrow"), p.start) for p in parts.parts if p.reference < 0],
                         args.partition, dtypes={"key": np.uint64, "row": np.int64, "pos": np.int32, "words": np.int32,
                                                 "exact": np.uint64, "site": np.uint64})
    entries = LineEntries(got["key"].astype(np.uint64), got["row"].astype(np.int64), got["pos"].astype(np.int32),
                          got["words"].astype(np.int32), got["exact"].astype(np.uint64))
    texts = PartTexts(parts)
    learned = learn_corpus_lines(entries, args.n_docs, RowLines(parts), texts.__getitem__, args.settings.boilerplate)
    if len(learned):
        learned = _across_sites(learned, entries.hashes, got["site"].astype(np.uint64), entries.rows)
    hit = np.isin(entries.hashes, learned.hashes) if len(learned) else np.zeros(len(entries), bool)
    drop_rows, drop_pos = entries.rows[hit], entries.pos[hit]
    write_partitioned(files, "drops", len(parts.parts), range_parts(drop_rows, parts.starts),
                      {"grow": drop_rows.astype(np.int64), "pos": drop_pos.astype(np.int32)})
    rows = []
    shown_texts = texts.take(learned.shown_row) if len(learned) else []
    for k, text in enumerate(shown_texts):
        shown = (text or "").split("\n")[int(learned.shown_pos[k])].strip()
        rows.append((CORPUS_SITE, shown, int(learned.words[k]), int(learned.docs[k]), int(learned.distinct[k]),
                     args.n_docs, "corpus"))
    table = pa.table(list(zip(*rows)) if rows else [[] for _ in TABLE_SCHEMA], schema=TABLE_SCHEMA)
    files.write("table.parquet", lambda p: pq.write_table(table, p))
    return {"lines": len(rows), "drops": int(len(drop_rows))}
