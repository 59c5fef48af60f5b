"""numba access for the kernels: one place that decides the compile options.

Importing this module imports numba, so only compile-time code imports ``pyvino_cpu.kernels``
(the plugin entry point and ``CPUPlugin`` never do). Every kernel is compiled serial, with
``cache=True`` (machine code is reused across processes) and ``nogil=True``: parallelism
comes from ``_parallel.TaskPool`` calling a kernel on disjoint ranges from several threads,
so numba's own threading layer is never started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

# No nnan/ninf: -inf must survive max-subtraction in softmax and masking.
FASTMATH = {"nsz", "arcp", "contract", "reassoc"}
# numpy's error model: x / 0 is inf, not a ZeroDivisionError check in every loop (that check
# alone stops LLVM from vectorizing any loop with a division).
OPTIONS = {"cache": True, "nogil": True, "fastmath": FASTMATH, "error_model": "numpy"}


def kernel() -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit`` with the plugin's options (cached machine code, no GIL)."""
    return numba.njit(**OPTIONS)


def precompile(fn: Any, *args: Any) -> None:
    """Compile (or load from numba's cache) ``fn`` for the types of ``args`` now, not on first use."""
    sig = tuple(numba.typeof(a) for a in args)
    if sig not in fn.overloads:
        fn.compile(sig)


def as_f32(a: np.ndarray) -> np.ndarray:
    """A C-contiguous float32 copy-or-view of ``a`` (pre-packed weights)."""
    return np.ascontiguousarray(a, dtype=np.float32)
