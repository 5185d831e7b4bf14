"""Reference runs (`--reference PREV_OUT`): deduplicate new documents against earlier runs.

An earlier run's folder holds its documents' clean texts and fingerprints (`_work/` shards,
with `final.parquet` for the rows boilerplate removal changed) and its groups
(documents.parquet, pairs.parquet). They are loaded as they are, never re-read or re-cleaned,
and put in front of the new documents: rows [0, first_new) are reference documents.

Only pairs with at least one new document are looked for (pairs among reference documents
were found by their own runs and are loaded from their pairs.parquet, to join groups). A
reference document is never removed: in a group that holds reference documents, the group's
canonical in its reference run stays the canonical. The outputs list the new documents only;
`cluster_reference` (documents) and `reference_a` / `reference_b` (pairs) name the run that
holds a document when it is not this run (its run id, `_work/manifest.json`).
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import lexical
from .clean import CleanBatch
from .clean.dates import dates_from_columns
from .config import Settings
from .group import connected_groups
from .groupby import sorted_unique
from .lexical.keyindex import KEYS_DIR, KeyIndex, ReferenceKeys
from .original import DocumentFacts, Originals, choose_originals
from .records import ExactEvidence, Pairs
from .rewrite import concat_signatures, replace_signature_rows
from .rewrite.vector_cache import VECTORS_DIR, VectorCache, vector_model_key
from .stages import Corpus
from .textstore import RowTexts, ShardTextStore, StackedTexts
from .workdir import (
    FINAL, INDEX, MANIFEST, WORK_DIR, fingerprints_from, read_shard, settings_record, signatures_from,
    text_file, write_atomically,
)

__all__ = ["ReferenceError", "Reference", "ReferenceIndex", "load_references"]

# settings sections whose values decide what a fingerprint means: they must match
_FINGERPRINT_SECTIONS = ("clean", "lexical", "rewrite")
_META = [f.name for f in fields(CleanBatch) if f.name != "text"]
log = logging.getLogger("samestory")
_ELSEWHERE = ExactEvidence()  # a reference pair's evidence stays in its run (frozen: one instance serves all)
#: reference documents' metadata this run never reads (the outputs list new documents only;
#: the original rule reads dates, kinds, titles, URLs, sites and chrome lines): not loaded
_UNUSED = frozenset({"source", "record_id", "metadata", "reason"})
_KEY_SEP = "\x1f"  # between run id and doc_id in a lookup key (a run id is hex)


class ReferenceError(Exception):
    """A --reference folder that cannot be used (one-line message)."""


@dataclass
class Reference:
    """One earlier run's documents, as its folder left them."""

    path: Path
    run_id: str
    corpus: Corpus
    doc_ids: pa.Array                 # its documents' ids (string)
    cluster_run: pa.Array             # run id of the run holding each document's cluster_id
    cluster_id: pa.Array
    pairs: pa.Table                   # its pairs.parquet
    keys: KeyIndex                    # its sorted LSH band keys and anchors (its MinHash and anchors)
    vectors: VectorCache | None = None  # the full-model sentence vectors it kept (rewrite tier)


def load_references(paths: list, settings: Settings) -> list["Reference"]:
    with ThreadPoolExecutor(max_workers=min(4, max(1, len(paths)))) as pool:  # Parquet reads release the GIL
        refs = list(pool.map(lambda p: load_reference(Path(p), settings), paths))
    seen: dict[str, Path] = {}
    for ref in refs:
        if ref.run_id in seen:
            raise ReferenceError(f"--reference {ref.path} and {seen[ref.run_id]} are the same run")
        seen[ref.run_id] = ref.path
    return refs


def _check_folder(path: Path, settings: Settings) -> dict:
    work = path / WORK_DIR
    missing = [name for name in ("documents.parquet", "pairs.parquet", f"{WORK_DIR}/{MANIFEST}", f"{WORK_DIR}/{FINAL}")
               if not (path / name).is_file()]
    if missing:
        raise ReferenceError(f"--reference {path} is not the folder of a finished samestory run (no {missing[0]})")
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceError(f"--reference {path}: cannot read {WORK_DIR}/{MANIFEST}: {exc}") from None
    ours = settings_record(settings)
    # signatures (rewrite tier) matter only when this run looks for rewrites
    sections = _FINGERPRINT_SECTIONS if settings.rewrite.enabled else tuple(s for s in _FINGERPRINT_SECTIONS if s != "rewrite")
    for section in sections:
        theirs = (manifest.get("settings") or {}).get(section)
        if theirs != ours.get(section):
            key = next((k for k in sorted(set(theirs or {}) | set(ours[section]))
                        if (theirs or {}).get(k) != ours[section].get(k)), "?")
            raise ReferenceError(
                f"--reference {path} was run with other [{section}] settings ({key}: {(theirs or {}).get(key)!r} here "
                f"{ours[section].get(key)!r}); its fingerprints cannot be compared"
            )
    return manifest


