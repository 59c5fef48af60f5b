"""AdaptiveAvgPool-8 and AdaptiveMaxPool-8: pooling to a requested spatial size.

Output bin ``i`` of an axis of length ``L`` pooled to ``O`` covers ``[floor(i*L/O), ceil((i+1)*L/O))``
(PyTorch's adaptive pooling, which OpenVINO follows).
"""

from __future__ import annotations

import itertools

import numpy as np
from pyvino._attrs import TYPE, Attr
from pyvino._node import Op
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type


def _bins(length: int, out: int) -> list[tuple[int, int]]:
    return [((i * length) // out, -((-(i + 1) * length) // out)) for i in range(out)]


class _AdaptiveBase(Op):
    num_inputs = 2

    def _out_shape(self) -> PartialShape:
        data, size_shape = self.input_shape(0), self.input_shape(1)
        if data.rank_is_static and not 3 <= len(data) <= 5:
            raise self.fail(f"data input has shape {data}, expected a 3D, 4D or 5D tensor")
        if size_shape.rank_is_static and len(size_shape) != 1:
            raise self.fail(f"output_shape input has shape {size_shape}, expected a 1D tensor")
        if self.input_type(1) not in (Type.i32, Type.i64, Type.dynamic):
            raise self.fail(
                f"output_shape input has type {self.input_type(1).name}, expected i32 or i64"
            )
        if not data.rank_is_static:
            return PartialShape.dynamic()
        n = len(data) - 2
        if size_shape.rank_is_static and not size_shape[0].compatible(n):
            raise self.fail(f"output_shape input has {size_shape[0]} values, expected {n}")
        value = self.input_value(1)
        if value is None:
            return PartialShape([data[0], data[1], *[Dimension()] * n])
        if np.any(value < 0):
            raise self.fail(f"output_shape is {value.tolist()}, expected sizes >= 0")
        return PartialShape([data[0], data[1], *(int(v) for v in value)])

    @staticmethod
    def _boxes(x: np.ndarray, out_sp: np.ndarray):
        """(output position, slices into x's spatial axes) for every output position."""
        per_axis = [_bins(n, int(o)) for n, o in zip(x.shape[2:], out_sp, strict=False)]
        for pos in itertools.product(*(range(int(o)) for o in out_sp)):
            yield pos, tuple(slice(*per_axis[i][p]) for i, p in enumerate(pos))


class AdaptiveAvgPool8(_AdaptiveBase):
    """AdaptiveAvgPool-8: mean of each adaptive bin; output_shape input gives the spatial size."""

    type_name = "AdaptiveAvgPool"
    version_id = "opset8"

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self._out_shape())]

    def evaluate(self, x: np.ndarray, out_sp: np.ndarray) -> tuple[np.ndarray, ...]:
        y = x.astype(np.float64 if x.dtype.kind != "f" else np.promote_types(x.dtype, np.float32))
        # a box mean is separable: average one axis at a time with prefix sums
        for axis, o in enumerate(out_sp, start=2):
            cs = np.concatenate([np.zeros_like(y.take([0], axis)), np.cumsum(y, axis=axis)], axis)
            starts, ends = zip(*_bins(y.shape[axis], int(o)), strict=False) if int(o) else ((), ())
            s, e = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
            shape = [1] * y.ndim
            shape[axis] = -1
            y = (cs.take(e, axis) - cs.take(s, axis)) / (e - s).reshape(shape)
        return (y.astype(x.dtype),)


class AdaptiveMaxPool8(_AdaptiveBase):
    """AdaptiveMaxPool-8: maximum of each bin and its flat index within the spatial plane."""

    type_name = "AdaptiveMaxPool"
    version_id = "opset8"
    attributes = (Attr("index_element_type", TYPE, Type.i64),)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        index_type = self.attrs["index_element_type"]
        if index_type not in (Type.i32, Type.i64):
            raise self.fail(
                f"attribute 'index_element_type' is {index_type.name}, expected i32 or i64"
            )
        shape = self._out_shape()
        return [(self.input_type(0), shape), (index_type, shape)]

    def evaluate(self, x: np.ndarray, out_sp: np.ndarray) -> tuple[np.ndarray, ...]:
        n, c, sp = x.shape[0], x.shape[1], x.shape[2:]
        out_shape = (n, c, *(int(o) for o in out_sp))
        values = np.zeros(out_shape, dtype=x.dtype)
        index = np.zeros(out_shape, dtype=np.int64)
        flat = np.arange(int(np.prod(sp)), dtype=np.int64).reshape(sp)
        for pos, box in self._boxes(x, out_sp):
            region = x[(slice(None), slice(None), *box)].reshape(n, c, -1)
            arg = np.argmax(region, axis=-1)  # first maximum, as OpenVINO
            values[(slice(None), slice(None), *pos)] = np.take_along_axis(
                region, arg[..., None], -1
            )[..., 0]
            index[(slice(None), slice(None), *pos)] = flat[box].reshape(-1)[arg]
        return values, index.astype(self.attrs["index_element_type"].dtype)
