"""The local executor's per-worker state (map_with_state), inline and in the process pool."""

from __future__ import annotations

import os
import uuid

import pytest

from samestory.executors import LocalExecutor


def new_state() -> dict:
    return {"id": uuid.uuid4().hex, "pid": os.getpid()}


def tag_with_state(state: dict, x: int) -> tuple[str, int, int]:
    return state["id"], state["pid"], 2 * x


@pytest.mark.parametrize("workers", [1, 2])
def test_map_with_state_builds_state_once_per_process(workers):
    items = list(range(30))
    with LocalExecutor(workers) as executor:
        first = list(executor.map_with_state(new_state, tag_with_state, items))
        again = list(executor.map_with_state(new_state, tag_with_state, items))
    assert [doubled for _, _, doubled in first] == [2 * x for x in items]
    states = {(state, pid) for state, pid, _ in first}
    assert 1 <= len(states) <= workers
    assert len({state for state, _ in states}) == len({pid for _, pid in states})  # one state per process
    # kept between calls: a process has one state over both (a worker idle in the first call,
    # as happens on a loaded machine, builds its own in the second)
    both = {(state, pid) for state, pid, _ in first + again}
    assert len({state for state, _ in both}) == len({pid for _, pid in both}) <= workers
    if workers == 1:
        assert states == {(first[0][0], os.getpid())}  # inline: built in this process


def test_inline_states_end_with_the_executor():
    with LocalExecutor(1) as executor:
        (before,) = {s for s, _, _ in executor.map_with_state(new_state, tag_with_state, [1, 2])}
    with LocalExecutor(1) as executor:
        (after,) = {s for s, _, _ in executor.map_with_state(new_state, tag_with_state, [1, 2])}
    assert before != after
