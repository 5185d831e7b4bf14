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
    # the right bytes from any encoding (issue 20)
    by_doc = {r["doc_id"]: r for r in rows}
    assert by_doc["text/cp1252_french.txt"]["text"] == hostile_corpus.FRENCH
    assert by_doc["text/mixed_lines.txt"]["text"] == "\n".join(hostile_corpus.GERMAN_LINES)
    assert by_doc["json/utf16.jsonl#u1"]["text"] == hostile_corpus.FRENCH
    assert by_doc["json/utf32be.json#p"]["status"] == "ok"
    assert by_doc["text/utf32.html"]["title"] == by_doc["warc/utf16_payload.warc#https://u.example/1"]["title"] == "Brücke wall repaired"
    assert by_doc["text/zero_width.txt"]["reason"] == "no visible text (only invisible characters)"


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


# --- issue 20: nothing lost on a bad day ---------------------------------------------------------
# Written against the command line and the public API (exit codes, messages, files on disk), so
# that they hold whatever the plan inside looks like.

FAST = ["--workers", "1", "--no-rewrites", "--no-report", "-q"]


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under `folder` with its mtime and bytes: to prove a command touched nothing."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _finished_run(tmp_path: Path) -> tuple[Path, Path]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for k in range(3):
        (inputs / f"{k}.txt").write_text(f"{hostile_corpus.PLAIN} Story {k} of the day, told again.")
    out = tmp_path / "out"
    done = samestory("run", str(inputs), "--out", str(out), *FAST)
    assert done.returncode == 0, done.stderr
    return inputs, out


def test_resume_of_a_finished_run_never_touches_it(tmp_path):
    inputs, out = _finished_run(tmp_path)
    before = _snapshot(out)
    again = samestory("run", str(inputs), "--out", str(out), "--resume", "--workers", "1", "--no-rewrites", "--no-report")
    assert again.returncode == 0, again.stderr
    assert "is finished: nothing to resume" in again.stderr
    assert _snapshot(out) == before
    # an input touched, a setting changed, the work folder gone: refused with the difference, nothing removed
    os.utime(inputs / "1.txt", ns=(time.time_ns(), time.time_ns()))
    touched = samestory("run", str(inputs), "--out", str(out), "--resume", *FAST)
    assert touched.returncode == 2
    line = _one_line(touched.stderr)
    assert "is finished" in line and "1.txt changed since the finished run" in line and "interrupted" not in line
    assert _snapshot(out) == before
    os.utime(inputs / "1.txt", ns=(before["_work/plan.json"][0], before["_work/plan.json"][0]))  # not needed to match
    config = tmp_path / "s.toml"
    config.write_text("[lexical]\nnear_min_jaccard = 0.9\n")
    changed = samestory("run", str(inputs), "--out", str(out), "--resume", "--config", str(config), *FAST)
    assert changed.returncode == 2 and "near_min_jaccard" in _one_line(changed.stderr)
    assert _snapshot(out) == before
    import shutil

    shutil.rmtree(out / "_work")
    kept = _snapshot(out)
    gone = samestory("run", str(inputs), "--out", str(out), "--resume", *FAST)
    assert gone.returncode == 2 and "work folder" in _one_line(gone.stderr)
    assert _snapshot(out) == kept


