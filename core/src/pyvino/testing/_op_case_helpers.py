"""Shorthands the op-case tables are written with (``one``, ``unary``, ``binary``, ...)."""

from __future__ import annotations

import numpy as np

from pyvino.testing._op_cases import Const, Data, OpCase

X = Data((2, 3, 4))
IMG = Data((1, 3, 6, 6))
B34 = Data((3, 4))
NUMPY = {"auto_broadcast": "numpy"}
POOL = {"strides": [2, 2], "pads_begin": [0, 0], "pads_end": [0, 0], "kernel": [2, 2]}
POOL.update({"dilations": [1, 1], "rounding_type": "floor", "auto_pad": "explicit"})
POOL_PADDED = {**POOL, "strides": [1, 1], "pads_begin": [1, 1], "pads_end": [1, 1]}
POOL_PADDED["kernel"] = [3, 3]
CONV = {"strides": [1, 1], "pads_begin": [1, 1], "pads_end": [1, 1], "dilations": [1, 1]}
_RNG = np.random.default_rng(3)


def one(
    name: str, *inputs: Data | Const, versions: tuple[int, ...] | None = None, **attrs: object
) -> OpCase:
    """One case: inputs in port order, attributes as keywords."""
    return OpCase(name, inputs, attrs, versions)


def weight(*shape: int) -> Const:
    """A seeded constant of small values that f16 holds exactly."""
    return Const((_RNG.standard_normal(shape) * 0.3).astype(np.float16).astype(np.float32))


def unary(low: float | None = None, high: float | None = None, type: str = "f32") -> list[OpCase]:
    return [one("basic", Data((2, 3, 4), type, low, high))]


def binary(b: Data = B34, a: Data = X) -> list[OpCase]:
    """``a`` op ``b`` with numpy broadcasting, and with equal shapes."""
    same = Data(a.shape, a.type, b.low, b.high)
    return [one("broadcast", a, b, **NUMPY), one("same_shape", a, same, **NUMPY)]


def reduction(
    type: str = "f32", low: float | None = None, high: float | None = None
) -> list[OpCase]:
    x = Data((2, 3, 4), type, low, high)
    return [
        one("axis1", x, Const([1]), keep_dims=False),
        one("keep_dims", x, Const([0, 2]), keep_dims=True),
    ]


def rnn_cell(gates: int, hidden: int = 4, cell: bool = False) -> list[OpCase]:
    """X, H (, C), W, R, B of an RNN/GRU/LSTM cell."""
    state = [Data((2, hidden))] * (2 if cell else 1)
    w, r, b = weight(gates * hidden, 3), weight(gates * hidden, hidden), weight(gates * hidden)
    return [one("basic", Data((2, 3)), *state, w, r, b, hidden_size=hidden)]


def rnn_sequence(gates: int, cell: bool = False, hidden: int = 4) -> list[OpCase]:
    """X, H0 (, C0), sequence lengths, W, R, B of a forward sequence op (version 5)."""
    state = [Data((2, 1, hidden))] * (2 if cell else 1)
    lengths = Const(np.array([3, 2], np.int32))
    n = gates * hidden
    w, r, b = weight(1, n, 3), weight(1, n, hidden), weight(1, n)
    attrs = {"hidden_size": hidden, "direction": "forward"}
    return [one("forward", Data((2, 3, 3)), *state, lengths, w, r, b, versions=(5,), **attrs)]
