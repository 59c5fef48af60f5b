"""Indexing: Gather, GatherElements, GatherND, ScatterElements/Scatter, ScatterND, OneHot."""

from __future__ import annotations

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import convert, i64, out, scalar_like

_REDUCTIONS = {"none": "none", "add": "sum", "mul": "prod", "max": "max", "min": "min"}


def gather(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.gather(ctx.input(0), ctx.input(1), i64(ctx.attr("axis", 0)), batch_dims=0))]


def gather_elements(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.gather_elements(ctx.input(0), ctx.input(1), axis=ctx.attr("axis", 0)))]


def gather_nd(ctx: NodeContext) -> list[Output]:
    return [
        out(ctx.ops.gather_nd(ctx.input(0), ctx.input(1), batch_dims=ctx.attr("batch_dims", 0)))
    ]


def _reduction(ctx: NodeContext) -> str:
    name = ctx.attr("reduction", "none")
    if name not in _REDUCTIONS:
        raise ctx.fail(
            f"attribute 'reduction' must be one of {', '.join(_REDUCTIONS)}, got {name!r}"
        )
    return _REDUCTIONS[name]


def scatter_elements(ctx: NodeContext) -> list[Output]:
    data, indices, updates = ctx.input(0), ctx.input(1), ctx.input(2)
    node = ctx.ops.scatter_elements_update(
        data,
        indices,
        updates,
        i64(ctx.attr("axis", 0)),
        reduction=_reduction(ctx),
        use_init_val=True,
    )
    return [out(node)]


def scatter_nd(ctx: NodeContext) -> list[Output]:
    node = ctx.ops.scatter_nd_update(
        ctx.input(0), ctx.input(1), ctx.input(2), reduction=_reduction(ctx)
    )
    return [out(node)]


def one_hot(ctx: NodeContext) -> list[Output]:
    indices, depth, values = ctx.input(0), ctx.input(1), ctx.input(2)
    depth = convert(ctx, depth, "i64")
    if depth.partial_shape.rank_is_static and len(depth.partial_shape) == 1:
        depth = out(ctx.ops.squeeze(depth, i64([0])))
    indices = convert(ctx, indices, "i64")
    negative = out(ctx.ops.less(indices, scalar_like(0, indices)))
    indices = out(ctx.ops.select(negative, out(ctx.ops.add(indices, depth)), indices))
    off = out(ctx.ops.gather(values, i64(0), i64(0), batch_dims=0))
    on = out(ctx.ops.gather(values, i64(1), i64(0), batch_dims=0))
    return [out(ctx.ops.one_hot(indices, depth, on, off, axis=ctx.attr("axis", -1)))]


CONVERTERS = [
    ("Gather", 1, gather),
    ("GatherElements", 11, gather_elements),
    ("GatherND", 11, gather_nd),
    ("Scatter", 9, scatter_elements),
    ("ScatterElements", 11, scatter_elements),
    ("ScatterND", 11, scatter_nd),
    ("OneHot", 9, one_hot),
]
