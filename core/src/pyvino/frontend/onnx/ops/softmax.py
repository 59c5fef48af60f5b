"""Softmax, LogSoftmax and Hardmax with the opset<13 "flatten to 2-D at axis" semantics."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    shape_of,
    static_dims,
)


def _as_2d(ctx: NodeContext, x: Output, axis: int) -> Output:
    """``x`` reshaped to [prod(dims[:axis]), prod(dims[axis:])] (opset 1-12 semantics)."""
    dims = static_dims(x)
    if all(d is not None for d in dims):
        return reshape(ctx, x, [int(np.prod(dims[:axis], dtype=np.int64)), -1])
    head = out(ctx.ops.slice(shape_of(ctx, x), i64([0]), i64([axis]), i64([1]), i64([0])))
    outer = out(ctx.ops.reduce_prod(head, i64([0]), keep_dims=True))
    return reshape(ctx, x, concat(ctx, [outer, i64([-1])]))


def _along_axis(build: Callable[[NodeContext, Output, int], Output]):
    """Apply ``build(ctx, x, axis)`` with each opset's meaning of ``axis``."""

    def convert(ctx: NodeContext) -> list[Output]:
        x = ctx.input(0)
        rank = ctx.static_rank(0, "input")
        if ctx.opset_version >= 13:
            return [build(ctx, x, normalize_axis(ctx, ctx.attr("axis", -1), rank))]
        axis = normalize_axis(ctx, ctx.attr("axis", 1), max(rank, 1)) if rank else 0
        if rank <= 1 or axis == rank - 1:  # flattening at the last axis changes nothing
            return [build(ctx, x, max(rank - 1, 0))]
        flat = _as_2d(ctx, x, axis)
        return [reshape(ctx, build(ctx, flat, 1), shape_of(ctx, x))]

    return convert


def _softmax(ctx: NodeContext, x: Output, axis: int) -> Output:
    return out(ctx.ops.softmax(x, axis=axis))


def _log_softmax(ctx: NodeContext, x: Output, axis: int) -> Output:
    return out(ctx.ops.log_softmax(x, axis=axis))


def _hardmax(ctx: NodeContext, x: Output, axis: int) -> Output:
    """One-hot of the first maximum along ``axis``."""
    topk = ctx.ops.topk(
        x, i64(1), axis=axis, mode="max", sort="none", index_element_type="i64", stable=True
    )
    idx = out(ctx.ops.squeeze(topk.output(1), i64([axis])))
    depth = out(ctx.ops.gather(shape_of(ctx, x), i64(axis), i64(0), batch_dims=0))
    on, off = scalar_like(1, x), scalar_like(0, x)
    return out(ctx.ops.one_hot(idx, depth, on, off, axis=axis))


CONVERTERS = [
    ("Softmax", 1, _along_axis(_softmax)),
    ("LogSoftmax", 1, _along_axis(_log_softmax)),
    ("Hardmax", 1, _along_axis(_hardmax)),
]
