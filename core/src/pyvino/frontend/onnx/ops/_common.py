"""Small graph-building helpers shared by the converter modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pyvino._core_ops import Constant
from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext


def i64(values: Any) -> Output:
    """An i64 Constant (scalar or 1-D) output."""
    return Constant(np.asarray(values, dtype=np.int64), Type.i64).output(0)


def scalar_like(value: Any, like: Output) -> Output:
    """A scalar Constant of ``like``'s element type."""
    t = like.element_type
    return Constant(np.asarray(value).astype(t.dtype), t).output(0)


def out(node: Any) -> Output:
    return node if isinstance(node, Output) else node.output(0)


def rank_of(x: Output) -> int | None:
    shape = x.partial_shape
    return len(shape) if shape.rank_is_static else None


def static_dims(x: Output) -> list[int | None]:
    """Each dimension's size, or None where it is dynamic (the rank must be static)."""
    return [d.min if d.is_static else None for d in x.partial_shape]


def normalize_axis(ctx: NodeContext, axis: int, rank: int, what: str = "axis") -> int:
    if not -rank <= axis < rank:
        raise ctx.fail(f"{what} {axis} is out of range for a rank-{rank} input")
    return axis + rank if axis < 0 else axis


def shape_of(ctx: NodeContext, x: Output, element_type: str = "i64") -> Output:
    return out(ctx.ops.shape_of(x, output_type=element_type))


def convert(ctx: NodeContext, x: Output, element_type: Any) -> Output:
    t = Type.get(element_type)
    if x.element_type is t:
        return x
    return out(ctx.ops.convert(x, destination_type=t))


def reshape(
    ctx: NodeContext, x: Output, shape: Sequence[int] | Output, special_zero: bool = False
) -> Output:
    target = shape if isinstance(shape, Output) else i64(list(shape))
    return out(ctx.ops.reshape(x, target, special_zero=special_zero))


def unsqueeze(ctx: NodeContext, x: Output, axes: Sequence[int] | int) -> Output:
    return out(ctx.ops.unsqueeze(x, i64(axes)))


def squeeze(ctx: NodeContext, x: Output, axes: Sequence[int] | int) -> Output:
    return out(ctx.ops.squeeze(x, i64(axes)))


def gather(ctx: NodeContext, x: Output, indices: Any, axis: int = 0) -> Output:
    idx = indices if isinstance(indices, Output) else i64(indices)
    return out(ctx.ops.gather(x, idx, i64(axis), batch_dims=0))


def dims_of(ctx: NodeContext, x: Output, indices: Sequence[int]) -> Output:
    """The listed dimensions of ``x`` as a 1-D i64 tensor."""
    return gather(ctx, shape_of(ctx, x), list(indices))


def rank_tensor(ctx: NodeContext, x: Output) -> Output:
    """The rank of ``x`` as a 1-element i64 tensor."""
    return shape_of(ctx, shape_of(ctx, x))


def concat(ctx: NodeContext, parts: Sequence[Output], axis: int = 0) -> Output:
    if len(parts) == 1:
        return parts[0]
    return out(ctx.ops.concat(*parts, axis=axis))


def binary(ctx: NodeContext, op: str, a: Output, b: Output) -> Output:
    return out(getattr(ctx.ops, op)(a, b))


def broadcast_legacy(ctx: NodeContext, a: Output, b: Output) -> Output:
    """Align ``b`` for the opset<7 ``broadcast=1, axis=k`` rule (b's dims start at dim k of a)."""
    if not ctx.attr("broadcast", 0):
        return b
    ra, rb = rank_of(a), rank_of(b)
    if ra is None or rb is None:
        raise ctx.fail("legacy broadcast (broadcast=1) needs inputs of static rank")
    axis = ctx.attr("axis", ra - rb)
    axis = axis + ra if axis < 0 else axis
    trailing = ra - axis - rb
    if trailing < 0:
        raise ctx.fail(f"attribute 'axis'={axis} does not fit input B of rank {rb} into rank {ra}")
    return unsqueeze(ctx, b, list(range(rb, rb + trailing))) if trailing else b


def axes_input_or_attr(ctx: NodeContext, attr_until: int, index: int) -> list[int] | None:
    """Axes from the ``axes`` attribute (opset < ``attr_until``) or a constant input ``index``."""
    if ctx.opset_version < attr_until:
        axes = ctx.attr("axes", None)
        return None if axes is None else list(axes)
    if not ctx.has_input(index):
        return None
    return [int(a) for a in np.asarray(ctx.const_value(index, "axes")).reshape(-1)]
