"""Bitwise shifts (opset15): BitwiseLeftShift-15 and BitwiseRightShift-15.

Both inputs share one integer type ``T`` (the shift amounts too) and broadcast as numpy, none or
pdpd. The spec leaves shifts by a negative amount or by at least the bit width undefined; pyvino
shifts every bit out there (left: 0; right: 0, or -1 for a negative signed value), which is
what ONNX's BitShift expects. Left shifts wrap around (modulo 2^bits).
"""

from __future__ import annotations

import numpy as np
from pyvino import PartialShape, Type

from pyvino_opsets._common import compute_dtype
from pyvino_opsets.arithmetic import BinaryElementwise


class _BitwiseShift(BinaryElementwise):
    """Shared checks and evaluation of the two shifts."""

    version_id = "opset15"
    left = True

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i, what in ((0, "data"), (1, "shift")):
            t = self.input_type(i)
            if t is not Type.dynamic and (not t.is_integral or t is Type.boolean):
                raise self.fail(
                    f"input {i} ({what}) must have an integer element type, got {t.name}"
                )
        return super().infer()

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        a, b = self.operands(a, b)
        bits = Type.get(a.dtype).bitwidth
        work = compute_dtype(a.dtype)  # sub-byte integers shift in i64 and wrap when cast back
        x = a.astype(work, copy=False)
        # u64 amounts past 2**63 turn negative here: out of range either way
        amount = b.astype(np.int64, copy=False)
        inside = (amount >= 0) & (amount < bits)
        s = np.where(inside, amount, 0).astype(work)
        with np.errstate(over="ignore"):
            if self.left:
                y = np.where(inside, np.left_shift(x, s), 0)
            else:
                y = np.where(inside, np.right_shift(x, s), np.where(x < 0, -1, 0))
        return (np.asarray(y).astype(a.dtype),)


class BitwiseLeftShift15(_BitwiseShift):
    """Elementwise ``a << b`` (bits shifted past the top are lost)."""

    type_name = "BitwiseLeftShift"


class BitwiseRightShift15(_BitwiseShift):
    """Elementwise ``a >> b``: arithmetic (sign-filling) for signed types, logical otherwise."""

    type_name = "BitwiseRightShift"
    left = False


OPS = [BitwiseLeftShift15, BitwiseRightShift15]
