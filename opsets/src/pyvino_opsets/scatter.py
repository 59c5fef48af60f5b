"""Scattering: ScatterUpdate-3, ScatterElementsUpdate-3/12, ScatterNDUpdate-3/15.

Every scatter outputs a copy of ``data`` (same type and shape) with ``updates`` written at the
given indices; negative indices count from the end. Updates are applied in index order, so
with duplicates and no reduction the last one wins.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, Attr, Op, PartialShape, Type, enum

from pyvino_opsets._common import (
    compute_dtype,
    merge_types,
    normalize_axis,
    require_integer_type,
    scalar_or_1d_value,
)

# Reductions as numpy ufuncs, applied unbuffered (``ufunc.at``) so duplicates accumulate.
_UFUNCS = {
    "sum": np.add,
    "sub": np.subtract,
    "prod": np.multiply,
    "min": np.minimum,
    "max": np.maximum,
    "mean": np.add,
}
# Booleans reduce logically, as in OpenVINO's reference.
_BOOL_UFUNCS = {
    "sum": np.logical_or,
    "max": np.logical_or,
    "sub": np.logical_xor,
    "prod": np.logical_and,
    "min": np.logical_and,
}


def _normalized(op: Op, indices: np.ndarray, dims: np.ndarray | int) -> np.ndarray:
    idx = indices.astype(np.int64)
    idx = np.where(idx < 0, idx + dims, idx)
    if np.any((idx < 0) | (idx >= dims)):
        raise op.fail("indices (input 1) hold values out of range of the data shape")
    return idx


class _Scatter(Op):
    """Shared checks: output is data's type and shape; indices are integers."""

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "indices (input 1)")
        t = merge_types(self.input_type(0), self.input_type(2))
        if len(self.inputs) > 3:
            require_integer_type(self.input_type(3), "axis (input 3)")
        self.check_shapes()
        return [(t, self.input_shape(0))]

    def check_shapes(self) -> None:
        """Validate the updates shape where the shapes are known."""

    def known_axis(self) -> int | None:
        data = self.input_shape(0)
        value = scalar_or_1d_value(self.input_value(3))
        if value is None or not data.rank_is_static:
            return None
        return normalize_axis(value[0], len(data), "axis (input 3)")


class ScatterUpdate3(_Scatter):
    """``out[..., indices, ...] = updates`` along axis (input 4), whole slices at a time."""

    type_name = "ScatterUpdate"
    version_id = "opset3"
    num_inputs = 4

    def check_shapes(self) -> None:
        data, idx, upd = (self.input_shape(i) for i in range(3))
        axis = self.known_axis()
        if axis is None or not (idx.rank_is_static and upd.rank_is_static):
            return
        expected = PartialShape(list(data)[:axis] + list(idx) + list(data)[axis + 1 :])
        if not expected.compatible(upd):
            raise self.fail(f"updates shape {upd} must be {expected}")

    def evaluate(self, data, indices, updates, axis) -> tuple[np.ndarray, ...]:
        a = normalize_axis(int(np.asarray(axis).reshape(-1)[0]), data.ndim, "axis (input 3)")
        out = data.copy()
        out[(slice(None),) * a + (_normalized(self, indices, data.shape[a]),)] = updates
        return (out,)


class ScatterElementsUpdate3(_Scatter):
    """``out[.., indices[i,j,..], ..] = updates[i,j,..]`` element by element along axis."""

    type_name = "ScatterElementsUpdate"
    version_id = "opset3"
    num_inputs = 4

    def check_shapes(self) -> None:
        data, idx, upd = (self.input_shape(i) for i in range(3))
        ranks = {len(s) for s in (data, idx, upd) if s.rank_is_static}
        if len(ranks) > 1:
            raise self.fail(f"data {data}, indices {idx} and updates {upd} must have equal ranks")
        if not idx.compatible(upd):
            raise self.fail(f"indices {idx} and updates {upd} must have the same shape")

    def reduction(self) -> str:
        return "none"

    def evaluate(self, data, indices, updates, axis) -> tuple[np.ndarray, ...]:
        a = normalize_axis(int(np.asarray(axis).reshape(-1)[0]), data.ndim, "axis (input 3)")
        grid = np.indices(indices.shape, sparse=True)
        target = tuple(
            _normalized(self, indices, data.shape[a]) if i == a else g for i, g in enumerate(grid)
        )
        mode = self.reduction()
        if mode == "none":
            out = data.copy()
            out[target] = updates
            return (out,)
        out = data.astype(compute_dtype(data.dtype))  # f16/bf16/i4 accumulate in f32/i64
        updates = updates.astype(out.dtype)
        if not self.attrs["use_init_val"]:
            out[target] = _neutral(mode, data.dtype)
        ufunc = _BOOL_UFUNCS[mode] if data.dtype == np.bool_ else _UFUNCS[mode]
        ufunc.at(out, target, updates)
        if mode == "mean":
            counts = np.zeros(data.shape, np.int64)
            np.add.at(counts, target, 1)
            touched = counts > 0
            n = counts[touched] + int(self.attrs["use_init_val"])
            if out.dtype.kind in "iu":  # integer means round down, as torch does
                out[touched] = np.floor_divide(out[touched], n)
            else:
                out[touched] = out[touched] / n
        return (out.astype(data.dtype),)


