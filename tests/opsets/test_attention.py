"""ScaledDotProductAttention-13 against onnx.reference's Attention-23 and a plain loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.attention import ScaledDotProductAttention13

rng = np.random.default_rng(5)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def sdpa(arrays, causal=False):
    inputs = [pyvino.Parameter(pyvino.Type.get(a.dtype), a.shape) for a in arrays]
    node = ScaledDotProductAttention13(inputs, {"causal": causal})
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    assert out.dtype == arrays[0].dtype
    return out


def test_plain_matches_onnx_attention(onnx_ref):
    q, k, v = rand(2, 3, 4, 8), rand(2, 3, 6, 8), rand(2, 3, 6, 5)
    (want,) = onnx_ref("Attention", [q, k, v], opset=23)
    np.testing.assert_allclose(sdpa([q, k, v]), want, rtol=1e-5, atol=1e-5)


def test_float_mask_and_scale_match_onnx_attention(onnx_ref):
    q, k, v, m = rand(1, 2, 5, 4), rand(1, 2, 7, 4), rand(1, 2, 7, 3), rand(1, 1, 5, 7)
    scale = np.float32(0.3)
    (want,) = onnx_ref("Attention", [q, k, v, m], opset=23, scale=0.3)
    np.testing.assert_allclose(sdpa([q, k, v, m, scale]), want, rtol=1e-5, atol=1e-5)


def test_causal_matches_onnx_attention_and_ignores_mask(onnx_ref):
    q, k, v = rand(2, 2, 4, 6), rand(2, 2, 4, 6), rand(2, 2, 4, 6)
    (want,) = onnx_ref("Attention", [q, k, v], opset=23, is_causal=1)
    junk = rand(2, 2, 4, 4) * 100
    np.testing.assert_allclose(sdpa([q, k, v, junk], causal=True), want, rtol=1e-5, atol=1e-5)


def loop_attention(q, k, v, allowed):
    """Per-row softmax attention over the allowed keys, in float64 Python loops (3D inputs)."""
    out = np.zeros(q.shape[:-1] + (v.shape[-1],))
    for b in range(q.shape[0]):
        for i in range(q.shape[1]):
            scores = [
                float(q[b, i] @ k[b, j]) / math.sqrt(q.shape[-1]) if allowed[b, i, j] else -math.inf
                for j in range(k.shape[1])
            ]
            top = max(scores)
            ws = [math.exp(s - top) for s in scores]
            out[b, i] = sum(w * v[b, j] for j, w in enumerate(ws)) / sum(ws)
    return out


def test_boolean_mask_and_batch_broadcast():
    q, k, v = rand(2, 3, 4), rand(1, 5, 4), rand(1, 5, 2)
    mask = rng.random((2, 3, 5)) > 0.4
    mask[:, :, 0] = True  # keep every row attendable
    got = sdpa([q, k, v, mask])
    kb, vb = np.broadcast_to(k, (2, 5, 4)), np.broadcast_to(v, (2, 5, 2))
    np.testing.assert_allclose(got, loop_attention(q, kb, vb, mask), rtol=1e-5, atol=1e-5)
    # a scalar mask means "no mask"
    np.testing.assert_allclose(
        sdpa([q, k, v, np.float32(0.0)]),
        loop_attention(q, kb, vb, np.ones((2, 3, 5), bool)),
        rtol=1e-5,
        atol=1e-5,
    )


def test_shape_inference():
    q = pyvino.Parameter("f32", "[1,?,80]")
    k = pyvino.Parameter("f32", "[1,?,80]")
    v = pyvino.Parameter("f32", "[1,?,64]")
    node = ScaledDotProductAttention13([q, k, v], {"causal": False})
    assert node.get_output_partial_shape(0) == pyvino.PartialShape("[1,?,64]")
    q = pyvino.Parameter("f32", [1, 6, 5, 7, 16])
    k = pyvino.Parameter("f32", [4, 1, 1, 9, 16])
    v = pyvino.Parameter("f32", [4, 6, 5, 9, 8])
    node = ScaledDotProductAttention13([q, k, v], {"causal": True})
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([4, 6, 5, 7, 8])
    with pytest.raises(pyvino.OpValidationError, match="E"):
        ScaledDotProductAttention13(
            [q, pyvino.Parameter("f32", [4, 1, 1, 9, 15]), v], {"causal": False}
        )
    with pytest.raises(pyvino.OpValidationError, match="rank"):
        ScaledDotProductAttention13([pyvino.Parameter("f32", [3, 4])] * 3, {"causal": False})
