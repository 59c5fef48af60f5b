"""Activation ops against onnx.reference and closed-form numpy written from the definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets import activations as act

rng = np.random.default_rng(2)
X = (rng.standard_normal((2, 3, 4, 5)) * 4).astype(np.float32)


def node(cls, *arrays, **attrs):
    inputs = [pyvino.Parameter(pyvino.Type.get(arrays[0].dtype), arrays[0].shape)]
    inputs += [pyvino.Constant(a) for a in arrays[1:]]
    return cls(inputs, attrs)


def run(cls, *arrays, **attrs):
    n = node(cls, *arrays, **attrs)
    (y,) = n.evaluate(*arrays)
    assert y.dtype == arrays[0].dtype and y.shape == arrays[0].shape
    assert n.get_output_partial_shape(0).to_shape() == arrays[0].shape
    return y


@pytest.mark.parametrize(
    "cls, onnx_op, attrs, onnx_attrs",
    [
        (act.Relu1, "Relu", {}, {}),
        (act.Sigmoid1, "Sigmoid", {}, {}),
        (act.Tanh1, "Tanh", {}, {}),
        (act.Elu1, "Elu", {"alpha": 0.7}, {"alpha": 0.7}),
        (act.SoftPlus4, "Softplus", {}, {}),
        (act.SoftSign9, "Softsign", {}, {}),
        (act.Mish4, "Mish", {}, {}),
        (act.HSwish4, "HardSwish", {}, {}),
        (act.Gelu2, "Gelu", {}, {}),
        (act.Gelu7, "Gelu", {"approximation_mode": "tanh"}, {"approximate": "tanh"}),
        (act.Gelu7, "Gelu", {"approximation_mode": "ERF"}, {}),
    ],
)
def test_unary_matches_onnx(onnx_ref, cls, onnx_op, attrs, onnx_attrs):
    (want,) = onnx_ref(onnx_op, [X], **onnx_attrs)
    np.testing.assert_allclose(run(cls, X, **attrs), want, rtol=2e-6, atol=2e-6)


def test_hsigmoid_and_clamp_known_values():
    x = np.array([-4, -3, -1.5, 0, 1.5, 3, 4], np.float32)
    np.testing.assert_allclose(run(act.HSigmoid5, x), [0, 0, 0.25, 0.5, 0.75, 1, 1])
    np.testing.assert_array_equal(run(act.Clamp1, x, min=-1.0, max=2.0), [-1, -1, -1, 0, 1.5, 2, 2])


def test_clamp_integer_rounds_bounds_inward():
    x = np.arange(-4, 5, dtype=np.int32)
    np.testing.assert_array_equal(run(act.Clamp1, x, min=-2.5, max=2.5), np.clip(x, -2, 2))
    with pytest.raises(pyvino.OpValidationError, match="'min'"):
        node(act.Clamp1, x, min=3.0, max=1.0)


def test_selu_and_hard_sigmoid_match_onnx(onnx_ref):
    (want,) = onnx_ref("Selu", [X], alpha=1.5, gamma=1.2)
    got = run(act.Selu1, X, np.array([1.5], np.float32), np.array([1.2], np.float32))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    (want,) = onnx_ref("HardSigmoid", [X], alpha=0.3, beta=0.4)
    got = run(act.HardSigmoid1, X, np.array(0.3, np.float32), np.array(0.4, np.float32))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    with pytest.raises(pyvino.OpValidationError, match="alpha"):
        node(act.Selu1, X, np.ones(3, np.float32), np.ones(1, np.float32))


def test_swish_with_and_without_beta():
    xd = X.astype(np.float64)
    np.testing.assert_allclose(run(act.Swish4, X), xd / (1 + np.exp(-xd)), rtol=1e-6, atol=1e-6)
    got = run(act.Swish4, X, np.array(0.5, np.float32))
    np.testing.assert_allclose(got, xd / (1 + np.exp(-0.5 * xd)), rtol=1e-6, atol=1e-6)


def test_prelu_channel_and_numpy_broadcast(onnx_ref):
    slope = np.array([0.1, 0.2, 0.3], np.float32)  # matches channel axis 1
    want = np.where(X < 0, X * slope.reshape(1, 3, 1, 1), X)
    np.testing.assert_allclose(run(act.PRelu1, X, slope), want)
    last = np.array([0.1, 0.2, 0.3, 0.4, 0.5], np.float32)  # broadcasts on the last axis
    (want,) = onnx_ref("PRelu", [X, last])
    np.testing.assert_allclose(run(act.PRelu1, X, last), want)
    with pytest.raises(pyvino.OpValidationError, match="slope"):
        node(act.PRelu1, X, np.ones(4, np.float32))


def test_f16_and_extreme_values():
    x = np.array([-1000, -20, 0, 20, 1000], np.float16)
    sig = run(act.Sigmoid1, x)
    np.testing.assert_array_equal(sig, np.array([0, 2.06e-9, 0.5, 1, 1], np.float16))
    np.testing.assert_array_equal(
        run(act.SoftPlus4, np.array([-1000.0, 1000.0], np.float32)), [0, 1000]
    )
    gelu = run(act.Gelu7, np.array([1.0], np.float64))
    assert gelu[0] == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), abs=1e-15)


def test_relu_integer_and_dynamic_shape():
    x = np.array([-3, 0, 5], np.int8)
    np.testing.assert_array_equal(run(act.Relu1, x), [0, 0, 5])
    n = act.Relu1([pyvino.Parameter("f32", "[?,3,1..8]")])
    assert str(n.get_output_partial_shape(0)) == "[?,3,1..8]"


def test_opset_tables_hold_the_right_versions(opset):
    assert type(opset(2).gelu(opset(2).parameter([2]))) is act.Gelu2
    assert type(opset(7).gelu(opset(7).parameter([2]), approximation_mode="TANH")) is act.Gelu7
    assert "HSigmoid" not in opset(4).opset and "HSigmoid" in opset(5).opset
    assert "SoftSign" in opset(9).opset and "SoftSign" not in opset(8).opset
    g = opset(8).gelu(opset(8).parameter([2]), approximation_mode="tanh")
    assert g.format_attrs() == {"approximation_mode": "TANH"}
