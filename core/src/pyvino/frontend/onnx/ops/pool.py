"""Pooling: MaxPool, AveragePool, Global*Pool, LpPool, MaxUnpool.

Window sums that OpenVINO's pools cannot express (dilated AveragePool, LpPool) are a
GroupConvolution with an all-ones depthwise filter.
"""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    convert,
    i64,
    out,
    reshape,
    scalar_like,
    shape_of,
    static_dims,
)
from pyvino.frontend.onnx.ops.conv import Window, spatial_rank, window


def _kernel(ctx: NodeContext, n: int) -> list[int]:
    kernel = list(ctx.attr("kernel_shape"))
    if len(kernel) != n:
        raise ctx.fail(f"attribute 'kernel_shape' has {len(kernel)} values; expected {n}")
    return kernel


def _rounding(ctx: NodeContext) -> str:
    # ONNX drops a last window that would start in the end padding: OpenVINO's ceil_torch.
    return "ceil_torch" if ctx.attr("ceil_mode", 0) else "floor"


def _pool_attrs(win: Window, kernel: list[int], rounding: str) -> dict:
    return dict(
        strides=win.strides,
        pads_begin=win.pads_begin,
        pads_end=win.pads_end,
        kernel=kernel,
        rounding_type=rounding,
        auto_pad=win.auto_pad,
    )


