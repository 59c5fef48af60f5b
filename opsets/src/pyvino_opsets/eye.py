"""Eye-9: (a batch of) matrices with ones on one diagonal, zeros elsewhere.

Inputs ``num_rows``, ``num_columns``, ``diagonal_index`` (each a scalar or a 1-element 1-D i32/i64
tensor) and an optional 1-D ``batch_shape``; ``output[..., i, i + diagonal_index] = 1``. The
output type is the ``output_type`` attribute, the shape ``batch_shape + [rows, columns]``.
"""

from __future__ import annotations

import numpy as np
from pyvino import TYPE, Attr, Dimension, Op, PartialShape, Type

_NAMES = ("num_rows", "num_columns", "diagonal_index", "batch_shape")


class Eye9(Op):
    """Eye-9: ``output[..., i, i + k] = 1`` for the rows and columns that exist."""

    type_name = "Eye"
    version_id = "opset9"
    attributes = (Attr("output_type", TYPE),)
    num_inputs = (3, 4)

    def _check_inputs(self) -> None:
        for i in range(len(self.inputs)):
            t, shape = self.input_type(i), self.input_shape(i)
            if t not in (Type.i32, Type.i64, Type.dynamic):
                raise self.fail(f"input {i} ({_NAMES[i]}) must be i32 or i64, got {t.name}")
            if not shape.rank_is_static:
                continue
            if i == 3:
                if len(shape) != 1:
                    raise self.fail(f"batch_shape (input 3) must be 1-D, got shape {shape}")
            elif len(shape) > 1 or (len(shape) == 1 and not shape[0].compatible(1)):
                raise self.fail(
                    f"input {i} ({_NAMES[i]}) must be a scalar or hold one element, got {shape}"
                )

    def _size(self, i: int) -> Dimension:
        value = self.input_value(i)
        if value is None:
            return Dimension()
        n = int(np.asarray(value).reshape(-1)[0])
        if n < 0:
            raise self.fail(f"input {i} ({_NAMES[i]}) must be non-negative, got {n}")
        return Dimension(n)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.attrs["output_type"]
        if t in (Type.dynamic, Type.string):
            raise self.fail(f"attribute 'output_type' must be a numeric type, got {t.name}")
        self._check_inputs()
        matrix = [self._size(0), self._size(1)]
        if len(self.inputs) < 4:
            return [(t, PartialShape(matrix))]
        batch = self.input_value(3)
        if batch is not None:
            dims = [int(d) for d in np.asarray(batch).reshape(-1)]
            if any(d < 0 for d in dims):
                raise self.fail(f"batch_shape (input 3) must be non-negative, got {dims}")
            return [(t, PartialShape([Dimension(d) for d in dims] + matrix))]
        length = self.input_shape(3)
        if length.rank_is_static and length[0].is_static:
            return [(t, PartialShape([Dimension()] * length[0].min + matrix))]
        return [(t, PartialShape.dynamic())]

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        rows, cols, k = (int(np.asarray(v).reshape(-1)[0]) for v in inputs[:3])
        if rows < 0 or cols < 0:
            raise self.fail(f"num_rows and num_columns must be non-negative, got {rows}, {cols}")
        batch = [int(d) for d in inputs[3].reshape(-1)] if len(inputs) > 3 else []
        dtype = self.attrs["output_type"].dtype
        matrix = np.eye(rows, cols, k=k).astype(dtype)
        return (np.ascontiguousarray(np.broadcast_to(matrix, (*batch, rows, cols))),)


OPS = [Eye9]
