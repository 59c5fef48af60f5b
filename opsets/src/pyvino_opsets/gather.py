"""Gathering: Gather-1/7/8, GatherND-5/8, GatherElements-6."""

from __future__ import annotations

import math

import numpy as np
from pyvino import INT, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    mul_dims,
    normalize_axis,
    require_integer_type,
    scalar_or_1d_value,
)


def _merge(op: Op, a: Dimension, b: Dimension, what: str) -> Dimension:
    if not a.compatible(b):
        raise op.fail(f"{what}: dimensions {a} and {b} must be equal")
    return a.merge(b)


class Gather1(Op):
    """Take slices of input 1 along axis (input 3) at the indices of input 2.

    Gather-1 and Gather-7 fill the output with zeros for indices outside ``[0, dim)``;
    Gather-8 also accepts negative indices counting from the end.
    """

    type_name = "Gather"
    num_inputs = 3
    negative_indices = False

    def batch_dims(self, indices_rank: int | None) -> int:
        b = self.attrs.get("batch_dims", 0)
        if b < 0:
            if indices_rank is None:
                return b
            b += indices_rank
            if b < 0:
                raise self.fail(
                    f"attribute 'batch_dims' {self.attrs['batch_dims']} is out of range"
                )
        return b

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "indices (input 1)")
        require_integer_type(self.input_type(2), "axis (input 2)")
        data, indices, t = self.input_shape(0), self.input_shape(1), self.input_type(0)
        axis_shape = self.input_shape(2)
        if axis_shape.is_static and math.prod(axis_shape.to_shape()) != 1:
            raise self.fail(f"axis (input 2) must hold one value, got shape {axis_shape}")
        if not data.rank_is_static or not indices.rank_is_static:
            return [(t, PartialShape.dynamic())]
        b = self.batch_dims(len(indices))
        if b > min(len(data), len(indices)):
            raise self.fail(f"batch_dims {b} exceeds the rank of data {data} or indices {indices}")
        axis_value = scalar_or_1d_value(self.input_value(2))
        if axis_value is None:
            return [(t, PartialShape.dynamic(len(data) + len(indices) - 1 - b))]
        axis = normalize_axis(axis_value[0], len(data), "axis (input 2)")
        if b > axis:
            raise self.fail(f"batch_dims {b} must not exceed axis {axis}")
        batch = [_merge(self, data[i], indices[i], "batch dimension") for i in range(b)]
        dims = batch + list(data)[b:axis] + list(indices)[b:] + list(data)[axis + 1 :]
        return [(t, PartialShape(dims))]

    def evaluate(self, data: np.ndarray, indices: np.ndarray, axis: np.ndarray) -> tuple:
        a = normalize_axis(int(axis.reshape(-1)[0]), data.ndim, "axis (input 2)")
        b = self.batch_dims(indices.ndim)
        dim = data.shape[a]
        idx = indices.astype(np.int64)
        if self.negative_indices:
            idx = np.where(idx < 0, idx + dim, idx)
        valid = (idx >= 0) & (idx < dim)
        idx = np.where(valid, idx, 0)
        batch_shape = data.shape[:b]
        out_shape = batch_shape + data.shape[b:a] + indices.shape[b:] + data.shape[a + 1 :]
        out = np.zeros(out_shape, dtype=data.dtype)
        for pos in np.ndindex(*batch_shape):
            taken = np.take(data[pos], idx[pos], axis=a - b)
            # Shape the validity mask like ``taken`` so that it broadcasts over data's dims.
            m = valid[pos].reshape((1,) * (a - b) + valid[pos].shape + (1,) * (data.ndim - a - 1))
            out[pos] = np.where(m, taken, np.zeros((), dtype=data.dtype))
        return (out,)


class Gather7(Gather1):
    """Gather-7: adds ``batch_dims`` (leading dims shared by data and indices)."""

    version_id = "opset7"
    attributes = (Attr("batch_dims", INT, 0),)


