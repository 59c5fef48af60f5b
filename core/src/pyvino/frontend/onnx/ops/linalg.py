"""Linear algebra and cumulative ops: MatMul, Gemm, Einsum, CumSum, CumProd."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    broadcast_legacy,
    convert,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    static_dims,
)


def matmul(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.matmul(ctx.input(0), ctx.input(1), transpose_a=False, transpose_b=False))]


def gemm(ctx: NodeContext) -> list[Output]:
    """alpha * A' B' + beta * C as MatMul, Multiply and Add."""
    a, b = ctx.input(0), ctx.input(1)
    for i in (0, 1):
        rank = ctx.input_rank(i)
        if rank is not None and rank != 2:
            raise ctx.fail(f"input {'AB'[i]} must be 2-D, got rank {rank}")
    y = out(
        ctx.ops.matmul(
            a, b, transpose_a=bool(ctx.attr("transA", 0)), transpose_b=bool(ctx.attr("transB", 0))
        )
    )
    alpha, beta = ctx.attr("alpha", 1.0), ctx.attr("beta", 1.0)
    if alpha != 1.0:
        y = out(ctx.ops.multiply(y, scalar_like(alpha, y)))
    c = ctx.optional_input(2)
    if c is not None and beta != 0.0:
        if ctx.opset_version < 7:
            c = broadcast_legacy(ctx, y, c)
        if beta != 1.0:
            c = out(ctx.ops.multiply(c, scalar_like(beta, c)))
        y = out(ctx.ops.add(y, c))
    return [y]


def einsum(ctx: NodeContext) -> list[Output]:
    equation = ctx.attr("equation").replace(" ", "")
    return [out(ctx.ops.einsum(*[x for x in ctx.inputs if x is not None], equation=equation))]


def _axis_scalar(ctx: NodeContext) -> Output:
    axis = convert(ctx, ctx.input(1), "i64")
    if axis.partial_shape.rank_is_static and len(axis.partial_shape) == 1:
        axis = out(ctx.ops.squeeze(axis, i64([0])))
    return axis


def cumsum(ctx: NodeContext) -> list[Output]:
    return [
        out(
            ctx.ops.cum_sum(
                ctx.input(0),
                _axis_scalar(ctx),
                exclusive=bool(ctx.attr("exclusive", 0)),
                reverse=bool(ctx.attr("reverse", 0)),
            )
        )
    ]


def _cumprod_along(ctx: NodeContext, x: Output, axis: int, rank: int) -> Output:
    """Product over a masked [L, L] expansion of ``axis``: y_i = prod_{j in mask_i} x_j."""
    n = static_dims(x)[axis]
    if n is None:
        raise ctx.fail(f"dimension {axis} of the input must be static")
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    mask = (j >= i) if ctx.attr("reverse", 0) else (j <= i)
    if ctx.attr("exclusive", 0):
        mask &= j != i
    shape = [1] * (rank + 1)
    shape[axis], shape[axis + 1] = n, n
    xe = out(ctx.ops.unsqueeze(x, i64([axis])))  # [..., 1, L(j), ...]
    picked = out(ctx.ops.select(ctx.const(mask.reshape(shape)), xe, scalar_like(1, x)))
    return out(ctx.ops.reduce_prod(picked, i64([axis + 1]), keep_dims=False))


def cumprod(ctx: NodeContext) -> list[Output]:
    """CumProd (no OpenVINO op): a masked product; a runtime axis selects among every axis."""
    x = ctx.input(0)
    rank = ctx.static_rank(0, "x")
    value = ctx.value(1)
    if value is not None:
        axis = normalize_axis(ctx, int(np.asarray(value).reshape(-1)[0]), rank)
        return [_cumprod_along(ctx, x, axis, rank)]
    axis = reshape(ctx, convert(ctx, ctx.input(1), "i64"), [])
    axis = out(ctx.ops.floor_mod(axis, i64(rank)))
    result = _cumprod_along(ctx, x, 0, rank)
    for a in range(1, rank):
        chosen = out(ctx.ops.equal(axis, i64(a)))
        result = out(ctx.ops.select(chosen, _cumprod_along(ctx, x, a, rank), result))
    return [result]


CONVERTERS = [
    ("MatMul", 1, matmul),
    ("Gemm", 1, gemm),
    ("Einsum", 12, einsum),
    ("CumSum", 11, cumsum),
    ("CumProd", 26, cumprod),
]
