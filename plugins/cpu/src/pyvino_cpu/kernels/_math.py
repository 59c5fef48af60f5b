"""Vectorizable float32 exp, erf and tanh for the numba kernels.

numba calls libm for ``math.exp``/``erf``/``tanh`` one element at a time (no SVML here), which
made softmax and GELU the slowest kernels. These versions are branch-free polynomials that
LLVM vectorizes inside loops; accuracy (checked in the tests against numpy) is a few float32
ulps for exp and tanh and below 2e-7 absolute (relative for |x| < 1) for erf.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

from pyvino_cpu.kernels._jit import OPTIONS


@intrinsic
def _f32_from_bits(typingctx, bits):  # noqa: ANN001, ANN202, ARG001
    """Reinterpret the bits of an int32 as a float32 (LLVM bitcast)."""

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202, ARG001
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


_inline = numba.njit(inline="always", **OPTIONS)


@_inline
def exp32(x):  # noqa: ANN001, ANN201
    """e**x for float32 x (Cephes expf: range reduction and a degree-5 polynomial)."""
    x = min(max(x, np.float32(-87.3)), np.float32(88.7))
    n = np.floor(x * np.float32(1.44269504088896341) + np.float32(0.5))
    r = x - n * np.float32(0.693359375) - n * np.float32(-2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    p = p * r * r + r + np.float32(1.0)
    return p * _f32_from_bits(np.int32(n + np.float32(127.0)) << np.int32(23))


@_inline
def tanh32(x):  # noqa: ANN001, ANN201
    """tanh for float32 x: a 13/6 rational minimax approximation on [-7.9, 7.9]."""
    x = min(max(x, np.float32(-7.90531110763549805)), np.float32(7.90531110763549805))
    x2 = x * x
    p = np.float32(-2.76076847742355e-16)
    p = p * x2 + np.float32(2.00018790482477e-13)
    p = p * x2 + np.float32(-8.60467152213735e-11)
    p = p * x2 + np.float32(5.12229709037114e-08)
    p = p * x2 + np.float32(1.48572235717979e-05)
    p = p * x2 + np.float32(6.37261928875436e-04)
    p = p * x2 + np.float32(4.89352455891786e-03)
    q = np.float32(1.19825839466702e-06)
    q = q * x2 + np.float32(1.18534705686654e-04)
    q = q * x2 + np.float32(2.26843463243900e-03)
    q = q * x2 + np.float32(4.89352518554385e-03)
    return x * p / q


@_inline
def erf32(x):  # noqa: ANN001, ANN201
    """erf for float32 x: Taylor series for |x| < 1, Abramowitz-Stegun 7.1.26 beyond."""
    a = abs(x)
    x2 = x * x
    s = np.float32(-1.0 / 6894720.0)  # 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    s = s * x2 + np.float32(1.0 / 685440.0)
    s = s * x2 + np.float32(-1.0 / 75600.0)
    s = s * x2 + np.float32(1.0 / 9360.0)
    s = s * x2 + np.float32(-1.0 / 1320.0)
    s = s * x2 + np.float32(1.0 / 216.0)
    s = s * x2 + np.float32(-1.0 / 42.0)
    s = s * x2 + np.float32(1.0 / 10.0)
    s = s * x2 + np.float32(-1.0 / 3.0)
    s = s * x2 + np.float32(1.0)
    small = np.float32(1.1283791670955126) * x * s
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * a)
    y = np.float32(1.061405429)
    y = y * t + np.float32(-1.453152027)
    y = y * t + np.float32(1.421413741)
    y = y * t + np.float32(-0.284496736)
    y = y * t + np.float32(0.254829592)
    big = np.float32(1.0) - y * t * exp32(-x2)
    big = big if x >= 0 else -big
    return small if a < 1 else big


@_inline
def sigmoid32(x):  # noqa: ANN001, ANN201
    """1 / (1 + e**-x) without overflow."""
    e = exp32(-abs(x))
    r = np.float32(1.0) / (np.float32(1.0) + e)
    return r if x >= 0 else e * r
