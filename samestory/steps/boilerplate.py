"""Steps sites and finalize: site boilerplate learned as a shuffle, then removed part by part.

sites (one task per key partition): every (site, line) key of the partition, from the read
step's `sites` map outputs, is counted over the distinct pages of its site; a key above its
site's threshold that recurs on different articles is boilerplate (boilerplate/site_lines.py
says the rule; this applies it to one partition: keys are independent, so the union over
partitions is what one pass over everything finds). The different-articles check reads the
line hashes of a few sampled pages (`read/<part>.lines.arrow`, by row). Output: which lines
each page loses, partitioned by the read part the page lies in, and the table rows.

finalize (one task per read part): the part's pages that lose lines are stripped and
fingerprinted again (`docs/<part>.changes.arrow`), with their map outputs for the lexical
steps, which read these instead of the read step's entries for those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .. import lexical
from ..boilerplate.corpus_lines import strip_learned_batch
from ..boilerplate.site_lines import _distinct_articles, threshold
from ..config import Settings
from ..plan.folder import TaskFiles
from ..plan.parts import CHANGES_SCHEMA, Parts, PartTexts, by_part
from ..plan.shuffle import range_parts, read_partition, write_partitioned
from ..rewrite import concat_signatures, signature_batch
from .read import keyed_entries, write_map_outputs

__all__ = ["SitesArgs", "learn_sites_partition", "FinalizeArgs", "finalize_part", "TABLE_SCHEMA"]

TABLE_SCHEMA = pa.schema([
    ("site", pa.string()), ("line", pa.string()), ("words", pa.int32()), ("removed_from_docs", pa.int32()),
    ("distinct_pages", pa.int32()), ("site_pages", pa.int32()),
    ("scope", pa.string()),  # "site", or "corpus": a corpus-wide line (steps/corpus_lines.py), site "(corpus)"
])


class RowLines:
    """A page's line hashes and word counts, read by row from the parts' line files
    (`read/<part>.lines.arrow`, memory-mapped, each file opened once)."""

    def __init__(self, parts: Parts):
        self.parts = parts
        self.files: dict[int, pa.Table] = {}

    def __call__(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        k, local = self.parts.locate(np.array([row]))
        k, local = int(k[0]), int(local[0])
        table = self.files.get(k)
        if table is None:
            path = self.parts.parts[k].path("read", "lines.arrow")
            table = self.files[k] = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
        return (table.column("line_hash")[local].values.to_numpy(),
                table.column("line_words")[local].values.to_numpy())


class _PartLines:
    """Each page's distinct line hashes with their word counts, read by row from the parts."""

    def __init__(self, parts: Parts):
        self.lines = RowLines(parts)
        self.memo: dict[int, tuple[dict[int, int], int]] = {}

    def get(self, row: int) -> tuple[dict[int, int], int]:
        got = self.memo.get(row)
        if got is None:
            hashes, words_of = self.lines(row)
            words: dict[int, int] = {}
            for h, w in zip(hashes.tolist(), words_of.tolist()):
                if h:
                    words[h] = w
            got = (words, sum(words.values()))
            self.memo[row] = got
        return got


@dataclass(frozen=True)
class SitesArgs:
    parts: Parts
    partition: int
    partitions: int
    site_pages: str          # .npy of (site hash, pages) rows, sorted by hash
    settings: Settings


def _site_names(parts: Parts, rows: np.ndarray) -> list[str]:
    """The site key of each row (read/<part>.meta.parquet's site_key), one column read per part."""
    out: list[str] = [""] * len(rows)
    k, local = parts.locate(rows)
    for part, pick in by_part(k):
        column = pq.read_table(parts.parts[part].path("read", "meta.parquet"), columns=["site_key"]).column(0)
        for i, value in zip(pick.tolist(), column.take(pa.array(local[pick])).to_pylist()):
            out[i] = value
    return out


