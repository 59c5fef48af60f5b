"""numba access for the kernels: one place that decides the compile options.

Importing this module imports numba, so only compile-time code imports ``pyvino_cpu.kernels``
(the plugin entry point and ``CPUPlugin`` never do). Every kernel is compiled serial, with
``cache=True`` (machine code is reused across processes) and ``nogil=True``: parallelism
comes from ``_parallel.TaskPool`` calling a kernel on disjoint ranges from several threads,
so numba's own threading layer is never started.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils
from numba.extending import intrinsic

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


_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")


@intrinsic
def _polled_read(typingctx, flag):  # noqa: ANN001, ANN202, ARG001
    """``flag[0]`` as an atomic (acquire) load, so it is read from memory at every poll, after
    x86's spin-wait hint ``pause``. (LLVM intrinsics, not inline asm: numba's LLVM has no asm
    parser.)"""

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202, ARG001
        if _X86:
            pause = ir.FunctionType(ir.VoidType(), [])
            builder.call(cgutils.get_or_insert_function(builder.module, pause, _PAUSE), [])
        array = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.load_atomic(array.data, "acquire", 8)

    return numba.types.int64(flag), codegen


_PAUSE = "llvm.x86.sse2.pause"


@kernel()
def wait_for_change(flag, seen, polls, settle):  # noqa: ANN001, ANN201
    """True once the int64 ``flag[0] != seen``, returned ``settle`` polls later; False after
    ``polls`` busy polls (10-50 ns each).

    For threads that expect news within microseconds. The thread that changed the flag still
    holds the GIL for a few microseconds; asking for it at once would put this one to sleep
    until it is dropped (15-50 us to wake), so ``settle`` polls give it time to drop it first.
    """
    for _ in range(polls):
        if _polled_read(flag) != seen:
            for _ in range(settle):
                _polled_read(flag)
            return True
    return _polled_read(flag) != seen


def as_f32(a: np.ndarray) -> np.ndarray:
    """A C-contiguous float32 copy-or-view of ``a`` (pre-packed weights)."""
    return np.ascontiguousarray(a, dtype=np.float32)