def max_pool(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    n = spatial_rank(ctx)
    kernel = _kernel(ctx, n)
    win = window(ctx, n)
    node = ctx.ops.max_pool(
        x,
        dilations=win.dilations,
        index_element_type="i64",
        axis=0,
        **_pool_attrs(win, kernel, _rounding(ctx)),
    )
    values, indices = node.output(0), node.output(1)
    if ctx.output_used(1) and ctx.attr("storage_order", 0):
        indices = _column_major(ctx, x, indices, n)
    return [values, indices]


def _column_major(ctx: NodeContext, x: Output, idx: Output, n: int) -> Output:
    """Row-major flat indices -> ONNX storage_order=1 (column-major spatial) indices."""
    if n != 2:
        raise ctx.fail("storage_order=1 is supported for 2-D pooling only")
    h, w = static_dims(x)[2:]
    if h is None or w is None:
        raise ctx.fail("storage_order=1 needs static spatial dims")
    hw = i64(h * w)
    base = out(ctx.ops.multiply(out(ctx.ops.divide(idx, hw, m_pythondiv=True)), hw))
    r = out(ctx.ops.floor_mod(idx, hw))
    row = out(ctx.ops.divide(r, i64(w), m_pythondiv=True))
    col = out(ctx.ops.floor_mod(r, i64(w)))
    return out(ctx.ops.add(base, out(ctx.ops.add(out(ctx.ops.multiply(col, i64(h))), row))))


def _window_sum(
    ctx: NodeContext, x: Output, kernel: list[int], win: Window, ends: list[int]
) -> Output:
    """Sum over each (dilated) window of an already padded ``x``: an all-ones depthwise conv."""
    c = static_dims(x)[1]
    if c is None:
        raise ctx.fail("the channel dimension must be static")
    ones = ctx.const(np.ones([c, 1, 1, *kernel], dtype=x.element_type.dtype), x.element_type)
    zeros = [0] * len(kernel)
    return out(
        ctx.ops.group_convolution(
            x,
            ones,
            strides=win.strides,
            dilations=win.dilations,
            pads_begin=zeros,
            pads_end=ends,
            auto_pad="explicit",
        )
    )


def _ceil_overhang(ctx: NodeContext, x: Output, kernel: list[int], win: Window) -> list[int]:
    """Extra end padding that makes a floor-rounded window count equal ONNX's ceil_mode count."""
    n = len(kernel)
    if not ctx.attr("ceil_mode", 0):
        return [0] * n
    dims = static_dims(x)[2:]
    if any(d is None for d in dims):
        raise ctx.fail("ceil_mode with dilations needs static spatial dims")
    extra = []
    for i in range(n):
        eff = (kernel[i] - 1) * win.dilations[i] + 1
        padded = dims[i] + win.pads_begin[i] + win.pads_end[i]
        count = -(-(padded - eff) // win.strides[i]) + 1
        if (count - 1) * win.strides[i] >= dims[i] + win.pads_begin[i]:
            count -= 1
        extra.append(max(0, (count - 1) * win.strides[i] + eff - padded))
    return extra


def _explicit_pads(ctx: NodeContext, x: Output, kernel: list[int], win: Window) -> None:
    """Resolve VALID / SAME_UPPER / SAME_LOWER into explicit pads (static spatial dims)."""
    n = len(kernel)
    if win.auto_pad == "valid":
        win.pads_begin, win.pads_end = [0] * n, [0] * n
    elif win.auto_pad in ("same_upper", "same_lower"):
        dims = static_dims(x)[2:]
        if any(d is None for d in dims):
            raise ctx.fail("SAME auto_pad needs static spatial dims here")
        for i in range(n):
            eff = (kernel[i] - 1) * win.dilations[i] + 1
            total = max((-(-dims[i] // win.strides[i]) - 1) * win.strides[i] + eff - dims[i], 0)
            small = total // 2
            upper = win.auto_pad == "same_upper"
            win.pads_begin[i], win.pads_end[i] = (
                (small, total - small) if upper else (total - small, small)
            )
    win.auto_pad = "explicit"


def _dilated_average(ctx: NodeContext, x: Output, kernel: list[int], win: Window) -> Output:
    """AveragePool with dilations: window sums divided by the counted positions."""
    _explicit_pads(ctx, x, kernel, win)
    extra = _ceil_overhang(ctx, x, kernel, win)
    include = bool(ctx.attr("count_include_pad", 0))
    pb, pe = [0, 0, *win.pads_begin], [0, 0, *win.pads_end]
    padded = out(ctx.ops.pad(x, i64(pb), i64(pe), scalar_like(0, x), pad_mode="constant"))
    total = _window_sum(ctx, padded, kernel, win, extra)
    first = out(ctx.ops.slice(x, i64([0]), i64([1]), i64([1]), i64([1])))
    ones = out(ctx.ops.broadcast(scalar_like(1, x), shape_of(ctx, first), mode="numpy"))
    ones = out(
        ctx.ops.pad(
            ones, i64(pb), i64(pe), scalar_like(1 if include else 0, x), pad_mode="constant"
        )
    )
    return out(ctx.ops.divide(total, _window_sum(ctx, ones, kernel, win, extra)))


def average_pool(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    n = spatial_rank(ctx)
    kernel = _kernel(ctx, n)
    win = window(ctx, n)
    if any(d != 1 for d in win.dilations):
        return [_dilated_average(ctx, x, kernel, win)]
    include_pad = bool(ctx.attr("count_include_pad", 0))
    return [
        out(
            ctx.ops.avg_pool(
                x, **{"exclude-pad": not include_pad}, **_pool_attrs(win, kernel, _rounding(ctx))
            )
        )
    ]


def _global(op: str):
    def convert(ctx: NodeContext) -> list[Output]:
        rank = ctx.static_rank(0, "X")
        axes = i64(list(range(2, rank)))
        return [out(getattr(ctx.ops, op)(ctx.input(0), axes, keep_dims=True))]

    return convert


def lp_pool(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    n = spatial_rank(ctx)
    kernel = _kernel(ctx, n)
    win = window(ctx, n)
    _explicit_pads(ctx, x, kernel, win)
    p = ctx.attr("p", 2)
    powered = out(ctx.ops.power(out(ctx.ops.abs(x)), scalar_like(p, x)))
    padded = out(
        ctx.ops.pad(
            powered,
            i64([0, 0, *win.pads_begin]),
            i64([0, 0, *win.pads_end]),
            scalar_like(0, x),
            pad_mode="constant",
        )
    )
    total = _window_sum(ctx, padded, kernel, win, _ceil_overhang(ctx, x, kernel, win))
    return [out(ctx.ops.power(total, scalar_like(1.0 / p, total)))]


def global_lp_pool(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    rank = ctx.static_rank(0, "X")
    p = ctx.attr("p", 2)
    powered = out(ctx.ops.power(out(ctx.ops.abs(x)), scalar_like(p, x)))
    total = out(ctx.ops.reduce_sum(powered, i64(list(range(2, rank))), keep_dims=True))
    return [out(ctx.ops.power(total, scalar_like(1.0 / p, total)))]


def max_unpool(ctx: NodeContext) -> list[Output]:
    """Scatter X's values to their flat indices in zeros of the unpooled shape; a larger
    output_shape keeps that block in its top-left corner (zeros after it)."""
    x, idx = ctx.input(0), ctx.input(1)
    n = spatial_rank(ctx)
    kernel = _kernel(ctx, n)
    win = window(ctx, n)
    dims = static_dims(x)
    if any(d is None for d in dims):
        raise ctx.fail("input X must have a static shape")
    spatial = [
        (dims[2 + i] - 1) * win.strides[i] + kernel[i] - win.pads_begin[i] - win.pads_end[i]
        for i in range(n)
    ]
    inferred = [*dims[:2], *spatial]
    zeros = ctx.const(np.zeros(int(np.prod(inferred)), dtype=x.element_type.dtype), x.element_type)
    scattered = out(
        ctx.ops.scatter_elements_update(
            zeros,
            reshape(ctx, idx, [-1]),
            reshape(ctx, x, [-1]),
            i64(0),
            reduction="none",
            use_init_val=True,
        )
    )
    y = reshape(ctx, scattered, inferred)
    if not ctx.has_input(2):
        return [y]
    grow = out(ctx.ops.subtract(convert(ctx, ctx.input(2), "i64"), i64(inferred)))
    return [out(ctx.ops.pad(y, i64([0] * (n + 2)), grow, scalar_like(0, x), pad_mode="constant"))]


CONVERTERS = [
    ("MaxPool", 1, max_pool),
    ("AveragePool", 1, average_pool),
    ("GlobalAveragePool", 1, _global("reduce_mean")),
    ("GlobalMaxPool", 1, _global("reduce_max")),
    ("LpPool", 1, lp_pool),
    ("GlobalLpPool", 1, global_lp_pool),
    ("MaxUnpool", 9, max_unpool),
]
