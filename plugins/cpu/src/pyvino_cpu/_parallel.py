"""The stream's thread pool: kernels split their work into tiles that any idle thread takes.

Every kernel (numba, compiled serial with ``nogil``, and single-threaded BLAS) runs on tiles
handed out dynamically: the calling (stream) thread works too, and helpers join as they wake
up. Nothing waits at a static barrier, so a preempted thread only delays its own tile; on a
busy host this degrades gracefully where OpenMP/OpenBLAS static splitting collapsed (measured
5-20x slower medians on a loaded 2-core machine). BLAS itself runs one thread per call.

Waking a blocked thread takes 15-50 microseconds, a large part of a MobileNet layer, and an
inference is a run of such steps a few microseconds apart. So a helper that finished a batch
busy-polls (outside the GIL) for the next one for about 100 microseconds before it blocks, and
the caller polls a little for the helpers' last tiles before it blocks. The polls are bounded:
on a busy host they cost at most that much CPU per step. (Yielding the CPU between polls was
worse there: a loaded scheduler returns it only milliseconds later, after the tiles are gone.)
"""

from __future__ import annotations

import itertools
import queue
import threading
import weakref
from collections.abc import Callable, Sequence

import numpy as np

Task = Callable[[], object]
# Below this much work (flops, or element operations: about 60-100 microseconds of one core) a
# step runs on the calling thread alone. Waking a helper costs 15-50 microseconds, which the
# caller spends on its own tiles; a helper that wakes late finds the tiles taken, so on a busy
# host a small step degrades to the serial time. (5e7 kept every MobileNetV2 layer serial.)
MIN_PARALLEL_WORK = 4e6
# Tiles per thread for steps made of BLAS calls: each call packs its operands again and has a
# fixed cost, so one tile per thread was faster on 2 cores than two (1x1 convolutions of
# MobileNetV2: 435 vs 505 us, 190 vs 319 us); a helper that wakes late leaves its tile to the
# caller, which then runs at the serial speed.
GEMM_TILES_PER_THREAD = 1
# Busy polls (each a spin-wait hint, 10-50 ns) before blocking: a helper waiting for the next
# batch (about 100 us), the caller waiting for the helpers' last tiles (about 20 us).
HELPER_POLLS = 4096
CALLER_POLLS = 1024
# Polls (about 6 us) between seeing the news and asking for the GIL, which the other thread
# still holds for a few microseconds after it wrote the flag (see ``wait_for_change``); half
# as many for the caller: a helper drops the GIL sooner after its last tile.
SETTLE_POLLS = 256


class _Batch:
    __slots__ = ("tasks", "next", "left", "done", "finished", "error", "lock")

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.tasks = tasks
        self.next = itertools.count()  # atomic under the GIL
        self.left = len(tasks)
        self.done = threading.Lock()  # held until the last task ran (cheaper than an Event)
        self.done.acquire()
        self.finished = np.zeros(1, np.int64)  # 1 with ``done``: what a polling caller reads
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
        if not ran:  # came late: nothing to count, and ``done`` is released only once
            return
        with self.lock:
            self.left -= ran
            if self.left == 0:
                self.finished[0] = 1
                self.done.release()


def _helper(jobs: queue.SimpleQueue, posted: np.ndarray, poll: Callable[..., bool]) -> None:
    while True:
        batch = jobs.get()
        if batch is None:
            return
        batch.work()
        seen = posted[0]  # read before looking at the queue: a later put changes it
        if jobs.empty():
            poll(posted, seen, HELPER_POLLS, SETTLE_POLLS)


class TaskPool:
    """``threads - 1`` helper threads plus the caller; ``run(tasks)`` returns when all ran."""

    def __init__(self, threads: int) -> None:
        self.threads = max(1, threads)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._posted = np.zeros(1, np.int64)  # batches put so far: what polling helpers watch
        self._poll = poll = _poll_function() if self.threads > 1 else None
        self._helpers = [
            threading.Thread(
                target=_helper,
                args=(self._jobs, self._posted, poll),
                daemon=True,
                name="pyvino-cpu-helper",
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
        self._posted[0] += 1
        batch.work()
        if not batch.finished[0]:
            self._poll(batch.finished, 0, CALLER_POLLS, SETTLE_POLLS // 2)
        batch.done.acquire()
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


def _poll_function() -> Callable[..., bool]:
    """``poll(flag, seen, polls, settle)`` (numba, outside the GIL); one that returns at once
    where it does not compile."""
    from pyvino_cpu.kernels._jit import precompile, wait_for_change

    try:
        precompile(wait_for_change, np.zeros(1, np.int64), np.int64(0), 0, 0)
    except Exception:  # noqa: BLE001 (numba's linking errors have no common type)
        return lambda flag, seen, polls, settle: False
    return wait_for_change


def _stop(jobs: queue.SimpleQueue, helpers: int) -> None:
    for _ in range(helpers):
        jobs.put(None)
