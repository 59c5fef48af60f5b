"""ONNX Attention (opset 23-25) decomposed into MatMul, masking and Softmax, as its function body.

Q, K, V are [B, heads, seq, head_size] (or [B, seq, hidden] with q_num_heads/kv_num_heads);
past_key/past_value are concatenated along seq; grouped-query heads are interleave-repeated;
masks (boolean or additive), causal and sliding-window limits and nonpad_kv_seqlen become one
additive bias; a row with every key masked gives zeros.
"""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import element_type
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    gather,
    i64,
    out,
    reshape,
    scalar_like,
    shape_of,
)


def _to_4d(ctx: NodeContext, x: Output, heads: int | None, what: str) -> Output:
    if heads is None:
        raise ctx.fail(f"3-D {what} needs attributes q_num_heads and kv_num_heads")
    x = reshape(ctx, x, [0, 0, heads, -1], special_zero=True)
    return out(ctx.ops.transpose(x, i64([0, 2, 1, 3])))


def _dim(ctx: NodeContext, x: Output, axis: int) -> Output:
    """Dimension ``axis`` of ``x`` as an i64 scalar."""
    return gather(ctx, shape_of(ctx, x), axis)


def _repeat_heads(ctx: NodeContext, x: Output, reps: int) -> Output:
    """[B, H, S, D] -> [B, H*reps, S, D] with each head repeated in place (h0, h0, h1, h1...)."""
    if reps == 1:
        return x
    s = shape_of(ctx, x)
    expanded = out(ctx.ops.unsqueeze(x, i64([2])))
    target = concat(ctx, [gather(ctx, s, [0, 1]), i64([reps]), gather(ctx, s, [2, 3])])
    expanded = out(ctx.ops.broadcast(expanded, target, mode="numpy"))
    return reshape(
        ctx, expanded, concat(ctx, [gather(ctx, s, [0]), i64([-1]), gather(ctx, s, [2, 3])])
    )


def _bool_to_bias(ctx: NodeContext, mask: Output, like: Output) -> Output:
    return out(ctx.ops.select(mask, scalar_like(0, like), scalar_like(-np.inf, like)))


def _positions(ctx: NodeContext, q_len: Output, kv_len: Output) -> tuple[Output, Output]:
    i = out(ctx.ops.range(i64(0), q_len, i64(1), output_type="i64"))
    j = out(ctx.ops.range(i64(0), kv_len, i64(1), output_type="i64"))
    return out(ctx.ops.unsqueeze(i, i64([1]))), j  # [q, 1], [kv]


def _offset(ctx: NodeContext, past: Output | None, nonpad: Output | None, q_len: Output) -> Output:
    """Where each query block starts among the keys: scalar, or [B, 1, 1, 1] per batch."""
    if past is None and nonpad is not None:
        per_batch = out(ctx.ops.subtract(convert(ctx, nonpad, "i64"), q_len))
        return reshape(ctx, per_batch, [-1, 1, 1, 1])
    return _dim(ctx, past, 2) if past is not None else i64(0)


def _mask_bias(ctx: NodeContext, q: Output, k: Output, past: Output | None) -> Output | None:
    """The additive bias [.., q, kv] of every mask, or None when nothing is masked."""
    mask = ctx.optional_input(3)
    nonpad = ctx.optional_input(6) if ctx.opset_version >= 24 else None
    causal = bool(ctx.attr("is_causal", 0))
    left = ctx.attr("left_window_size", -1) if ctx.opset_version >= 25 else -1
    right = ctx.attr("right_window_size", -1) if ctx.opset_version >= 25 else -1
    if mask is None and nonpad is None and not causal and left < 0 and right < 0:
        return None
    q_len, kv_len = _dim(ctx, q, 2), _dim(ctx, k, 2)
    i, j = _positions(ctx, q_len, kv_len)
    bias = out(
        ctx.ops.broadcast(
            scalar_like(0, q), concat(ctx, [reshape(ctx, q_len, [1]), reshape(ctx, kv_len, [1])])
        )
    )
    if mask is not None:
        bias = out(ctx.ops.add(bias, _padded_mask(ctx, mask, q, kv_len)))
    offset = _offset(ctx, past, nonpad, q_len)
    shifted = out(ctx.ops.add(i, offset))  # absolute query positions
    if causal:
        bias = out(ctx.ops.add(bias, _bool_to_bias(ctx, out(ctx.ops.less_equal(j, shifted)), q)))
    if left >= 0 or right >= 0:
        diff = out(ctx.ops.subtract(shifted, j))
        allowed = ctx.const(np.bool_(True))
        if left >= 0:
            allowed = out(ctx.ops.logical_and(allowed, out(ctx.ops.less_equal(diff, i64(left)))))
        if right >= 0:
            allowed = out(
                ctx.ops.logical_and(allowed, out(ctx.ops.greater_equal(diff, i64(-right))))
            )
        bias = out(ctx.ops.add(bias, _bool_to_bias(ctx, allowed, q)))
    if nonpad is not None:
        lens = reshape(ctx, convert(ctx, nonpad, "i64"), [-1, 1, 1, 1])
        bias = out(ctx.ops.add(bias, _bool_to_bias(ctx, out(ctx.ops.less(j, lens)), q)))
    return bias


