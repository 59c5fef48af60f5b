"""Reductions against numpy with explicit axes, onnx.reference and known values."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import pyvino
from pyvino_opsets import reductions as red

rng = np.random.default_rng(4)
X = rng.standard_normal((2, 3, 4)).astype(np.float32)


def make(cls, x, axes, keep_dims=False):
    return cls(
        [
            pyvino.Parameter(pyvino.Type.get(x.dtype), x.shape),
            pyvino.Constant(np.array(axes, np.int64)),
        ],
        {"keep_dims": keep_dims},
    )


@pytest.mark.parametrize(
    "cls, onnx_op",
    [
        (red.ReduceSum1, "ReduceSum"),
        (red.ReduceMean1, "ReduceMean"),
        (red.ReduceMax1, "ReduceMax"),
        (red.ReduceMin1, "ReduceMin"),
        (red.ReduceProd1, "ReduceProd"),
        (red.ReduceL1_4, "ReduceL1"),
        (red.ReduceL2_4, "ReduceL2"),
    ],
)
@pytest.mark.parametrize(
    "axes, keep", [([1], False), ([0, 2], True), ([-1], False), ([2, -3], False), (2, True)]
)
def test_reductions_match_onnx(onnx_ref, cls, onnx_op, axes, keep):
    node = make(cls, X, axes, keep)
    (want,) = onnx_ref(onnx_op, [X, np.array(axes, np.int64).reshape(-1)], keepdims=int(keep))
    (got,) = node.evaluate(X, np.array(axes, np.int64))
    assert node.get_output_partial_shape(0).to_shape() == want.shape == got.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_empty_axes_is_identity():
    node = make(red.ReduceSum1, X, np.zeros(0, np.int64), keep_dims=False)
    assert node.get_output_partial_shape(0).to_shape() == X.shape
    np.testing.assert_array_equal(node.evaluate(X, np.zeros(0, np.int64))[0], X)


def test_logical_reductions():
    b = np.array([[True, False, True], [True, True, True]])
    and_ = make(red.ReduceLogicalAnd1, b, [1])
    or_ = make(red.ReduceLogicalOr1, b, [0], keep_dims=True)
    np.testing.assert_array_equal(and_.evaluate(b, np.array([1]))[0], [False, True])
    np.testing.assert_array_equal(or_.evaluate(b, np.array([0]))[0], [[True, True, True]])
    assert and_.get_output_element_type(0) is pyvino.Type.boolean
    with pytest.raises(pyvino.OpValidationError, match="boolean"):
        make(red.ReduceLogicalAnd1, X, [0])


def test_integer_mean_truncates():
    x = np.array([[1, 2], [-3, -4], [5, 5]], np.int32)
    got = make(red.ReduceMean1, x, [1]).evaluate(x, np.array([1]))[0]
    np.testing.assert_array_equal(got, [1, -3, 5])  # 1.5 -> 1, -3.5 -> -3
    assert got.dtype == np.int32


def test_shape_inference_with_unknown_axes_and_errors():
    x = pyvino.Parameter("f32", "[?,4,2..6]")
    axes = pyvino.Parameter("i64", [2])
    keep = red.ReduceMean1([x, axes], {"keep_dims": True})
    assert str(keep.get_output_partial_shape(0)) == "[?,?,?]"
    drop = red.ReduceMean1([x, axes], {"keep_dims": False})
    assert str(drop.get_output_partial_shape(0)) == "[?]"
    const = red.ReduceMax1([x, pyvino.Constant(np.array([-1], np.int64))], {"keep_dims": True})
    assert str(const.get_output_partial_shape(0)) == "[?,4,1]"
    with pytest.raises(pyvino.OpValidationError, match="axis 3 is out of range"):
        red.ReduceSum1([x, pyvino.Constant(np.array([3], np.int64))])
    with pytest.raises(pyvino.OpValidationError, match="integer"):
        red.ReduceSum1([x, pyvino.Constant(np.array([1.0], np.float32))])


def test_builder_versions(opset):
    p = opset(4).parameter([2, 3])
    assert type(opset(4).reduce_l2(p, np.array([1]), keep_dims=True)) is red.ReduceL2_4
    assert "ReduceL1" not in opset(3).opset


@pytest.mark.parametrize("keep", [True, False])
def test_max_and_min_over_an_empty_axis_give_their_identity(onnx_ref, keep):
    x = np.zeros((2, 0, 4), np.float32)
    axes = np.array([1], np.int64)
    for cls, onnx_op in ((red.ReduceMax1, "ReduceMax"), (red.ReduceMin1, "ReduceMin")):
        node = make(cls, x, [1], keep)
        (got,) = node.evaluate(x, axes)
        (want,) = onnx_ref(onnx_op, [x, axes], keepdims=int(keep), opset=20)
        assert got.shape == want.shape == node.get_output_partial_shape(0).to_shape()
        np.testing.assert_array_equal(got, want)  # -inf for max, +inf for min


def test_empty_max_of_integers_and_types_without_infinity():
    ints = np.zeros((0, 3), np.int16)
    assert list(make(red.ReduceMax1, ints, [0]).evaluate(ints, np.array([0]))[0]) == [-32768] * 3
    assert list(make(red.ReduceMin1, ints, [0]).evaluate(ints, np.array([0]))[0]) == [32767] * 3
    f8 = np.zeros((0, 2), ml_dtypes.float8_e4m3fn)  # no infinity: its largest finite value
    got = make(red.ReduceMin1, f8, [0]).evaluate(f8, np.array([0]))[0]
    assert got.dtype == f8.dtype and float(got[0]) == 448.0
