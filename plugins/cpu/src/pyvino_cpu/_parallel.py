"""The stream's thread pool: kernels split their work into tiles that any idle thread takes.

Every kernel (numba, compiled serial with ``nogil``, and single-threaded BLAS) runs on tiles
handed out dynamically: the calling (stream) thread works too, and helpers join as they wake
up. Nothing spins and nothing waits at a static barrier, so a preempted thread only delays its
own tile; on a busy host this degrades gracefully where OpenMP/OpenBLAS static splitting
collapsed (measured 5-20x slower medians on a loaded 2-core machine). BLAS itself runs one
thread per call.
"""

from __future__ import annotations

import itertools
import queue
import threading
import weakref
from collections.abc import Callable, Sequence

Task = Callable[[], object]
# Below this much work (about a millisecond of one core: flops, or element operations) a step
# runs on the calling thread alone: waking helpers costs tens of microseconds, and on a busy
# host a helper that is preempted while it holds a tile delays the whole step.
MIN_PARALLEL_WORK = 5e7


class _Batch:
    __slots__ = ("tasks", "next", "left", "done", "error", "lock")

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.tasks = tasks
        self.next = itertools.count()  # atomic under the GIL
        self.left = len(tasks)
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.lock = threading.Lock()

    def work(self) -> None:
        """Run tasks until none is left to take."""
        n = len(self.tasks)
        ran = 0
        try:
            for i in self.next:
                if i >= n:
                    break
                self.tasks[i]()
                ran += 1
        except BaseException as exc:  # reported by the caller
            self.error = self.error or exc
            ran += 1
            for i in self.next:  # take the rest so nobody waits for them
                if i >= n:
                    break
                ran += 1
        with self.lock:
            self.left -= ran
            if self.left == 0:
                self.done.set()


def _helper(jobs: queue.SimpleQueue) -> None:
    while True:
        batch = jobs.get()
        if batch is None:
            return
        batch.work()


class TaskPool:
    """``threads - 1`` helper threads plus the caller; ``run(tasks)`` returns when all ran."""

    def __init__(self, threads: int) -> None:
        self.threads = max(1, threads)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._helpers = [
            threading.Thread(
                target=_helper, args=(self._jobs,), daemon=True, name="pyvino-cpu-helper"
            )
            for _ in range(self.threads - 1)
        ]
        for t in self._helpers:
            t.start()
        weakref.finalize(self, _stop, self._jobs, len(self._helpers))

    def run(self, tasks: Sequence[Task]) -> None:
        if len(tasks) == 1 or not self._helpers:
            for task in tasks:
                task()
            return
        batch = _Batch(tasks)
        for _ in range(min(len(self._helpers), len(tasks) - 1)):
            self._jobs.put(batch)
        batch.work()
        batch.done.wait()
        if batch.error is not None:
            raise batch.error

    def tiles(
        self, total: int, grain: int = 1, per_thread: int = 4, work: float = float("inf")
    ) -> list[tuple[int, int]]:
        """[lo, hi) ranges covering ``total``: ``per_thread`` per thread (so a late or preempted
        thread leaves work to the others), none smaller than ``grain``; one range when
        ``work`` is too small to share."""
        grain = max(grain, 1)
        if self.threads == 1 or total <= grain or work < MIN_PARALLEL_WORK:
            return [(0, total)]
        count = min(per_thread * self.threads, total // grain)
        count = max(1, min(count, total))
        bounds = [total * i // count for i in range(count + 1)]
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    def split(
        self,
        total: int,
        body: Callable[[int, int], object],
        grain: int = 1,
        per_thread: int = 4,
        work: float = float("inf"),
    ) -> Callable[[], None]:
        """A callable running ``body(lo, hi)`` over the tiles of ``range(total)``."""
        tiles = self.tiles(total, grain, per_thread, work)
        if len(tiles) == 1:
            lo, hi = tiles[0]
            return lambda: body(lo, hi)
        tasks = [(lambda lo=lo, hi=hi: body(lo, hi)) for lo, hi in tiles]
        run = self.run
        return lambda: run(tasks)


def _stop(jobs: queue.SimpleQueue, helpers: int) -> None:
    for _ in range(helpers):
        jobs.put(None)