def _padded_mask(ctx: NodeContext, mask: Output, q: Output, kv_len: Output) -> Output:
    """The mask as an additive bias, padded on the key axis up to kv_len (-inf / False)."""
    rank = ctx.static_rank(3, "attn_mask")
    missing = out(ctx.ops.subtract(kv_len, _dim(ctx, mask, rank - 1)))
    ends = concat(ctx, [i64([0] * (rank - 1)), reshape(ctx, missing, [1])])
    fill = (
        ctx.const(np.bool_(False))
        if mask.element_type is Type.boolean
        else scalar_like(-np.inf, mask)
    )
    mask = out(ctx.ops.pad(mask, i64([0] * rank), ends, fill, pad_mode="constant"))
    if mask.element_type is Type.boolean:
        return _bool_to_bias(ctx, mask, q)
    return convert(ctx, mask, q.element_type)


def _softmax(ctx: NodeContext, x: Output, bias: Output | None) -> Output:
    """Softmax on the last axis; rows whose bias is all -inf become zeros."""
    if bias is None:
        return out(ctx.ops.softmax(x, axis=-1))
    axis = i64([-1])
    m = out(ctx.ops.reduce_max(x, axis, keep_dims=True))
    neg_inf = scalar_like(-np.inf, x)
    m = out(ctx.ops.select(out(ctx.ops.equal(m, neg_inf)), scalar_like(0, x), m))
    e = out(ctx.ops.exp(out(ctx.ops.subtract(x, m))))
    s = out(ctx.ops.reduce_sum(e, axis, keep_dims=True))
    s = out(ctx.ops.select(out(ctx.ops.equal(s, scalar_like(0, s))), scalar_like(1, s), s))
    p = out(ctx.ops.divide(e, s))
    bias_max = out(ctx.ops.reduce_max(bias, axis, keep_dims=True))
    dead = out(ctx.ops.equal(bias_max, scalar_like(-np.inf, bias_max)))
    return out(ctx.ops.select(dead, scalar_like(0, p), p))


def attention(ctx: NodeContext) -> list[Output]:
    q, k, v = ctx.input(0), ctx.input(1), ctx.input(2)
    rank = ctx.static_rank(0, "Q")
    q_heads, kv_heads = ctx.attr("q_num_heads", None), ctx.attr("kv_num_heads", None)
    if rank == 3:
        q, k, v = (
            _to_4d(ctx, q, q_heads, "Q"),
            _to_4d(ctx, k, kv_heads, "K"),
            _to_4d(ctx, v, kv_heads, "V"),
        )
    elif rank != 4:
        raise ctx.fail(f"Q must be 3-D or 4-D, got rank {rank}")
    past_k, past_v = ctx.optional_input(4), ctx.optional_input(5)
    if past_k is not None:
        k = out(ctx.ops.concat(past_k, k, axis=2))
    if past_v is not None:
        v = out(ctx.ops.concat(past_v, v, axis=2))
    present_k, present_v = k, v
    scale = ctx.attr("scale", None)
    if scale is None:
        head = q.partial_shape[3]
        if not head.is_static:
            raise ctx.fail("the head size of Q must be static when attribute 'scale' is absent")
        scale = 1.0 / np.sqrt(head.get_length())
    root = scalar_like(np.sqrt(scale), q)
    bias = _mask_bias(ctx, q, k, past_k)
    nq, nk = q.partial_shape[1], k.partial_shape[1]
    if nq.is_static and nk.is_static and nq.get_length() != nk.get_length():
        reps = nq.get_length() // nk.get_length()
        k, v = _repeat_heads(ctx, k, reps), _repeat_heads(ctx, v, reps)
    qk = out(
        ctx.ops.matmul(
            out(ctx.ops.multiply(q, root)),
            out(ctx.ops.multiply(k, root)),
            transpose_a=False,
            transpose_b=True,
        )
    )
    softcap = ctx.attr("softcap", 0.0)
    if softcap > 0:
        cap = scalar_like(softcap, qk)
        qk = out(ctx.ops.multiply(out(ctx.ops.tanh(out(ctx.ops.divide(qk, cap)))), cap))
    with_bias = qk if bias is None else out(ctx.ops.add(qk, bias))
    precision = ctx.attr("softmax_precision", None)
    logits = with_bias if precision is None else convert(ctx, with_bias, element_type(precision))
    probs = convert(ctx, _softmax(ctx, logits, bias), q.element_type)
    y = out(ctx.ops.matmul(probs, v, transpose_a=False, transpose_b=False))
    if rank == 3:
        y = reshape(
            ctx, out(ctx.ops.transpose(y, i64([0, 2, 1, 3]))), [0, 0, -1], special_zero=True
        )
    mode = ctx.attr("qk_matmul_output_mode", 0)
    qk_out = {2: with_bias, 3: probs}.get(mode, qk)
    return [y, present_k, present_v, convert(ctx, qk_out, q.element_type)]


CONVERTERS = [
    ("Attention", 23, attention),
]
