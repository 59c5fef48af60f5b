"""Index-producing ops: Range, Trilu, EyeLike, NonZero, Unique, TopK."""

from __future__ import annotations

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import element_type
from pyvino.frontend.onnx.ops._common import (
    convert,
    gather,
    i64,
    out,
    scalar_like,
    shape_of,
)


def range_(ctx: NodeContext) -> list[Output]:
    start, limit, delta = ctx.input(0), ctx.input(1), ctx.input(2)
    t = start.element_type
    if t in (Type.f16, Type.bf16) and ctx.attr("stash_type", 1):
        # accumulate in f32 and cast back (Range-27 stash_type=1)
        f = [convert(ctx, v, "f32") for v in (start, limit, delta)]
        return [convert(ctx, out(ctx.ops.range(*f, output_type="f32")), t)]
    return [out(ctx.ops.range(start, limit, delta, output_type=t))]


def _row_col_diff(ctx: NodeContext, x: Output) -> Output:
    """col - row for the last two dims of ``x``, shaped [H, W] (i64)."""
    hw = gather(ctx, shape_of(ctx, x), [-2, -1])
    h = gather(ctx, hw, 0)
    w = gather(ctx, hw, 1)
    rows = out(ctx.ops.range(i64(0), h, i64(1), output_type="i64"))
    cols = out(ctx.ops.range(i64(0), w, i64(1), output_type="i64"))
    rows = out(ctx.ops.unsqueeze(rows, i64([1])))
    return out(ctx.ops.subtract(cols, rows))


def _k(ctx: NodeContext, index: int) -> Output:
    if not ctx.has_input(index):
        return i64(0)
    k = convert(ctx, ctx.input(index), "i64")
    return out(ctx.ops.reshape(k, i64([]), special_zero=False))


def trilu(ctx: NodeContext) -> list[Output]:
    """Keep elements on or above (upper) / below (lower) diagonal k; zero the rest."""
    x = ctx.input(0)
    ctx.static_rank(0, "input")
    diff = _row_col_diff(ctx, x)
    k = _k(ctx, 1)
    keep = ctx.ops.greater_equal(diff, k) if ctx.attr("upper", 1) else ctx.ops.less_equal(diff, k)
    return [out(ctx.ops.select(out(keep), x, scalar_like(0, x)))]


def eye_like(ctx: NodeContext) -> list[Output]:
    """Eye-9 with rows and columns taken from the input's shape (as OpenVINO's frontend)."""
    x = ctx.input(0)
    if ctx.static_rank(0, "input") != 2:
        raise ctx.fail("input must be 2-D")
    code = ctx.attr("dtype", None)
    t = x.element_type if code is None else element_type(code)
    shape = shape_of(ctx, x)
    rows, cols = gather(ctx, shape, [0]), gather(ctx, shape, [1])
    return [out(ctx.ops.eye(rows, cols, i64([ctx.attr("k", 0)]), output_type=t))]


def non_zero(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.non_zero(ctx.input(0), output_type="i64"))]


def unique(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    axis = ctx.attr("axis", None)
    args = [x] if axis is None else [x, i64(axis)]
    node = ctx.ops.unique(
        *args,
        sorted=bool(ctx.attr("sorted", 1)),
        index_element_type="i64",
        count_element_type="i64",
    )
    return node.outputs()


def topk(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    if ctx.opset_version < 10:
        k = i64(ctx.attr("k"))
    else:
        k = out(ctx.ops.reshape(convert(ctx, ctx.input(1), "i64"), i64([]), special_zero=False))
    largest = ctx.attr("largest", 1) if ctx.opset_version >= 11 else 1
    is_sorted = ctx.attr("sorted", 1) if ctx.opset_version >= 11 else 1
    node = ctx.ops.topk(
        x,
        k,
        axis=ctx.attr("axis", -1),
        mode="max" if largest else "min",
        sort="value" if is_sorted else "none",
        index_element_type="i64",
        stable=True,
    )
    return node.outputs()


CONVERTERS = [
    ("Range", 11, range_),
    ("Trilu", 14, trilu),
    ("EyeLike", 9, eye_like),
    ("NonZero", 9, non_zero),
    ("Unique", 11, unique),
    ("TopK", 1, topk),
]