def learn_sites_partition(files: TaskFiles, args: SitesArgs) -> dict:
    settings = args.settings.boilerplate
    parts = args.parts
    got = read_partition([(p.path("read", "sites.arrow"), p.start) for p in parts.parts if p.reference < 0],
                         args.partition, dtypes={"key": np.uint64, "site": np.uint64, "row": np.int64,
                                                 "pos": np.int32, "line_hash": np.uint64, "words": np.int32})
    table_rows: list[tuple] = []
    drop_rows = np.zeros(0, np.int64)
    drop_pos = np.zeros(0, np.int32)
    if len(got["key"]):
        known = np.load(args.site_pages)
        sites, pages_of = known[:, 0].astype(np.uint64), known[:, 1].astype(np.int64)
        site_pages = pages_of[np.searchsorted(sites, got["site"])]
        usable = site_pages >= settings.min_site_pages
        key, row, pos = got["key"][usable], got["row"][usable], got["pos"][usable]
        line_hash, words, site_pages = got["line_hash"][usable], got["words"][usable], site_pages[usable]
        # one sort by (key, page, position); the first entry of each (key, page) counts, so a
        # line repeated inside one page counts once
        order = np.lexsort((pos, row, key))
        k_o, r_o = key[order], row[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (k_o[1:] != k_o[:-1]) | (r_o[1:] != r_o[:-1])
        sel = order[first]
        keys_sorted, rows_sorted, pos_sorted = key[sel], row[sel], pos[sel]
        starts = np.flatnonzero(np.concatenate(([True], keys_sorted[1:] != keys_sorted[:-1]))) if len(sel) else np.zeros(0, np.int64)
        ends = np.append(starts[1:], len(keys_sorted))
        pages = ends - starts
        key_pages = site_pages[sel][starts] if len(sel) else np.zeros(0, np.int64)
        need = np.array([threshold(int(p), settings) for p in key_pages.tolist()], dtype=np.int64)
        lines_of = _PartLines(parts)
        cache: dict = {}
        chosen: list[int] = []
        distinct: dict[int, int] = {}
        for c in np.flatnonzero(pages >= need).tolist():
            docs = rows_sorted[starts[c]:ends[c]]
            estimate = _distinct_articles(docs, int(line_hash[sel][starts[c]]), int(need[c]), lines_of, cache, settings)
            if estimate >= need[c]:
                chosen.append(c)
                distinct[c] = estimate
        if chosen:
            chosen_keys = np.sort(keys_sorted[starts[chosen]])
            hit = np.isin(key, chosen_keys)  # every line with a chosen key, repeats inside a page too
            drop_rows, drop_pos = row[hit], pos[hit]
            first_docs = np.array([int(rows_sorted[starts[c]]) for c in chosen], dtype=np.int64)  # rows sorted in a key
            texts = PartTexts(parts).take(first_docs)
            names = _site_names(parts, first_docs)
            for c, text, name in zip(chosen, texts, names):
                shown = (text or "").split("\n")[int(pos_sorted[starts[c]])].strip()
                table_rows.append((name, shown, int(words[sel][starts[c]]), int(pages[c]), distinct[c], int(key_pages[c]),
                                   "site"))
    write_partitioned(files, "drops", len(parts.parts), range_parts(drop_rows, parts.starts),
                      {"grow": drop_rows.astype(np.int64), "pos": drop_pos.astype(np.int32)})
    table = pa.table(list(zip(*table_rows)) if table_rows else [[] for _ in TABLE_SCHEMA], schema=TABLE_SCHEMA)
    files.write("table.parquet", lambda p: pq.write_table(table, p))
    return {"lines": len(table_rows), "drops": int(len(drop_rows))}


@dataclass(frozen=True)
class FinalizeArgs:
    parts: Parts
    part: int
    drops: tuple[str, ...]   # the sites (and corpus lines) steps' `drops` map outputs
    settings: Settings
    partitions: int


def finalize_part(files: TaskFiles, args: FinalizeArgs) -> dict:
    """Strip the learned lines from this part's pages, and fingerprint those pages again."""
    settings = args.settings
    part = args.parts.parts[args.part]
    got = read_partition([(path, 0) for path in args.drops], args.part, row_columns=(),
                         dtypes={"grow": np.int64, "pos": np.int32})
    if not len(got["grow"]):
        return {"changed": []}
    local = got["grow"] - part.start
    order = np.lexsort((got["pos"], local))
    local, pos = local[order], got["pos"][order]
    rows, first = np.unique(local, return_index=True)
    drops = np.split(pos.astype(np.int64), first[1:])
    texts = PartTexts(args.parts).take(rows + part.start)
    # the learned lines, and the chrome blocks they stand in (clean/chrome.py counts them as chrome)
    chrome_words = settings.clean.chrome_max_words if settings.clean.strip_chrome_lines else None
    stripped, removed = strip_learned_batch(texts, [np.unique(d) for d in drops], chrome_words)
    min_words = max(settings.clean.min_words, 1)
    stripped = [t if k == 0 or (t is not None and len(t.split()) >= min_words) else None for t, k in zip(stripped, removed)]
    fp = lexical.fingerprint_batch(stripped, settings.lexical)
    sig = signature_batch(stripped, settings.rewrite) if settings.rewrite.enabled else concat_signatures([], [])
    status = ["ok" if t is not None else "rejected" for t in stripped]
    reason = [None if t is not None else "no text left after removing site boilerplate" for t in stripped]
    table = pa.table({
        "row": pa.array(rows, pa.int32()), "text": pa.array(stripped, pa.large_string()),
        "status": pa.array(status, pa.string()), "reason": pa.array(reason, pa.string()),
        "boilerplate_lines": pa.array(removed, pa.int32()), "n_words": pa.array(fp.n_words, pa.int32()),
        "exact_hash": pa.array(fp.exact_hash, pa.uint64()),
        "signature_size": pa.array(np.bincount(sig.row, minlength=len(rows)) if len(sig.row) else np.zeros(len(rows)),
                                   pa.int32()),
    }, schema=CHANGES_SCHEMA)

    def write(path: Path) -> None:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, CHANGES_SCHEMA) as writer:
            writer.write_table(table)

    files.write("changes.arrow", write)
    ok = np.array([t is not None for t in stripped], dtype=bool)
    entries = keyed_entries(fp, sig, ok, settings)
    for columns in entries.values():  # batch rows -> the part's local rows
        columns["row"] = rows[columns["row"]].astype(np.int32)
    write_map_outputs(files, entries, args.partitions)
    return {"changed": rows.tolist(), "rejected": int((~ok).sum())}


