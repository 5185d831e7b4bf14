"""Reference runs (`--reference PREV_OUT`): earlier runs are more input partitions.

A finished run's work folder holds what its steps made: its parts (metadata, clean texts),
its map outputs, its pairs (pair parts, rows in its own numbering), each document's canonical
(`rows/canonical.npy`). A later run puts the reference runs' documents in front of its own
(rows [0, first_new)) and feeds them to the same steps:

- their parts are read by the steps that need texts or facts (verification, originals), as
  this run's parts are; they are never read or cleaned again;
- their candidate keys come from a sorted key index per kind (lexical/keyindex.py), built on
  a run's first use as a reference from its own map outputs and kept in its `_work/keys/`;
- their pairs join this run's pairs in the one grouping step (pairs among reference
  documents are not looked for again); `related` pairs never group, there as here;
- a reference document that is canonical in its run stays canonical (`pinned`), unless
  `[original] reference_canonical = "rule"`.

A reference must be a finished run (run.json) of this format, with the same [clean] and
[lexical] settings (and [rewrite] when the rewrite tier runs), else it is refused with one line.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..config import Settings
from ..lexical.keyindex import KEYS_DIR, KINDS, build_index, read_index
from .folder import WorkFolder, write_atomically
from .manifest import FORMAT, MANIFEST, settings_record
from .parts import PartRef
from .shuffle import MapOutput

__all__ = ["ReferenceError", "Reference", "load_references", "remap_rows"]

log = logging.getLogger("samestory")
WORK_DIR = "_work"
_FINGERPRINT_SECTIONS = ("clean", "lexical", "rewrite")
#: the steps whose pair parts a run keeps (in its own row numbering)
PAIR_STEPS = ("exact", "verify", "rewrite", "translation")


class ReferenceError(Exception):
    """A --reference folder that cannot be used (one-line message)."""


@dataclass
class Reference:
    path: Path
    work: Path
    manifest: dict
    parts: list[PartRef]       # its own parts, rows in its own numbering (from its first_new)
    first_new: int             # rows of its own references, in front of its documents
    rows: int                  # its own documents
    pair_files: list[str]

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]


def _check(path: Path, settings: Settings) -> dict:
    work = path / WORK_DIR
    if not (path / "run.json").is_file() or not (work / MANIFEST).is_file():
        if (work / "manifest.json").is_file():
            raise ReferenceError(f"--reference {path} was made by an earlier samestory (0.2 or before); run it again "
                                 "with this version to use it as a reference")
        raise ReferenceError(f"--reference {path} is not the folder of a finished samestory run (no run.json or "
                             f"{WORK_DIR}/{MANIFEST})")
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceError(f"--reference {path}: cannot read {WORK_DIR}/{MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise ReferenceError(f"--reference {path} was made by samestory {manifest.get('samestory_version')}, whose work "
                             "folder this version cannot read; run it again with this version")
    ours = settings_record(settings)
    sections = _FINGERPRINT_SECTIONS if settings.rewrite.enabled else tuple(s for s in _FINGERPRINT_SECTIONS if s != "rewrite")
    for section in sections:
        theirs = (manifest.get("settings") or {}).get(section)
        if theirs != ours.get(section):
            key = next((k for k in sorted(set(theirs or {}) | set(ours[section]))
                        if (theirs or {}).get(k) != ours[section].get(k)), "?")
            raise ReferenceError(
                f"--reference {path} was run with other [{section}] settings ({key}: {(theirs or {}).get(key)!r} here "
                f"{ours[section].get(key)!r}); its fingerprints cannot be compared")
    return manifest


def _load(path: Path, settings: Settings) -> Reference:
    manifest = _check(path, settings)
    work = WorkFolder(path / WORK_DIR)
    first_new = sum(int(r["rows"]) for r in manifest.get("references") or [])
    parts: list[PartRef] = []
    start = first_new
    markers = sorted((work.path / "read").glob("t*.done"))
    if not markers:
        raise ReferenceError(f"--reference {path}: its work folder has no parts (was {WORK_DIR} deleted?)")
    for marker in markers:
        key = marker.name.removesuffix(".done")
        summary = work.completed("read", key, verify=False)
        docs = work.completed("docs", key, verify=False) if (work.path / "docs").exists() else None
        if summary is None:
            raise ReferenceError(f"--reference {path}: its work folder is damaged (part {key})")
        parts.append(PartRef(str(work.path), key, summary["rows"], start, changed=bool(docs and docs["changed"])))
        start += summary["rows"]
    pair_files = []
    for step in PAIR_STEPS:
        pair_files += [str(p) for p in sorted((work.path / step).glob("*.pairs.arrow"))]
    return Reference(path, work.path, manifest, parts, first_new, start - first_new, pair_files)


def load_references(paths: list, settings: Settings, out: Path | None = None) -> list[Reference]:
    refs = []
    seen: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if out is not None and _inside(path, out):
            raise ReferenceError(f"--reference {path} is the --out folder of this run, or inside it")
        ref = _load(path, settings)
        if ref.run_id in seen:
            raise ReferenceError(f"--reference {path} and {seen[ref.run_id]} are the same run")
        seen[ref.run_id] = path
        refs.append(ref)
    return refs


def _inside(path: Path, out: Path) -> bool:
    try:
        path.resolve().relative_to(out.resolve())
        return True
    except ValueError:
        return False


def place(refs: list[Reference]) -> tuple[list[PartRef], list[int]]:
    """The reference runs' parts at their rows in this run, and each run's first row."""
    parts, starts = [], []
    start = 0
    for k, ref in enumerate(refs):
        starts.append(start)
        for part in ref.parts:
            parts.append(replace(part, start=part.start - ref.first_new + start, reference=k))
        start += ref.rows
    return parts, starts


def _own_entries(ref: Reference, kind: str, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """A reference run's `kind` entries for its own documents (rows 0-based on them): the read
    step's entries of rows the finalize step did not change, and the finalize step's."""
    rows_dir = ref.work / "rows"
    changed = np.load(rows_dir / "changed.npy", mmap_mode="r") if (rows_dir / "changed.npy").is_file() else None
    keys, rows = [], []
    for part in ref.parts:
        for step in ("read", "docs"):
            if step == "docs" and not part.changed:
                continue
            output = MapOutput(part.path(step, f"{kind}.arrow"))
            for p in range(output.parts):
                columns = output.partition(p)
                if not columns:
                    continue
                r = columns["row"].astype(np.int64) + part.start
                k = columns["key"]
                if step == "read" and changed is not None:
                    keep = ~changed[r]
                    k, r = k[keep], r[keep]
                keys.append(k)
                rows.append(r)
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    keys, rows = np.concatenate(keys), np.concatenate(rows)
    if mask is not None:
        keep = mask[rows]
        keys, rows = keys[keep], rows[keep]
    return keys, rows - ref.first_new


def key_folders(ref: Reference, local: Path) -> str:
    """The reference's key index folder, built on its first use as a reference and kept in its
    `_work/keys/`; where that folder cannot be written (a read-only reference), built in this
    run's work folder instead (`local`), again by each run that uses it."""
    folder = ref.work / KEYS_DIR
    allowed = np.load(ref.work / "rows" / "allowed.npy", mmap_mode="r")
    for kind in KINDS:
        try:
            if read_index(folder, kind) is not None:
                continue
        except (OSError, ValueError) as exc:  # a damaged index is derived data: built again
            log.warning("samestory: the key index of --reference %s is damaged (%s); building it again", ref.path, exc)
        keys, rows = _own_entries(ref, kind, None if kind == "exact" else allowed)
        try:
            build_index(folder, kind, keys, rows, write_atomically)
        except OSError as exc:
            log.debug("key index of %s not kept there (%s): built in this run's work folder", ref.path, exc)
            for name in KINDS:
                keys, rows = _own_entries(ref, name, None if name == "exact" else allowed)
                build_index(local, name, keys, rows, write_atomically)
            return str(local)
    return str(folder)


def remap_rows(ref: Reference, rows: np.ndarray, run_starts: dict[str, int], own_start: int) -> np.ndarray:
    """A reference's rows (its own numbering: its references' documents, then its own) as
    rows of this run; -1 where a document of one of its references is not loaded here."""
    out = np.full(len(rows), -1, dtype=np.int64)
    own = rows >= ref.first_new
    out[own] = rows[own] - ref.first_new + own_start
    start = 0
    for entry in ref.manifest.get("references") or []:
        size = int(entry["rows"])
        pick = (rows >= start) & (rows < start + size)
        if entry["run_id"] in run_starts and pick.any():
            out[pick] = rows[pick] - start + run_starts[entry["run_id"]]
        start += size
    return out


def own_canonical(ref: Reference) -> np.ndarray:
    """Each of the reference's own documents' canonical, in its own numbering."""
    return np.load(ref.work / "rows" / "canonical.npy", mmap_mode="r")


__all__ += ["place", "key_folders", "own_canonical", "PAIR_STEPS"]
