"""Helpers of the element-wise activation ops: a unary base class and float-safe evaluation."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

_erf_scalar = np.frompyfunc(math.erf, 1, 1)


def erf(x: np.ndarray) -> np.ndarray:
    """Error function in float64 (numpy has none and scipy is not a dependency)."""
    return _erf_scalar(np.asarray(x, dtype=np.float64)).astype(np.float64)


def as_float(x: np.ndarray) -> np.ndarray:
    """x in a float dtype wide enough to compute with (f64 stays f64, everything else f32)."""
    return x if x.dtype == np.float64 or x.dtype == np.float32 else x.astype(np.float32)


def cast_back(y: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Result in ``like``'s dtype; integer results round to nearest like OpenVINO's references."""
    if like.dtype.kind in "iu" and y.dtype.kind == "f":
        info = np.iinfo(like.dtype)
        y = np.clip(np.rint(y), info.min, info.max)
    return np.asarray(y).astype(like.dtype, copy=False)


def scalar_input(op: Op, index: int, name: str) -> None:
    """Validate that input ``index`` holds one value (shape [], [1] or dynamic)."""
    shape = op.input_shape(index)
    if shape.rank_is_static and (
        len(shape) > 1 or (len(shape) == 1 and not shape[0].compatible(1))
    ):
        raise op.fail(f"input {index} ({name}) has shape {shape}, expected a scalar or [1]")


class UnaryActivation(Op):
    """One data input, same element type and shape out; ``function`` maps a float array."""

    num_inputs = 1
    function: Callable[..., np.ndarray]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (cast_back(self.compute(as_float(x)), x),)

    def compute(self, x: np.ndarray) -> np.ndarray:
        return type(self).function(x)
