"""Rounding to IEEE fp16: the one place where the emulator's fp16 storage is enforced.

Every float tensor the emulated VPU stores (weights, inputs, each layer's outputs) holds only
values an fp16 tensor can hold. The values are kept in float32 containers on the host so the
reference kernels run at numpy speed; ``round_to_f16`` maps each float32 to the nearest fp16
value (round half to even, fp16 subnormals, overflow to +-inf, NaN kept), bit for bit what
``x.astype(np.float16).astype(np.float32)`` gives, but several times faster (numba, if
installed: one vectorised pass, in place on fresh layer outputs).

Values rounded once per load (folded constants) use ``round_to_f16_numpy``: numba's start-up
(about a second: numba, its registries, scipy) would cost more than it saves there, and a cache
hit must not pay it before the first inference needs it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

F16_MAX = 65504.0
_Kernel = Callable[[np.ndarray], None]


def _build_numba() -> _Kernel | None:
    try:
        import numba
    except ImportError:  # numba is optional: numpy's conversion gives the same bits
        return None

    u32, f32 = np.uint32, np.float32

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def kernel(values: np.ndarray) -> None:  # pragma: no cover - compiled
        """Round a flat float32 array to fp16 values in place, branch-free (vectorised)."""
        bits = values.view(np.uint32)
        for i in range(values.size):
            u = bits[i]
            a = u & u32(0x7FFFFFFF)
            # fp16 normal range: round half to even at 10 mantissa bits
            r = (a + u32(0x0FFF) + ((a >> u32(13)) & u32(1))) & u32(0xFFFFE000)
            r = u32(0x7F800000) if r > u32(0x477FE000) else r  # above 65504: inf
            r = a if a >= u32(0x7F800000) else r  # inf, NaN unchanged
            # fp16 subnormals are multiples of 2**-24: adding 0.5 (whose float32 ulp is
            # 2**-24) rounds half to even to that grid, subtracting it back is exact
            tiny = f32((np.abs(values[i]) + f32(0.5)) - f32(0.5)).view(np.uint32)
            r = tiny if a < u32(0x38800000) else r
            bits[i] = r | (u & u32(0x80000000))

    return kernel


_state: dict[str, _Kernel | None] = {}
_MIN_NUMBA_SIZE = 2048  # below this numpy's conversion is cheaper than the call


def _kernel() -> _Kernel | None:
    if "kernel" not in _state:
        _state["kernel"] = _build_numba()
    return _state["kernel"]


def round_to_f16_numpy(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to the nearest fp16 values, as a new float32 array (numpy only)."""
    with np.errstate(over="ignore"):  # overflow to inf is fp16's defined result
        return np.asarray(x).astype(np.float16).astype(np.float32)


def round_to_f16(x: np.ndarray, inplace: bool = False) -> np.ndarray:
    """``x`` rounded to the nearest fp16 values, as float32.

    With ``inplace`` a fresh, writeable, contiguous float32 ``x`` (an op's new output) is
    rounded where it is; otherwise a new array is returned.
    """
    x = np.asarray(x)
    if x.dtype == np.float16:
        return x.astype(np.float32)
    kernel = _kernel() if x.size >= _MIN_NUMBA_SIZE else None
    if kernel is None:
        return round_to_f16_numpy(x)
    own = (
        inplace
        and x.dtype == np.float32
        and x.base is None
        and x.flags.writeable
        and x.flags.c_contiguous
    )
    out = x if own else np.array(x, dtype=np.float32, order="C")
    kernel(out.reshape(-1))
    return out
