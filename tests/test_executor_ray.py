"""The Ray executor on a two-node Ray cluster started on this machine (scripts/ray_cluster.sh).

Skipped only when Ray is not installed (`pip install 'samestory[ray]'`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'samestory[ray]')")

from samestory.executors.ray_executor import RayExecutor, RayExecutorError, check_reachable  # noqa: E402
from samestory.groupby import GroupJob, pairs_within_groups, unique_pairs  # noqa: E402

from .conftest import output_files  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "ray_cluster.sh"


def cluster_env() -> dict[str, str]:
    # the nodes' workers import this checkout's samestory and these test functions
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def session_processes(sids: set[int]) -> list[int]:
    """Live (non-zombie) processes whose session id is in `sids`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp session
        if fields[0] != "Z" and int(fields[3]) in sids:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def cluster():
    # a short folder: Ray's socket paths live under it and must stay under 108 characters
    folder = Path(tempfile.mkdtemp(prefix="ssray-"))
    started = subprocess.run(
        ["bash", str(SCRIPT), "start", str(folder)], env=cluster_env(), capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    sids = {int(p.read_text()) for p in folder.glob("*.sid")}
    yield {"address": started.stdout.strip(), "folder": folder, "sids": sids}
    subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def executor(cluster):
    with RayExecutor(cluster["address"]) as ex:
        yield ex


def slow_square(x: int) -> int:
    time.sleep(0.02 * (10 - x % 10))  # later items finish first within each group of ten
    return x * x


def node_of(x: int) -> tuple[int, str]:
    time.sleep(0.2)
    return x, ray.get_runtime_context().get_node_id()


def fail_on_five(x: int) -> int:
    if x == 5:
        raise ValueError(f"bad item {x}")
    return x


def crash_on_two(x: int) -> int:
    if x == 2:
        os._exit(3)  # the worker process dies, as on an out-of-memory kill
    return x


def new_state() -> dict:
    return {"id": uuid.uuid4().hex, "pid": os.getpid()}


def tag_with_state(state: dict, x: int) -> tuple[str, int, int]:
    return state["id"], state["pid"], 2 * x


def test_unreachable_address_is_a_one_line_error():
    with pytest.raises(RayExecutorError, match=r"^cannot reach the Ray cluster at 127\.0\.0\.1:1: "):
        check_reachable("127.0.0.1:1")
    with pytest.raises(RayExecutorError, match="not a Ray address"):
        check_reachable("no-port-here")


def test_missing_ray_is_a_one_line_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(RayExecutorError, match=r"pip install 'samestory\[ray\]'"):
        RayExecutor("127.0.0.1:1").__enter__()


def test_map_keeps_submission_order(executor):
    items = list(range(30))
    assert list(executor.map(slow_square, items)) == [x * x for x in items]


def test_map_bounds_work_in_flight(executor):
    pulled = []

    def items():
        for x in range(5 * executor.in_flight):
            pulled.append(x)
            yield x

    results = executor.map(abs, items())
    assert next(results) == 0
    assert len(pulled) == executor.in_flight  # the input is read only as results are taken
    assert list(results) == list(range(1, 5 * executor.in_flight))


def test_tasks_run_on_both_nodes(executor):
    nodes = {node["NodeID"] for node in ray.nodes() if node["Alive"]}
    assert len(nodes) == 2
    results = list(executor.map(node_of, range(12)))
    assert [x for x, _ in results] == list(range(12))
    assert {node for _, node in results} == nodes


def test_failing_task_raises_its_error(executor):
    started = time.monotonic()
    with pytest.raises(ValueError, match="^bad item 5$"):
        list(executor.map(fail_on_five, range(20)))
    assert time.monotonic() - started < 20
    assert list(executor.map(abs, [-1, -2])) == [1, 2]  # the executor is still usable


def test_dead_worker_is_a_one_line_error(executor):
    with pytest.raises(RayExecutorError, match="^Ray could not run crash_on_two: ") as caught:
        list(executor.map(crash_on_two, range(4)))
    assert "\n" not in str(caught.value)


def test_map_with_state_builds_state_once_per_worker(executor):
    items = list(range(40))
    first = list(executor.map_with_state(new_state, tag_with_state, items))
    assert [doubled for _, _, doubled in first] == [2 * x for x in items]
    states = {(state, pid) for state, pid, _ in first}
    assert 1 <= len(states) <= executor.workers
    assert len({state for state, _ in states}) == len({pid for _, pid in states})  # one state per process
    again = list(executor.map_with_state(new_state, tag_with_state, items))
    assert {(state, pid) for state, pid, _ in again} == states  # the same workers, states kept
    # the live actors hold no CPU: later tasks, this driver's or another's, still find room
    assert ray.available_resources().get("CPU") == ray.cluster_resources()["CPU"]


def test_group_pairs_on_the_cluster_equal_one_local_call(executor):
    rng = np.random.default_rng(5)
    jobs = [
        GroupJob(rng.integers(0, 50, 3000).astype(np.uint64), rng.permutation(3000), 4, max_group=40)
        for _ in range(3)
    ]
    local = [pairs_within_groups(j.keys, j.rows, j.max_all_pairs, j.max_group) for j in jobs]
    remote = executor.group_pairs(jobs)
    assert [unique_pairs(p, 3000)[0].tolist() for p in remote] == [unique_pairs(p, 3000)[0].tolist() for p in local]
    assert [len(p) for p in remote] == [len(p) for p in local]  # no pair lost or doubled


def test_executor_without_address_starts_and_stops_its_own_ray():
    code = (
        "from samestory.executors.ray_executor import RayExecutor\n"
        "import ray\n"
        "with RayExecutor(None, workers=1) as ex:\n"
        "    print(list(ex.map(abs, [-3, -1, -2])), ray.is_initialized())\n"
        "print(ray.is_initialized())\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=cluster_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its session id is its pid: the processes Ray starts for it stay in it
    )
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert out.split("\n")[:2] == ["[3, 1, 2] True", "False"]
    deadline = time.monotonic() + 10
    while session_processes({child.pid}) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session_processes({child.pid}) == []


def run_cli(paths: list[Path], out: Path, *options: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "samestory.cli", "run", *map(str, paths), "--out", str(out), "--quiet",
         "--no-rewrites", *options],
        env=cluster_env(), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_ray_cluster_run_is_byte_identical_to_local(cluster, tmp_path):
    # the examples and a synthetic corpus with planted exact, near and partial copies; the
    # rewrite tier runs in the driver whatever the executor (test_pipeline covers it), so it is
    # left out here to keep this test fast
    from benchmarks.synthetic import generate, write_jsonl

    corpus = tmp_path / "synthetic.jsonl"
    write_jsonl(generate(600, seed=3)[0], corpus)
    inputs = [REPO / "examples", corpus]
    run_cli(inputs, tmp_path / "local", "--workers", "2")
    run_cli(inputs, tmp_path / "ray", "--executor", "ray", "--ray-address", cluster["address"])
    local_files = output_files(tmp_path / "local")
    assert local_files == output_files(tmp_path / "ray")
    assert {"documents.parquet", "pairs.parquet", "deduplicated/part-00000.parquet", "run.json"} <= set(local_files)
    for name in local_files:
        local, remote = (comparable(Path(name).name, (tmp_path / side / name).read_bytes()) for side in ("local", "ray"))
        assert local == remote, name
    summary = json.loads((tmp_path / "ray" / "run.json").read_text())["summary"]
    assert summary["duplicates_by_relation"]["near"] > 0 and summary["duplicates_by_relation"]["partial"] > 0


REPORT_DATA = re.compile(rb'(<script type="application/json" id="samestory-data">)(.*?)(</script>)', re.S)


def comparable(name: str, data: bytes):
    """An output file's bytes, less what records how the run ran: run.json's and report.html's
    `run` settings section (executor, address, workers) and run.json's timings."""
    if name == "run.json":
        manifest = json.loads(data)
        assert manifest["settings"].pop("run")["executor"] in ("local", "ray")
        assert isinstance(manifest.pop("timings"), dict)
        return manifest
    if name == "report.html":
        (block,) = REPORT_DATA.findall(data)
        shown = json.loads(block[1])
        assert shown["run"]["settings"].pop("run")["executor"] in ("local", "ray")
        return REPORT_DATA.sub(b"", data), shown
    return data


def test_stop_leaves_no_process(cluster, executor):
    executor.__exit__(None, None, None)  # disconnect this driver first, as a run does when done
    assert not ray.is_initialized()
    assert session_processes(cluster["sids"])  # the cluster was running
    stopped = subprocess.run(["bash", str(SCRIPT), "stop", str(cluster["folder"])], capture_output=True, text=True)
    assert stopped.returncode == 0, stopped.stderr
    assert session_processes(cluster["sids"]) == []
    assert not list(cluster["folder"].glob("*.sid"))
