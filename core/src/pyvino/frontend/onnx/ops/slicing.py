"""Cutting and padding: Split, Slice, Pad, CenterCropPad, Compress, ReverseSequence."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    gather,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    shape_of,
    static_dims,
)


def _split_sizes(ctx: NodeContext) -> list[int] | Output | None:
    """Split lengths: the attribute (opset 2-12) or input 1 (opset 1 and 13+), if given."""
    if 2 <= ctx.opset_version < 13:
        return list(ctx.attr("split")) if ctx.has_attr("split") else None
    if ctx.opset_version < 13 and ctx.has_attr("split"):
        return list(ctx.attr("split"))
    if not ctx.has_input(1):
        return None
    value = ctx.value(1)
    if value is None:
        return convert(ctx, ctx.input(1), "i64")
    return [int(v) for v in np.asarray(value).reshape(-1)]


def split(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    axis = ctx.attr("axis", 0)
    n = ctx.num_outputs
    sizes = _split_sizes(ctx)
    if sizes is None and ctx.opset_version >= 18:
        n = ctx.attr("num_outputs", n)
        rank = ctx.input_rank(0)
        dim = None if rank is None else static_dims(x)[normalize_axis(ctx, axis, rank)]
        if dim is not None and dim % n:
            chunk = -(-dim // n)
            sizes = [chunk] * (dim // chunk) + ([dim % chunk] if dim % chunk else [])
    if sizes is None:
        node = ctx.ops.split(x, i64(axis), num_splits=n)
    else:
        node = ctx.ops.variadic_split(
            x, i64(axis), sizes if isinstance(sizes, Output) else i64(sizes)
        )
    return node.outputs()


def _slice_params(ctx: NodeContext) -> tuple[Output, Output, Output | None, Output | None]:
    if ctx.opset_version < 10:
        starts, ends = ctx.attr("starts"), ctx.attr("ends")
        axes = ctx.attr("axes", None)
        return i64(starts), i64(ends), (None if axes is None else i64(axes)), None
    starts = convert(ctx, ctx.input(1), "i64")
    ends = convert(ctx, ctx.input(2), "i64")
    axes = ctx.optional_input(3)
    steps = ctx.optional_input(4)
    return (
        starts,
        ends,
        None if axes is None else convert(ctx, axes, "i64"),
        None if steps is None else convert(ctx, steps, "i64"),
    )


def slice_(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    starts, ends, axes, steps = _slice_params(ctx)
    if steps is None:
        steps = out(ctx.ops.broadcast(i64(1), out(ctx.ops.shape_of(starts, output_type="i64"))))
    if axes is None:
        return [out(ctx.ops.slice(x, starts, ends, steps))]
    return [out(ctx.ops.slice(x, starts, ends, steps, axes))]


def _scatter_axes(ctx: NodeContext, values: Output, axes: Output, rank: int) -> Output:
    """A [rank] i64 vector: ``values`` at positions ``axes`` (negative allowed), zeros elsewhere."""
    axes = convert(ctx, axes, "i64")
    axes = out(
        ctx.ops.select(out(ctx.ops.less(axes, i64(0))), out(ctx.ops.add(axes, i64(rank))), axes)
    )
    zeros = i64([0] * rank)
    return out(
        ctx.ops.scatter_elements_update(
            zeros, axes, values, i64(0), reduction="none", use_init_val=True
        )
    )


def _pads(ctx: NodeContext, rank: int) -> tuple[Output, Output]:
    """(pads_begin, pads_end) as [rank] i64 tensors for every opset's way of giving pads."""
    if ctx.opset_version < 11:
        pads = np.asarray(
            ctx.attr("pads" if ctx.opset_version >= 2 else "paddings"), dtype=np.int64
        )
        if pads.size != 2 * rank:
            raise ctx.fail(
                f"pads has {pads.size} values; expected {2 * rank} for a rank-{rank} input"
            )
        return i64(pads[:rank]), i64(pads[rank:])
    pads = convert(ctx, ctx.input(1), "i64")
    begin, end = ctx.ops.split(pads, i64(0), num_splits=2).outputs()
    if ctx.has_input(3):
        return _scatter_axes(ctx, begin, ctx.input(3), rank), _scatter_axes(
            ctx, end, ctx.input(3), rank
        )
    return begin, end


