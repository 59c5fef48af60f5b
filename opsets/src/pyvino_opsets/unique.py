"""Unique-10: the unique elements (or slices along an axis) of a tensor, with indices and counts."""

from __future__ import annotations

import math

import numpy as np
from pyvino import BOOL, TYPE, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import make_dim, normalize_axis, require_integer_type, scalar_or_1d_value


def _index_type(op: Op, name: str) -> Type:
    t = op.attrs[name]
    if t not in (Type.i64, Type.i32):
        raise op.fail(f"attribute {name!r} must be i64 or i32, got {t.name}")
    return t


def _up_to(d: Dimension) -> Dimension:
    """Between 1 and ``d`` unique entries (0 only when ``d`` may be 0)."""
    return make_dim(min(d.min, 1), math.inf if d.max == -1 else d.max)


class Unique10(Op):
    """Outputs: unique values, first-occurrence indices, reverse indices, counts.

    Values are sorted ascending when ``sorted`` (default), else kept in order of first
    occurrence. Without an axis input the tensor is flattened; with one, whole slices along
    that axis are compared.
    """

    type_name = "Unique"
    version_id = "opset10"
    attributes = (
        Attr("sorted", BOOL, True),
        Attr("index_element_type", TYPE, Type.i64),
        Attr("count_element_type", TYPE, Type.i64),
    )
    num_inputs = (1, 2)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t, data = self.input_type(0), self.input_shape(0)
        it = _index_type(self, "index_element_type")
        ct = _index_type(self, "count_element_type")
        value = self.input_value(0)
        axis_value = None
        if len(self.inputs) == 2:
            require_integer_type(self.input_type(1), "axis (input 1)")
            axis_value = scalar_or_1d_value(self.input_value(1))
        if value is not None and (len(self.inputs) == 1 or axis_value is not None):
            outs = self.evaluate(value, *([np.array(axis_value)] if axis_value else []))
            return [(Type.get(o.dtype), PartialShape(o.shape)) for o in outs]
        if len(self.inputs) == 1 or not data.rank_is_static:
            total = Dimension()
            if data.rank_is_static:
                total = Dimension(1)
                for d in data:
                    total = make_dim(
                        total.min * d.min,
                        math.inf if -1 in (total.max, d.max) else total.max * d.max,
                    )
            if len(self.inputs) == 2:  # an axis on an input of unknown rank
                return [
                    (t, PartialShape.dynamic()),
                    (it, PartialShape([Dimension()])),
                    (it, PartialShape([Dimension()])),
                    (ct, PartialShape([Dimension()])),
                ]
            n = _up_to(total)
            return [
                (t, PartialShape([n])),
                (it, PartialShape([n])),
                (it, PartialShape([total])),
                (ct, PartialShape([n])),
            ]
        if axis_value is None:
            n = Dimension()
            return [
                (t, PartialShape.dynamic(len(data))),
                (it, PartialShape([n])),
                (it, PartialShape([n])),
                (ct, PartialShape([n])),
            ]
        axis = normalize_axis(axis_value[0], len(data), "axis (input 1)")
        n = _up_to(data[axis])
        dims = list(data)
        dims[axis] = n
        return [
            (t, PartialShape(dims)),
            (it, PartialShape([n])),
            (it, PartialShape([data[axis]])),
            (ct, PartialShape([n])),
        ]

    def evaluate(self, x: np.ndarray, axis: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        it = _index_type(self, "index_element_type").dtype
        ct = _index_type(self, "count_element_type").dtype
        a = None
        if axis is not None:
            a = normalize_axis(int(np.asarray(axis).reshape(-1)[0]), x.ndim, "axis (input 1)")
        src = x if a is not None else x.reshape(-1)
        values, first, inverse, counts = np.unique(
            src, return_index=True, return_inverse=True, return_counts=True, axis=a
        )
        inverse = inverse.reshape(-1)
        if not self.attrs["sorted"]:
            order = np.argsort(first, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            values = np.take(values, order, axis=a or 0)
            first, counts, inverse = first[order], counts[order], rank[inverse]
        return (
            np.ascontiguousarray(values).astype(x.dtype),
            first.astype(it),
            inverse.astype(it),
            counts.astype(ct),
        )


OPS = [Unique10]
