"""Binary arithmetic (opset1): Add, Subtract, Multiply, Divide, Maximum, Minimum, Power,
SquaredDifference, FloorMod, Mod. Output type is the (shared) input type; ``auto_broadcast``
is numpy, none or pdpd.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, Attr, Op, PartialShape, Type

from pyvino_opsets._common import (
    auto_broadcast_attr,
    broadcast_shapes,
    check_broadcast_values,
    compute_dtype,
    merge_types,
    pdpd_align,
)


class BinaryElementwise(Op):
    """Base of two-input elementwise ops with numpy/none/pdpd broadcasting."""

    attributes = (auto_broadcast_attr(),)
    num_inputs = 2
    allow_boolean = False

    def output_type(self, t: Type) -> Type:
        return t

    def output_dtype(self, dtype: np.dtype) -> np.dtype:
        return dtype

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = merge_types(self.input_type(0), self.input_type(1))
        if t is Type.boolean and not self.allow_boolean:
            raise self.fail("arguments cannot have boolean element type")
        shape = broadcast_shapes(
            self.input_shape(0), self.input_shape(1), self.attrs["auto_broadcast"]
        )
        return [(self.output_type(t), shape)]

    def operands(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inputs arranged so that numpy broadcasting follows ``auto_broadcast``."""
        mode = self.attrs["auto_broadcast"]
        check_broadcast_values([a.shape, b.shape], mode)
        if mode == "pdpd":
            b = pdpd_align(a, b)
        return np.asarray(a), np.asarray(b)

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        a, b = self.operands(a, b)
        out_dtype = self.output_dtype(a.dtype)
        work = compute_dtype(a.dtype)
        # Overflow to inf and integer wrap-around are the defined results, not warnings.
        with np.errstate(all="ignore"):
            result = self.compute(a.astype(work, copy=False), b.astype(work, copy=False))
            return (np.asarray(result).astype(out_dtype, copy=False),)


def _check_nonzero_divisor(op: Op, b: np.ndarray) -> None:
    if b.dtype.kind in "iu" and np.any(b == 0):
        raise op.fail("integer division by zero")


class Add1(BinaryElementwise):
    """Elementwise a + b (integers wrap around)."""

    type_name = "Add"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b


class Subtract1(BinaryElementwise):
    """Elementwise a - b."""

    type_name = "Subtract"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b


class Multiply1(BinaryElementwise):
    """Elementwise a * b."""

    type_name = "Multiply"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * b


class Divide1(BinaryElementwise):
    """Elementwise a / b; integer division floors when ``m_pythondiv`` (default) else truncates."""

    type_name = "Divide"
    attributes = (Attr("m_pythondiv", BOOL, True), auto_broadcast_attr())

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind not in "iu":
            return a / b
        _check_nonzero_divisor(self, b)
        if self.attrs["m_pythondiv"]:
            return np.floor_divide(a, b)
        # C semantics: the quotient is truncated toward zero.
        q = np.floor_divide(a, b)
        inexact = (q * b != a) & ((a < 0) != (b < 0))
        return q + inexact.astype(q.dtype)


class Maximum1(BinaryElementwise):
    """Elementwise max; like OpenVINO's reference, ``a > b ? a : b`` (a NaN in b wins)."""

    type_name = "Maximum"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(a > b, a, b)


class Minimum1(BinaryElementwise):
    """Elementwise min; ``a < b ? a : b``."""

    type_name = "Minimum"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(a < b, a, b)


class Power1(BinaryElementwise):
    """Elementwise a ** b; for integers a negative exponent gives trunc(a ** b) (0 unless |a|=1)."""

    type_name = "Power"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind not in "iu":
            return np.power(a, b)
        a, b = np.broadcast_arrays(a, b)
        negative = b < 0
        result = np.power(a, np.where(negative, 0, b))
        if np.any(negative):
            # pow(a, -n) for integers: 1 for a == 1, +-1 for a == -1, else |result| < 1 -> 0.
            odd = (np.abs(b) % 2) == 1
            small = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0))
            result = np.where(negative, small.astype(result.dtype), result)
        return result


class SquaredDifference1(BinaryElementwise):
    """Elementwise (a - b) ** 2."""

    type_name = "SquaredDifference"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d = a - b
        return d * d


class FloorMod1(BinaryElementwise):
    """Remainder with the sign of the divisor, as Python's ``%`` (the spec's model): ``x mod
    inf`` is ``x`` when the signs agree and ``inf`` otherwise, a zero result takes the divisor's
    sign, ``inf mod y`` and ``x mod 0`` are NaN. (``a - b * floor(a / b)`` would give NaN for an
    infinite divisor.)"""

    type_name = "FloorMod"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind in "iu":
            _check_nonzero_divisor(self, b)
            return np.mod(a, b)
        return np.mod(a.astype(np.float64), b.astype(np.float64))


class Mod1(BinaryElementwise):
    """Remainder with the sign of the dividend (C ``fmod`` / truncated division)."""

    type_name = "Mod"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind in "iu":
            _check_nonzero_divisor(self, b)
        return np.fmod(a, b)


OPS = [
    Add1,
    Subtract1,
    Multiply1,
    Divide1,
    Maximum1,
    Minimum1,
    Power1,
    SquaredDifference1,
    FloorMod1,
    Mod1,
]
