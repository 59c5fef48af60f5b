"""Quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and the integer
QLinearMatMul / MatMulInteger / ConvInteger / QLinearConv, decomposed into arithmetic."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import element_type
from pyvino.frontend.onnx.ops._common import (
    convert,
    i64,
    normalize_axis,
    out,
    rank_of,
    reshape,
    scalar_like,
    static_dims,
)
from pyvino.frontend.onnx.ops.conv import convolution

_FLOAT8 = {Type.f8e4m3: ml_dtypes.float8_e4m3fn, Type.f8e5m2: ml_dtypes.float8_e5m2}
_INT_RANGES = {
    Type.u8: (0, 255),
    Type.i8: (-128, 127),
    Type.u16: (0, 65535),
    Type.i16: (-32768, 32767),
    Type.u4: (0, 15),
    Type.i4: (-8, 7),
    Type.u2: (0, 3),
}


def _aligned(ctx: NodeContext, param: Output, x: Output, axis: int, block: int) -> Output:
    """Scale / zero point made broadcastable to ``x``: per tensor, per axis or per block."""
    shape = param.partial_shape
    if (
        not shape.rank_is_static
        or len(shape) == 0
        or (shape.is_static and int(np.prod(shape.to_shape())) == 1 and not block)
    ):
        return reshape(ctx, param, []) if shape.rank_is_static and len(shape) else param
    rank = ctx.static_rank(0, "x")
    axis = normalize_axis(ctx, axis, rank)
    if not block:
        return reshape(ctx, param, [-1 if a == axis else 1 for a in range(rank)])
    dims = static_dims(param)
    if any(d is None for d in dims):
        raise ctx.fail("blocked quantization needs a static scale shape")
    grown = out(ctx.ops.unsqueeze(param, i64([axis + 1])))
    target = list(dims)
    target.insert(axis + 1, block)
    grown = out(ctx.ops.broadcast(grown, i64(target), mode="numpy"))
    merged = [d for d in dims]
    merged[axis] = dims[axis] * block
    grown = reshape(ctx, grown, merged)
    length = static_dims(x)[axis]
    if length is None:
        raise ctx.fail("blocked quantization needs a static size of the blocked axis")
    return out(ctx.ops.slice(grown, i64([0]), i64([length]), i64([1]), i64([axis])))


def _quantize(
    ctx: NodeContext,
    x: Output,
    scale: Output,
    zp: Output | None,
    target: Type,
    saturate: bool = True,
) -> Output:
    """round_half_even(x / scale) + zp, clamped to ``target``'s range (floats: saturated)."""
    y = out(ctx.ops.divide(x, convert(ctx, scale, x.element_type)))
    if target in _INT_RANGES:
        lo, hi = _INT_RANGES[target]
        y = out(ctx.ops.round(y, mode="half_to_even"))
        if zp is not None:
            y = out(ctx.ops.add(y, convert(ctx, zp, y.element_type)))
        y = out(ctx.ops.clamp(y, min=float(lo), max=float(hi)))
        return convert(ctx, y, target)
    if target in _FLOAT8 and saturate:
        big = float(ml_dtypes.finfo(_FLOAT8[target]).max)
        y = out(ctx.ops.clamp(y, min=-big, max=big))
    elif target is Type.f4e2m1 and zp is not None:
        y = out(ctx.ops.add(y, convert(ctx, zp, y.element_type)))
    return convert(ctx, y, target)


def _out_type(ctx: NodeContext, zp: Output | None, attr: str) -> Type:
    if zp is not None:
        return zp.element_type
    code = ctx.attr(attr, 0) if ctx.opset_version >= 21 else 0
    return element_type(code) if code else Type.u8


def quantize_linear(ctx: NodeContext) -> list[Output]:
    x, scale, zp = ctx.input(0), ctx.input(1), ctx.optional_input(2)
    axis, block = ctx.attr("axis", 1), ctx.attr("block_size", 0)
    precision = ctx.attr("precision", 0)
    if precision:
        x = convert(ctx, x, element_type(precision))
    target = _out_type(ctx, zp, "output_dtype")
    scale = _aligned(ctx, scale, x, axis, block)
    zp = None if zp is None else _aligned(ctx, zp, x, axis, block)
    return [_quantize(ctx, x, scale, zp, target, bool(ctx.attr("saturate", 1)))]


def _dequantize(ctx: NodeContext, x: Output, scale: Output, zp: Output | None) -> Output:
    dx = convert(ctx, x, "f32")
    if zp is not None and x.element_type not in _FLOAT8 and x.element_type is not Type.f4e2m1:
        dx = out(ctx.ops.subtract(dx, convert(ctx, zp, "f32")))
    return out(ctx.ops.multiply(dx, convert(ctx, scale, "f32")))


def dequantize_linear(ctx: NodeContext) -> list[Output]:
    x, scale, zp = ctx.input(0), ctx.input(1), ctx.optional_input(2)
    axis, block = ctx.attr("axis", 1), ctx.attr("block_size", 0)
    scale_a = _aligned(ctx, scale, x, axis, block)
    zp = None if zp is None else _aligned(ctx, zp, x, axis, block)
    code = ctx.attr("output_dtype", 0) if ctx.opset_version >= 23 else 0
    target = element_type(code) if code else scale.element_type
    return [convert(ctx, _dequantize(ctx, x, scale_a, zp), target)]


