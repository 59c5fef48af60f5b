"""Working buffers of numba kernels, allocated once per bound request instead of per call.

A kernel that needs rows to pad, transpose or transform into takes them as arguments; the
``bind`` of its ``Kernel`` allocates them here. Tiles of one step run concurrently on the
pool's threads, so each tile gets buffers of its own (a tile runs on one thread at a time).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pyvino_cpu.kernels import Run

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

Workspace = tuple[np.ndarray, ...]
CACHE_LINE = 64  # bytes


def aligned_zeros(shape: int | tuple[int, ...], dtype: type = np.float32) -> np.ndarray:
    """Zeros starting on a cache line, as numba aligns the arrays it allocates itself (numpy
    promises only 16 bytes): a kernel's vector loads from a buffer row then straddle no more
    cache lines than from an array made inside the kernel."""
    item = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64)) * item.itemsize
    raw = np.zeros(size + CACHE_LINE, np.uint8)
    start = -raw.ctypes.data % CACHE_LINE
    return raw[start : start + size].view(item).reshape(shape)


def split_with_workspace(
    pool: TaskPool,
    total: int,
    body: Callable[[int, int, Workspace], object],
    make_workspace: Callable[[], Workspace],
    grain: int = 1,
    per_thread: int = 4,
    work: float = float("inf"),
) -> Run:
    """As ``pool.split``, with ``body(lo, hi, workspace)``: each tile gets its own buffers
    from ``make_workspace()``, made here, once."""
    tasks = [
        functools.partial(body, lo, hi, make_workspace())
        for lo, hi in pool.tiles(total, grain, per_thread, work)
    ]
    if len(tasks) == 1:
        return tasks[0]
    run = pool.run
    return lambda: run(tasks)
