"""Softmax-1/-8 and LogSoftmax-5 against onnx.reference and hand-written numpy."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_opsets.softmax import LogSoftmax5, Softmax1, Softmax8

rng = np.random.default_rng(3)
X = (rng.standard_normal((2, 3, 4)) * 5).astype(np.float32)


def make(cls, shape=X.shape, dtype="f32", **attrs):
    return cls([pyvino.Parameter(dtype, shape)], attrs)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_softmax1_matches_onnx(onnx_ref, axis):
    (want,) = onnx_ref("Softmax", [X], axis=axis)
    (got,) = make(Softmax1, axis=axis).evaluate(X)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("axis", [-1, -3, 1])
def test_softmax8_and_logsoftmax5_negative_axes(onnx_ref, axis):
    (want,) = onnx_ref("Softmax", [X], axis=axis)
    np.testing.assert_allclose(make(Softmax8, axis=axis).evaluate(X)[0], want, rtol=1e-6, atol=1e-7)
    (want,) = onnx_ref("LogSoftmax", [X], axis=axis)
    np.testing.assert_allclose(
        make(LogSoftmax5, axis=axis).evaluate(X)[0], want, rtol=1e-5, atol=1e-6
    )


def test_softmax_default_axis_is_1_and_large_values_are_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], np.float32)
    got = make(Softmax8, x.shape).evaluate(x)[0]  # default axis = 1
    np.testing.assert_allclose(got, [[0.5, 0.5], [0.0, 1.0]], atol=1e-7)
    h = x.astype(np.float16)
    out = make(Softmax1, h.shape, "f16").evaluate(h)[0]
    assert out.dtype == np.float16 and np.all(np.isfinite(out))


def test_softmax_axis_validation():
    with pytest.raises(pyvino.OpValidationError, match="'axis' is -1"):
        make(Softmax1, axis=-1)
    with pytest.raises(pyvino.OpValidationError, match="'axis' is 3"):
        make(Softmax8, axis=3)
    with pytest.raises(pyvino.OpValidationError, match="floating-point"):
        make(Softmax8, dtype="i32")
    dyn = make(LogSoftmax5, "[?,..5]", axis=-1)
    assert str(dyn.get_output_partial_shape(0)) == "[?,..5]"


def test_opsets(opset):
    assert type(opset(7).softmax(opset(7).parameter([2, 3]))) is Softmax1
    assert type(opset(8).softmax(opset(8).parameter([2, 3]), axis=-1)) is Softmax8