def dynamic_quantize_linear(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    axes = i64(list(range(ctx.static_rank(0, "x"))))
    zero = scalar_like(0, x)
    hi = out(ctx.ops.maximum(zero, out(ctx.ops.reduce_max(x, axes, keep_dims=False))))
    lo = out(ctx.ops.minimum(zero, out(ctx.ops.reduce_min(x, axes, keep_dims=False))))
    span = out(ctx.ops.subtract(hi, lo))
    span = out(ctx.ops.select(out(ctx.ops.equal(span, zero)), scalar_like(1, x), span))
    scale = out(ctx.ops.divide(span, scalar_like(255, x)))
    zp = out(ctx.ops.subtract(zero, out(ctx.ops.divide(lo, scale))))
    zp = out(ctx.ops.round(out(ctx.ops.clamp(zp, min=0.0, max=255.0)), mode="half_to_even"))
    y = out(ctx.ops.round(out(ctx.ops.divide(x, scale)), mode="half_to_even"))
    y = out(ctx.ops.clamp(out(ctx.ops.add(y, zp)), min=0.0, max=255.0))
    return [convert(ctx, y, "u8"), scale, convert(ctx, zp, "u8")]


def _centered(ctx: NodeContext, x: Output, zp: Output | None, axis: int | None = None) -> Output:
    """x - zero_point in i32 (a per-row/column zero point is aligned on ``axis``)."""
    xi = convert(ctx, x, "i32")
    if zp is None:
        return xi
    zpi = convert(ctx, zp, "i32")
    if axis is not None and zp.partial_shape.rank_is_static and len(zp.partial_shape) == 1:
        rank = rank_of(x) or 2
        zpi = reshape(ctx, zpi, [-1 if a == axis % rank else 1 for a in range(rank)])
    return out(ctx.ops.subtract(xi, zpi))


def matmul_integer(ctx: NodeContext) -> list[Output]:
    a = _centered(ctx, ctx.input(0), ctx.optional_input(2), -2)
    b = _centered(ctx, ctx.input(1), ctx.optional_input(3), -1)
    return [out(ctx.ops.matmul(a, b, transpose_a=False, transpose_b=False))]


def qlinear_matmul(ctx: NodeContext) -> list[Output]:
    a = _centered(ctx, ctx.input(0), ctx.optional_input(2), -2)
    b = _centered(ctx, ctx.input(3), ctx.optional_input(5), -1)
    acc = convert(ctx, out(ctx.ops.matmul(a, b, transpose_a=False, transpose_b=False)), "f32")
    scale = out(
        ctx.ops.divide(
            out(
                ctx.ops.multiply(
                    convert(ctx, ctx.input(1), "f32"), convert(ctx, ctx.input(4), "f32")
                )
            ),
            convert(ctx, ctx.input(6), "f32"),
        )
    )
    zp = ctx.optional_input(7)
    target = zp.element_type if zp is not None else ctx.input(0).element_type
    y = out(ctx.ops.round(out(ctx.ops.multiply(acc, scale)), mode="half_to_even"))
    if zp is not None:
        y = out(ctx.ops.add(y, convert(ctx, zp, "f32")))
    lo, hi = _INT_RANGES[target]
    return [convert(ctx, out(ctx.ops.clamp(y, min=float(lo), max=float(hi))), target)]


def conv_integer(ctx: NodeContext) -> list[Output]:
    x = convert(ctx, _centered(ctx, ctx.input(0), ctx.optional_input(2)), "f32")
    w = convert(ctx, _centered(ctx, ctx.input(1), ctx.optional_input(3), 0), "f32")
    return [convert(ctx, convolution(ctx, x, w, None), "i32")]


def qlinear_conv(ctx: NodeContext) -> list[Output]:
    x = _dequantize(ctx, ctx.input(0), reshape(ctx, ctx.input(1), []), ctx.input(2))
    w_scale, w = ctx.input(4), ctx.input(3)
    w = _dequantize(ctx, w, _aligned(ctx, w_scale, w, 0, 0), _aligned(ctx, ctx.input(5), w, 0, 0))
    bias = ctx.optional_input(8)
    if bias is not None:  # int32 bias in units of x_scale * w_scale
        scale = out(
            ctx.ops.multiply(convert(ctx, ctx.input(1), "f32"), convert(ctx, w_scale, "f32"))
        )
        bias = out(ctx.ops.multiply(convert(ctx, bias, "f32"), scale))
    y = convolution(ctx, x, w, bias)
    zp = ctx.input(7)
    return [_quantize(ctx, y, ctx.input(6), zp, zp.element_type)]


CONVERTERS = [
    ("QuantizeLinear", 10, quantize_linear),
    ("DequantizeLinear", 10, dequantize_linear),
    ("DynamicQuantizeLinear", 11, dynamic_quantize_linear),
    ("MatMulInteger", 10, matmul_integer),
    ("QLinearMatMul", 10, qlinear_matmul),
    ("ConvInteger", 10, conv_integer),
    ("QLinearConv", 10, qlinear_conv),
]
