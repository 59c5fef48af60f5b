"""Convolutions: Conv and ConvTranspose (grouped forms reshape the filters for OpenVINO).

As in OpenVINO's own frontend, a Conv with a bias becomes ``Convolution`` named
"<node>/WithoutBiases" followed by ``Add`` named "<node>".
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    i64,
    out,
    rank_of,
    reshape,
    shape_of,
    static_dims,
)

AUTO_PAD = {
    "NOTSET": "explicit",
    "SAME_UPPER": "same_upper",
    "SAME_LOWER": "same_lower",
    "VALID": "valid",
}


@dataclass
class Window:
    """Spatial attributes shared by Conv, ConvTranspose and the pools."""

    strides: list[int]
    dilations: list[int]
    pads_begin: list[int]
    pads_end: list[int]
    auto_pad: str


def window(ctx: NodeContext, n: int) -> Window:
    """Read strides/dilations/pads/auto_pad for ``n`` spatial dims, checking their lengths."""
    strides = list(ctx.attr("strides", [1] * n))
    dilations = list(ctx.attr("dilations", [1] * n))
    pads = list(ctx.attr("pads", [0] * (2 * n)))
    auto = ctx.attr("auto_pad", "NOTSET") or "NOTSET"
    if auto not in AUTO_PAD:
        raise ctx.fail(f"attribute 'auto_pad' must be one of {', '.join(AUTO_PAD)}, got {auto!r}")
    for name, values, want in (
        ("strides", strides, n),
        ("dilations", dilations, n),
        ("pads", pads, 2 * n),
    ):
        if len(values) != want:
            raise ctx.fail(f"attribute {name!r} has {len(values)} values; expected {want}")
    return Window(strides, dilations, pads[:n], pads[n:], AUTO_PAD[auto])


def spatial_rank(ctx: NodeContext, x: Output | None = None, w: Output | None = None) -> int:
    """Number of spatial dims from the data (or filter) rank, which must be at least 3."""
    x = x if x is not None else ctx.input(0)
    if w is None and ctx.num_inputs > 1:
        w = ctx.input(1)
    rank = rank_of(x)
    if rank is None and w is not None:
        rank = rank_of(w)
    if rank is None:
        raise ctx.fail("input X or W must have a static rank")
    if rank < 3:
        raise ctx.fail(f"input X must have rank >= 3 ([N, C, spatial...]), got rank {rank}")
    return rank - 2


def grouped_filters(ctx: NodeContext, w: Output, groups: int, transposed: bool) -> Output:
    """[O, I/G, k..] -> [G, O/G, I/G, k..] (or [I, O/G, k..] -> [G, I/G, O/G, k..])."""
    dims = static_dims(w)
    if all(d is not None for d in dims):
        return reshape(ctx, w, [groups, dims[0] // groups, *dims[1:]])
    rest = out(ctx.ops.slice(shape_of(ctx, w), i64([1]), i64([len(dims)]), i64([1]), i64([0])))
    return reshape(ctx, w, concat(ctx, [i64([groups, -1]), rest]))


def add_bias(ctx: NodeContext, y: Output, bias: Output | None, rank: int) -> Output:
    """Name the raw op "<node>/WithoutBiases" and add the per-channel bias as "<node>"."""
    if bias is None:
        return y
    y.node.set_friendly_name(f"{ctx.node_name}/WithoutBiases")
    b = reshape(ctx, bias, [1, -1] + [1] * (rank - 2))
    return out(ctx.ops.add(y, b, name=ctx.node_name))


def conv(ctx: NodeContext) -> list[Output]:
    return [convolution(ctx, ctx.input(0), ctx.input(1), ctx.optional_input(2))]


def convolution(ctx: NodeContext, x: Output, w: Output, bias: Output | None) -> Output:
    """Conv of ``x`` with ``w`` (+ ``bias``) using the node's attributes (also for ConvInteger)."""
    n = spatial_rank(ctx, x, w)
    win = window(ctx, n)
    groups = ctx.attr("group", 1)
    attrs = dict(
        strides=win.strides,
        dilations=win.dilations,
        pads_begin=win.pads_begin,
        pads_end=win.pads_end,
        auto_pad=win.auto_pad,
    )
    if groups == 1:
        y = out(ctx.ops.convolution(x, w, **attrs))
    else:
        y = out(ctx.ops.group_convolution(x, grouped_filters(ctx, w, groups, False), **attrs))
    return add_bias(ctx, y, bias, n + 2)


def _transposed_pads(
    ctx: NodeContext, x: Output, w: Output, win: Window, out_pad: list[int]
) -> None:
    """Explicit pads for ConvTranspose with output_shape or SAME auto_pad (ONNX's formulas)."""
    n = len(win.strides)
    xs, ws = static_dims(x)[2:], static_dims(w)[2:]
    kernel = list(ctx.attr("kernel_shape", ws))
    if any(d is None for d in xs) or any(k is None for k in kernel):
        raise ctx.fail("output_shape / SAME auto_pad need static spatial dims of X and W")
    target = ctx.attr("output_shape", None)
    if target is not None:
        target = list(target)[-n:]
    mode = win.auto_pad
    if target is None:
        target = [d * s for d, s in zip(xs, win.strides, strict=True)]
    for i in range(n):
        natural = win.strides[i] * (xs[i] - 1) + out_pad[i] + (kernel[i] - 1) * win.dilations[i] + 1
        total = natural - target[i]
        if mode == "explicit":  # keep the given pads; grow or crop at the end
            win.pads_end[i] = total - win.pads_begin[i]
        elif mode == "same_upper":
            win.pads_begin[i], win.pads_end[i] = total // 2, total - total // 2
        else:
            win.pads_begin[i], win.pads_end[i] = total - total // 2, total // 2
        if win.pads_end[i] < 0:  # an output larger than the natural one: extra zeros at the end
            out_pad[i] -= win.pads_end[i]
            win.pads_end[i] = 0
        if win.pads_begin[i] < 0:
            raise ctx.fail(f"output_shape {target} needs negative leading padding on axis {i}")
    win.auto_pad = "explicit"


def conv_transpose(ctx: NodeContext) -> list[Output]:
    x, w = ctx.input(0), ctx.input(1)
    n = spatial_rank(ctx)
    win = window(ctx, n)
    groups = ctx.attr("group", 1)
    out_pad = list(ctx.attr("output_padding", [0] * n))
    if ctx.has_attr("output_shape") or win.auto_pad in ("same_upper", "same_lower"):
        _transposed_pads(ctx, x, w, win, out_pad)
    attrs = dict(
        strides=win.strides,
        dilations=win.dilations,
        pads_begin=win.pads_begin,
        pads_end=win.pads_end,
        auto_pad=win.auto_pad,
        output_padding=out_pad,
    )
    if groups == 1:
        y = out(ctx.ops.convolution_backprop_data(x, w, **attrs))
    else:
        wg = grouped_filters(ctx, w, groups, True)
        y = out(ctx.ops.group_convolution_backprop_data(x, wg, **attrs))
    return [add_bias(ctx, y, ctx.optional_input(2), n + 2)]


CONVERTERS = [
    ("Conv", 1, conv),
    ("ConvTranspose", 1, conv_transpose),
]