def load_reference(path: Path, settings: Settings) -> Reference:
    """An earlier run's documents as they were when it grouped them (after boilerplate removal).

    Its candidate keys come from its key index (`_work/keys/`, memory-mapped), so its MinHash
    and anchors are not read. A run has no key index until it is first used as a reference:
    its fingerprints are then read from index.parquet, and the index is built and written into
    its work folder (atomically; where that folder is read-only, it is built again each time)."""
    manifest = _check_folder(path, settings)
    num_perm = settings.lexical.num_perm
    shards = sorted((path / WORK_DIR).glob("first-*.parquet"))
    corpus = Corpus()
    index = path / WORK_DIR / INDEX
    if index.is_file():  # one file with every document's metadata and fingerprints
        schema = pq.read_schema(index)
        sizes = json.loads(schema.metadata[b"shard_rows"])
        try:
            keys = KeyIndex.read(path / WORK_DIR / KEYS_DIR, settings.lexical, sum(sizes))
        except (OSError, ValueError) as exc:
            raise ReferenceError(f"--reference {path}: {exc}") from None
        skip = ({"minhash", "anchors"} if keys is not None else set()) | (set() if settings.rewrite.enabled else {"signature"})
        skip |= _UNUSED  # what no output of this run shows for a reference document
        table = pq.read_table(index, columns=[c for c in schema.names if c not in skip])
        corpus.columns = _lazy_columns(table)
        fingerprints, signatures = fingerprints_from(table, num_perm), signatures_from(table)
    else:  # a run of an earlier version: its shards, one by one
        keys = None
        parts = [read_shard(shard, num_perm, lines=False, texts=False) for shard in shards]
        sizes = [len(p.fingerprints) for p in parts]
        for part in parts:
            for name in _META:
                getattr(corpus.columns, name).extend(getattr(part.columns, name))
        fingerprints = lexical.concat_fingerprints([p.fingerprints for p in parts], num_perm)
        signatures = concat_signatures([p.signatures for p in parts], sizes)
    if len(sizes) != len(shards) or sum(sizes) != len(corpus.columns):
        raise ReferenceError(f"--reference {path}: its work folder is incomplete (shards and index disagree)")
    text_files = [text_file(shard) for shard in shards]
    if all(f.is_file() for f in text_files):
        corpus.texts = ShardTextStore(text_files, sizes)
    else:  # format 1: texts in the shards themselves
        corpus.texts = ParquetShardTexts(shards, sizes)
    corpus.fingerprints = _without_keys(fingerprints) if keys is not None else fingerprints
    corpus.signatures = signatures
    corpus.boilerplate_lines = [0] * len(corpus)
    corpus.ok = _is_ok(corpus.columns.status)
    _apply_final(corpus, pq.read_table(path / WORK_DIR / FINAL), num_perm, whole=keys is None)
    if keys is None:  # its first use as a reference: built once, and kept in its folder when it can be
        keys = KeyIndex.build(corpus.fingerprints, corpus.ok, settings.lexical)
        corpus.fingerprints = _without_keys(corpus.fingerprints)
        if index.is_file():  # (a run of a version without index.parquet is not written into)
            try:
                keys.write(path / WORK_DIR / KEYS_DIR, write_atomically)
            except OSError as exc:  # a read-only reference: the index is rebuilt by each run using it
                log.debug("key index of %s not kept: %s", path, exc)
    wanted = ("doc_id", "cluster_id", "cluster_reference")
    documents = pq.read_table(path / "documents.parquet",
                              columns=[c for c in pq.read_schema(path / "documents.parquet").names if c in wanted])
    doc_ids = documents.column("doc_id").combine_chunks().cast(pa.string())
    if not doc_ids.equals(_as_arrow(corpus.columns.doc_id)):
        raise ReferenceError(f"--reference {path}: documents.parquet does not match its work folder")
    run_id = manifest["run_id"]
    cluster_run = (documents.column("cluster_reference").combine_chunks().cast(pa.string())
                   if "cluster_reference" in documents.column_names else pa.nulls(len(doc_ids), pa.string()))
    return Reference(
        path=path, run_id=run_id, corpus=corpus, doc_ids=doc_ids, cluster_run=pc.fill_null(cluster_run, run_id),
        cluster_id=documents.column("cluster_id").combine_chunks().cast(pa.string()),
        pairs=pq.read_table(path / "pairs.parquet"), keys=keys,
        vectors=(VectorCache.read(path / WORK_DIR / VECTORS_DIR, vector_model_key(settings.rewrite))
                 if settings.rewrite.enabled else None),
    )