def test_a_refused_resume_keeps_the_unfinished_run(tmp_path):
    inputs, out = _finished_run(tmp_path)
    (out / "run.json").unlink()  # killed just before its last rename: every other output is there
    before = _snapshot(out)
    config = tmp_path / "s.toml"
    config.write_text("[lexical]\nnear_min_jaccard = 0.9\n")
    refused = samestory("run", str(inputs), "--out", str(out), "--resume", "--config", str(config), *FAST)
    assert refused.returncode == 2 and "cannot resume" in _one_line(refused.stderr)
    assert _snapshot(out) == before
    resumed = samestory("run", str(inputs), "--out", str(out), "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    assert (out / "run.json").is_file()


# --- one writer per run folder -------------------------------------------------------------------

HOLD = "import sys, time; from samestory.runlock import RunLock; RunLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(120)"


def _hold(folder: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], env=ENV, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_on_a_held_folder_is_refused_naming_the_holder(tmp_path):
    import socket

    from samestory.runlock import LOCK_FILE

    inputs, out = _finished_run(tmp_path)
    before = _snapshot(out)
    holder = _hold(out)
    try:
        for flags in ([], ["--overwrite"], ["--resume"]):
            refused = samestory("run", str(inputs), "--out", str(out), *flags, *FAST)
            assert refused.returncode == 2, (flags, refused.stderr)
            line = _one_line(refused.stderr)
            assert f"is in use by another samestory run (pid {holder.pid} on {socket.gethostname()}, started " in line
        after = _snapshot(out)
        assert {k: v for k, v in after.items() if k != LOCK_FILE} == before
    finally:
        holder.kill()
        holder.wait()
    # the holder died by kill -9: its lock is taken over, with a note, and removed at the end
    assert (out / LOCK_FILE).is_file()
    took = samestory("run", str(inputs), "--out", str(out), "--overwrite", "--workers", "1", "--no-rewrites", "--no-report")
    assert took.returncode == 0, took.stderr
    assert f"took over the lock of a run in {out} that is no longer running (pid {holder.pid}" in took.stderr
    assert not (out / LOCK_FILE).exists()


def test_a_lock_of_another_host_is_not_taken_over(tmp_path):
    from samestory.runlock import LOCK_FILE

    inputs, out = _finished_run(tmp_path)
    (out / LOCK_FILE).write_text(json.dumps({"pid": 4242, "host": "elsewhere.example", "started": "2026-01-01T00:00:00+00:00"}))
    refused = samestory("run", str(inputs), "--out", str(out), "--overwrite", *FAST)
    assert refused.returncode == 2
    line = _one_line(refused.stderr)
    assert "on another host (pid 4242 on elsewhere.example" in line and f"remove {out / LOCK_FILE}" in line


def test_two_runs_at_once_on_one_folder(tmp_path):
    """The second run, even with --overwrite, is refused at once; the first finishes whole."""
    from samestory.runlock import LOCK_FILE

    _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    # many small read tasks keep the first run busy while the second starts
    (tmp_path / "s.toml").write_text("[run]\ntask_mb = 0.002\n[read]\nbatch_size = 10\n")
    first = subprocess.Popen([*CLI, "run", str(tmp_path / "corpus"), "--out", str(out), "--config", str(tmp_path / "s.toml"), *FAST],
                             env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / LOCK_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = samestory("run", str(tmp_path / "corpus"), "--out", str(out), "--overwrite", *FAST)
    assert first.poll() is None, "the first run ended before the second started"
    assert second.returncode == 2 and f"pid {first.pid}" in _one_line(second.stderr)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert pq.read_table(out / "documents.parquet").num_rows == DOCUMENTS
    assert not (out / LOCK_FILE).exists()


def test_a_reference_may_not_be_the_out_folder_or_inside_it(tmp_path):
    inputs, ref = _finished_run(tmp_path)
    before = _snapshot(ref)
    same = samestory("run", str(inputs), "--out", str(ref), "--reference", str(ref), "--overwrite", *FAST)
    assert same.returncode == 2 and "is the --out folder" in _one_line(same.stderr)
    inside = samestory("run", str(inputs), "--out", str(tmp_path), "--reference", str(ref), "--overwrite", *FAST)
    assert inside.returncode == 2 and "is inside the --out folder" in _one_line(inside.stderr)
    assert _snapshot(ref) == before
    holder = _hold(ref)  # a reference whose own run is writing it
    try:
        busy = samestory("run", str(inputs), "--out", str(tmp_path / "new"), "--reference", str(ref), *FAST)
        assert busy.returncode == 2 and f"is being written by another samestory run (pid {holder.pid}" in _one_line(busy.stderr)
    finally:
        holder.kill()
        holder.wait()


def test_an_empty_out_is_refused(tmp_path):
    (tmp_path / "in.txt").write_text(hostile_corpus.PLAIN)
    done = subprocess.run([*CLI, "run", "in.txt", "--out", "", *FAST], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert done.returncode == 2 and "--out is an empty path" in _one_line(done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]
    with pytest.raises(Exception, match="empty path"):
        samestory_api.run(tmp_path / "in.txt", out="")


def test_the_lock_is_released_on_every_exit_path(tmp_path):
    from samestory.runlock import LOCK_FILE

    inputs, out = _finished_run(tmp_path)
    assert not (out / LOCK_FILE).exists()  # a finished run
    refused = samestory("run", str(inputs), "--out", str(out), *FAST)  # holds a run: refused
    assert refused.returncode == 2 and not (out / LOCK_FILE).exists()
    bad_reference = samestory("run", str(inputs), "--out", str(tmp_path / "o2"), "--reference", str(inputs), *FAST)
    assert bad_reference.returncode == 2 and not (tmp_path / "o2" / LOCK_FILE).exists()
    assert not (tmp_path / "o2").exists()  # refused before anything was made

    def failing():
        yield {"text": hostile_corpus.PLAIN}
        raise KeyError("the caller's own failure")

    with pytest.raises(KeyError):
        samestory_api.run(failing(), out=tmp_path / "o3", settings=Settings().replace(run={"workers": 1, "progress": False}))
    assert not (tmp_path / "o3" / LOCK_FILE).exists()


# --- the caller's exception ----------------------------------------------------------------------

class CallerFailed(Exception):
    pass


@pytest.mark.parametrize("workers", [1, 2])
def test_the_callers_exception_propagates_and_nothing_looks_finished(tmp_path, workers):
    def records():
        for i in range(2_000):
            if i == 600:
                raise CallerFailed("the caller's source broke at record 600")
            yield {"id": f"r{i}", "text": f"Record {i}: {hostile_corpus.PLAIN}"}

    settings = Settings().replace(run={"workers": workers, "progress": False}, rewrite={"enabled": False},
                                  read={"batch_size": 100})
    with pytest.raises(CallerFailed, match="record 600"):
        samestory_api.run(records(), out=tmp_path / "out", settings=settings)
    assert not (tmp_path / "out" / "run.json").exists()
    assert not (tmp_path / "out" / "documents.parquet").exists()
    with pytest.raises(CallerFailed):  # without out= too: no result that looks whole
        samestory_api.run(records(), settings=settings)


# --- faults in one line --------------------------------------------------------------------------

def _mounts_work() -> bool:
    try:
        probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _mounts_work(), reason="needs `unshare -m` and tmpfs mounts (root)")


def _in_private_mount(tmp_path: Path, script: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (its tmpfs mounts end with it), with
    $SAMESTORY (the CLI), $M (an empty mount point) and $T (tmp_path) set."""
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    cli = " ".join(CLI)
    return subprocess.run(["unshare", "-m", "bash", "-c", f"set -u\nSAMESTORY='{cli}'\nM='{mount_point}'\nT='{tmp_path}'\n{script}"],
                          capture_output=True, text=True, env=ENV, timeout=timeout)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@needs_mounts
def test_a_full_disk_is_one_line_then_resume_gives_the_same_bytes(tmp_path):
    from .conftest import output_files, without_timings

    _corpus(tmp_path / "corpus")
    (tmp_path / "s.toml").write_text("[read]\nbatch_size = 50\n")
    run = f"run {tmp_path / 'corpus'} --workers 2 --no-rewrites -q --config {tmp_path / 's.toml'}"
    clean = samestory(*run.split(), "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    done = _in_private_mount(tmp_path, f"""
mount -t tmpfs -o size=1200k tmpfs "$M"
$SAMESTORY {run} --out "$M/out" 2> "$T/full.err"; echo $? > "$T/full.rc"
find "$M/out" \\( -name '*.tmp' -o -name '*.partial' \\) > "$T/left.txt"
mount -o remount,size=32m "$M"
$SAMESTORY {run} --out "$M/out" --resume 2> "$T/resume.err"; echo $? > "$T/resume.rc"
cp -r "$M/out" "$T/resumed"
""")
    assert done.returncode == 0, done.stderr
    assert _read(tmp_path / "full.rc").strip() == "1", _read(tmp_path / "full.err")
    line = _one_line(_read(tmp_path / "full.err"))
    assert line.startswith("error: no space left on the device") and "--resume" in line
    assert _read(tmp_path / "left.txt") == ""  # no temporary file left behind
    assert _read(tmp_path / "resume.rc").strip() == "0", _read(tmp_path / "resume.err")
    resumed, reference = tmp_path / "resumed", tmp_path / "clean"
    assert output_files(resumed) == output_files(reference)
    for name in output_files(reference):
        assert without_timings(resumed / name) == without_timings(reference / name), name


@needs_mounts
def test_a_read_only_folder_is_one_line(tmp_path):
    (tmp_path / "in.txt").write_text(hostile_corpus.PLAIN)
    run = f"run {tmp_path / 'in.txt'} --workers 1 --no-rewrites -q"
    done = _in_private_mount(tmp_path, f"""
mount -t tmpfs -o size=16m tmpfs "$M"
$SAMESTORY {run} --out "$M/out" || exit 9
mount -o remount,ro "$M"
$SAMESTORY {run} --out "$M/out" --overwrite 2> "$T/overwrite.err"; echo $? > "$T/overwrite.rc"
$SAMESTORY {run} --out "$M/new" 2> "$T/new.err"; echo $? > "$T/new.rc"
$SAMESTORY report "$M/out" 2> "$T/report.err"; echo $? > "$T/report.rc"
$SAMESTORY {run} --out "$M/out" --overwrite --debug 2> "$T/debug.err"
true
""")
    assert done.returncode == 0, done.stderr
    for name in ("overwrite", "new", "report"):
        assert _read(tmp_path / f"{name}.rc").strip() in ("1", "2"), name
        line = _one_line(_read(tmp_path / f"{name}.err"))
        assert "read-only file system" in line.lower(), (name, line)
    assert _read(tmp_path / "overwrite.rc").strip() == "1"
    debug = _read(tmp_path / "debug.err")
    assert "Traceback" in debug and debug.strip().splitlines()[-1].startswith("error: read-only file system")


def test_a_killed_worker_is_replaced_and_the_run_gives_the_same_bytes(tmp_path):
    from .conftest import output_files, without_timings

    _corpus(tmp_path / "corpus")
    (tmp_path / "s.toml").write_text("[read]\nbatch_size = 10\n[run]\ntask_mb = 0.005\n")
    args = [str(tmp_path / "corpus"), "--workers", "2", "--no-rewrites", "--no-report", "--config", str(tmp_path / "s.toml")]
    clean = samestory("run", *args, "--out", str(tmp_path / "clean"))  # not -q: the run section must match
    assert clean.returncode == 0, clean.stderr
    out = tmp_path / "out"
    process = subprocess.Popen([*CLI, "run", *args, "--out", str(out)], env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    shards = lambda: len(list((out / "_work").glob("read/t*.done"))) if (out / "_work").exists() else 0  # noqa: E731
    deadline = time.monotonic() + 60
    while shards() < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = sorted(_descendants(process.pid))
    assert process.poll() is None and workers, "the run ended before a worker could be killed"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "a worker process died (killed by SIGKILL" in stderr and "Traceback" not in stderr
    assert output_files(out) == output_files(tmp_path / "clean")
    for name in output_files(out):
        assert without_timings(out / name) == without_timings(tmp_path / "clean" / name), name


def _kill_myself(x: int) -> int:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def test_a_worker_that_dies_again_on_the_retry_is_one_line():
    from samestory.cli import fault_line
    from samestory.executors import LocalExecutor
    from samestory.executors.local import WorkerDiedError

    with pytest.raises(WorkerDiedError) as died:
        with LocalExecutor(2) as executor:
            list(executor.map(_kill_myself, range(8)))
    line = fault_line(died.value, None)
    assert "a worker process died (killed by SIGKILL" in line and "again when its work was retried" in line
    assert "fewer --workers" in line and "\n" not in line


def test_fault_lines_say_what_where_and_what_to_do(tmp_path):
    import errno as errnos

    from samestory.cli import fault_line

    (tmp_path / "_work").mkdir()
    (tmp_path / "_work" / "plan.json").write_text("{}")
    arrow_style = OSError(28, "Error writing bytes to file. Detail: [errno 28] No space left on device")
    assert fault_line(arrow_style, tmp_path) == (
        f"no space left on the device (--out {tmp_path}); free some space, then run the same command with --resume to continue")
    denied = OSError(errnos.EACCES, "Permission denied", str(tmp_path / "x"))
    assert fault_line(denied, tmp_path / "elsewhere").startswith(f"permission denied ({tmp_path / 'x'}); fix the permissions")
    assert "run it again" in fault_line(denied, tmp_path / "elsewhere")  # no work folder there: nothing to resume
    bug = fault_line(ValueError("first line\nsecond line"), None)
    assert bug.startswith("unexpected ValueError: first line (a bug") and "--debug" in bug and "\n" not in bug


def test_a_stage_that_fails_gets_no_stage_line(caplog):
    import logging

    from samestory.runlog import stage_timer

    timings: dict = {}
    timed = stage_timer(timings)
    with caplog.at_level(logging.INFO, logger="samestory"):
        with timed("read_clean") as counted:
            counted(documents=3)
        with pytest.raises(OSError):
            with timed("write"):
                raise OSError(28, "No space left on device")
    lines = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("read clean: documents 3") for m in lines)
    assert not any(m.startswith("write") for m in lines)
