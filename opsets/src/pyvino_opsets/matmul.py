"""MatMul-1 and Einsum-7.

MatMul follows numpy's rules with OpenVINO's 1D handling: a 1D ``A`` becomes ``[1, K]`` and a
1D ``B`` becomes ``[K, 1]`` (transpose flags are ignored for them) and the added dimension is
removed from the result; batch dimensions broadcast.
"""

from __future__ import annotations

import numpy as np
from pyvino._attrs import BOOL, Attr
from pyvino._node import Op
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type

from pyvino_opsets._broadcast import broadcast_dims
from pyvino_opsets._einsum import Einsum7


class MatMul1(Op):
    """MatMul-1: matrix product with optional transposition of the two innermost dims."""

    type_name = "MatMul"
    version_id = "opset1"
    attributes = (Attr("transpose_a", BOOL, False), Attr("transpose_b", BOOL, False))
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        ta, tb = self.input_type(0), self.input_type(1)
        if Type.dynamic not in (ta, tb) and ta is not tb:
            raise self.fail(f"input types {ta.name} and {tb.name} differ")
        out_t = tb if ta is Type.dynamic else ta
        a, b = self.input_shape(0), self.input_shape(1)
        if not (a.rank_is_static and b.rank_is_static):
            return [(out_t, PartialShape.dynamic())]
        if len(a) == 0 or len(b) == 0:
            raise self.fail(f"inputs have shapes {a} and {b}; scalars are not allowed")
        da, db = list(a), list(b)
        if len(da) == 1:
            da = [Dimension(1), da[0]]
        elif self.attrs["transpose_a"]:
            da[-2], da[-1] = da[-1], da[-2]
        if len(db) == 1:
            db = [db[0], Dimension(1)]
        elif self.attrs["transpose_b"]:
            db[-2], db[-1] = db[-1], db[-2]
        if not da[-1].compatible(db[-2]):
            raise self.fail(
                f"inner dimensions differ: A {a} gives K={da[-1]}, B {b} gives K={db[-2]} "
                f"(transpose_a={self.attrs['transpose_a']}, transpose_b={self.attrs['transpose_b']})"
            )
        batch = broadcast_dims(self, da[:-2], db[:-2], "batch dimensions")
        out = batch + ([da[-2]] if len(a) > 1 else []) + ([db[-1]] if len(b) > 1 else [])
        return [(out_t, PartialShape(out))]

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        if a.ndim > 1 and self.attrs["transpose_a"]:
            a = np.swapaxes(a, -1, -2)
        if b.ndim > 1 and self.attrs["transpose_b"]:
            b = np.swapaxes(b, -1, -2)
        dtype = a.dtype
        if dtype.kind == "f" and dtype.itemsize < 4:
            a, b = a.astype(np.float32), b.astype(np.float32)
        return (np.asarray(np.matmul(a, b)).astype(dtype, copy=False),)


OPS = [MatMul1, Einsum7]

__all__ = ["OPS", "Einsum7", "MatMul1"]
