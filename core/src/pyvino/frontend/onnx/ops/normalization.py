"""Normalizations: BatchNormalization, Instance/Layer/Group/RMS normalization, LRN, LpNormalization,
MeanVarianceNormalization."""

from __future__ import annotations

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    convert,
    i64,
    normalize_axis,
    out,
    reshape,
    scalar_like,
    shape_of,
    static_dims,
)


def _channel_shaped(ctx: NodeContext, v: Output, rank: int) -> Output:
    """A per-channel [C] vector reshaped to broadcast against [N, C, ...]."""
    return reshape(ctx, v, [1, -1] + [1] * (rank - 2))


def batch_norm(ctx: NodeContext) -> list[Output]:
    x, scale, bias, mean, var = (ctx.input(i) for i in range(5))
    eps = ctx.attr("epsilon", 1e-5)
    training = ctx.opset_version >= 14 and ctx.attr("training_mode", 0)
    if ctx.opset_version < 9 and not ctx.attr("spatial", 1):
        raise ctx.fail("attribute 'spatial'=0 (per-activation statistics) is not supported")
    if not training:
        return [out(ctx.ops.batch_norm_inference(x, scale, bias, mean, var, epsilon=eps))]
    return _batch_norm_training(ctx, x, scale, bias, mean, var, eps)


def _batch_norm_training(
    ctx: NodeContext, x: Output, scale: Output, bias: Output, mean: Output, var: Output, eps: float
) -> list[Output]:
    """Normalise with the batch's statistics and update the running ones (training_mode=1)."""
    rank = ctx.static_rank(0, "X")
    axes = i64([0, *range(2, rank)])
    m = out(ctx.ops.reduce_mean(x, axes, keep_dims=True))
    d = out(ctx.ops.subtract(x, m))
    v = out(ctx.ops.reduce_mean(out(ctx.ops.multiply(d, d)), axes, keep_dims=True))
    inv = out(ctx.ops.sqrt(out(ctx.ops.add(v, scalar_like(eps, v)))))
    y = out(ctx.ops.divide(d, inv))
    y = out(
        ctx.ops.add(
            out(ctx.ops.multiply(y, _channel_shaped(ctx, scale, rank))),
            _channel_shaped(ctx, bias, rank),
        )
    )
    momentum = ctx.attr("momentum", 0.9)
    flat_m, flat_v = reshape(ctx, m, [-1]), reshape(ctx, v, [-1])
    mom, rest = scalar_like(momentum, mean), scalar_like(1 - momentum, mean)
    run_m = out(ctx.ops.add(out(ctx.ops.multiply(mean, mom)), out(ctx.ops.multiply(flat_m, rest))))
    run_v = out(ctx.ops.add(out(ctx.ops.multiply(var, mom)), out(ctx.ops.multiply(flat_v, rest))))
    return [y, run_m, run_v]


def instance_norm(ctx: NodeContext) -> list[Output]:
    x, scale, bias = ctx.input(0), ctx.input(1), ctx.input(2)
    rank = ctx.static_rank(0, "input")
    y = out(
        ctx.ops.mvn(
            x,
            i64(list(range(2, rank))),
            normalize_variance=True,
            eps=ctx.attr("epsilon", 1e-5),
            eps_mode="inside_sqrt",
        )
    )
    y = out(ctx.ops.multiply(y, _channel_shaped(ctx, scale, rank)))
    return [out(ctx.ops.add(y, _channel_shaped(ctx, bias, rank)))]


def _stash(ctx: NodeContext, x: Output) -> Output:
    """Compute in f32 for f16/bf16 inputs when stash_type=1 (the default)."""
    if ctx.attr("stash_type", 1) == 1 and x.element_type in (Type.f16, Type.bf16):
        return convert(ctx, x, "f32")
    return x


def layer_norm(ctx: NodeContext) -> list[Output]:
    x0 = ctx.input(0)
    rank = ctx.static_rank(0, "X")
    axis = normalize_axis(ctx, ctx.attr("axis", -1), rank)
    eps = ctx.attr("epsilon", 1e-5)
    x = _stash(ctx, x0)
    axes = i64(list(range(axis, rank)))
    mean = out(ctx.ops.reduce_mean(x, axes, keep_dims=True))
    d = out(ctx.ops.subtract(x, mean))
    var = out(ctx.ops.reduce_mean(out(ctx.ops.multiply(d, d)), axes, keep_dims=True))
    inv_std = out(
        ctx.ops.divide(
            scalar_like(1, var), out(ctx.ops.sqrt(out(ctx.ops.add(var, scalar_like(eps, var)))))
        )
    )
    y = convert(ctx, out(ctx.ops.multiply(d, inv_std)), x0.element_type)
    y = out(ctx.ops.multiply(y, ctx.input(1)))
    if ctx.has_input(2):
        y = out(ctx.ops.add(y, ctx.input(2)))
    return [y, mean, inv_std]


