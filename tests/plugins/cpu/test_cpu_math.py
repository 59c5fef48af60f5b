"""The vectorizable float32 exp, tanh, erf and sigmoid used by the numba kernels."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from pyvino_cpu.kernels._jit import FASTMATH
from pyvino_cpu.kernels._math import erf32, exp32, sigmoid32, tanh32


@numba.njit(fastmath=FASTMATH)
def _apply(x, out, which):  # noqa: ANN001, ANN202
    for k in range(x.size):
        if which == 0:
            out[k] = exp32(x[k])
        elif which == 1:
            out[k] = tanh32(x[k])
        elif which == 2:
            out[k] = erf32(x[k])
        else:
            out[k] = sigmoid32(x[k])


X = np.concatenate(
    [
        np.linspace(-80, 80, 40001),
        np.linspace(-3, 3, 20001),
        np.geomspace(1e-8, 1, 2000),
        -np.geomspace(1e-8, 1, 2000),
    ]
).astype(np.float32)


@pytest.mark.parametrize(
    ("which", "reference"),
    [
        (0, np.exp),
        (1, np.tanh),
        (2, np.vectorize(math.erf)),
        (3, lambda x: 1 / (1 + np.exp(-x))),
    ],
)
def test_relative_error_below_a_micro(which, reference):
    out = np.empty_like(X)
    _apply(X, out, which)
    expected = reference(X.astype(np.float64))
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-38)


def test_extremes_saturate_like_float32():
    x = np.array([-np.inf, -1e30, -100.0, 100.0, 1e30, np.inf], np.float32)
    expected = [
        [0, 0, 0, np.inf, np.inf, np.inf],
        [-1, -1, -1, 1, 1, 1],
        [-1, -1, -1, 1, 1, 1],
        [0, 0, 0, 1, 1, 1],
    ]
    for which in range(4):
        out = np.empty_like(x)
        _apply(x, out, which)
        np.testing.assert_allclose(out, expected[which], rtol=1e-6, atol=1e-37)
