"""LinearAttention (opset 27) as a TensorIterator over time steps carrying the [B, H, dk, dv]
state: gated decay, delta-rule correction, outer-product update, then the query read-out."""

from __future__ import annotations

import importlib

import numpy as np

from pyvino._core_ops import Parameter, Result
from pyvino._model import Model
from pyvino._node import Output
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import convert, i64, out, reshape, shape_of
from pyvino.frontend.onnx.ops.attention import _repeat_heads

_RULES = ("linear", "gated", "delta", "gated_delta")


def _heads_first(ctx: NodeContext, x: Output, heads: int) -> Output:
    """[B, T, H*D] -> [B, H, T, D] in f32."""
    x = reshape(ctx, convert(ctx, x, "f32"), [0, 0, heads, -1], special_zero=True)
    return out(ctx.ops.transpose(x, i64([0, 2, 1, 3])))


def _step_param(x: Output) -> Parameter:
    """A body parameter for one time step of ``x`` [B, H, T, D] (T becomes 1)."""
    dims = list(x.partial_shape) if x.partial_shape.rank_is_static else [Dimension()] * 4
    dims[2] = Dimension(1)
    return Parameter(Type.f32, PartialShape(dims))


def _body(
    ctx: NodeContext,
    state: Output,
    steps: list[Output],
    gating: bool,
    delta: bool,
    group: int,
    scale: float,
) -> Model:
    s_param = Parameter(Type.f32, state.partial_shape)
    params = [_step_param(x) for x in steps]
    q, k, v = (p.output(0) for p in params[:3])
    extra = iter(p.output(0) for p in params[3:])
    s = s_param.output(0)
    ops = ctx.ops
    if gating:
        g = out(ops.transpose(next(extra), i64([0, 1, 3, 2])))  # [B, H, X, 1]
        s = out(ops.multiply(s, out(ops.exp(g))))
    if delta:
        beta = next(extra)
        retrieved = out(ops.matmul(k, s, transpose_a=False, transpose_b=False))
        v = out(ops.multiply(beta, out(ops.subtract(v, retrieved))))
    s = out(ops.add(s, out(ops.matmul(k, v, transpose_a=True, transpose_b=False))))
    read = _repeat_heads(ctx, s, group)
    o = out(ops.matmul(q, read, transpose_a=False, transpose_b=False))
    o = out(ops.multiply(o, ctx.const(np.float32(scale))))
    return Model([Result([s]), Result([o])], [s_param, *params], name=f"{ctx.node_name}/body")


def linear_attention(ctx: NodeContext) -> list[Output]:
    rule = ctx.attr("update_rule", "gated_delta")
    if rule not in _RULES:
        raise ctx.fail(f"attribute 'update_rule' must be one of {', '.join(_RULES)}, got {rule!r}")
    gating, delta = rule in ("gated", "gated_delta"), rule in ("delta", "gated_delta")
    hq, hk = ctx.attr("q_num_heads", None), ctx.attr("kv_num_heads", None)
    if not hq or not hk or hq % hk:
        raise ctx.fail("attributes q_num_heads and kv_num_heads are required, q a multiple of kv")
    query = ctx.input(0)
    q, k, v = (
        _heads_first(ctx, query, hq),
        _heads_first(ctx, ctx.input(1), hk),
        _heads_first(ctx, ctx.input(2), hk),
    )
    dk, dv = q.partial_shape[3], v.partial_shape[3]
    if not (dk.is_static and dv.is_static):
        raise ctx.fail("the head sizes must be static")
    steps = [q, k, v]
    if gating:
        decay = ctx.input(4)
        per_head = decay.partial_shape[2] == hk
        steps.append(
            _heads_first(
                ctx,
                reshape(ctx, decay, [0, 0, hk, 1], special_zero=True) if per_head else decay,
                hk,
            )
        )
    if delta:
        beta = convert(ctx, ctx.input(5), "f32")
        steps.append(
            out(
                ctx.ops.transpose(
                    reshape(ctx, beta, [0, 0, -1, 1], special_zero=True), i64([0, 2, 1, 3])
                )
            )
        )
    past = ctx.optional_input(3)
    if past is not None:
        state = convert(ctx, past, "f32")
    else:
        batch = out(ctx.ops.gather(shape_of(ctx, q), i64([0]), i64(0), batch_dims=0))
        target = out(ctx.ops.concat(batch, i64([hk, dk.get_length(), dv.get_length()]), axis=0))
        state = out(ctx.ops.broadcast(ctx.const(np.float32(0)), target, mode="numpy"))
    scale = ctx.attr("scale", 0.0) or 1.0 / np.sqrt(dk.get_length())
    body = _body(ctx, state, steps, gating, delta, hq // hk, scale)
    ports = importlib.import_module(ctx.ops.op_class("TensorIterator").__module__)
    ins = [ports.MergedInput(0, 0, 0)]
    ins += [
        ports.SlicedInput(i + 1, i + 1, 2, start=0, stride=1, part_size=1, end=-1)
        for i in range(len(steps))
    ]
    outs = [ports.ConcatOutput(1, 0, axis=2), ports.BodyOutput(0, 1)]
    node = ctx.ops.op_class("TensorIterator")(
        [state, *steps],
        name=ctx.node_name,
        body=body,
        input_descriptions=ins,
        output_descriptions=outs,
    )
    y = out(ctx.ops.transpose(node.output(0), i64([0, 2, 1, 3])))
    y = convert(ctx, reshape(ctx, y, [0, 0, -1], special_zero=True), query.element_type)
    final = convert(
        ctx, node.output(1), past.element_type if past is not None else query.element_type
    )
    return [y, final]


CONVERTERS = [
    ("LinearAttention", 27, linear_attention),
]
