"""Detection: NonMaxSuppression (NonMaxSuppression-9) and RoiAlign (ROIAlign-9)."""

from __future__ import annotations

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import convert, i64, out, reshape, scalar_like


def _scalar(ctx: NodeContext, index: int, default: Output, element_type: str) -> Output:
    given = ctx.optional_input(index)
    return default if given is None else reshape(ctx, convert(ctx, given, element_type), [])


def non_max_suppression(ctx: NodeContext) -> list[Output]:
    boxes, scores = ctx.input(0), ctx.input(1)
    max_boxes = _scalar(ctx, 2, i64(0), "i64")
    iou = _scalar(ctx, 3, scalar_like(0, boxes), "f32")
    score = _scalar(ctx, 4, scalar_like(float("-inf"), boxes), "f32")
    encoding = "center" if ctx.attr("center_point_box", 0) else "corner"
    node = ctx.ops.non_max_suppression(
        boxes,
        scores,
        max_boxes,
        iou,
        score,
        box_encoding=encoding,
        sort_result_descending=False,
        output_type="i64",
    )
    return [node.output(0)]


def roi_align(ctx: NodeContext) -> list[Output]:
    mode = ctx.attr(
        "coordinate_transformation_mode",
        "half_pixel" if ctx.opset_version >= 16 else "output_half_pixel",
    )
    aligned = {"half_pixel": "half_pixel_for_nn", "output_half_pixel": "asymmetric"}.get(mode)
    if aligned is None:
        raise ctx.fail(f"attribute 'coordinate_transformation_mode' has unknown value {mode!r}")
    pool = ctx.attr("mode", "avg")
    if pool not in ("avg", "max"):
        raise ctx.fail(f"attribute 'mode' must be avg or max, got {pool!r}")
    node = ctx.ops.roi_align(
        ctx.input(0),
        ctx.input(1),
        convert(ctx, ctx.input(2), "i32"),
        pooled_h=ctx.attr("output_height", 1),
        pooled_w=ctx.attr("output_width", 1),
        sampling_ratio=ctx.attr("sampling_ratio", 0),
        spatial_scale=ctx.attr("spatial_scale", 1.0),
        mode=pool,
        aligned_mode=aligned,
    )
    return [out(node)]


CONVERTERS = [
    ("NonMaxSuppression", 10, non_max_suppression),
    ("RoiAlign", 10, roi_align),
]
