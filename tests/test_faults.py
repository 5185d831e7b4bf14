"""Fault injection, through the command line as a user runs it.

One run over a corpus of 50+ hostile inputs (every format); kill -9 of the main process at
several points of a run; Ctrl-C and SIGTERM. Each asserts what the user relies on: every
input has a row with a reason, no traceback, no process left behind, and a folder that looks
finished only when the run finished.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import samestory as samestory_api
from samestory import Settings
from samestory.cli import app
from samestory.output import OUTPUT_FILES, OutputExistsError

from . import hostile_corpus

pytestmark = pytest.mark.e2e  # every test here runs the CLI or worker processes

CLI = [sys.executable, "-m", "samestory.cli"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "400", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}


def samestory(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=ENV)


def test_hostile_corpus_in_one_run(tmp_path):
    corpus = tmp_path / "corpus"
    expected = hostile_corpus.build(corpus)
    started = time.monotonic()
    done = samestory("run", str(corpus), "--out", str(tmp_path / "out"), "--workers", "2", "--no-rewrites", "--no-report")
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert elapsed < 60
    rows = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert len(rows) == expected  # count in = count out
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert rejected and all(r["reason"] and r["reason"].strip() for r in rejected)
    assert json.loads((tmp_path / "out" / "run.json").read_text())["summary"]["documents"] == expected
    # reasons and names from the inputs reach the terminal as text: no markup, no escapes
    assert "\x1b" not in done.stdout + done.stderr
    assert "[bold red]x" in done.stdout + done.stderr  # the column name of markup_column.parquet, shown literally


# --- kill -9 --------------------------------------------------------------------------------------

WORDS = (
    "harbour council market storm bridge ferry school budget police river mayor station library "
    "museum festival farmers train hospital road vote court weather tourism fishing housing"
).split()


DOCUMENTS = 600


def _corpus(folder: Path, documents: int = DOCUMENTS) -> None:
    rng = random.Random(7)
    folder.mkdir()
    lines = []
    for i in range(documents):
        text = " ".join(rng.choice(WORDS) for _ in range(120))
        lines.append(json.dumps({"id": f"d{i}", "text": f"Story {i}. {text}."}))
    for part in range(4):
        (folder / f"part{part}.jsonl").write_text("\n".join(lines[part::4]) + "\n")


def _descendants(pid: int) -> set[int]:
    """Processes whose parent chain leads to `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _watch(process: subprocess.Popen, ready) -> set[int]:
    """Poll until ready(children) or the process ends; return the run's processes seen. The
    /proc scan stops once both workers are known, so the loop then polls fast enough to catch
    the short writing stage."""
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(children) < 2:
            children |= _descendants(process.pid)
        if ready(children):
            break
        time.sleep(0.005)
    return children | _descendants(process.pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's wait is missing


def _kill_when(tmp_path: Path, out: Path, ready, overwrite: bool) -> set[int]:
    """Start a run, wait until ready(out, children) says so, kill -9 the main process; return
    the processes the run had started."""
    process = subprocess.Popen(
        [*CLI, "run", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2", "--no-rewrites", "-q"]
        + (["--overwrite"] if overwrite else []),
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    children = _watch(process, lambda children: ready(out, children))
    assert process.poll() is None, "the run ended before the kill point: " + process.stderr.read().decode()
    process.kill()
    process.wait()
    return children


def test_kill_9_of_the_main_process_at_several_points(tmp_path):
    _corpus(tmp_path / "corpus")
    points = {  # when to kill, judged from the outside while the run goes
        "starting": lambda out, children: out.is_dir(),  # --out made, nothing read yet
        "reading": lambda out, children: len(children) >= 2,  # workers start with the first batches
        "writing": lambda out, children: _writing(out),
    }
    out = tmp_path / "out"
    for point, ready in points.items():
        children = _kill_when(tmp_path, out, ready, overwrite=point != "starting")
        if point != "starting":
            assert children, f"{point}: the run had no worker processes to check"
        time.sleep(2)
        assert not [pid for pid in children if _alive(pid)], f"{point}: processes of the killed run are alive"
        assert not (out / "run.json").exists(), point  # the folder does not look finished
        refused = CliRunner().invoke(app, ["report", str(out)])
        assert refused.exit_code == 2, (point, refused.output)
        assert "no finished samestory run" in refused.output or "holds no documents.parquet" in refused.output
        assert len(refused.output.strip().splitlines()) == 1
    again = samestory("run", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2", "--no-rewrites", "-q", "--overwrite")
    assert again.returncode == 0, again.stderr
    assert pq.read_table(out / "documents.parquet").num_rows == DOCUMENTS
    assert (out / "run.json").is_file()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".partial")]


def _writing(out: Path) -> bool:
    """The run writes its outputs (the plan's write step, in the work folder, then moved into --out)."""
    return (out / "_work" / "write").is_dir() and any((out / "_work" / "write").iterdir())


@pytest.mark.parametrize("signum, code, point", [
    (signal.SIGINT, 130, "reading"), (signal.SIGTERM, 143, "reading"), (signal.SIGINT, 130, "writing"),
])
def test_interrupt_ends_with_one_line(tmp_path, signum, code, point):
    _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*CLI, "run", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2", "--no-rewrites", "-q"],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    children = _watch(process, lambda children: len(children) >= 2 if point == "reading" else _writing(out))
    assert process.poll() is None, "the run ended before the signal"
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # Ctrl-C reaches the whole foreground group, workers too
    else:
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr.decode() + stdout.decode()
    assert len(stderr.decode().strip().splitlines()) == 1
    time.sleep(1)
    assert not [pid for pid in children if _alive(pid)]
    left = [p.name for p in out.iterdir() if p.name.endswith(".partial")] if out.exists() else []
    assert not left
    if (out / "run.json").exists():  # the signal came after the last rename: a finished run
        assert pq.read_table(out / "documents.parquet").num_rows == DOCUMENTS


def test_out_under_a_file_is_a_one_line_error(tmp_path):
    (tmp_path / "in.txt").write_text(hostile_corpus.PLAIN)
    (tmp_path / "file").write_text("x")
    done = CliRunner().invoke(app, ["run", str(tmp_path / "in.txt"), "--out", str(tmp_path / "file" / "out"), "--no-rewrites", "-q"])
    assert done.exit_code == 2 and "cannot create --out folder" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert len(done.output.strip().splitlines()) == 1


def test_out_inside_the_input_folder_is_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(hostile_corpus.PLAIN)
    settings = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})
    for _ in range(2):  # the second run finds the first run's outputs inside its input
        samestory_api.run(src, out=src / "out", settings=settings, overwrite=True)
        assert [r["doc_id"] for r in pq.read_table(src / "out" / "documents.parquet").to_pylist()] == ["a.txt"]


def test_an_unfinished_run_folder_needs_overwrite(tmp_path):
    (tmp_path / "in.txt").write_text(hostile_corpus.PLAIN)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".documents.parquet.partial").write_bytes(b"half")
    with pytest.raises(OutputExistsError, match="unfinished samestory run"):
        samestory_api.run(tmp_path / "in.txt", out=out)
    settings = Settings().replace(run={"workers": 1, "progress": False}, rewrite={"enabled": False})
    samestory_api.run(tmp_path / "in.txt", out=out, settings=settings, overwrite=True)
    from samestory.pipeline import WORK_DIR

    assert sorted(p.name for p in out.iterdir()) == sorted([*(n for n in OUTPUT_FILES if n != "deduplicated.jsonl"), WORK_DIR])


def _slow_square(x: int) -> int:
    time.sleep(0.2)
    return x * x


def test_executor_stops_its_workers_when_the_run_fails():
    import multiprocessing

    from samestory.executors import LocalExecutor

    before = set(multiprocessing.active_children())
    started = time.monotonic()
    with pytest.raises(RuntimeError):
        with LocalExecutor(2) as executor:
            for result in executor.map(_slow_square, range(100)):
                raise RuntimeError(f"the consumer failed on {result}")
    assert time.monotonic() - started < 5  # did not wait for the queued batches
    time.sleep(0.2)
    assert not [p for p in multiprocessing.active_children() if p not in before]