def _pad_wrap(ctx: NodeContext, x: Output, begin: Output, end: Output, rank: int) -> Output:
    """Circular padding (non-negative pads): copies of the opposite edge, one axis at a time."""
    big = i64([np.iinfo(np.int64).max])
    for a in range(rank):
        b = gather(ctx, begin, [a])
        e = gather(ctx, end, [a])
        dim = gather(ctx, shape_of(ctx, x), [a])
        head = out(ctx.ops.slice(x, out(ctx.ops.subtract(dim, b)), big, i64([1]), i64([a])))
        tail = out(ctx.ops.slice(x, i64([0]), e, i64([1]), i64([a])))
        x = concat(ctx, [head, x, tail], a)
    return x


def pad(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    mode = ctx.attr("mode", "constant")
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise ctx.fail(f"attribute 'mode' must be constant, reflect, edge or wrap, got {mode!r}")
    rank = ctx.static_rank(0, "data")
    begin, end = _pads(ctx, rank)
    if mode == "wrap":
        return [_pad_wrap(ctx, x, begin, end, rank)]
    if ctx.opset_version < 11:
        value = scalar_like(ctx.attr("value", 0.0), x)
    else:
        value = ctx.optional_input(2) or scalar_like(0, x)
        if not value.partial_shape.rank_is_static or len(value.partial_shape):
            value = reshape(ctx, value, [])
    return [out(ctx.ops.pad(x, begin, end, value, pad_mode=mode))]


def center_crop_pad(ctx: NodeContext) -> list[Output]:
    """Crop (centred, extra on the end) where the target is smaller, pad where it is larger."""
    x = ctx.input(0)
    rank = ctx.static_rank(0, "input_data")
    axes = [normalize_axis(ctx, a, rank) for a in ctx.attr("axes", list(range(rank)))]
    target = convert(ctx, ctx.input(1), "i64")
    dims = gather(ctx, shape_of(ctx, x), axes)
    zero, two = i64(0), i64(2)
    crop = out(ctx.ops.maximum(out(ctx.ops.subtract(dims, target)), zero))
    start = out(ctx.ops.divide(crop, two, m_pythondiv=True))
    stop = out(ctx.ops.add(start, out(ctx.ops.minimum(dims, target))))
    x = out(ctx.ops.slice(x, start, stop, i64([1] * len(axes)), i64(axes)))
    grow = out(ctx.ops.maximum(out(ctx.ops.subtract(target, dims)), zero))
    before = out(ctx.ops.divide(grow, two, m_pythondiv=True))
    after = out(ctx.ops.subtract(grow, before))
    ax = i64(axes)
    begin, end = _scatter_axes(ctx, before, ax, rank), _scatter_axes(ctx, after, ax, rank)
    return [out(ctx.ops.pad(x, begin, end, scalar_like(0, x), pad_mode="constant"))]


def compress(ctx: NodeContext) -> list[Output]:
    x, cond = ctx.input(0), ctx.input(1)
    axis = ctx.attr("axis", None)
    if axis is None:
        x, axis = out(ctx.ops.reshape(x, i64([-1]), special_zero=False)), 0
    idx = out(ctx.ops.non_zero(cond, output_type="i64"))
    idx = out(ctx.ops.reshape(idx, i64([-1]), special_zero=False))
    return [out(ctx.ops.gather(x, idx, i64(axis), batch_dims=0))]


def reverse_sequence(ctx: NodeContext) -> list[Output]:
    return [
        out(
            ctx.ops.reverse_sequence(
                ctx.input(0),
                ctx.input(1),
                batch_axis=ctx.attr("batch_axis", 1),
                seq_axis=ctx.attr("time_axis", 0),
            )
        )
    ]


CONVERTERS = [
    ("Split", 1, split),
    ("Slice", 1, slice_),
    ("Pad", 1, pad),
    ("CenterCropPad", 18, center_crop_pad),
    ("Compress", 9, compress),
    ("ReverseSequence", 10, reverse_sequence),
]