def site_pages_array(summaries: list[dict]) -> np.ndarray:
    """(site hash, clean pages) rows over every read part, sorted by hash (uint64 as int64 bits)."""
    pairs = [row for s in summaries for row in s.get("site_pages", ())]
    if not pairs:
        return np.zeros((0, 2), np.uint64)
    arr = np.array(pairs, dtype=np.uint64)
    order = np.argsort(arr[:, 0], kind="stable")
    arr = arr[order]
    uniq, first = np.unique(arr[:, 0], return_index=True)
    counts = np.add.reduceat(arr[:, 1], first)
    return np.stack([uniq, counts], axis=1)


def boilerplate_table(paths: list[Path]) -> pa.Table:
    """boilerplate.parquet: the sites tasks' table rows, by site, then most pages, then line."""
    tables = [pq.read_table(p) for p in paths]
    table = pa.concat_tables(tables) if tables else TABLE_SCHEMA.empty_table()
    if not table.num_rows:
        return TABLE_SCHEMA.empty_table()
    rows = sorted(zip(*[table.column(n).to_pylist() for n in TABLE_SCHEMA.names]), key=lambda r: (r[0], -r[3], r[1]))
    return pa.table(list(zip(*rows)), schema=TABLE_SCHEMA)


__all__ += ["site_pages_array", "boilerplate_table"]
