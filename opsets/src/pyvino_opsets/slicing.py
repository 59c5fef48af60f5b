"""Slicing: StridedSlice-1 and Slice-8.

Begin/end clamping follows OpenVINO's slice plan (which ONNX Slice shares): for a negative
stride the start is clamped to ``[0, dim-1]`` and the end to ``[-1, dim]``, so a start far
below ``-dim`` still selects element 0, unlike Python slicing.
"""

from __future__ import annotations

import math

import numpy as np
from pyvino import INTS, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    dim_upper,
    make_dim,
    normalize_axes,
    require_integer_type,
    scalar_or_1d_value,
)


def clamp_slice(dim: int, begin: int | None, end: int | None, step: int) -> slice:
    """A Python slice selecting what OpenVINO selects for ``begin:end:step`` on ``dim``.

    ``None`` for begin/end means "from the start/to the end" in the direction of ``step``.
    """
    reverse = step < 0
    if begin is None:
        b = dim - 1 if reverse else 0
    else:
        b = begin + dim if begin < 0 else begin
        b = max(0, min(dim - 1 if reverse else dim, b))
    if end is None:
        e = -1 if reverse else dim
    else:
        e = end + dim if end < 0 else end
        e = max(-1 if reverse else 0, min(dim, e))
    # Python reads a stop of -1 as "the last element"; here it means "past element 0".
    return slice(b, None if e < 0 else e, step)


def slice_length(dim: int, begin: int | None, end: int | None, step: int) -> int:
    return len(range(*clamp_slice(dim, begin, end, step).indices(dim)))


def slice_dim(d: Dimension, begin: int | None, end: int | None, step: int) -> Dimension:
    """The sliced size of a possibly dynamic dimension."""
    if d.is_static:
        return Dimension(slice_length(d.min, begin, end, step))
    if begin is None and end is None and abs(step) == 1:
        return d
    if step > 0 and (begin is None or begin >= 0) and (end is None or end >= 0):
        # Both bounds count from the front: the length grows with the dimension.
        lo = slice_length(d.min, begin, end, step)
        if d.max == -1:
            hi = math.inf if end is None else len(range(begin or 0, end, step))
            # Frontends spell "to the end" as INT_MAX: treat huge bounds as unbounded.
            hi = math.inf if hi >= 2**31 else hi
        else:
            hi = slice_length(d.max, begin, end, step)
        return make_dim(lo, hi)
    return make_dim(0, math.ceil(dim_upper(d) / abs(step)))


def _rank_of(op: Op, i: int) -> int | None:
    s = op.input_shape(i)
    return len(s) if s.rank_is_static else None


def _count(op: Op, i: int) -> int | None:
    s = op.input_shape(i)
    return int(np.prod(s.to_shape())) if s.is_static else None


def _bits(mask: tuple[int, ...], i: int) -> bool:
    return i < len(mask) and mask[i] != 0


