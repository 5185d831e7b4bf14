"""Run stages on a Ray cluster (optional: `pip install 'samestory[ray]'`).

`RayExecutor` has the executor interface of the local process pool (`workers`, an ordered
`map`, a context manager), so a stage never knows where it runs; `map_with_state` adds a pool
of long-lived workers (Ray actors) for stages whose per-worker state is costly to build, such
as a loaded embedding model. When the cluster has GPUs, each of those actors holds one.

Ray is imported only when an executor is entered. With an address the executor joins that
cluster and leaves it running; without one it starts a private Ray instance on this machine
and shuts it down on exit.
"""

from __future__ import annotations

import logging
import pickle
import socket
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np

from ..groupby import GroupJob, group_pairs

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

__all__ = ["RayExecutor", "RayExecutorError"]

# ray.init on an address where nobody listens retries for about a minute before failing; a
# plain TCP connection tells at once
CONNECT_TIMEOUT_S = 5.0


class RayExecutorError(RuntimeError):
    """Ray is not installed, the cluster cannot be reached, or a Ray worker died (one line)."""


def import_ray():
    try:
        import ray
    except ImportError:
        raise RayExecutorError("the ray executor needs Ray: pip install 'samestory[ray]'") from None
    return ray


def check_reachable(address: str) -> None:
    """Fail fast, with one line, when nothing listens at a Ray address (host:port)."""
    if address == "auto":  # Ray finds the cluster started on this machine itself
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise RayExecutorError(f"not a Ray address (expected host:port): {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise RayExecutorError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from None


def samestory_version() -> str | None:
    try:
        from samestory import __version__
    except ImportError:
        return None
    return __version__


def check_nodes(ray) -> None:
    """Every node must run the driver's samestory: a node without it would fail each task, and
    one with another version could silently change the outputs."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    from samestory import __version__

    nodes = [node for node in ray.nodes() if node.get("Alive")]
    probe = ray.remote(samestory_version)
    refs = [
        probe.options(num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)).remote()
        for node in nodes
    ]
    for node, version in zip(nodes, ray.get(refs)):
        if version != __version__:
            found = f"samestory {version}" if version else "no samestory"
            where = node.get("NodeManagerAddress", "?")
            raise RayExecutorError(
                f"Ray node {where} has {found}, this driver {__version__}: install the same samestory on every node"
            )


def apply(func: Callable[[T], R], item: T) -> R:
    """The body of every `map` task (module level, so workers import it instead of unpickling code)."""
    return func(item)


class StatefulWorker:
    """The body of a `map_with_state` actor: builds its state once, then applies calls to it."""

    def __init__(self, factory: Callable[[], S]):
        self.state = factory()

    def call(self, func: Callable[[S, T], R], item: T) -> R:
        return func(self.state, item)


class RayExecutor:
    """Ordered map over a Ray cluster, results in submission order, a bounded number in flight.

    `workers`: how many items run at once (default: the cluster's CPUs, known once entered).
    """

    def __init__(self, address: str | None = None, workers: int | None = None, in_flight_per_worker: int = 3):
        self.address = address
        self.requested_workers = workers
        self.workers = max(1, workers or 1)
        self.in_flight_per_worker = in_flight_per_worker
        self.ray: Any = None
        self.owns_runtime = False  # True when this executor started Ray and must shut it down
        self.actor_pools: dict[bytes, list] = {}

    @property
    def in_flight(self) -> int:
        return self.workers * self.in_flight_per_worker

    def __enter__(self) -> "RayExecutor":
        ray = import_ray()
        if not ray.is_initialized():  # else keep the process's connection (a notebook's ray.init)
            if self.address:
                check_reachable(self.address)
                init = dict(address=self.address)
            else:
                # a private instance on this machine, without the dashboard
                init = dict(num_cpus=self.requested_workers, include_dashboard=False)
            try:
                ray.init(**init, logging_level=logging.WARNING, configure_logging=True)
            except Exception as exc:  # ray raises ConnectionError, RuntimeError, its own types...
                where = f"at {self.address}" if self.address else "on this machine"
                raise RayExecutorError(f"cannot start or join Ray {where}: {first_line(exc)}") from None
            self.owns_runtime = True
        self.ray = ray
        try:
            if self.address:
                check_nodes(ray)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if self.requested_workers is None:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        return self

    def __exit__(self, *exc) -> None:
        if self.ray is None:
            return
        for actors in self.actor_pools.values():
            for actor in actors:
                self.ray.kill(actor)
        self.actor_pools.clear()
        if self.owns_runtime:
            self.ray.shutdown()  # with an address this only disconnects; the cluster runs on
            self.owns_runtime = False
        self.ray = None

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """func(item) for each item, run as Ray tasks; results in the order of `items`."""
        ray = self.require_ray()
        # SPREAD: a stage's batches go to every node, not first to fill the driver's node
        task = ray.remote(apply).options(scheduling_strategy="SPREAD", num_cpus=1)
        func_ref = ray.put(func)  # shipped once per map, not once per item
        return self.ordered(lambda item: task.remote(func_ref, item), items, func)

    def group_pairs(self, jobs: Iterable[GroupJob]) -> list[np.ndarray]:
        """The group-by-key step as Ray tasks: the jobs' (key, row) arrays split by key hash into
        two partitions per worker, each grouped by one task (groupby.group_pairs)."""
        return group_pairs(jobs, self.map, parts=2 * self.workers)

    def map_with_state(
        self, factory: Callable[[], S], func: Callable[[S, T], R], items: Iterable[T]
    ) -> Iterator[R]:
        """func(state, item) for each item, where each worker builds `state = factory()` once
        (e.g. loads a model) and keeps it for the executor's lifetime. Results in order.

        Workers are Ray actors: one per GPU when the cluster has GPUs (the state, e.g. a torch
        model, then sees its GPU), else one per CPU worker. `factory` must be picklable (a
        module-level function or a functools.partial of one); the same factory reuses the same
        actors across calls."""
        ray = self.require_ray()
        key = pickle.dumps(factory)
        actors = self.actor_pools.setdefault(key, [])
        gpus = int(ray.cluster_resources().get("GPU", 0))
        size = gpus or self.workers
        # The actors reserve no CPU: they live as long as the executor, and reserved CPUs would
        # leave none for later `map` tasks (nor for other drivers); stages run one after the
        # other, so actors and tasks do not compete in practice. SPREAD puts them on every node.
        actor_class = ray.remote(StatefulWorker).options(
            num_gpus=1 if gpus else 0, num_cpus=0, scheduling_strategy="SPREAD"
        )
        func_ref = ray.put(func)
        turn = 0

        def submit(item):
            nonlocal turn
            if len(actors) < size:  # actors start as items arrive: a small input starts few
                actors.append(actor_class.remote(factory))
            actor = actors[turn % len(actors)]  # round robin: each actor runs its calls in order
            turn += 1
            return actor.call.remote(func_ref, item)

        return self.ordered(submit, items, func)

    def ordered(self, submit: Callable[[T], Any], items: Iterable[T], func: Callable) -> Iterator[R]:
        """Submit items, keep at most `in_flight` running, yield results in submission order."""
        ray = self.ray
        pending: deque = deque()
        try:
            for item in items:
                pending.append(submit(item))
                if len(pending) >= self.in_flight:
                    yield self.result(pending.popleft(), func)
            while pending:
                yield self.result(pending.popleft(), func)
        finally:  # on an error or an abandoned iterator, nothing is left running
            for ref in pending:
                try:
                    ray.cancel(ref)
                except Exception:  # best effort: a task that already ended cannot be cancelled
                    pass

    def result(self, ref, func: Callable) -> Any:
        exceptions = self.ray.exceptions
        try:
            return self.ray.get(ref)
        except exceptions.RayTaskError as err:
            # the exception the function raised, as the local pool would give it (so the CLI's
            # one-line messages for bad input work the same); Ray's remote traceback is its cause
            cause = getattr(err, "cause", None)
            if isinstance(cause, BaseException):
                raise cause from err
            raise
        except exceptions.RayError as err:  # a worker or node died, an object was lost
            name = getattr(func, "__name__", None) or getattr(getattr(func, "func", None), "__name__", "a task")
            raise RayExecutorError(f"Ray could not run {name}: {first_line(err)}") from err

    def require_ray(self):
        if self.ray is None:
            raise RuntimeError("use RayExecutor as a context manager: with RayExecutor(...) as ex: ...")
        return self.ray


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