class Gather8(Gather7):
    """Gather-8: indices in ``[-dim, dim)``; others give zeros."""

    version_id = "opset8"
    negative_indices = True


def _normalize_indices(op: Op, idx: np.ndarray, dims: np.ndarray) -> np.ndarray:
    idx = idx.astype(np.int64)
    idx = np.where(idx < 0, idx + dims, idx)
    if np.any((idx < 0) | (idx >= dims)):
        raise op.fail("indices (input 1) hold values out of range of the data shape")
    return idx


class GatherND5(Op):
    """Gather slices of input 1 addressed by the last axis of input 2; batch dims collapse."""

    type_name = "GatherND"
    version_id = "opset5"
    attributes = (Attr("batch_dims", INT, 0),)
    num_inputs = 2
    collapse_batch = True

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "indices (input 1)")
        data, indices, t = self.input_shape(0), self.input_shape(1), self.input_type(0)
        b = self.attrs["batch_dims"]
        if b < 0:
            raise self.fail(f"attribute 'batch_dims' must be >= 0, got {b}")
        if not data.rank_is_static or not indices.rank_is_static:
            return [(t, PartialShape.dynamic())]
        if len(indices) < 1 or b >= min(len(data), len(indices)):
            raise self.fail(
                f"batch_dims {b} must be below the ranks of data {data} and indices {indices}"
            )
        k = indices[-1]
        if not k.is_static:
            return [(t, PartialShape.dynamic())]
        if b + k.min > len(data):
            raise self.fail(f"indices address {k.min} dims after {b} batch dims of data {data}")
        batch = [_merge(self, data[i], indices[i], "batch dimension") for i in range(b)]
        tail = list(indices)[b:-1] + list(data)[b + k.min :]
        if self.collapse_batch and b:
            total = Dimension(1)
            for d in batch:
                total = mul_dims(total, d)
            return [(t, PartialShape([total, *tail]))]
        return [(t, PartialShape(batch + tail))]

    def evaluate(self, data: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        b = self.attrs["batch_dims"]
        k = indices.shape[-1]
        dims = np.array(data.shape[b : b + k], dtype=np.int64)
        idx = _normalize_indices(self, indices, dims)
        batch_shape = data.shape[:b]
        out = np.empty(batch_shape + indices.shape[b:-1] + data.shape[b + k :], dtype=data.dtype)
        for pos in np.ndindex(*batch_shape):
            sub = idx[pos]
            out[pos] = data[pos][tuple(np.moveaxis(sub, -1, 0))]
        if self.collapse_batch and b:
            out = out.reshape((math.prod(batch_shape),) + out.shape[b:])
        return (out,)


class GatherND8(GatherND5):
    """GatherND-8: batch dimensions are kept as they are."""

    version_id = "opset8"
    collapse_batch = False


class GatherElements6(Op):
    """``out[i][j] = data[indices[i][j]][j]`` along ``axis``; output has the shape of indices."""

    type_name = "GatherElements"
    version_id = "opset6"
    attributes = (Attr("axis", INT),)
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "indices (input 1)")
        data, indices, t = self.input_shape(0), self.input_shape(1), self.input_type(0)
        if not data.rank_is_static:
            return [(t, indices)]
        axis = normalize_axis(self.attrs["axis"], len(data), "attribute 'axis'")
        if not indices.rank_is_static:
            return [(t, PartialShape.dynamic(len(data)))]
        if len(indices) != len(data):
            raise self.fail(f"data {data} and indices {indices} must have the same rank")
        dims = [
            d if i == axis else _merge(self, d, data[i], f"dimension {i}")
            for i, d in enumerate(indices)
        ]
        return [(t, PartialShape(dims))]

    def evaluate(self, data: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = normalize_axis(self.attrs["axis"], data.ndim, "attribute 'axis'")
        idx = _normalize_indices(self, indices, np.int64(data.shape[axis]))
        return (np.take_along_axis(data, idx, axis=axis),)


OPS = [Gather1, Gather7, Gather8, GatherND5, GatherND8, GatherElements6]
