"""Run a plan's steps: each step is a list of tasks, each task a pure function from input
partitions (files named in its arguments) to output partitions (the files it writes), run by
whatever executor the run has. The driver only cuts work into tasks and passes task
descriptions and small summaries around.

Resume is the same for every step: a task whose marker says it is complete (folder.py) is not
run again, and its summary is read from the marker. Once any task of a step had to run, every
later step runs all its tasks again: what they read may have changed (a damaged file rebuilt,
a task cut short), and tasks are deterministic, so this costs time, never correctness.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..progress import Progress
from .folder import TaskFiles, WorkFolder

__all__ = ["Task", "StepRunner", "run_task"]

log = logging.getLogger("samestory")


@dataclass(frozen=True)
class Task:
    """One task: `func(files, args) -> summary` (a module-level function, so it pickles by name);
    `key` names it within its step (and prefixes the files it writes)."""

    key: str
    func: Callable[[TaskFiles, Any], dict]
    args: Any = None
    size: int = 1  # what the progress bar counts for it (documents, pairs...)


def run_task(job: tuple[str, str, Task]) -> dict:
    """The body of every task, in a worker: run it, then sync its files and write its marker."""
    folder_path, step, task = job
    folder = WorkFolder(Path(folder_path))
    files = folder.files(step, task.key)
    for stale in files.written():  # an earlier attempt's files: the task writes them anew
        stale.unlink(missing_ok=True)
    summary = task.func(files, task.args) or {}
    return folder.finish(files, summary)


@dataclass
class StepRunner:
    """Runs steps in order through one executor over one work folder."""

    folder: WorkFolder
    executor: Any
    progress: Progress
    resume: bool = False
    reran: bool = False  # a task of an earlier step ran: later steps start over
    ran_tasks: dict[str, int] = field(default_factory=dict)
    reused_tasks: dict[str, int] = field(default_factory=dict)

    def run(self, step: str, tasks, label: str | None = None, unit: str = "tasks") -> list[dict]:
        """Every task's summary, in task order. `tasks` may be an iterator (records given in
        memory, which cannot be listed ahead): its tasks then all run, as they come."""
        if not isinstance(tasks, list):
            return self._stream(step, tasks, label, unit)
        keys = [t.key for t in tasks]
        if len(set(keys)) != len(keys):
            raise ValueError(f"step {step}: task keys repeat")
        summaries: list[dict | None] = [None] * len(tasks)
        if self.resume and not self.reran:
            for i, task in enumerate(tasks):
                summaries[i] = self.folder.completed(step, task.key)
        elif self.folder.path.joinpath(step).exists():
            self.folder.drop_step(step)
        todo = [i for i, s in enumerate(summaries) if s is None]
        self.reused_tasks[step] = len(tasks) - len(todo)
        self.ran_tasks[step] = len(todo)
        t0 = time.perf_counter()
        total = sum(tasks[i].size for i in todo)
        with self.progress.task(label or step, unit=unit if unit != "tasks" else "tasks",
                                total=total if unit != "tasks" else len(todo)) as tick:
            jobs = ((str(self.folder.path), step, tasks[i]) for i in todo)
            for i, summary in zip(todo, self.executor.map(run_task, jobs)):
                summaries[i] = summary
                tick(tasks[i].size if unit != "tasks" else 1)
        if todo:
            self.reran = True
        log.debug("step %s: %d tasks run, %d reused, %.2f s", step, len(todo), len(tasks) - len(todo),
                  time.perf_counter() - t0)
        return summaries  # type: ignore[return-value]

    def _stream(self, step: str, tasks, label: str | None, unit: str) -> list[dict]:
        if self.folder.path.joinpath(step).exists():
            self.folder.drop_step(step)
        summaries: list[dict] = []
        with self.progress.task(label or step, unit=unit) as tick:
            sizes: list[int] = []

            def jobs():
                for task in tasks:
                    sizes.append(task.size)
                    yield str(self.folder.path), step, task

            for summary in self.executor.map(run_task, jobs()):
                summaries.append(summary)
                tick(sizes[len(summaries) - 1] if unit != "tasks" else 1)
        self.ran_tasks[step] = len(summaries)
        self.reused_tasks[step] = 0
        self.reran = True
        return summaries
