"""The work folder: one completion marker per task, resume after kill -9, damaged files, refusals."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import samestory
from benchmarks.synthetic import generate, write_jsonl
from samestory import Settings
from samestory.output import OUTPUT_FILES
from samestory.pipeline import WORK_DIR
from samestory.plan.folder import WorkFolder, WorkFolderError

from .conftest import EXAMPLES, ROOT, output_files, without_timings

pytestmark = pytest.mark.e2e


def _same_outputs(a: Path, b: Path) -> None:
    files_a, files_b = output_files(a), output_files(b)
    assert files_a == files_b and "run.json" in files_a
    for name in files_a:
        assert without_timings(a / name) == without_timings(b / name), name


def _remove_outputs(out: Path) -> None:
    for name in OUTPUT_FILES:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _small_settings() -> Settings:
    # tiny read tasks: the examples' 14 files become several parts
    return Settings().replace(run={"workers": 1, "progress": False, "task_mb": 0.004}, rewrite={"enabled": False})


def _read_tasks(out: Path) -> list[Path]:
    return sorted((out / WORK_DIR / "read").glob("t*.done"))


def test_resume_reruns_only_incomplete_tasks(tmp_path):
    out = tmp_path / "out"
    samestory.run(EXAMPLES, out=tmp_path / "ref", settings=_small_settings())
    samestory.run(EXAMPLES, out=out, settings=_small_settings())
    markers = _read_tasks(out)
    assert len(markers) > 3
    # as if killed while reading: two read tasks complete, the rest and every later step not
    for marker in markers[2:]:
        marker.unlink()
    for step in ("sites", "docs", "exact", "candidates", "verify", "facts", "originals", "write"):
        shutil.rmtree(out / WORK_DIR / step, ignore_errors=True)
    _remove_outputs(out)
    (out / WORK_DIR / "read" / ".t000002.texts.arrow.123.tmp").write_bytes(b"half")
    kept = {p.name: p.stat().st_mtime_ns for p in (out / WORK_DIR / "read").glob("t00000[01].*")}
    resumed = samestory.run(EXAMPLES, out=out, settings=_small_settings(), resume=True)
    assert {p.name: p.stat().st_mtime_ns for p in (out / WORK_DIR / "read").glob("t00000[01].*")} == kept
    assert not list((out / WORK_DIR).rglob(".*.tmp"))
    assert resumed.documents.equals(pq_read(tmp_path / "ref"))
    _same_outputs(out, tmp_path / "ref")
    # killed before anything was kept: --resume starts the run afresh
    (tmp_path / "early" / WORK_DIR).mkdir(parents=True)
    samestory.run(EXAMPLES, out=tmp_path / "early", settings=_small_settings(), resume=True)
    _same_outputs(tmp_path / "early", tmp_path / "ref")


def pq_read(out: Path):
    import pyarrow.parquet as pq

    return pq.read_table(out / "documents.parquet")


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_work_file_is_rebuilt_not_read(tmp_path, damage):
    """A flipped byte or a cut file in a part's texts makes its task incomplete: --resume
    rebuilds it from the input, and the outputs are those of a clean run (never garbage)."""
    out = tmp_path / "out"
    samestory.run(EXAMPLES, out=tmp_path / "ref", settings=_small_settings())
    samestory.run(EXAMPLES, out=out, settings=_small_settings())
    (out / "run.json").unlink()  # interrupted while writing its outputs
    texts = sorted((out / WORK_DIR / "read").glob("t*.texts.arrow"))[1]
    data = bytearray(texts.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x20
    else:
        data = data[: len(data) // 2]
    texts.write_bytes(bytes(data))
    assert WorkFolder(out / WORK_DIR).completed("read", texts.name.split(".")[0]) is None
    samestory.run(EXAMPLES, out=out, settings=_small_settings(), resume=True)
    _same_outputs(out, tmp_path / "ref")


def test_resume_refuses_other_settings_before_touching_anything(tmp_path):
    out = tmp_path / "out"
    samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings())
    (out / "run.json").unlink()
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(WorkFolderError, match="settings differ.*near_min_jaccard"):
        samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings().replace(lexical={"near_min_jaccard": 0.9}),
                      resume=True)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_unfinished_work_folder_needs_resume_or_overwrite(tmp_path):
    out = tmp_path / "out"
    samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings())
    _remove_outputs(out)
    with pytest.raises(WorkFolderError, match="--resume"):
        samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings())
    samestory.run(EXAMPLES / "seeds", out=out, settings=_small_settings(), overwrite=True)


def _cli(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "samestory.cli", "run", str(corpus), "--out", str(out), "--workers", "2",
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
    (tmp_path / "s.toml").write_text("[read]\nbatch_size = 10\n[run]\ntask_mb = 0.03\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    clean = tmp_path / "clean"
    assert subprocess.run(_cli(corpus, clean), env=env, capture_output=True).returncode == 0
    work = lambda out: out / WORK_DIR  # noqa: E731
    points = {
        "after 1 read task": lambda out: len(_read_tasks(out)) >= 1,
        "after 4 read tasks": lambda out: len(_read_tasks(out)) >= 4,
        "while verifying": lambda out: (work(out) / "verify").exists(),
        "while choosing originals": lambda out: (work(out) / "originals").exists(),
    }
    killed_early = 0
    for name, ready in points.items():
        out = tmp_path / name.replace(" ", "_")
        killed_early += _kill_when(_cli(corpus, out), lambda: ready(out), env)
        done = subprocess.run(_cli(corpus, out, "--resume"), env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        _same_outputs(out, clean)
    assert killed_early >= 3  # the kills landed inside the runs, not after them


def test_resume_refuses_changed_added_or_missing_inputs(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(EXAMPLES / "seeds", inputs)
    out = tmp_path / "out"
    samestory.run(inputs, out=out, settings=_small_settings())
    (out / "run.json").unlink()
    first = sorted(inputs.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(WorkFolderError, match=f"input .*{first.name} changed"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)
    samestory.run(inputs, out=out, settings=_small_settings(), overwrite=True)
    (out / "run.json").unlink()
    (inputs / "extra.txt").write_text("A new page.\n", encoding="utf-8")
    with pytest.raises(WorkFolderError, match="extra.txt was not in the interrupted run"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)
    (inputs / "extra.txt").unlink()
    first.unlink()
    with pytest.raises(WorkFolderError, match=f"{first.name} of the interrupted run is missing"):
        samestory.run(inputs, out=out, settings=_small_settings(), resume=True)


def test_outputs_are_the_same_whatever_the_split_and_the_workers(tmp_path):
    """Read tasks of any size, one worker or two: byte-identical outputs."""
    records, _ = generate(200, seed=4, words_per_doc=150)
    write_jsonl(records[:120], tmp_path / "in" / "a.jsonl")
    write_jsonl(records[120:], tmp_path / "in" / "b.jsonl")
    shutil.copytree(EXAMPLES, tmp_path / "in" / "examples")
    runs = []
    for k, (task_mb, workers) in enumerate(((32.0, 1), (0.01, 2), (0.003, 1))):
        out = tmp_path / f"o{k}"
        samestory.run(tmp_path / "in", out=out, settings=Settings().replace(
            run={"workers": workers, "progress": False, "task_mb": task_mb}, rewrite={"enabled": False}))
        runs.append(out)
    assert len(_read_tasks(runs[2])) > len(_read_tasks(runs[0]))
    for out in runs[1:]:  # run.json and report.html show the [run] settings, which differ
        names = [n for n in output_files(runs[0]) if n not in ("run.json", "report.html")]
        assert names == [n for n in output_files(out) if n not in ("run.json", "report.html")]
        for name in names:
            assert (out / name).read_bytes() == (runs[0] / name).read_bytes(), name


def test_texts_stay_in_the_work_folder(tmp_path):
    in_memory = samestory.run(EXAMPLES, settings=_small_settings())
    on_disk = samestory.run(EXAMPLES, out=tmp_path / "out", settings=_small_settings())
    assert on_disk.documents_table is None  # read back from documents.parquet only when asked for
    assert on_disk.documents.equals(in_memory.documents)
    parts = sorted((tmp_path / "out" / WORK_DIR / "read").glob("t*.texts.arrow"))
    assert len(parts) > 1
