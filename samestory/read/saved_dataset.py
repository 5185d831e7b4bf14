"""Folders written by Hugging Face `datasets` `save_to_disk`, read with pyarrow alone.

Detection rule (a folder is tested before it is walked; a dataset folder is read as a whole
and not walked into):
- a saved `Dataset`: the folder holds `state.json` and `dataset_info.json`, and `state.json`
  lists its Arrow shards under `_data_files` (`[{"filename": "data-00000-of-00002.arrow"}, ...]`);
  the shards are read in that order;
- a saved `DatasetDict`: the folder holds `dataset_dict.json` whose `splits` names
  sub-folders, each a saved `Dataset`; splits are read in the listed order.
The shards are Arrow IPC streams (what `datasets` writes); `save_to_disk` flattens any
indices mapping first, so the rows on disk are the dataset's rows. `datasets` itself is not
needed to read them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

__all__ = ["SavedDatasetError", "iter_saved_dataset", "saved_dataset_kind", "saved_dataset_shards"]


class SavedDatasetError(Exception):
    """A folder that looks like a saved dataset but cannot be read (one-line message)."""


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def saved_dataset_kind(folder: Path) -> str | None:
    """"dataset", "dataset_dict" or None (not a save_to_disk folder)."""
    if not folder.is_dir():
        return None
    if (folder / "state.json").is_file() and (folder / "dataset_info.json").is_file():
        state = _json(folder / "state.json")
        if isinstance(state, dict) and isinstance(state.get("_data_files"), list):
            return "dataset"
    if (folder / "dataset_dict.json").is_file():
        splits = _json(folder / "dataset_dict.json")
        if isinstance(splits, dict) and isinstance(splits.get("splits"), list):
            return "dataset_dict"
    return None


def saved_dataset_shards(folder: Path) -> list[tuple[str, Path]]:
    """(split, Arrow shard) in reading order; split is "" for a plain Dataset."""
    kind = saved_dataset_kind(folder)
    if kind == "dataset":
        return [("", shard) for shard in _shards_of(folder)]
    if kind == "dataset_dict":
        out = []
        for split in _json(folder / "dataset_dict.json")["splits"]:
            sub = folder / str(split)
            if saved_dataset_kind(sub) != "dataset":
                raise SavedDatasetError(f"split '{split}' listed in dataset_dict.json is not a saved dataset folder")
            out.extend((str(split), shard) for shard in _shards_of(sub))
        return out
    raise SavedDatasetError("not a save_to_disk folder (no state.json + dataset_info.json, no dataset_dict.json)")


def _shards_of(folder: Path) -> list[Path]:
    shards = []
    for entry in _json(folder / "state.json")["_data_files"]:
        name = entry.get("filename") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            raise SavedDatasetError(f"state.json lists an invalid data file: {entry!r}"[:200])
        shard = folder / name
        if not shard.is_file():
            raise SavedDatasetError(f"state.json lists {name}, which is missing")
        shards.append(shard)
    return shards


def iter_saved_dataset(folder: Path, batch_rows: int = 1024) -> Iterator[tuple[str, int, dict]]:
    """(split, row number from 1 within the split, row as a dict) for every row.
    Raises SavedDatasetError, with the rows read so far yielded, when a shard is broken."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    counts: dict[str, int] = {}
    for split, shard in saved_dataset_shards(folder):
        try:
            with pa.memory_map(str(shard)) as source:
                reader = ipc.open_stream(source)
                for batch in reader:
                    for start in range(0, batch.num_rows, batch_rows):
                        for row in batch.slice(start, batch_rows).to_pylist():
                            counts[split] = counts.get(split, 0) + 1
                            yield split, counts[split], row
        except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as exc:
            first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:200]
            raise SavedDatasetError(f"broken Arrow shard {shard.name}: {first}") from None