def _neutral(mode: str, dtype: np.dtype):
    if dtype == np.bool_:
        return mode in ("prod", "min")
    if mode in ("sum", "mean", "sub"):
        return 0
    if mode == "prod":
        return 1
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    if mode == "max":
        return info.min if info else -np.inf
    return info.max if info else np.inf


class ScatterElementsUpdate12(ScatterElementsUpdate3):
    """ScatterElementsUpdate-12: ``reduction`` and ``use_init_val``."""

    version_id = "opset12"
    attributes = (
        Attr("reduction", enum("none", "sum", "prod", "min", "max", "mean"), "none"),
        Attr("use_init_val", BOOL, True),
    )

    def reduction(self) -> str:
        return self.attrs["reduction"]


class ScatterNDUpdate3(_Scatter):
    """``out[indices[i]] = updates[i]`` where the last axis of indices addresses data.

    Op version 3, first listed in opset4.
    """

    type_name = "ScatterNDUpdate"
    version_id = "opset4"
    num_inputs = 3

    def check_shapes(self) -> None:
        data, idx, upd = (self.input_shape(i) for i in range(3))
        if not (data.rank_is_static and idx.rank_is_static and upd.rank_is_static):
            return
        if len(idx) == 0 or not idx[-1].is_static:
            return
        k = idx[-1].min
        if k > len(data):
            raise self.fail(f"indices address {k} dims but data {data} has rank {len(data)}")
        expected = PartialShape(list(idx)[:-1] + list(data)[k:])
        if not expected.compatible(upd):
            raise self.fail(f"updates shape {upd} must be {expected}")

    def reduction(self) -> str:
        return "none"

    def evaluate(self, data, indices, updates) -> tuple[np.ndarray, ...]:
        k = indices.shape[-1]
        idx = _normalized(self, indices, np.array(data.shape[:k], dtype=np.int64))
        target = tuple(np.moveaxis(idx, -1, 0))
        out = data.copy()
        mode = self.reduction()
        if mode == "none":
            if k == 0:  # every update replaces the whole tensor; the last one wins
                flat = updates.reshape((-1,) + data.shape)
                return (flat[-1].copy() if len(flat) else out,)
            flat_idx = idx.reshape(-1, k)
            linear = np.ravel_multi_index(tuple(flat_idx.T), data.shape[:k])
            if len(np.unique(linear)) == len(linear):
                out[target] = updates
                return (out,)
            # Duplicate targets: write one by one so that the last update wins.
            flat_upd = updates.reshape((-1,) + data.shape[k:])
            for where, value in zip(flat_idx, flat_upd, strict=True):
                out[tuple(where)] = value
            return (out,)
        out = out.astype(compute_dtype(data.dtype))
        ufunc = _BOOL_UFUNCS[mode] if data.dtype == np.bool_ else _UFUNCS[mode]
        with np.errstate(all="ignore"):
            ufunc.at(out, target, updates.astype(out.dtype))
        return (out.astype(data.dtype),)


class ScatterNDUpdate15(ScatterNDUpdate3):
    """ScatterNDUpdate-15: ``reduction`` none / sum / sub / prod / min / max."""

    version_id = "opset15"
    attributes = (Attr("reduction", enum("none", "sum", "sub", "prod", "min", "max"), "none"),)

    def reduction(self) -> str:
        return self.attrs["reduction"]


OPS = [
    ScatterUpdate3,
    ScatterElementsUpdate3,
    ScatterElementsUpdate12,
    ScatterNDUpdate3,
    ScatterNDUpdate15,
]
