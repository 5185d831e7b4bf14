"""The work folder: shards that round-trip exactly, resume after kill -9, refusals."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import samestory
from benchmarks.synthetic import generate, write_jsonl
from samestory import Settings
from samestory.stages import first_pass
from samestory.read import iter_documents
from samestory.output import OUTPUT_FILES
from samestory.workdir import WORK_DIR, WorkDirError, read_shard, write_shard

from .conftest import EXAMPLES, ROOT, output_files, without_timings

def _same_outputs(a: Path, b: Path) -> None:
    files_a, files_b = output_files(a), output_files(b)
    assert files_a == files_b and "run.json" in files_a
    for name in files_a:
        assert without_timings(a / name) == without_timings(b / name), name


def _remove_outputs(out: Path, keep_run_json: bool = False) -> None:
    for name in OUTPUT_FILES:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists() and not (keep_run_json and name == "run.json"):
            path.unlink()


def test_shard_round_trip_is_exact(tmp_path, settings):
    import pyarrow.parquet as pq

    raws = list(iter_documents([EXAMPLES]))
    result = first_pass(raws, settings)
    write_shard(tmp_path / "s.parquet", result)
    assert "text" not in pq.read_schema(tmp_path / "s.parquet").names  # the texts have their own file
    back = read_shard(tmp_path / "s.parquet", settings.lexical.num_perm)
    assert back.columns == result.columns and back.texts.equals(result.texts)
    for name in ("exact_hash", "n_words", "minhash", "anchor_hash", "anchor_row"):
        want, got = getattr(result.fingerprints, name), getattr(back.fingerprints, name)
        assert got.dtype == want.dtype and np.array_equal(got, want), name
    for name in ("feature_hash", "row"):
        assert np.array_equal(getattr(back.signatures, name), getattr(result.signatures, name)), name
    for name in ("offsets", "hashes", "words"):
        assert np.array_equal(getattr(back.lines, name), getattr(result.lines, name)), name
    assert len(result.signatures.row) and len(result.fingerprints.anchor_row)  # the example texts have both


def _small_settings() -> Settings:
    return Settings().replace(run={"workers": 1, "progress": False}, read={"batch_size": 4}, rewrite={"enabled": False})


def test_resume_reuses_completed_shards_and_refuses_changes(tmp_path):
    out = tmp_path / "out"
    full = samestory.run(EXAMPLES, out=tmp_path / "ref", settings=_small_settings())
    samestory.run(EXAMPLES, out=out, settings=_small_settings())
    shards = sorted((out / WORK_DIR).glob("first-*.parquet"))
    assert len(shards) > 3
    # as if killed after two shards: the rest and every output are gone, a half-written file is left
    for path in shards[2:]:
        path.unlink()
    _remove_outputs(out)
    (out / WORK_DIR / ".first-000002.parquet.123.tmp").write_bytes(b"half")
    kept = {p.name: p.stat().st_mtime_ns for p in shards[:2]}
    resumed = samestory.run(EXAMPLES, out=out, settings=_small_settings(), resume=True)
    assert {p.name: p.stat().st_mtime_ns for p in shards[:2]} == kept  # read back, not rewritten
    assert not list((out / WORK_DIR).glob(".*.tmp"))
    assert resumed.documents.equals(full.documents)
    _same_outputs(out, tmp_path / "ref")
    with pytest.raises(WorkDirError, match="settings differ.*near_min_jaccard"):
        samestory.run(EXAMPLES, out=out, settings=_small_settings().replace(lexical={"near_min_jaccard": 0.9}), resume=True)
    # killed before anything was kept: --resume starts the run afresh
    (tmp_path / "early" / WORK_DIR).mkdir(parents=True)
    samestory.run(EXAMPLES, out=tmp_path / "early", settings=_small_settings(), resume=True)
    _same_outputs(tmp_path / "early", tmp_path / "ref")


def test_unfinished_work_folder_needs_resume_or_overwrite(tmp_path):
    out = tmp_path / "out"
    samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings())
    _remove_outputs(out)
    with pytest.raises(WorkDirError, match="--resume"):
        samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings())
    samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings(), overwrite=True)


def _cli(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--workers", "1",
            "--no-rewrites", "--quiet", "--config", str(out.parent / "s.toml"), *extra]


def _kill_when(cmd: list[str], ready, env: dict) -> bool:
    """Start the run, SIGKILL its process group once `ready()` holds; True if it was still running."""
    proc = subprocess.Popen(cmd, start_new_session=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while proc.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.005)
    alive = proc.poll() is None
    if alive:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


def test_kill_9_at_several_points_then_resume_gives_the_same_bytes(tmp_path):
    records, _ = generate(300, seed=3, words_per_doc=200)
    corpus = tmp_path / "c.jsonl"
    write_jsonl(records, corpus)
    (tmp_path / "s.toml").write_text("[read]\nbatch_size = 10\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    clean = tmp_path / "clean"
    assert subprocess.run(_cli(corpus, clean), env=env, capture_output=True).returncode == 0
    work = lambda out: out / WORK_DIR  # noqa: E731
    points = {
        "after 5 shards": lambda out: len(list(work(out).glob("first-*.parquet"))) >= 5,
        "after 25 shards": lambda out: len(list(work(out).glob("first-*.parquet"))) >= 20,
        "in the later stages": lambda out: (work(out) / "final.parquet").exists(),
    }
    killed_early = 0
    for name, ready in points.items():
        out = tmp_path / name.replace(" ", "_")
        killed_early += _kill_when(_cli(corpus, out), lambda: ready(out), env)
        done = subprocess.run(_cli(corpus, out, "--resume"), env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        _same_outputs(out, clean)
    assert killed_early >= 2  # the kills landed inside the runs, not after them


def test_resume_refuses_changed_added_or_missing_inputs(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(EXAMPLES / "seeds", inputs)
    out = tmp_path / "out"
    samestory.run(inputs, out=out, settings=_small_settings())
    first = sorted(inputs.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(WorkDirError, match=f"input .*{first.name} changed"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)
    samestory.run(inputs, out=out, settings=_small_settings(), overwrite=True)
    (inputs / "extra.txt").write_text("A new page.\n", encoding="utf-8")
    with pytest.raises(WorkDirError, match="extra.txt was not in the (finished|interrupted) run"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)
    (inputs / "extra.txt").unlink()
    first.unlink()
    with pytest.raises(WorkDirError, match=f"{first.name} of the (finished|interrupted) run is missing"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)


def test_texts_stay_in_the_work_folder(tmp_path):
    import pyarrow.parquet as pq

    from samestory.workdir import text_file

    in_memory = samestory.run(EXAMPLES, settings=_small_settings())
    on_disk = samestory.run(EXAMPLES, out=tmp_path / "out", settings=_small_settings())
    assert on_disk.documents_table is None  # read back from documents.parquet only when asked for
    assert on_disk.documents.equals(in_memory.documents)
    shards = sorted((tmp_path / "out" / WORK_DIR).glob("first-*.parquet"))
    assert len(shards) > 1 and all(text_file(s).is_file() for s in shards)
    assert not any("text" in pq.read_schema(s).names for s in shards)