class StridedSlice1(Op):
    """Slice with begin/end/strides and the five masks of TensorFlow-style strided slicing."""

    type_name = "StridedSlice"
    attributes = (
        Attr("begin_mask", INTS),
        Attr("end_mask", INTS),
        Attr("new_axis_mask", INTS, ()),
        Attr("shrink_axis_mask", INTS, ()),
        Attr("ellipsis_mask", INTS, ()),
    )
    num_inputs = (3, 4)

    def entry_kinds(self, n: int) -> list[str]:
        """Per begin entry: 'new', 'shrink', 'ellipsis' or 'slice' (OpenVINO's precedence)."""
        kinds = []
        for i in range(n):
            if _bits(self.attrs["new_axis_mask"], i):
                kinds.append("new")
            elif _bits(self.attrs["shrink_axis_mask"], i):
                kinds.append("shrink")
            elif _bits(self.attrs["ellipsis_mask"], i):
                kinds.append("ellipsis")
            else:
                kinds.append("slice")
        if kinds.count("ellipsis") > 1:
            raise self.fail("attribute 'ellipsis_mask' may set only one bit")
        return kinds

    def plan(self, rank: int, begin: list[int], end: list[int], strides: list[int]) -> list:
        """Index items: ('new',) | ('shrink', idx) | ('slice', begin, end, step) per output."""
        if not len(begin) == len(end) == len(strides):
            raise self.fail(f"begin {begin}, end {end} and strides {strides} differ in length")
        kinds = self.entry_kinds(len(begin))
        real = sum(k in ("shrink", "slice") for k in kinds)
        if real > rank:
            raise self.fail(f"{real} sliced axes exceed the input rank {rank}")
        if "ellipsis" not in kinds:
            kinds.append("ellipsis")
        items = []
        for i, kind in enumerate(kinds):
            if kind == "new":
                items.append(("new",))
            elif kind == "ellipsis":
                items.extend(("slice", None, None, 1) for _ in range(rank - real))
            elif kind == "shrink":
                items.append(("shrink", begin[i]))
            else:
                if strides[i] == 0:
                    raise self.fail(f"strides {strides} must not contain 0")
                b = None if _bits(self.attrs["begin_mask"], i) else begin[i]
                e = None if _bits(self.attrs["end_mask"], i) else end[i]
                items.append(("slice", b, e, strides[i]))
        return items

    def _values(self) -> tuple[list[int], list[int], list[int]] | None:
        begin = scalar_or_1d_value(self.input_value(1))
        end = scalar_or_1d_value(self.input_value(2))
        if len(self.inputs) == 4:
            strides = scalar_or_1d_value(self.input_value(3))
        else:
            strides = None if begin is None else [1] * len(begin)
        if begin is None or end is None or strides is None:
            return None
        return begin, end, strides

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i in range(1, len(self.inputs)):
            require_integer_type(self.input_type(i), f"input {i}")
        data, t = self.input_shape(0), self.input_type(0)
        values = self._values()
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        if values is None:
            n = _count(self, 1)
            if n is None:
                return [(t, PartialShape.dynamic())]
            kinds = self.entry_kinds(n)
            return [
                (t, PartialShape.dynamic(len(data) + kinds.count("new") - kinds.count("shrink")))
            ]
        dims, src = [], iter(data)
        for item in self.plan(len(data), *values):
            if item[0] == "new":
                dims.append(Dimension(1))
                continue
            d = next(src)
            if item[0] == "shrink":
                if d.is_static and not -d.min <= item[1] < d.min:
                    raise self.fail(f"shrink index {item[1]} is out of range for dimension {d}")
                continue
            dims.append(slice_dim(d, *item[1:]))
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        begin, end = scalar_or_1d_value(args[0]), scalar_or_1d_value(args[1])
        strides = scalar_or_1d_value(args[2]) if len(args) == 3 else [1] * len(begin)
        index, axis = [], 0
        for item in self.plan(x.ndim, begin, end, strides):
            if item[0] == "new":
                index.append(np.newaxis)
                continue
            dim = x.shape[axis]
            if item[0] == "shrink":
                if not -dim <= item[1] < dim:
                    raise self.fail(f"shrink index {item[1]} is out of range for dimension {dim}")
                index.append(item[1])
            else:
                index.append(clamp_slice(dim, *item[1:]))
            axis += 1
        return (np.array(x[tuple(index)]),)


class Slice8(Op):
    """ONNX-style slice: start, stop, step per axis (input 5, default all leading axes)."""

    type_name = "Slice"
    version_id = "opset8"
    num_inputs = (4, 5)

    def slices(self, rank: int, start: list, stop: list, step: list, axes: list | None) -> dict:
        if not len(start) == len(stop) == len(step):
            raise self.fail(f"start {start}, stop {stop} and step {step} differ in length")
        axes = list(range(len(start))) if axes is None else axes
        if len(axes) != len(start):
            raise self.fail(f"axes {axes} and start {start} differ in length")
        norm = normalize_axes(axes, rank, "axes (input 4)")
        if len(set(norm)) != len(norm):
            raise self.fail(f"axes {axes} must be unique")
        if 0 in step:
            raise self.fail(f"step {step} must not contain 0")
        return {a: (b, e, s) for a, b, e, s in zip(norm, start, stop, step, strict=True)}

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i in range(1, len(self.inputs)):
            require_integer_type(self.input_type(i), f"input {i}")
        data, t = self.input_shape(0), self.input_type(0)
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        values = [scalar_or_1d_value(self.input_value(i)) for i in range(1, 4)]
        axes = scalar_or_1d_value(self.input_value(4)) if len(self.inputs) == 5 else None
        if any(v is None for v in values) or (len(self.inputs) == 5 and axes is None):
            return [(t, PartialShape.dynamic(len(data)))]
        plan = self.slices(len(data), *values, axes)
        dims = [slice_dim(d, *plan[i]) if i in plan else d for i, d in enumerate(data)]
        return [(t, PartialShape(dims))]

    def evaluate(self, x: np.ndarray, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        values = [scalar_or_1d_value(a) for a in args[:3]]
        axes = scalar_or_1d_value(args[3]) if len(args) == 4 else None
        plan = self.slices(x.ndim, *values, axes)
        index = tuple(
            clamp_slice(x.shape[i], *plan[i]) if i in plan else slice(None) for i in range(x.ndim)
        )
        return (np.array(x[index]),)


OPS = [StridedSlice1, Slice8]
