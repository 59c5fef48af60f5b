"""Shape manipulation: Reshape, Flatten, (Un)Squeeze, Transpose, Concat, Expand, Tile, Shape,
Size, ConstantOfShape, Constant, DepthToSpace, SpaceToDepth."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import sparse_to_array, tensor_to_array
from pyvino.frontend.onnx.ops._common import (
    convert,
    i64,
    normalize_axis,
    out,
    reshape,
    shape_of,
    static_dims,
)


def reshape_(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    if ctx.opset_version < 5:
        return [reshape(ctx, x, ctx.attr("shape"), special_zero=True)]
    allow_zero = ctx.attr("allowzero", 0) if ctx.opset_version >= 14 else 0
    target = convert(ctx, ctx.input(1), "i64")
    return [out(ctx.ops.reshape(x, target, special_zero=not allow_zero))]


def flatten(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    rank = ctx.static_rank(0, "data")
    axis = ctx.attr("axis", 1)
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis <= rank:
        raise ctx.fail(f"attribute 'axis'={ctx.attr('axis', 1)} is out of range for rank {rank}")
    dims = static_dims(x)
    if axis == 1 and dims[0] != 0 and rank > 1:  # keep the batch: Model.reshape can change it
        return [reshape(ctx, x, [0, -1], special_zero=True)]
    if all(d is not None for d in dims[:axis]):
        outer = int(np.prod(dims[:axis], dtype=np.int64))
        return [reshape(ctx, x, [outer, -1])]
    head = out(ctx.ops.slice(shape_of(ctx, x), i64([0]), i64([axis]), i64([1]), i64([0])))
    outer_t = out(ctx.ops.reduce_prod(head, i64([0]), keep_dims=True))
    return [reshape(ctx, x, out(ctx.ops.concat(outer_t, i64([-1]), axis=0)))]


def _axes(ctx: NodeContext) -> Output | None:
    """Axes from the attribute (opset < 13) or the (possibly computed) second input."""
    if ctx.opset_version < 13:
        axes = ctx.attr("axes", None)
        return None if axes is None else i64(list(axes))
    return convert(ctx, ctx.input(1), "i64") if ctx.has_input(1) else None


def squeeze(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    axes = _axes(ctx)
    return [out(ctx.ops.squeeze(x) if axes is None else ctx.ops.squeeze(x, axes))]


def unsqueeze(ctx: NodeContext) -> list[Output]:
    axes = _axes(ctx)
    if axes is None:
        raise ctx.fail("the axes to insert are required (attribute before opset 13, input after)")
    return [out(ctx.ops.unsqueeze(ctx.input(0), axes))]


def transpose(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    perm = ctx.attr("perm", None)
    if perm is None:
        perm = list(range(ctx.static_rank(0, "data")))[::-1]
    return [out(ctx.ops.transpose(x, i64(list(perm))))]


def concat_(ctx: NodeContext) -> list[Output]:
    parts = [x for x in ctx.inputs if x is not None]
    axis = ctx.attr("axis", 1 if ctx.opset_version < 4 else None)
    if axis is None:
        raise ctx.fail("attribute 'axis' is required")
    return [out(ctx.ops.concat(*parts, axis=axis))]


def expand(ctx: NodeContext) -> list[Output]:
    shape = convert(ctx, ctx.input(1), "i64")
    return [out(ctx.ops.broadcast(ctx.input(0), shape, mode="bidirectional"))]


def tile(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    if ctx.opset_version < 6:  # Tile-1: (input, tiles, axis) repeats one axis
        rank = ctx.static_rank(0, "input")
        axis = int(np.asarray(ctx.const_value(2, "axis")).reshape(-1)[0])
        tiles = int(np.asarray(ctx.const_value(1, "tiles")).reshape(-1)[0])
        repeats = [1] * rank
        repeats[normalize_axis(ctx, axis, rank)] = tiles
        return [out(ctx.ops.tile(x, i64(repeats)))]
    return [out(ctx.ops.tile(x, convert(ctx, ctx.input(1), "i64")))]


def shape(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    s = shape_of(ctx, x)
    start, end = ctx.attr("start", 0), ctx.attr("end", None)
    if start == 0 and end is None:
        return [s]
    rank = ctx.static_rank(0, "data")
    start = min(max(start + rank if start < 0 else start, 0), rank)
    stop = rank if end is None else min(max(end + rank if end < 0 else end, 0), rank)
    return [out(ctx.ops.slice(s, i64([start]), i64([max(stop, start)]), i64([1]), i64([0])))]


def size(ctx: NodeContext) -> list[Output]:
    s = shape_of(ctx, ctx.input(0))
    return [out(ctx.ops.reduce_prod(s, i64([0]), keep_dims=False))]


def constant_of_shape(ctx: NodeContext) -> list[Output]:
    value = ctx.attr("value", None)
    if value is None:
        value = np.zeros((), dtype=np.float32)
    value = np.asarray(value).reshape(())
    t = Type.get(value.dtype)
    target = convert(ctx, ctx.input(0), "i64")
    return [out(ctx.ops.broadcast(ctx.const(value, t), target, mode="numpy"))]


def constant(ctx: NodeContext) -> list[Output]:
    attrs = {a.name: a for a in ctx.node.attribute}
    if len(attrs) != 1:
        raise ctx.fail(f"expected exactly one value attribute, got {sorted(attrs) or 'none'}")
    name, attr = next(iter(attrs.items()))
    if name == "value":
        value, t = tensor_to_array(attr.t)
        return [ctx.const(value, t)]
    if name == "sparse_value":
        value, t = sparse_to_array(attr.sparse_tensor)
        return [ctx.const(value, t)]
    kinds = {
        "value_float": Type.f32,
        "value_floats": Type.f32,
        "value_int": Type.i64,
        "value_ints": Type.i64,
        "value_string": Type.string,
        "value_strings": Type.string,
    }
    if name not in kinds:
        raise ctx.fail(f"unknown value attribute {name!r}")
    value = ctx.attr(name)
    dtype = object if kinds[name] is Type.string else kinds[name].dtype
    return [ctx.const(np.asarray(value, dtype=dtype), kinds[name])]


def depth_to_space(ctx: NodeContext) -> list[Output]:
    mode = ctx.attr("mode", "DCR")
    if mode not in ("DCR", "CRD"):
        raise ctx.fail(f"attribute 'mode' must be DCR or CRD, got {mode!r}")
    ov_mode = "blocks_first" if mode == "DCR" else "depth_first"
    return [
        out(ctx.ops.depth_to_space(ctx.input(0), mode=ov_mode, block_size=ctx.attr("blocksize")))
    ]


def space_to_depth(ctx: NodeContext) -> list[Output]:
    mode = ctx.attr("mode", "DCR")  # the attribute exists from opset 28
    if mode not in ("DCR", "CRD"):
        raise ctx.fail(f"attribute 'mode' must be DCR or CRD, got {mode!r}")
    ov_mode = "blocks_first" if mode == "DCR" else "depth_first"
    return [
        out(ctx.ops.space_to_depth(ctx.input(0), mode=ov_mode, block_size=ctx.attr("blocksize")))
    ]


CONVERTERS = [
    ("Reshape", 1, reshape_),
    ("Flatten", 1, flatten),
    ("Squeeze", 1, squeeze),
    ("Unsqueeze", 1, unsqueeze),
    ("Transpose", 1, transpose),
    ("Concat", 1, concat_),
    ("Expand", 8, expand),
    ("Tile", 1, tile),
    ("Shape", 1, shape),
    ("Size", 1, size),
    ("ConstantOfShape", 9, constant_of_shape),
    ("Constant", 1, constant),
    ("DepthToSpace", 1, depth_to_space),
    ("SpaceToDepth", 1, space_to_depth),
]