def group_norm(ctx: NodeContext) -> list[Output]:
    """Normalise over [C/G, spatial...] per group; scale/bias are per group before opset 21."""
    x0, scale, bias = ctx.input(0), ctx.input(1), ctx.input(2)
    rank = ctx.static_rank(0, "X")
    groups = ctx.attr("num_groups")
    eps = ctx.attr("epsilon", 1e-5)
    x = _stash(ctx, x0) if ctx.opset_version >= 21 else x0
    grouped = reshape(ctx, x, [0, groups, -1], special_zero=True)
    y = out(
        ctx.ops.mvn(grouped, i64([2]), normalize_variance=True, eps=eps, eps_mode="inside_sqrt")
    )
    y = convert(ctx, reshape(ctx, y, shape_of(ctx, x)), x0.element_type)
    if ctx.opset_version < 21:
        c = static_dims(x0)[1]
        if c is None:
            raise ctx.fail("the channel dimension must be static for per-group scale and bias")
        per = c // groups
        scale = reshape(
            ctx, out(ctx.ops.broadcast(reshape(ctx, scale, [groups, 1]), i64([groups, per]))), [c]
        )
        bias = reshape(
            ctx, out(ctx.ops.broadcast(reshape(ctx, bias, [groups, 1]), i64([groups, per]))), [c]
        )
    y = out(ctx.ops.multiply(y, _channel_shaped(ctx, scale, rank)))
    return [out(ctx.ops.add(y, _channel_shaped(ctx, bias, rank)))]


def rms_norm(ctx: NodeContext) -> list[Output]:
    x0 = ctx.input(0)
    rank = ctx.static_rank(0, "X")
    axis = normalize_axis(ctx, ctx.attr("axis", -1), rank)
    x = _stash(ctx, x0)
    ms = out(
        ctx.ops.reduce_mean(
            out(ctx.ops.multiply(x, x)), i64(list(range(axis, rank))), keep_dims=True
        )
    )
    rms = out(ctx.ops.sqrt(out(ctx.ops.add(ms, scalar_like(ctx.attr("epsilon", 1e-5), ms)))))
    y = convert(ctx, out(ctx.ops.divide(x, rms)), x0.element_type)
    return [out(ctx.ops.multiply(y, ctx.input(1)))]


def lrn(ctx: NodeContext) -> list[Output]:
    return [
        out(
            ctx.ops.lrn(
                ctx.input(0),
                i64([1]),
                alpha=ctx.attr("alpha", 1e-4),
                beta=ctx.attr("beta", 0.75),
                bias=ctx.attr("bias", 1.0),
                size=ctx.attr("size"),
            )
        )
    ]


def lp_norm(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    p = ctx.attr("p", 2)
    if p not in (1, 2):
        raise ctx.fail(f"attribute 'p' must be 1 or 2, got {p}")
    axes = i64([ctx.attr("axis", -1)])
    norm = out((ctx.ops.reduce_l2 if p == 2 else ctx.ops.reduce_l1)(x, axes, keep_dims=True))
    zero = scalar_like(0, x)
    safe = out(ctx.ops.select(out(ctx.ops.equal(norm, zero)), scalar_like(1, x), norm))
    return [out(ctx.ops.divide(x, safe))]


def mean_variance_norm(ctx: NodeContext) -> list[Output]:
    axes = ctx.attr("axes", [0, 2, 3])
    return [
        out(
            ctx.ops.mvn(
                ctx.input(0), i64(axes), normalize_variance=True, eps=1e-9, eps_mode="outside_sqrt"
            )
        )
    ]


CONVERTERS = [
    ("BatchNormalization", 1, batch_norm),
    ("InstanceNormalization", 1, instance_norm),
    ("LayerNormalization", 17, layer_norm),
    ("GroupNormalization", 18, group_norm),
    ("RMSNormalization", 23, rms_norm),
    ("LRN", 1, lrn),
    ("LpNormalization", 1, lp_norm),
    ("MeanVarianceNormalization", 9, mean_variance_norm),
]