def _as_arrow(column) -> pa.Array:
    """A string column as Arrow: an ArrowColumn's own array, or a list (a run read from its shards)."""
    return column.arrow() if isinstance(column, ArrowColumn) else pa.array(column, pa.string())


def _is_ok(status) -> np.ndarray:
    return pc.equal(_as_arrow(status), "ok").fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


class _Rows(Sequence):
    """A column read by row (`_row`), indexed like a list: negative rows and slices too."""

    def _row(self, i: int):  # pragma: no cover - abstract
        raise NotImplementedError

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(len(self)))]
        i = int(i)
        return self._row(i + len(self) if i < 0 else i)


class ArrowColumn(_Rows):
    """A reference run's metadata column, read from its Arrow array a row at a time when asked.
    A run of 10k new documents touches a few thousand of its reference documents (the members of
    groups with a new document, the ends of its pairs); turning 90k of them into Python lists
    cost ~0.2 s a day. Rows final.parquet changed are set over it."""

    def __init__(self, array: pa.Array, convert=None):
        self._array = array
        self._convert = convert  # the Python value of row i, when as_py() is not it
        self._changed: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self._array)

    def _row(self, i: int):
        if i in self._changed:
            return self._changed[i]
        return self._convert(i) if self._convert is not None else self._array[i].as_py()

    def __setitem__(self, i: int, value) -> None:
        self._changed[int(i)] = value

    def arrow(self) -> pa.Array:
        """The column as Arrow, with the changed rows (rows of a string column)."""
        if not self._changed:
            return self._array
        values = self._array.to_pylist()
        for i, v in self._changed.items():
            values[i] = v
        return pa.array(values, self._array.type)


def _lazy_columns(table: pa.Table) -> CleanBatch:
    """index.parquet's metadata as ArrowColumns (columns not read are None throughout)."""
    n = table.num_rows
    column = lambda name: (table.column(name).combine_chunks() if name in table.column_names  # noqa: E731
                           else pa.nulls(n, pa.string()))
    when, precision = column("date"), column("date_precision")
    date = ArrowColumn(when, lambda i: dates_from_columns([when[i].as_py()], [precision[i].as_py()])[0])
    return CleanBatch(**{name: ArrowColumn(column(name)) for name in _META if name != "date"}, date=date)


class StackedColumn(_Rows):
    """One metadata column of the combined corpus: each reference run's, then the new documents'."""

    def __init__(self, parts: list):
        self._parts = parts
        self._starts = [0]
        for part in parts:
            self._starts.append(self._starts[-1] + len(part))

    def __len__(self) -> int:
        return self._starts[-1]

    def _row(self, i: int):
        k = bisect.bisect_right(self._starts, i) - 1
        return self._parts[k][i - self._starts[k]]

    def __setitem__(self, i: int, value) -> None:
        i = int(i)
        k = bisect.bisect_right(self._starts, i) - 1
        self._parts[k][i - self._starts[k]] = value


def _without_keys(fp: lexical.Fingerprints) -> lexical.Fingerprints:
    """Exact hashes and lengths only (copies, writable): a reference's MinHash and anchors live
    in its KeyIndex."""
    num_perm = fp.minhash.shape[1]
    return lexical.Fingerprints(np.array(fp.exact_hash), np.array(fp.n_words), np.zeros((0, num_perm), np.uint32),
                                np.zeros(0, np.uint64), np.zeros(0, np.int64))


