"""Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss as GatherElements + reductions."""

from __future__ import annotations

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import convert, i64, out, rank_of, scalar_like

_REDUCTIONS = ("none", "sum", "mean")


def _nll(ctx: NodeContext, log_prob: Output, target: Output, weight: Output | None) -> Output:
    """-log_prob[n, target[n, ...], ...] weighted, with ignore_index and the reduction."""
    reduction = ctx.attr("reduction", "mean")
    if reduction not in _REDUCTIONS:
        raise ctx.fail(
            f"attribute 'reduction' must be one of {', '.join(_REDUCTIONS)}, got {reduction!r}"
        )
    ignore = ctx.attr("ignore_index", None)
    target = convert(ctx, target, "i64")
    if ignore is not None:
        ignored = out(ctx.ops.equal(target, i64(ignore)))
        target = out(ctx.ops.select(ignored, i64(0), target))
    picked = out(
        ctx.ops.gather_elements(log_prob, out(ctx.ops.unsqueeze(target, i64([1]))), axis=1)
    )
    loss = out(ctx.ops.negative(out(ctx.ops.squeeze(picked, i64([1])))))
    if weight is not None:
        w = out(ctx.ops.gather(weight, target, i64(0), batch_dims=0))
    else:
        w = out(
            ctx.ops.broadcast(scalar_like(1, loss), out(ctx.ops.shape_of(loss, output_type="i64")))
        )
    if ignore is not None:
        w = out(ctx.ops.select(ignored, scalar_like(0, w), w))
    loss = out(ctx.ops.multiply(loss, w))
    if reduction == "none":
        return loss
    rank = rank_of(loss)
    if rank is None:
        raise ctx.fail("the target must have a static rank")
    axes = i64(list(range(rank)))
    total = out(ctx.ops.reduce_sum(loss, axes, keep_dims=False))
    if reduction == "sum":
        return total
    return out(ctx.ops.divide(total, out(ctx.ops.reduce_sum(w, axes, keep_dims=False))))


def nll_loss(ctx: NodeContext) -> list[Output]:
    return [_nll(ctx, ctx.input(0), ctx.input(1), ctx.optional_input(2))]


def softmax_cross_entropy(ctx: NodeContext) -> list[Output]:
    log_prob = out(ctx.ops.log_softmax(ctx.input(0), axis=1))
    return [_nll(ctx, log_prob, ctx.input(1), ctx.optional_input(2)), log_prob]


CONVERTERS = [
    ("NegativeLogLikelihoodLoss", 12, nll_loss),
    ("SoftmaxCrossEntropyLoss", 12, softmax_cross_entropy),
]
