"""Element-wise math on one input: Abs, Neg, Exp, Log, Sqrt, trigonometry, rounding, Sign."""

from __future__ import annotations

from collections.abc import Callable

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import out, scalar_like


def _unary(op: str, **attrs: object) -> Callable[[NodeContext], list[Output]]:
    def convert(ctx: NodeContext) -> list[Output]:
        return [out(getattr(ctx.ops, op)(ctx.input(0), **attrs))]

    convert.__name__ = f"convert_{op}"
    return convert


def reciprocal(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    return [out(ctx.ops.divide(scalar_like(1, x), x))]


_SAME_NAME = [
    ("Abs", "abs"),
    ("Exp", "exp"),
    ("Log", "log"),
    ("Sqrt", "sqrt"),
    ("Floor", "floor"),
    ("Sign", "sign"),
    ("Erf", "erf"),
    ("Sin", "sin"),
    ("Cos", "cos"),
    ("Tan", "tan"),
    ("Asin", "asin"),
    ("Acos", "acos"),
    ("Atan", "atan"),
    ("Sinh", "sinh"),
    ("Cosh", "cosh"),
    ("Asinh", "asinh"),
    ("Acosh", "acosh"),
    ("Atanh", "atanh"),
]

CONVERTERS = [
    *[(onnx_name, 1, _unary(op)) for onnx_name, op in _SAME_NAME],
    ("Neg", 1, _unary("negative")),
    ("Ceil", 1, _unary("ceiling")),
    ("Round", 11, _unary("round", mode="half_to_even")),
    ("Reciprocal", 1, reciprocal),
]