def _apply_final(corpus: Corpus, final: pa.Table, num_perm: int, whole: bool) -> None:
    """The rows boilerplate removal changed, as the run left them (MinHash and anchors too
    when `whole`: the key index is then built from them)."""
    if not final.num_rows:
        return
    rows = final.column("row").to_numpy()
    for r, text, status, reason, k in zip(rows.tolist(), final.column("text").to_pylist(), final.column("status").to_pylist(),
                                         final.column("reason").to_pylist(), final.column("boilerplate_lines").to_pylist()):
        corpus.texts[r] = text
        corpus.columns.status[r] = status
        corpus.ok[r] = status == "ok"
        corpus.columns.reason[r] = reason
        corpus.boilerplate_lines[r] = k
    changed = fingerprints_from(final, num_perm)
    if whole:
        corpus.fingerprints = lexical.replace_rows(corpus.fingerprints, rows, changed)
    else:
        corpus.fingerprints.exact_hash[rows] = changed.exact_hash
        corpus.fingerprints.n_words[rows] = changed.n_words
    corpus.signatures = replace_signature_rows(corpus.signatures, rows, signatures_from(final))


def _combined_fingerprints(parts: list[Corpus], first_new: int) -> lexical.Fingerprints:
    """Exact hashes and lengths of every row; MinHash and anchors of the new rows only. The
    reference rows' MinHash stay zeros (np.zeros: pages never touched, no memory) and they have
    no anchors: their keys are searched in the reference key indexes (find_candidates reads
    `minhash` and anchors at rows >= first_new alone)."""
    new = parts[-1].fingerprints
    n = first_new + len(new)
    minhash = np.zeros((n, new.minhash.shape[1]), np.uint32)
    minhash[first_new:] = new.minhash
    return lexical.Fingerprints(
        exact_hash=np.concatenate([p.fingerprints.exact_hash for p in parts]),
        n_words=np.concatenate([p.fingerprints.n_words for p in parts]),
        minhash=minhash, anchor_hash=new.anchor_hash, anchor_row=new.anchor_row + first_new,
    )


class ParquetShardTexts(RowTexts):
    """A reference run of format 1 (texts in the shards' Parquet column): whole shards read
    when first asked for; only the documents that become candidates are ever needed, and most
    shards hold none of them."""

    def __init__(self, shards: list[Path], sizes: list[int]):
        self._shards = shards
        self._starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self._loaded: dict[int, pa.Array] = {}
        self._changed: dict[int, str | None] = {}  # final rows (boilerplate removed)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __setitem__(self, row: int, text: str | None) -> None:
        self._changed[int(row)] = text

    def _read(self, k: int) -> pa.Array:
        return pq.read_table(self._shards[k], columns=["text"]).column(0).combine_chunks()

    def __getitem__(self, row: int) -> str | None:
        row = int(row)
        if row in self._changed:
            return self._changed[row]
        k = int(np.searchsorted(self._starts, row, side="right")) - 1
        if k not in self._loaded:
            self._loaded[k] = self._read(k)
        return self._loaded[k][row - int(self._starts[k])].as_py()

    def prefetch(self, rows: np.ndarray) -> None:
        """Read the shards holding these rows, several at a time (Parquet decoding releases the GIL)."""
        wanted = sorted_unique(np.searchsorted(self._starts, rows, side="right") - 1).tolist()
        missing = [k for k in wanted if k not in self._loaded]
        with ThreadPoolExecutor(max_workers=4) as pool:
            for k, texts in zip(missing, pool.map(self._read, missing)):
                self._loaded[k] = texts


