"""Comparison, logical and bitwise ops: Equal, NotEqual, Less, LessEqual, Greater,
GreaterEqual, LogicalAnd/Or/Xor/Not, Select (opset1) and BitwiseAnd/Or/Xor/Not-13.
"""

from __future__ import annotations

import numpy as np
from pyvino import Op, PartialShape, Type

from pyvino_opsets._common import (
    auto_broadcast_attr,
    broadcast_shapes,
    check_broadcast_values,
    merge_types,
    pdpd_align,
)
from pyvino_opsets.arithmetic import BinaryElementwise


class Comparison(BinaryElementwise):
    """Base of comparisons: inputs of one (any) type, boolean output."""

    allow_boolean = True

    def output_type(self, t: Type) -> Type:
        return Type.boolean

    def output_dtype(self, dtype: np.dtype) -> np.dtype:
        return np.dtype(np.bool_)


class Equal1(Comparison):
    """Elementwise a == b."""

    type_name = "Equal"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a == b


class NotEqual1(Comparison):
    """Elementwise a != b."""

    type_name = "NotEqual"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a != b


class Less1(Comparison):
    """Elementwise a < b."""

    type_name = "Less"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a < b


class LessEqual1(Comparison):
    """Elementwise a <= b."""

    type_name = "LessEqual"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a <= b


class Greater1(Comparison):
    """Elementwise a > b."""

    type_name = "Greater"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a > b


class GreaterEqual1(Comparison):
    """Elementwise a >= b."""

    type_name = "GreaterEqual"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a >= b


class Logical(BinaryElementwise):
    """Base of binary logical ops: boolean inputs and output."""

    allow_boolean = True

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i in range(2):
            if self.input_type(i) not in (Type.boolean, Type.dynamic):
                raise self.fail(
                    f"input {i} must have boolean element type, got {self.input_type(i).name}"
                )
        return super().infer()


class LogicalAnd1(Logical):
    """Elementwise a AND b."""

    type_name = "LogicalAnd"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.logical_and(a, b)


class LogicalOr1(Logical):
    """Elementwise a OR b."""

    type_name = "LogicalOr"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.logical_or(a, b)


class LogicalXor1(Logical):
    """Elementwise a XOR b."""

    type_name = "LogicalXor"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.logical_xor(a, b)


class LogicalNot1(Op):
    """Elementwise NOT of a boolean tensor."""

    type_name = "LogicalNot"
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.input_type(0) not in (Type.boolean, Type.dynamic):
            raise self.fail(f"input must have boolean element type, got {self.input_type(0).name}")
        return [(Type.boolean, self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.logical_not(x),)


class Bitwise(BinaryElementwise):
    """Base of BitwiseAnd/Or/Xor-13: integer or boolean inputs, same-type output."""

    version_id = "opset13"
    allow_boolean = True

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.input_type(0)
        if t is not Type.dynamic and not t.is_integral:
            raise self.fail(f"inputs must have an integer or boolean element type, got {t.name}")
        return super().infer()


class BitwiseAnd13(Bitwise):
    """Elementwise a & b."""

    type_name = "BitwiseAnd"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bitwise_and(a, b)


class BitwiseOr13(Bitwise):
    """Elementwise a | b."""

    type_name = "BitwiseOr"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bitwise_or(a, b)


class BitwiseXor13(Bitwise):
    """Elementwise a ^ b."""

    type_name = "BitwiseXor"

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bitwise_xor(a, b)


class BitwiseNot13(Op):
    """Elementwise ~x (logical NOT for booleans)."""

    type_name = "BitwiseNot"
    version_id = "opset13"
    num_inputs = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = self.input_type(0)
        if t is not Type.dynamic and not t.is_integral:
            raise self.fail(f"input must have an integer or boolean element type, got {t.name}")
        return [(t, self.input_shape(0))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        if x.dtype.kind == "V":  # ml_dtypes int4/uint4/uint2 have no invert ufunc
            return (np.invert(x.astype(np.int64)).astype(x.dtype),)
        return (np.invert(x),)


class Select1(Op):
    """``cond ? then : else`` elementwise, with numpy / none / pdpd broadcasting."""

    type_name = "Select"
    attributes = (auto_broadcast_attr(),)
    num_inputs = 3

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if self.input_type(0) not in (Type.boolean, Type.dynamic):
            raise self.fail(f"condition must have boolean element type, got {self.input_type(0)}")
        t = merge_types(self.input_type(1), self.input_type(2))
        mode = self.attrs["auto_broadcast"]
        cond, then, other = (self.input_shape(i) for i in range(3))
        if mode == "pdpd":
            values = broadcast_shapes(then, other, mode)
            return [(t, broadcast_shapes(values, cond, mode))]
        return [(t, broadcast_shapes(cond, broadcast_shapes(then, other, mode), mode))]

    def evaluate(self, cond: np.ndarray, then: np.ndarray, other: np.ndarray) -> tuple:
        mode = self.attrs["auto_broadcast"]
        check_broadcast_values([cond.shape, then.shape, other.shape], mode)
        if mode == "pdpd":
            other = pdpd_align(then, other)
            shape = np.broadcast_shapes(then.shape, other.shape)
            cond = cond.reshape((1,) * (len(shape) - cond.ndim) + cond.shape)
        return (np.where(cond, then, other).astype(then.dtype),)


OPS = [
    Equal1, NotEqual1, Less1, LessEqual1, Greater1, GreaterEqual1,
    LogicalAnd1, LogicalOr1, LogicalXor1, LogicalNot1,
    BitwiseAnd13, BitwiseOr13, BitwiseXor13, BitwiseNot13, Select1,
]  # fmt: skip
