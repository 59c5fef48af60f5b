"""Normalization ops against onnx.reference and explicit-loop / closed-form numpy oracles."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_opsets.normalization import (
    LRN1,
    MVN2,
    MVN6,
    BatchNormInference1,
    BatchNormInference5,
    GroupNormalization12,
    NormalizeL2_1,
)

rng = np.random.default_rng(6)
X = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)


def params(*arrays):
    return [pyvino.Parameter(pyvino.Type.get(a.dtype), a.shape) for a in arrays]


def test_batch_norm_both_input_orders(onnx_ref):
    gamma, beta = rand_c(), rand_c()
    mean, var = rand_c(), np.abs(rand_c()) + 0.1
    (want,) = onnx_ref("BatchNormalization", [X, gamma, beta, mean, var], epsilon=1e-3)
    v5 = BatchNormInference5(params(X, gamma, beta, mean, var), {"epsilon": 1e-3})
    v1 = BatchNormInference1(params(gamma, beta, X, mean, var), {"epsilon": 1e-3})
    assert v1.get_output_partial_shape(0).to_shape() == X.shape
    np.testing.assert_allclose(
        v5.evaluate(X, gamma, beta, mean, var)[0], want, rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        v1.evaluate(gamma, beta, X, mean, var)[0], want, rtol=1e-5, atol=1e-5
    )


def rand_c(c=3):
    return rng.standard_normal(c).astype(np.float32)


def test_batch_norm_validation():
    with pytest.raises(
        pyvino.OpValidationError, match=r"gamma input 1 has shape \[4\], expected \[3\]"
    ):
        BatchNormInference5(params(X, rand_c(4), rand_c(), rand_c(), rand_c()), {"epsilon": 1e-3})
    with pytest.raises(pyvino.OpValidationError, match="epsilon"):
        BatchNormInference5(params(X, *[rand_c()] * 4), {"epsilon": -1.0})
    dyn = BatchNormInference1(
        [
            *params(rand_c(), rand_c()),
            pyvino.Parameter("f32", "[?,3,?]"),
            *params(rand_c(), rand_c()),
        ],
        {"epsilon": 1e-5},
    )
    assert str(dyn.get_output_partial_shape(0)) == "[?,3,?]"


def mvn_oracle(x, axes, normalize, eps, inside):
    x = x.astype(np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    out = x - mean
    if normalize:
        std = np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + (eps if inside else 0))
        out = out / (std if inside else std + eps)
    return out


@pytest.mark.parametrize("across, normalize", [(False, True), (True, True), (False, False)])
def test_mvn2(across, normalize):
    node = MVN2(
        params(X), {"eps": 1e-4, "across_channels": across, "normalize_variance": normalize}
    )
    axes = (1, 2, 3) if across else (2, 3)
    want = mvn_oracle(X, axes, normalize, 1e-4, True)
    np.testing.assert_allclose(node.evaluate(X)[0], want, rtol=1e-5, atol=1e-5)


def test_mvn2_reduction_axes_and_onnx(onnx_ref):
    node = MVN2(params(X), {"eps": 1e-9, "normalize_variance": True, "reduction_axes": [0, 2, 3]})
    (want,) = onnx_ref("MeanVarianceNormalization", [X], axes=[0, 2, 3])
    np.testing.assert_allclose(node.evaluate(X)[0], want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["INSIDE_SQRT", "outside_sqrt"])
@pytest.mark.parametrize("axes", [[-1], [1, 2, 3], [0, 2]])
def test_mvn6(mode, axes):
    ax = np.array(axes, np.int64)
    node = MVN6(
        [pyvino.Parameter("f32", X.shape), pyvino.Constant(ax)],
        {"eps": 0.5, "normalize_variance": True, "eps_mode": mode},
    )
    want = mvn_oracle(X, tuple(a % 4 for a in axes), True, 0.5, mode.upper() == "INSIDE_SQRT")
    np.testing.assert_allclose(node.evaluate(X, ax)[0], want, rtol=1e-5, atol=1e-5)
    assert node.format_attrs()["eps_mode"] == mode.upper()


def test_mvn6_errors():
    with pytest.raises(pyvino.OpValidationError, match="repeats"):
        MVN6(
            [pyvino.Parameter("f32", X.shape), pyvino.Constant(np.array([1, -3]))],
            {"eps": 1e-5, "normalize_variance": True, "eps_mode": "INSIDE_SQRT"},
        )
    with pytest.raises(pyvino.OpValidationError, match="eps_mode"):
        MVN6(
            [pyvino.Parameter("f32", X.shape), pyvino.Constant(np.array([1]))],
            {"eps": 1e-5, "normalize_variance": True, "eps_mode": "middle"},
        )


@pytest.mark.parametrize("size", [3, 5])
def test_lrn_across_channels_loops(size):
    # (onnx.reference's LRN loops over the batch instead of the channels, so loops are the oracle)
    x = rng.standard_normal((2, 7, 3, 3)).astype(np.float32)
    node = LRN1(
        [pyvino.Parameter("f32", x.shape), pyvino.Constant(np.array([1]))],
        {"alpha": 1e-2, "beta": 0.75, "bias": 2.0, "size": size},
    )
    half = (size - 1) // 2
    want = np.zeros(x.shape, np.float64)
    for n in range(2):
        for c in range(7):
            for i in range(3):
                for j in range(3):
                    s = sum(
                        float(x[n, k, i, j]) ** 2
                        for k in range(max(c - half, 0), min(c + half + 1, 7))
                    )
                    want[n, c, i, j] = x[n, c, i, j] / (2.0 + 1e-2 / size * s) ** 0.75
    np.testing.assert_allclose(node.evaluate(x, np.array([1]))[0], want, rtol=1e-5, atol=1e-6)


def test_lrn_spatial_axes_loops():
    x = rng.standard_normal((1, 2, 5, 4)).astype(np.float32)
    size, alpha, beta, bias = 4, 0.3, 0.6, 1.5  # even size: (size-1)//2 = 1 each side
    node = LRN1(
        [pyvino.Parameter("f32", x.shape), pyvino.Constant(np.array([2, 3]))],
        {"alpha": alpha, "beta": beta, "bias": bias, "size": size},
    )
    want = np.zeros_like(x, dtype=np.float64)
    for c in range(2):
        for i in range(5):
            for j in range(4):
                s = sum(
                    float(x[0, c, a, b]) ** 2
                    for a in range(max(i - 1, 0), min(i + 2, 5))
                    for b in range(max(j - 1, 0), min(j + 2, 4))
                )
                want[0, c, i, j] = x[0, c, i, j] / (bias + alpha / size**2 * s) ** beta
    np.testing.assert_allclose(node.evaluate(x, np.array([2, 3]))[0], want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["add", "max"])
def test_normalize_l2(mode):
    ax = np.array([1, 3])
    node = NormalizeL2_1(
        [pyvino.Parameter("f32", X.shape), pyvino.Constant(ax)], {"eps": 0.7, "eps_mode": mode}
    )
    sq = (X.astype(np.float64) ** 2).sum(axis=(1, 3), keepdims=True)
    denom = np.sqrt(sq + 0.7) if mode == "add" else np.sqrt(np.maximum(sq, 0.7))
    np.testing.assert_allclose(node.evaluate(X, ax)[0], X / denom, rtol=1e-5, atol=1e-6)


def test_group_normalization_matches_onnx(onnx_ref):
    x = rng.standard_normal((2, 6, 3, 4)).astype(np.float32)
    scale, bias = rand_c(6), rand_c(6)
    node = GroupNormalization12(params(x, scale, bias), {"num_groups": 3, "epsilon": 1e-5})
    (want,) = onnx_ref("GroupNormalization", [x, scale, bias], num_groups=3, epsilon=1e-5)
    np.testing.assert_allclose(node.evaluate(x, scale, bias)[0], want, rtol=1e-4, atol=1e-5)
    with pytest.raises(pyvino.OpValidationError, match="num_groups=4"):
        GroupNormalization12(params(x, scale, bias), {"num_groups": 4, "epsilon": 1e-5})


def test_mvn_opset_lookup(registry):
    assert registry.lookup("MVN", "opset1") is MVN2  # legacy IR writes MVN under opset1
    assert registry.lookup("MVN", "opset6") is MVN6
    assert registry.lookup("BatchNormInference", "opset4") is BatchNormInference1
    assert registry.lookup("BatchNormInference", "opset5") is BatchNormInference5
