"""Fault injection (issue 11), through the command line as a user runs it.

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

from . import hostile_corpus

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
    assert "[bold red]x" in done.stdout  # the column name of markup_column.parquet, shown literally


# --- kill -9 --------------------------------------------------------------------------------------

WORDS = (
    "harbour council market storm bridge ferry school budget police river mayor station library "
    "museum festival farmers train hospital road vote court weather tourism fishing housing"
).split()


DOCUMENTS = 1000


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
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        children |= _descendants(process.pid)
        if ready(out, children):
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before the kill point: " + process.stderr.read().decode()
    children |= _descendants(process.pid)
    process.kill()
    process.wait()
    return children


def test_kill_9_of_the_main_process_at_several_points(tmp_path):
    _corpus(tmp_path / "corpus")
    start = time.monotonic()
    points = {  # when to kill, judged from the outside while the run goes
        "workers started": lambda out, children: len(children) >= 2,
        "reading": lambda out, children: len(children) >= 2 and time.monotonic() - start > 1.5,
        "writing": lambda out, children: out.is_dir() and any(p.name.endswith(".partial") for p in out.iterdir()),
    }
    out = tmp_path / "out"
    for point, ready in points.items():
        start = time.monotonic()
        children = _kill_when(tmp_path, out, ready, overwrite=point != "workers started")
        assert children, f"{point}: the run had no worker processes to check"
        time.sleep(2)
        assert not [pid for pid in children if _alive(pid)], f"{point}: processes of the killed run are alive"
        assert not (out / "run.json").exists(), point  # the folder does not look finished
        refused = samestory("report", str(out))
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    again = samestory("run", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2", "--no-rewrites", "-q", "--overwrite")
    assert again.returncode == 0, again.stderr
    assert pq.read_table(out / "documents.parquet").num_rows == DOCUMENTS
    assert (out / "run.json").is_file()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_ends_with_one_line(tmp_path, signum, code):
    _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*CLI, "run", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2", "--no-rewrites", "-q"],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(_descendants(process.pid)) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    children = _descendants(process.pid)
    time.sleep(0.5)
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
    assert not (out / "run.json").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".partial")] if out.exists() else True


def test_out_under_a_file_is_a_one_line_error(tmp_path):
    (tmp_path / "in.txt").write_text(hostile_corpus.PLAIN)
    (tmp_path / "file").write_text("x")
    done = samestory("run", str(tmp_path / "in.txt"), "--out", str(tmp_path / "file" / "out"), "--no-rewrites", "-q")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_out_inside_the_input_folder_is_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(hostile_corpus.PLAIN)
    for _ in range(2):  # the second run finds the first run's outputs inside its input
        done = samestory("run", str(src), "--out", str(src / "out"), "--no-rewrites", "-q", "--overwrite")
        assert done.returncode == 0, done.stderr
        assert [r["doc_id"] for r in pq.read_table(src / "out" / "documents.parquet").to_pylist()] == ["a.txt"]
