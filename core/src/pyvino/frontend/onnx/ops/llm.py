"""Transformer building blocks of recent opsets: RotaryEmbedding, SwiGLU, TensorScatter."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    shape_of,
    static_dims,
)


def _slice_last(ctx: NodeContext, x: Output, start: int, stop: int, step: int = 1) -> Output:
    return out(ctx.ops.slice(x, i64([start]), i64([stop]), i64([step]), i64([-1])))


def rotary_embedding(ctx: NodeContext) -> list[Output]:
    """Rotate (pairs of) the first rotary_embedding_dim features by cos/sin of each position."""
    x0 = ctx.input(0)
    rank = ctx.static_rank(0, "X")
    if rank == 4:  # [B, heads, S, D] -> [B, S, heads, D]
        x = out(ctx.ops.transpose(x0, i64([0, 2, 1, 3])))
    elif rank == 3:
        heads = ctx.attr("num_heads", 0)
        if not heads:
            raise ctx.fail("3-D input needs attribute 'num_heads'")
        x = reshape(ctx, x0, [0, 0, heads, -1], special_zero=True)
    else:
        raise ctx.fail(f"X must be 3-D or 4-D, got rank {rank}")
    head = static_dims(x)[3]
    if head is None:
        raise ctx.fail("the head size must be static")
    dim = ctx.attr("rotary_embedding_dim", 0) or head
    cos, sin = ctx.input(1), ctx.input(2)
    pos = ctx.optional_input(3)
    if pos is not None:
        cos = out(ctx.ops.gather(cos, pos, i64(0), batch_dims=0))
        sin = out(ctx.ops.gather(sin, pos, i64(0), batch_dims=0))
    cos = out(ctx.ops.unsqueeze(cos, i64([2])))
    sin = out(ctx.ops.unsqueeze(sin, i64([2])))
    rotate = _slice_last(ctx, x, 0, dim)
    interleaved = bool(ctx.attr("interleaved", 0))
    if interleaved:
        x1, x2 = _slice_last(ctx, rotate, 0, dim, 2), _slice_last(ctx, rotate, 1, dim, 2)
    else:
        x1, x2 = ctx.ops.split(rotate, i64(-1), num_splits=2).outputs()
    mul, sub, add = ctx.ops.multiply, ctx.ops.subtract, ctx.ops.add
    real = out(sub(out(mul(cos, x1)), out(mul(sin, x2))))
    imag = out(add(out(mul(sin, x1)), out(mul(cos, x2))))
    if interleaved:
        pairs = concat(
            ctx,
            [out(ctx.ops.unsqueeze(real, i64([-1]))), out(ctx.ops.unsqueeze(imag, i64([-1])))],
            -1,
        )
        rotated = reshape(ctx, pairs, shape_of(ctx, rotate))
    else:
        rotated = concat(ctx, [real, imag], -1)
    y = (
        concat(ctx, [rotated, _slice_last(ctx, x, dim, np.iinfo(np.int64).max)], -1)
        if dim < head
        else rotated
    )
    if rank == 4:
        return [out(ctx.ops.transpose(y, i64([0, 2, 1, 3])))]
    return [reshape(ctx, y, shape_of(ctx, x0))]


def swiglu(ctx: NodeContext) -> list[Output]:
    """a * sigmoid(alpha * a) * b."""
    a, b = ctx.input(0), ctx.input(1)
    alpha = ctx.attr("alpha", 1.0)
    gate = out(ctx.ops.sigmoid(out(ctx.ops.multiply(a, scalar_like(alpha, a)))))
    return [out(ctx.ops.multiply(out(ctx.ops.multiply(a, gate)), b))]


def tensor_scatter(ctx: NodeContext) -> list[Output]:
    """Write ``update`` into ``past_cache`` along ``axis`` from write_indices[batch] onwards."""
    cache, update = ctx.input(0), ctx.input(1)
    rank = ctx.static_rank(0, "past_cache")
    axis = normalize_axis(ctx, ctx.attr("axis", -2), rank)
    mode = ctx.attr("mode", "linear")
    if mode not in ("linear", "circular"):
        raise ctx.fail(f"attribute 'mode' must be linear or circular, got {mode!r}")
    ushape = shape_of(ctx, update)
    length = out(ctx.ops.gather(ushape, i64(axis), i64(0), batch_dims=0))
    steps = out(ctx.ops.range(i64(0), length, i64(1), output_type="i64"))
    steps = reshape(ctx, steps, [-1 if a == axis else 1 for a in range(rank)])
    start = ctx.optional_input(2)
    start = (
        i64(0)
        if start is None
        else reshape(ctx, convert(ctx, start, "i64"), [-1] + [1] * (rank - 1))
    )
    index = out(ctx.ops.add(steps, start))
    if mode == "circular":
        size = out(ctx.ops.gather(shape_of(ctx, cache), i64(axis), i64(0), batch_dims=0))
        index = out(ctx.ops.floor_mod(index, size))
    index = out(ctx.ops.broadcast(index, ushape, mode="numpy"))
    return [
        out(
            ctx.ops.scatter_elements_update(
                cache, index, update, i64(axis), reduction="none", use_init_val=True
            )
        )
    ]


def causal_conv_with_state(ctx: NodeContext) -> list[Output]:
    """Depthwise causal Conv1d over [past_state | input]; the last k-1 steps become the state."""
    x, w = ctx.input(0), ctx.input(1)
    k = static_dims(w)[2] if ctx.static_rank(1, "weight") == 3 else None
    if k is None:
        raise ctx.fail("the kernel size (weight dim 2) must be static")
    past = ctx.optional_input(3)
    if past is None:
        dims = shape_of(ctx, x)
        target = concat(
            ctx, [out(ctx.ops.gather(dims, i64([0, 1]), i64(0), batch_dims=0)), i64([k - 1])]
        )
        past = out(ctx.ops.broadcast(scalar_like(0, x), target, mode="numpy"))
    padded = concat(ctx, [past, x], 2)
    filters = out(ctx.ops.unsqueeze(w, i64([1])))  # [C, 1, 1, k]: one group per channel
    y = out(
        ctx.ops.group_convolution(
            padded,
            filters,
            strides=[1],
            dilations=[1],
            pads_begin=[0],
            pads_end=[0],
            auto_pad="explicit",
        )
    )
    if ctx.has_input(2):
        y = out(ctx.ops.add(y, reshape(ctx, ctx.input(2), [1, -1, 1])))
    activation = ctx.attr("activation", "none")
    if activation not in ("none", "silu", "swish"):
        raise ctx.fail(f"attribute 'activation' must be none, silu or swish, got {activation!r}")
    if activation != "none":
        y32 = convert(ctx, y, "f32")
        y = convert(ctx, out(ctx.ops.multiply(y32, out(ctx.ops.sigmoid(y32)))), y.element_type)
    big = np.iinfo(np.int64).max
    start = -(k - 1) if k > 1 else big
    state = out(ctx.ops.slice(padded, i64([start]), i64([big]), i64([1]), i64([2])))
    return [y, state]


CONVERTERS = [
    ("CausalConvWithState", 27, causal_conv_with_state),
    ("RotaryEmbedding", 23, rotary_embedding),
    ("SwiGLU", 28, swiglu),
    ("TensorScatter", 24, tensor_scatter),
]