@dataclass
class ReferenceIndex:
    """Reference documents in front of the new ones, and what joins them."""

    refs: list[Reference]
    first_new: int          # rows [0, first_new) are reference documents
    run_of_row: np.ndarray  # (first_new,) index into refs
    new_columns: CleanBatch
    new_texts: RowTexts     # the new documents' texts (the outputs' text column)
    keys: ReferenceKeys     # the reference documents' candidate keys, searched by find_candidates
    pairs: Pairs | None = None         # the reference runs' own pairs, in combined rows
    pinned: np.ndarray | None = None   # reference rows that stay canonical
    rule_decides: bool = False         # [original] reference_canonical = "rule": pins are not kept
    replaced: int = 0                  # groups whose reference canonical the rule replaced by a new document

    @classmethod
    def combine(cls, refs: list[Reference], new: Corpus, settings: Settings) -> tuple["ReferenceIndex", Corpus]:
        """One corpus: every reference document, then the new ones (whose boilerplate is removed)."""
        parts = [ref.corpus for ref in refs] + [new]
        corpus = Corpus()
        corpus.columns = CleanBatch(**{name: StackedColumn([getattr(part.columns, name) for part in parts])
                                       for name in _META})
        new_texts = new.texts
        corpus.texts = StackedTexts([p.texts for p in parts])
        sizes = [len(p) for p in parts]
        first_new = sum(sizes[:-1])
        corpus.fingerprints = _combined_fingerprints(parts, first_new)
        corpus.signatures = concat_signatures([p.signatures for p in parts], sizes)
        corpus.ok = np.concatenate([p.ok for p in parts])
        corpus.boilerplate_lines = list(itertools.chain.from_iterable(p.boilerplate_lines for p in parts))
        run_of_row = np.repeat(np.arange(len(refs), dtype=np.int64), sizes[:-1])
        starts = np.concatenate(([0], np.cumsum(sizes[:-1]))).tolist()
        keys = ReferenceKeys([(start, ref.keys) for start, ref in zip(starts, refs)])
        index = cls(refs, first_new, run_of_row, new.columns, new_texts, keys,
                    rule_decides=settings.original.reference_canonical == "rule")
        index.pairs, index.pinned = index.reference_pairs(corpus)
        return index, corpus

    @property
    def vector_caches(self) -> list[VectorCache]:
        """The reference runs' kept sentence vectors, oldest reference first."""
        return [ref.vectors for ref in self.refs if ref.vectors is not None]

    def with_reference_pairs(self, found: Pairs) -> Pairs:
        """`found` and the reference runs' pairs: what the rewrite tier must not look for again."""
        every = Pairs()
        every.extend(found)
        every.extend(self.pairs)
        return every

    def _rows_of(self, corpus: Corpus, lookups: list[tuple[pa.Array, pa.Array]]) -> list[np.ndarray]:
        """For each (run ids, doc_ids) of `lookups`, the rows of the combined corpus (-1 where
        that run's document is not loaded): one Arrow hash lookup over "run id, doc_id" keys for
        all of them (a Python dict of every reference document cost ~0.1 s a day of 10k)."""
        ids = pa.concat_arrays([ref.doc_ids for ref in self.refs]) if self.refs else pa.array([], pa.string())
        runs = pc.take(pa.array([ref.run_id for ref in self.refs], pa.string()), pa.array(self.run_of_row))
        known = pc.binary_join_element_wise(runs, ids, _KEY_SEP)
        wanted = pa.concat_arrays([pc.binary_join_element_wise(r, d, _KEY_SEP) for r, d in lookups])
        found = pc.index_in(wanted, value_set=known).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return np.split(found, np.cumsum([len(d) for _, d in lookups])[:-1])

    def reference_pairs(self, corpus: Corpus) -> tuple[Pairs, np.ndarray]:
        """The reference runs' own pairs (rows of the combined corpus), and which reference rows
        stay canonical: each reference group's canonical (or a member whose canonical is in no
        loaded reference)."""
        lookups = []
        for ref in self.refs:
            t = ref.pairs
            for side in ("a", "b"):  # the run holding each end: its own unless the pair names another
                run_ids = (t.column(f"reference_{side}").combine_chunks() if f"reference_{side}" in t.column_names
                           else pa.nulls(t.num_rows, pa.string()))
                lookups.append((pc.fill_null(run_ids, ref.run_id), t.column(f"doc_{side}").combine_chunks()))
            # each document's group canonical, and the run holding it
            lookups.append((ref.cluster_run, pc.fill_null(ref.cluster_id, "")))
        found_rows = iter(self._rows_of(corpus, lookups))
        out = Pairs()
        pinned = np.zeros(len(corpus), dtype=bool)
        start = 0
        for ref in self.refs:
            t = ref.pairs
            row_a, row_b, canonical_row = next(found_rows), next(found_rows), next(found_rows)
            keep = np.flatnonzero((row_a >= 0) & (row_b >= 0)).tolist()
            taken = t.select(["relation", "score"]).take(pa.array(keep, pa.int64()))  # scores as that run rounded them
            out.extend(Pairs(a=row_a[keep].tolist(), b=row_b[keep].tolist(), relation=taken.column(0).to_pylist(),
                             score=taken.column(1).to_pylist(), jaccard=[None] * len(keep), containment=[None] * len(keep),
                             evidence=[_ELSEWHERE] * len(keep)))
            end = start + len(ref.corpus)
            cluster = ref.cluster_id
            # a member of a group whose canonical is elsewhere: pinned only if that is not loaded
            elsewhere = pc.or_(pc.not_equal(cluster, ref.doc_ids), pc.not_equal(ref.cluster_run, ref.run_id))
            member = pc.and_(pc.is_valid(cluster), pc.fill_null(elsewhere, False)).to_numpy(zero_copy_only=False)
            pinned[start:end] = ~member | (canonical_row < 0)
            start = end
        return out, pinned

    def choose_groups(self, corpus: Corpus, found: Pairs) -> tuple[np.ndarray, Originals]:
        """Groups over reference and new documents; originals chosen only in groups that hold a
        new document (the others are the reference runs' own business). A reference run's
        canonical stays canonical, unless `[original] reference_canonical = "rule"`: then the
        original rule chooses among all members, and a new document may become the canonical
        (the reference run's outputs are not changed: there it stays canonical)."""
        every = Pairs()
        every.extend(found)
        every.extend(self.pairs)
        groups = connected_groups(len(corpus), every.a, every.b)
        touched = np.zeros(len(corpus), dtype=bool)
        touched[sorted_unique(groups[self.first_new:])] = True
        keep = [k for k, a in enumerate(every.a) if touched[groups[a]]]
        subset = Pairs()
        for name in Pairs.__dataclass_fields__:
            column = getattr(every, name)
            getattr(subset, name).extend(column[k] for k in keep)
        cols = corpus.columns
        facts = DocumentFacts(
            doc_id=cols.doc_id, date=cols.date, n_words=corpus.fingerprints.n_words, kind=cols.kind, title=cols.title,
            url=cols.url, site=cols.site, chrome_lines=cols.chrome_lines,
        )
        if not self.rule_decides:
            return groups, choose_originals(groups, subset, facts, pinned=self.pinned)
        # the rule chooses among reference and new members alike; count the groups where a
        # reference canonical gives way to a new document (it stays canonical in its own run)
        originals = choose_originals(groups, subset, facts)
        members = np.flatnonzero(touched[groups])
        had = np.zeros(len(corpus), dtype=bool)
        pinned_members = members[(members < self.first_new) & self.pinned[members]]
        had[groups[pinned_members]] = True
        won = members[(originals.canonical[members] >= self.first_new) & had[groups[members]]]
        self.replaced = len(sorted_unique(groups[won]))
        return groups, originals

    def new_documents_table(self, corpus: Corpus, groups: np.ndarray, originals: Originals,
                            texts: pa.ChunkedArray | None = None) -> pa.Table:
        """documents.parquet of the new documents (with `texts` as its text column, else none);
        cluster_id may name a reference document."""
        from .output.tables import documents_table, in_groups

        f = self.first_new
        canonical = originals.canonical[f:]
        local = Originals(
            # a reference canonical is no local row: -1 (cluster_id is set from `canonical` below)
            canonical=np.where(canonical >= f, canonical - f, -1), relation=originals.relation[f:],
            score=originals.score[f:], via=originals.via[f:], reason=originals.reason[f:],
        )
        # group sizes count the reference members too: a new canonical whose group's other
        # members are all reference documents (reference_canonical = "rule") is in a group
        table = documents_table(self.new_columns, texts, corpus.fingerprints.n_words[f:], local,
                                in_groups(groups, slice(f, None)), corpus.ok[f:], corpus.boilerplate_lines[f:])
        ids, ok = corpus.columns.doc_id, corpus.ok[f:]
        cluster_id = [ids[int(c)] if ok[i] else None for i, c in enumerate(canonical.tolist())]
        where = [self.run_id_of(int(c)) if ok[i] else None for i, c in enumerate(canonical.tolist())]
        table = table.set_column(table.schema.get_field_index("cluster_id"), "cluster_id", pa.array(cluster_id, pa.string()))
        return table.append_column("cluster_reference", pa.array(where, pa.string()))

    def run_id_of(self, row: int) -> str | None:
        return self.refs[int(self.run_of_row[row])].run_id if row < self.first_new else None

    def new_pairs_table(self, found: Pairs, corpus: Corpus) -> pa.Table:
        """pairs.parquet of this run: every pair has a new document; `reference_a`/`_b` say which
        reference run holds the other end when it is not this run."""
        from .output.tables import pair_order, pairs_table

        table = pairs_table(found, corpus.columns.doc_id)
        order = pair_order(found)
        for name, side in (("reference_a", found.a), ("reference_b", found.b)):
            table = table.append_column(name, pa.array([self.run_id_of(side[k]) for k in order], pa.string()))
        return table
