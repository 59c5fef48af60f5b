"""Binary and variadic element-wise ops: arithmetic, logic, comparison, bitwise, Where."""

from __future__ import annotations

from collections.abc import Callable

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import broadcast_legacy, convert, out, scalar_like


def _binary(op: str, legacy: bool = False) -> Callable[[NodeContext], list[Output]]:
    """A converter for ONNX ``A op B``; ``legacy`` handles opset<7 ``broadcast``/``axis``."""

    def convert(ctx: NodeContext) -> list[Output]:
        a, b = ctx.input(0), ctx.input(1)
        if legacy:
            b = broadcast_legacy(ctx, a, b)
        return [out(getattr(ctx.ops, op)(a, b))]

    convert.__name__ = f"convert_{op}"
    return convert


def div(ctx: NodeContext) -> list[Output]:
    a, b = ctx.input(0), ctx.input(1)
    if ctx.opset_version < 7:
        b = broadcast_legacy(ctx, a, b)
    # ONNX integer division truncates toward zero (C semantics), not Python's floor.
    return [out(ctx.ops.divide(a, b, m_pythondiv=False))]


def mod(ctx: NodeContext) -> list[Output]:
    a, b = ctx.input(0), ctx.input(1)
    if ctx.attr("fmod", 0):
        return [out(ctx.ops.mod(a, b))]  # sign of the dividend (C fmod)
    return [out(ctx.ops.floor_mod(a, b))]  # sign of the divisor (Python %)


def pow_(ctx: NodeContext) -> list[Output]:
    base, exponent = ctx.input(0), ctx.input(1)
    if ctx.opset_version < 7:
        exponent = broadcast_legacy(ctx, base, exponent)
    if exponent.element_type is not base.element_type:
        exponent = out(ctx.ops.convert(exponent, destination_type=base.element_type))
    return [out(ctx.ops.power(base, exponent))]


def _variadic(op: str) -> Callable[[NodeContext], list[Output]]:
    def convert(ctx: NodeContext) -> list[Output]:
        args = [x for x in ctx.inputs if x is not None]
        if not args:
            raise ctx.fail("needs at least one input")
        acc = args[0]
        for x in args[1:]:
            acc = out(getattr(ctx.ops, op)(acc, x))
        return [acc]

    convert.__name__ = f"convert_{op}"
    return convert


def mean(ctx: NodeContext) -> list[Output]:
    (total,) = _variadic("add")(ctx)
    n = sum(1 for x in ctx.inputs if x is not None)
    return [out(ctx.ops.divide(total, scalar_like(n, total)))] if n > 1 else [total]


def not_(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.logical_not(ctx.input(0)))]


def bitshift(ctx: NodeContext) -> list[Output]:
    """BitwiseLeft/RightShift, or x * 2**s and floor(x / 2**s) where the opset lacks them.

    Shift amounts outside [0, bits) act as "all bits": left gives 0, right the sign fill.
    """
    direction = ctx.attr("direction")
    if direction not in ("LEFT", "RIGHT"):
        raise ctx.fail(f"attribute 'direction' must be LEFT or RIGHT, got {direction!r}")
    x, y = ctx.input(0), ctx.input(1)
    name = "BitwiseLeftShift" if direction == "LEFT" else "BitwiseRightShift"
    if name in ctx.ops.opset:
        return [out(ctx.ops.op_class(name)([x, y], {}))]
    t = x.element_type
    wide = "u64" if t is Type.u64 else "i64"
    bits = t.bitwidth
    s = convert(ctx, y, wide)
    outside = out(
        ctx.ops.logical_or(
            out(ctx.ops.less(s, scalar_like(0, s))),
            out(ctx.ops.greater_equal(s, scalar_like(bits, s))),
        )
    )
    s = out(ctx.ops.select(outside, scalar_like(bits - 1, s), s))
    factor = out(ctx.ops.power(scalar_like(2, s), s))
    if direction == "LEFT":
        shifted = out(ctx.ops.multiply(x, convert(ctx, factor, t)))
        return [out(ctx.ops.select(outside, scalar_like(0, x), shifted))]
    quotient = out(ctx.ops.divide(convert(ctx, x, wide), factor, m_pythondiv=True))
    return [convert(ctx, quotient, t)]


def bitwise_not(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.bitwise_not(ctx.input(0)))]


def where(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.select(ctx.input(0), ctx.input(1), ctx.input(2)))]


CONVERTERS = [
    ("Add", 1, _binary("add", legacy=True)),
    ("Add", 7, _binary("add")),
    ("Sub", 1, _binary("subtract", legacy=True)),
    ("Sub", 7, _binary("subtract")),
    ("Mul", 1, _binary("multiply", legacy=True)),
    ("Mul", 7, _binary("multiply")),
    ("Div", 1, div),
    ("Mod", 10, mod),
    ("Pow", 1, pow_),
    ("Max", 1, _variadic("maximum")),
    ("Min", 1, _variadic("minimum")),
    ("Sum", 1, _variadic("add")),
    ("Mean", 1, mean),
    ("And", 1, _binary("logical_and", legacy=True)),
    ("And", 7, _binary("logical_and")),
    ("Or", 1, _binary("logical_or", legacy=True)),
    ("Or", 7, _binary("logical_or")),
    ("Xor", 1, _binary("logical_xor", legacy=True)),
    ("Xor", 7, _binary("logical_xor")),
    ("Not", 1, not_),
    ("Equal", 1, _binary("equal", legacy=True)),
    ("Equal", 7, _binary("equal")),
    ("Greater", 1, _binary("greater", legacy=True)),
    ("Greater", 7, _binary("greater")),
    ("Less", 1, _binary("less", legacy=True)),
    ("Less", 7, _binary("less")),
    ("GreaterOrEqual", 12, _binary("greater_equal")),
    ("LessOrEqual", 12, _binary("less_equal")),
    ("BitShift", 11, bitshift),
    ("BitwiseAnd", 18, _binary("bitwise_and")),
    ("BitwiseOr", 18, _binary("bitwise_or")),
    ("BitwiseXor", 18, _binary("bitwise_xor")),
    ("BitwiseNot", 18, bitwise_not),
    ("Where", 9, where),
]
