"""Resize (opset 10, 11, 13, 18, 19) and Upsample (opset 7, 9) as OpenVINO Interpolate-11."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import convert, gather, i64, normalize_axis, out, shape_of

_MODES = {"nearest": "nearest", "linear": "linear_onnx", "cubic": "cubic"}
_COORDS = (
    "half_pixel",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
    "tf_half_pixel_for_nn",
)
_NEAREST = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")


def _interpolate(
    ctx: NodeContext,
    x: Output,
    target: Output,
    axes: Output | None,
    by_scales: bool,
    **attrs: object,
) -> Output:
    args = [x, target] + ([axes] if axes is not None else [])
    mode = "scales" if by_scales else "sizes"
    return out(ctx.ops.interpolate(*args, shape_calculation_mode=mode, **attrs))


def _mode(ctx: NodeContext) -> str:
    mode = ctx.attr("mode", "nearest")
    if mode not in _MODES:
        raise ctx.fail(f"attribute 'mode' must be nearest, linear or cubic, got {mode!r}")
    return _MODES[mode]


def _legacy(ctx: NodeContext, scales: Output) -> list[Output]:
    """Upsample and Resize-10: asymmetric coordinates, nearest rounds down."""
    return [
        _interpolate(
            ctx,
            ctx.input(0),
            convert(ctx, scales, "f32"),
            None,
            True,
            mode=_mode(ctx),
            coordinate_transformation_mode="asymmetric",
            nearest_mode="floor",
        )
    ]


def upsample(ctx: NodeContext) -> list[Output]:
    if ctx.opset_version >= 9:
        return _legacy(ctx, ctx.input(1))
    if ctx.has_attr("scales"):
        return _legacy(ctx, ctx.const(np.asarray(ctx.attr("scales"), dtype=np.float32)))
    rank = ctx.static_rank(0, "X")  # Upsample-1: height_scale / width_scale
    scales = [1.0] * (rank - 2) + [ctx.attr("height_scale"), ctx.attr("width_scale")]
    return _legacy(ctx, ctx.const(np.asarray(scales, dtype=np.float32)))


def resize_10(ctx: NodeContext) -> list[Output]:
    return _legacy(ctx, ctx.input(1))


def _aspect_sizes(
    ctx: NodeContext, x: Output, sizes: Output, axes: list[int], policy: str
) -> Output:
    """Sizes for keep_aspect_ratio_policy not_larger / not_smaller: one scale for all axes."""
    dims = convert(ctx, gather(ctx, shape_of(ctx, x), axes), "f32")
    ratios = out(ctx.ops.divide(convert(ctx, sizes, "f32"), dims))
    reduce = ctx.ops.reduce_min if policy == "not_larger" else ctx.ops.reduce_max
    scale = out(reduce(ratios, i64([0]), keep_dims=False))
    scaled = out(ctx.ops.multiply(dims, scale))
    return convert(ctx, out(ctx.ops.round(scaled, mode="half_away_from_zero")), "i64")


def _coordinate_mode(ctx: NodeContext) -> str:
    coord = ctx.attr("coordinate_transformation_mode", "half_pixel")
    if coord not in _COORDS:
        raise ctx.fail(
            f"attribute 'coordinate_transformation_mode'={coord!r} has no OpenVINO "
            f"Interpolate equivalent; supported: {', '.join(_COORDS)}"
        )
    return coord


def resize(ctx: NodeContext) -> list[Output]:
    """Resize-11+: inputs X, roi, scales, sizes (scales or sizes given, the other empty)."""
    x = ctx.input(0)
    rank = ctx.static_rank(0, "X")
    if ctx.attr("exclude_outside", 0):
        raise ctx.fail("attribute 'exclude_outside'=1 has no OpenVINO Interpolate equivalent")
    nearest = ctx.attr("nearest_mode", "round_prefer_floor")
    if nearest not in _NEAREST:
        raise ctx.fail(
            f"attribute 'nearest_mode' must be one of {', '.join(_NEAREST)}, got {nearest!r}"
        )
    axes = [normalize_axis(ctx, a, rank) for a in ctx.attr("axes", list(range(rank)))]
    attrs = dict(
        mode=_mode(ctx),
        coordinate_transformation_mode=_coordinate_mode(ctx),
        nearest_mode=nearest,
        antialias=bool(ctx.attr("antialias", 0)),
        cube_coeff=ctx.attr("cubic_coeff_a", -0.75),
    )
    scales_in = ctx.optional_input(2)
    if scales_in is not None and scales_in.partial_shape == [0]:
        scales_in = None  # an empty tensor stands for "not given" before opset 13
    if scales_in is not None:
        return [_interpolate(ctx, x, convert(ctx, scales_in, "f32"), i64(axes), True, **attrs)]
    if not ctx.has_input(3):
        raise ctx.fail("either scales (input 2) or sizes (input 3) must be given")
    sizes = convert(ctx, ctx.input(3), "i64")
    policy = ctx.attr("keep_aspect_ratio_policy", "stretch")
    if policy not in ("stretch", "not_larger", "not_smaller"):
        raise ctx.fail(f"attribute 'keep_aspect_ratio_policy' has unknown value {policy!r}")
    if policy != "stretch":
        sizes = _aspect_sizes(ctx, x, sizes, axes, policy)
    return [_interpolate(ctx, x, sizes, i64(axes), False, **attrs)]


CONVERTERS = [
    ("Upsample", 1, upsample),
    ("Resize", 10, resize_10),
    ("Resize", 11, resize),
]
