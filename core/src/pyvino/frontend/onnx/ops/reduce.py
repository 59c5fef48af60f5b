"""Reductions (Reduce*, with axes moving from attribute to input at opset 13/18), ArgMax/ArgMin."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    convert,
    gather,
    i64,
    normalize_axis,
    out,
    scalar_like,
    shape_of,
)

Build = Callable[[NodeContext, Output, Output, bool], Output]


def _axes(ctx: NodeContext, input_since: int) -> Output | None:
    """The axes to reduce (an i64 Output), or None for "leave the input unchanged"."""
    if ctx.opset_version < input_since:
        axes = ctx.attr("axes", None)
        given = None if axes is None else list(axes)
    elif ctx.has_input(1):
        value = ctx.value(1)
        if value is None and ctx.input(1).partial_shape == [0]:
            value = np.zeros(0, dtype=np.int64)  # statically empty: same as no axes
        if value is None:
            return convert(ctx, ctx.input(1), "i64")
        given = [int(a) for a in np.asarray(value).reshape(-1)]
    else:
        given = None
    if not given:
        if ctx.opset_version >= input_since and ctx.attr("noop_with_empty_axes", 0):
            return None
        given = list(range(ctx.static_rank(0, "data")))
    return i64(given)


def _reduce(build: Build, input_since: int = 18) -> Callable[[NodeContext], list[Output]]:
    def convert_fn(ctx: NodeContext) -> list[Output]:
        x = ctx.input(0)
        axes = _axes(ctx, input_since)
        if axes is None:
            return [x]
        return [build(ctx, x, axes, bool(ctx.attr("keepdims", 1)))]

    return convert_fn


def _op(name: str, bool_name: str | None = None) -> Build:
    def build(ctx: NodeContext, x: Output, axes: Output, keep: bool) -> Output:
        op = bool_name if bool_name and x.element_type is Type.boolean else name
        return out(getattr(ctx.ops, op)(x, axes, keep_dims=keep))

    return build


def _log_sum(ctx: NodeContext, x: Output, axes: Output, keep: bool) -> Output:
    return out(ctx.ops.log(out(ctx.ops.reduce_sum(x, axes, keep_dims=keep))))


def _log_sum_exp(ctx: NodeContext, x: Output, axes: Output, keep: bool) -> Output:
    """log(sum(exp(x - m))) + m with m the maximum, for numerical stability."""
    m = out(ctx.ops.reduce_max(x, axes, keep_dims=True))
    finite = out(ctx.ops.is_finite(m))
    m = out(ctx.ops.select(finite, m, scalar_like(0, m)))
    s = out(ctx.ops.reduce_sum(out(ctx.ops.exp(out(ctx.ops.subtract(x, m)))), axes, keep_dims=keep))
    shift = m if keep else out(ctx.ops.squeeze(m, axes))
    return out(ctx.ops.add(out(ctx.ops.log(s)), shift))


def _sum_square(ctx: NodeContext, x: Output, axes: Output, keep: bool) -> Output:
    return out(ctx.ops.reduce_sum(out(ctx.ops.multiply(x, x)), axes, keep_dims=keep))


def _arg(mode: str) -> Callable[[NodeContext], list[Output]]:
    def convert_fn(ctx: NodeContext) -> list[Output]:
        x = ctx.input(0)
        rank = ctx.static_rank(0, "data")
        axis = normalize_axis(ctx, ctx.attr("axis", 0), rank)
        last = bool(ctx.attr("select_last_index", 0))
        if last:
            big = np.iinfo(np.int64).max
            x = out(ctx.ops.slice(x, i64([-1]), i64([-big]), i64([-1]), i64([axis])))
        topk = ctx.ops.topk(
            x, i64(1), axis=axis, mode=mode, sort="none", index_element_type="i64", stable=True
        )
        idx = topk.output(1)
        if last:
            n = gather(ctx, shape_of(ctx, x), [axis])
            idx = out(ctx.ops.subtract(out(ctx.ops.subtract(n, i64(1))), idx))
        if not ctx.attr("keepdims", 1):
            idx = out(ctx.ops.squeeze(idx, i64([axis])))
        return [idx]

    return convert_fn


def _all(onnx_name: str, build: Build) -> list[tuple[str, int, Callable]]:
    since = 13 if onnx_name == "ReduceSum" else 18
    return [(onnx_name, 1, _reduce(build, since))]


CONVERTERS = [
    *_all("ReduceSum", _op("reduce_sum")),
    *_all("ReduceMean", _op("reduce_mean")),
    *_all("ReduceMax", _op("reduce_max", "reduce_logical_or")),
    *_all("ReduceMin", _op("reduce_min", "reduce_logical_and")),
    *_all("ReduceProd", _op("reduce_prod")),
    *_all("ReduceL1", _op("reduce_l1")),
    *_all("ReduceL2", _op("reduce_l2")),
    *_all("ReduceLogSum", _log_sum),
    *_all("ReduceLogSumExp", _log_sum_exp),
    *_all("ReduceSumSquare", _sum_square),
    ("ArgMax", 1, _arg("max")),
    ("ArgMin", 1, _arg("min")),
]
