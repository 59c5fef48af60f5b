"""Sequences and optionals resolved at conversion time (OpenVINO IR holds tensors only).

A sequence is a ``SequenceValue``: the list of its tensors. Positions must be constants;
SplitToSequence needs a static number of pieces. Optional tensors are the tensor itself.
"""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext, SequenceValue
from pyvino.frontend.onnx._types import element_type
from pyvino.frontend.onnx.ops._common import concat, i64, normalize_axis, out, static_dims


def _sequence(ctx: NodeContext, i: int = 0) -> SequenceValue:
    value = ctx.input(i)
    if not isinstance(value, SequenceValue):
        raise ctx.fail(f"input {i} must be a sequence")
    return value


def _position(ctx: NodeContext, i: int, size: int, default: int, insert: bool = False) -> int:
    if not ctx.has_input(i):
        return default
    pos = int(np.asarray(ctx.const_value(i, "position")).reshape(-1)[0])
    limit = size + 1 if insert else size
    if not -size <= pos < limit:
        raise ctx.fail(f"position {pos} is out of range for a sequence of {size} tensors")
    return pos + size if pos < 0 else pos


def sequence_empty(ctx: NodeContext) -> list[SequenceValue]:
    return [SequenceValue([], element_type(ctx.attr("dtype", 1)))]


def sequence_construct(ctx: NodeContext) -> list[SequenceValue]:
    items = [x for x in ctx.inputs if x is not None]
    return [SequenceValue(items, items[0].element_type if items else None)]


def sequence_insert(ctx: NodeContext) -> list[SequenceValue]:
    seq = _sequence(ctx)
    pos = _position(ctx, 2, len(seq.items), len(seq.items), insert=True)
    items = list(seq.items)
    items.insert(pos, ctx.input(1))
    return [SequenceValue(items, seq.element_type or ctx.input(1).element_type)]


def sequence_erase(ctx: NodeContext) -> list[SequenceValue]:
    seq = _sequence(ctx)
    pos = _position(ctx, 1, len(seq.items), len(seq.items) - 1)
    return [SequenceValue(seq.items[:pos] + seq.items[pos + 1 :], seq.element_type)]


def sequence_at(ctx: NodeContext) -> list[Output]:
    seq = _sequence(ctx)
    return [seq.items[_position(ctx, 1, len(seq.items), 0)]]


def sequence_length(ctx: NodeContext) -> list[Output]:
    return [ctx.const(np.int64(len(_sequence(ctx).items)), Type.i64)]


def concat_from_sequence(ctx: NodeContext) -> list[Output]:
    seq = _sequence(ctx)
    if not seq.items:
        raise ctx.fail("cannot concatenate an empty sequence")
    axis = ctx.attr("axis")
    items = seq.items
    if ctx.attr("new_axis", 0):
        rank = len(items[0].partial_shape) + 1
        axis = normalize_axis(ctx, axis, rank)
        items = [out(ctx.ops.unsqueeze(x, i64([axis]))) for x in items]
    return [concat(ctx, items, axis) if len(items) > 1 else items[0]]


def split_to_sequence(ctx: NodeContext) -> list[SequenceValue]:
    x = ctx.input(0)
    rank = ctx.static_rank(0, "input")
    axis = normalize_axis(ctx, ctx.attr("axis", 0), rank)
    dim = static_dims(x)[axis]
    split = ctx.optional_input(1)
    if split is not None and split.partial_shape.rank_is_static and len(split.partial_shape) == 1:
        count = split.partial_shape[0]
        if not count.is_static:
            raise ctx.fail("the number of split lengths must be static")
        parts = ctx.ops.variadic_split(x, i64(axis), split).outputs()
        return [SequenceValue(parts, x.element_type)]
    if dim is None:
        raise ctx.fail(f"dimension {axis} must be static to split it into a sequence")
    size = 1 if split is None else int(np.asarray(ctx.const_value(1, "split")).reshape(-1)[0])
    sizes = [size] * (dim // size) + ([dim % size] if dim % size else [])
    parts = ctx.ops.variadic_split(x, i64(axis), i64(sizes)).outputs()
    if split is None and not ctx.attr("keepdims", 1):
        parts = [out(ctx.ops.squeeze(p, i64([axis]))) for p in parts]
    return [SequenceValue(parts, x.element_type)]


def optional(ctx: NodeContext) -> list[Output]:
    if not ctx.has_input(0):
        raise ctx.fail("an empty optional has no OpenVINO representation")
    return [ctx.input(0)]


def optional_has_element(ctx: NodeContext) -> list[Output]:
    return [ctx.const(np.bool_(ctx.has_input(0)), Type.boolean)]


def optional_get_element(ctx: NodeContext) -> list[Output]:
    return [ctx.input(0)]


CONVERTERS = [
    ("SequenceEmpty", 11, sequence_empty),
    ("SequenceConstruct", 11, sequence_construct),
    ("SequenceInsert", 11, sequence_insert),
    ("SequenceErase", 11, sequence_erase),
    ("SequenceAt", 11, sequence_at),
    ("SequenceLength", 11, sequence_length),
    ("ConcatFromSequence", 11, concat_from_sequence),
    ("SplitToSequence", 11, split_to_sequence),
    ("Optional", 15, optional),
    ("OptionalHasElement", 15, optional_has_element),
    ("OptionalGetElement", 15, optional_get_element),
]
