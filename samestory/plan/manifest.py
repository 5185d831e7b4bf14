"""What a work folder was made from: `_work/plan.json`.

The manifest records the input files (path, size, modification time), the settings that can
change what a run finds, the reference runs, the run's start time (the bound of accepted
dates, kept so a resumed run judges dates as the first attempt did) and the run's id. A
`--resume` continues only a work folder whose manifest matches what it is given; any
difference is refused with one line saying what differs.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..config import Settings
from .folder import WorkFolderError, write_atomically

__all__ = ["MANIFEST", "FORMAT", "input_files", "settings_record", "new_manifest", "read_manifest", "write_manifest",
           "manifest_difference", "WorkFolderError"]

MANIFEST = "plan.json"
FORMAT = 3  # 3: the plan of steps over parts (0.3); earlier folders are not continued or referenced
# settings that change where or how visibly a run works, never what it finds
_NEUTRAL_SECTIONS = ("run",)


def input_files(paths: Iterable[str | os.PathLike], skip: Path | None = None) -> list[list]:
    """[path, size, mtime_ns] of every file the reader would visit, in its order (a cheap
    identity: a file rewritten in place changes its mtime). `skip`: the run's own --out."""
    found = []
    skipped = skip.resolve() if skip is not None else None
    for raw in paths:
        root = Path(raw).resolve()
        if root.is_file():
            found.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and Path(dirpath, d) != skipped)
            found.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    out = []
    for path in found:
        try:
            st = path.stat()
            out.append([str(path), st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([str(path), None, None])  # the reader reports it as a rejected entry
    return out


def settings_record(settings: Settings) -> dict:
    """The settings a work folder was made with (those that can change what a run finds)."""
    data = settings.to_dict()
    for name in _NEUTRAL_SECTIONS:
        data.pop(name, None)
    return data


def new_manifest(paths: list, settings: Settings, version: str, references: list[dict], out: Path | None,
                 now: datetime) -> dict:
    manifest = {
        "format": FORMAT, "samestory_version": version, "inputs": input_files(paths, skip=out),
        "settings": settings_record(settings), "references": references,
        # how the work is cut into tasks: a resumed run must cut it the same way
        "plan": {"task_mb": settings.run.task_mb},
    }
    manifest["run_id"] = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]
    manifest["started"] = now.astimezone(timezone.utc).isoformat()
    return manifest


def started(manifest: dict) -> datetime:
    return datetime.fromisoformat(manifest["started"])


def read_manifest(work: Path) -> dict | None:
    try:
        return json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WorkFolderError(f"cannot read {work / MANIFEST}: {exc}") from None


def write_manifest(work: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    write_atomically(work / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))


def manifest_difference(old: dict, new: dict) -> str | None:
    """Why a run cannot continue another's work folder, in one line; None when it can."""
    if old.get("format") != new["format"] or old.get("samestory_version") != new["samestory_version"]:
        return f"it was started by samestory {old.get('samestory_version')} (this is {new['samestory_version']})"
    if old.get("settings") != new["settings"]:
        changed = _changed_keys(old.get("settings") or {}, new["settings"])
        return f"settings differ from the interrupted run's ({', '.join(changed[:3])})"
    if old.get("plan") != new["plan"]:
        return f"[run] task_mb differs from the interrupted run's ({(old.get('plan') or {}).get('task_mb')} -> {new['plan']['task_mb']})"
    if [r.get("run_id") for r in old.get("references") or []] != [r["run_id"] for r in new["references"]]:
        return "the --reference runs differ from the interrupted run's"
    old_inputs, new_inputs = old.get("inputs") or [], new["inputs"]
    if old_inputs != new_inputs:
        old_by_path = {p: (s, m) for p, s, m in old_inputs}
        for p, s, m in new_inputs:
            if p not in old_by_path:
                return f"input {p} was not in the interrupted run"
            if old_by_path[p] != (s, m):
                return f"input {p} changed since the interrupted run (size or modification time)"
        missing = sorted(set(old_by_path) - {p for p, _, _ in new_inputs})
        return f"input {missing[0] if missing else '?'} of the interrupted run is missing"
    return None


def _changed_keys(old: dict, new: dict) -> list[str]:
    out = []
    for section in sorted(set(old) | set(new)):
        a, b = old.get(section) or {}, new.get(section) or {}
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append(f"{section}.{key}: {a.get(key)!r} -> {b.get(key)!r}")
    return out or ["?"]
