"""Softmax-1 (non-negative axis), Softmax-8 (negative axis allowed) and LogSoftmax-5."""

from __future__ import annotations

import numpy as np
from pyvino._attrs import INT, Attr
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._elementwise import as_float


class _SoftmaxBase(Op):
    attributes = (Attr("axis", INT, 1),)
    num_inputs = 1
    _negative_axis = True

    def _axis(self, rank: int) -> int:
        axis = self.attrs["axis"]
        lo = -rank if self._negative_axis else 0
        if not lo <= axis < rank:
            raise self.fail(f"attribute 'axis' is {axis}, expected a value in [{lo}, {rank - 1}]")
        return axis % rank

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.input_type(0)
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"input type is {t.name}, expected a floating-point type")
        shape = self.input_shape(0)
        if shape.rank_is_static:
            self._axis(len(shape))
        return [(t, shape)]

    def _shifted(self, x: np.ndarray) -> tuple[np.ndarray, int]:
        axis = self._axis(x.ndim)
        xf = as_float(x)
        return xf - np.max(xf, axis=axis, keepdims=True), axis


class Softmax1(_SoftmaxBase):
    """Softmax-1: exp(x) / sum(exp(x)) along ``axis`` (0 <= axis < rank)."""

    type_name = "Softmax"
    version_id = "opset1"
    _negative_axis = False

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        z, axis = self._shifted(x)
        e = np.exp(z)
        return ((e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype),)


class Softmax8(Softmax1):
    """Softmax-8: as Softmax-1, and ``axis`` may be negative (counted from the end)."""

    version_id = "opset8"
    _negative_axis = True


class LogSoftmax5(_SoftmaxBase):
    """LogSoftmax-5: x - log(sum(exp(x))) along ``axis`` (negative allowed)."""

    type_name = "LogSoftmax"
    version_id = "opset5"

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        z, axis = self._shifted(x)
        return ((z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))).astype(x.dtype),)


OPS = [Softmax1, Softmax8, LogSoftmax5]

__all__ = ["OPS", "LogSoftmax5", "Softmax1", "Softmax8"]
