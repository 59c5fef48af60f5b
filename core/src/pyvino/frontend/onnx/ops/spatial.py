"""Spatial sampling: AffineGrid (decomposed), GridSample (GridSample-9), Col2Im (Col2Im-15),
DeformConv (DeformableConvolution-8)."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    gather,
    i64,
    out,
    reshape,
)
from pyvino.frontend.onnx.ops.conv import add_bias, spatial_rank, window


def _coords(ctx: NodeContext, size: Output, like: Output, align: bool) -> Output:
    """Normalised sample positions in [-1, 1] along one axis of ``size`` points (f32)."""
    n = convert(ctx, size, "f32")
    idx = out(
        ctx.ops.range(ctx.const(np.float32(0)), n, ctx.const(np.float32(1)), output_type="f32")
    )
    two = ctx.const(np.float32(2))
    if align:  # -1 + 2 i / (n - 1)
        step = out(ctx.ops.divide(two, out(ctx.ops.subtract(n, ctx.const(np.float32(1))))))
        return out(ctx.ops.add(out(ctx.ops.multiply(idx, step)), ctx.const(np.float32(-1))))
    # (2 i + 1) / n - 1
    num = out(ctx.ops.add(out(ctx.ops.multiply(idx, two)), ctx.const(np.float32(1))))
    return out(ctx.ops.subtract(out(ctx.ops.divide(num, n)), ctx.const(np.float32(1))))


def affine_grid(ctx: NodeContext) -> list[Output]:
    """grid[n, ..., :] = theta[n] @ (x, y[, z], 1) over a base grid of the requested size."""
    theta, size = ctx.input(0), convert(ctx, ctx.input(1), "i64")
    dims_shape = size.partial_shape
    if not dims_shape.is_static:
        raise ctx.fail("size must have a static length (4 for 2-D, 5 for 3-D)")
    spatial = dims_shape.to_shape()[0] - 2
    align = bool(ctx.attr("align_corners", 0))
    sizes = [gather(ctx, size, k) for k in range(2, 2 + spatial)]
    axes = [_coords(ctx, s, theta, align) for s in sizes]  # z?, y, x
    grid_shape = concat(ctx, [reshape(ctx, s, [1]) for s in sizes])
    planes = []
    for k, a in enumerate(reversed(axes)):  # x varies along the last axis, then y, then z
        shape = [1] * spatial
        shape[spatial - 1 - k] = -1
        planes.append(out(ctx.ops.broadcast(reshape(ctx, a, shape), grid_shape, mode="numpy")))
    planes.append(out(ctx.ops.broadcast(ctx.const(np.float32(1)), grid_shape, mode="numpy")))
    base = concat(ctx, [out(ctx.ops.unsqueeze(p, i64([spatial]))) for p in planes], spatial)
    flat = reshape(ctx, convert(ctx, base, theta.element_type), [-1, spatial + 1])  # [P, spatial+1]
    grid = out(ctx.ops.matmul(flat, theta, transpose_a=False, transpose_b=True))  # [N, P, spatial]
    target = concat(ctx, [gather(ctx, size, [0]), grid_shape, i64([spatial])])
    return [reshape(ctx, grid, target)]


_GRID_MODES = {
    "bilinear": "bilinear",
    "linear": "bilinear",
    "nearest": "nearest",
    "bicubic": "bicubic",
    "cubic": "bicubic",
}


def grid_sample(ctx: NodeContext) -> list[Output]:
    mode = ctx.attr("mode", "linear" if ctx.opset_version >= 20 else "bilinear")
    if mode not in _GRID_MODES:
        raise ctx.fail(f"attribute 'mode' has unknown value {mode!r}")
    padding = ctx.attr("padding_mode", "zeros")
    if padding not in ("zeros", "border", "reflection"):
        raise ctx.fail(f"attribute 'padding_mode' has unknown value {padding!r}")
    if ctx.input_rank(0) not in (None, 4):
        raise ctx.fail("OpenVINO GridSample-9 samples 4-D inputs only")
    return [
        out(
            ctx.ops.grid_sample(
                ctx.input(0),
                ctx.input(1),
                align_corners=bool(ctx.attr("align_corners", 0)),
                mode=_GRID_MODES[mode],
                padding_mode=padding,
            )
        )
    ]


def col2im(ctx: NodeContext) -> list[Output]:
    n = 2 if ctx.input(1).partial_shape == [2] else None
    if n is None:
        shape = ctx.input(1).partial_shape
        if not shape.is_static:
            raise ctx.fail("image_shape must have a static length")
        n = shape.to_shape()[0]
    pads = list(ctx.attr("pads", [0] * (2 * n)))
    node = ctx.ops.col2im(
        ctx.input(0),
        convert(ctx, ctx.input(1), "i64"),
        convert(ctx, ctx.input(2), "i64"),
        strides=list(ctx.attr("strides", [1] * n)),
        dilations=list(ctx.attr("dilations", [1] * n)),
        pads_begin=pads[:n],
        pads_end=pads[n:],
    )
    return [out(node)]


def deform_conv(ctx: NodeContext) -> list[Output]:
    x, w, offset = ctx.input(0), ctx.input(1), ctx.input(2)
    n = spatial_rank(ctx, x, w)
    win = window(ctx, n)
    args = [x, offset, w] + ([ctx.input(4)] if ctx.has_input(4) else [])
    y = out(
        ctx.ops.deformable_convolution(
            *args,
            strides=win.strides,
            dilations=win.dilations,
            pads_begin=win.pads_begin,
            pads_end=win.pads_end,
            auto_pad="explicit",
            group=ctx.attr("group", 1),
            deformable_group=ctx.attr("offset_group", 1),
            bilinear_interpolation_pad=True,
        )
    )
    return [add_bias(ctx, y, ctx.optional_input(3), n + 2)]


CONVERTERS = [
    ("AffineGrid", 20, affine_grid),
    ("GridSample", 16, grid_sample),
    ("Col2Im", 18, col2im),
    ("DeformConv", 19, deform_conv),
]
