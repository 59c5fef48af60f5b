"""Comparison, logical, bitwise ops and Select: values vs ONNX's reference; broadcasting."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import comparison as cmp

RNG = np.random.default_rng(3)


def onnx_eval(op_type: str, *inputs: np.ndarray, **attrs) -> np.ndarray:
    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op_type, names, ["y"], **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))[0]


def run(cls, *arrays: np.ndarray, **attrs) -> np.ndarray:
    node = cls([Parameter(Type.get(a.dtype), a.shape) for a in arrays], attrs)
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    assert node.get_output_element_type(0) is Type.get(out.dtype)
    return out


A = RNG.integers(0, 3, (2, 3, 4)).astype(np.float32)
B = RNG.integers(0, 3, (3, 1)).astype(np.float32)


@pytest.mark.parametrize(
    "cls, onnx_op",
    [(cmp.Equal1, "Equal"), (cmp.Less1, "Less"), (cmp.LessEqual1, "LessOrEqual"),
     (cmp.Greater1, "Greater"), (cmp.GreaterEqual1, "GreaterOrEqual")],
)  # fmt: skip
def test_comparisons_match_onnx(cls, onnx_op):
    np.testing.assert_array_equal(run(cls, A, B), onnx_eval(onnx_op, A, B))


def test_not_equal_and_integer_inputs():
    a, b = np.array([1, 2, 3], np.int64), np.array([1, 0, 3], np.int64)
    np.testing.assert_array_equal(run(cmp.NotEqual1, a, b), [False, True, False])
    h = np.array([1.5, 2.0], ml_dtypes.bfloat16)
    np.testing.assert_array_equal(run(cmp.Less1, h, h[::-1].copy()), [True, False])


def test_comparison_output_type_is_boolean_even_for_dynamic_shapes():
    node = cmp.Equal1([Parameter("i32", "[?,3]"), Parameter("i32", "[1]")])
    assert node.get_output_element_type(0) is Type.boolean
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,3]")


@pytest.mark.parametrize(
    "cls, onnx_op", [(cmp.LogicalAnd1, "And"), (cmp.LogicalOr1, "Or"), (cmp.LogicalXor1, "Xor")]
)
def test_logical_ops_match_onnx(cls, onnx_op):
    a = RNG.integers(0, 2, (2, 3)).astype(bool)
    b = RNG.integers(0, 2, (3,)).astype(bool)
    np.testing.assert_array_equal(run(cls, a, b), onnx_eval(onnx_op, a, b))


def test_logical_ops_require_boolean():
    np.testing.assert_array_equal(run(cmp.LogicalNot1, np.array([True, False])), [False, True])
    with pytest.raises(OpValidationError, match="boolean"):
        cmp.LogicalAnd1([Parameter("f32", [2]), Parameter("f32", [2])])
    with pytest.raises(OpValidationError, match="boolean"):
        cmp.LogicalNot1([Parameter("i32", [2])])


@pytest.mark.parametrize(
    "cls, onnx_op",
    [(cmp.BitwiseAnd13, "BitwiseAnd"), (cmp.BitwiseOr13, "BitwiseOr"),
     (cmp.BitwiseXor13, "BitwiseXor")],
)  # fmt: skip
@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.int8])
def test_bitwise_ops_match_onnx(cls, onnx_op, dtype):
    a = RNG.integers(0, 100, (2, 3)).astype(dtype)
    b = RNG.integers(0, 100, (3,)).astype(dtype)
    np.testing.assert_array_equal(run(cls, a, b), onnx_eval(onnx_op, a, b))


def test_bitwise_not_and_boolean_bitwise():
    x = np.array([0, 5, -1], np.int32)
    np.testing.assert_array_equal(run(cmp.BitwiseNot13, x), onnx_eval("BitwiseNot", x))
    np.testing.assert_array_equal(run(cmp.BitwiseNot13, np.array([True, False])), [False, True])
    t, f = np.array([True, True]), np.array([True, False])
    np.testing.assert_array_equal(run(cmp.BitwiseXor13, t, f), [False, True])
    i4 = np.array([1, -8], ml_dtypes.int4)
    assert [int(v) for v in run(cmp.BitwiseNot13, i4)] == [-2, 7]
    with pytest.raises(OpValidationError, match="integer"):
        cmp.BitwiseAnd13([Parameter("f32", [1]), Parameter("f32", [1])])


def test_select_numpy_broadcast_matches_onnx_where():
    cond = RNG.integers(0, 2, (2, 1, 4)).astype(bool)
    then = RNG.standard_normal((3, 1)).astype(np.float32)
    other = RNG.standard_normal((4,)).astype(np.float32)
    np.testing.assert_array_equal(
        run(cmp.Select1, cond, then, other), onnx_eval("Where", cond, then, other)
    )


def test_select_pdpd_and_none():
    then = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    other = RNG.standard_normal((3, 1)).astype(np.float32)
    cond = np.array([True, False, True, False])
    got = run(cmp.Select1, cond, then, other, auto_broadcast="pdpd")
    np.testing.assert_array_equal(got, np.where(cond, then, other.reshape(1, 3, 1)))
    same = np.ones((2, 2), np.float32)
    got = run(cmp.Select1, np.eye(2, dtype=bool), same, same * 2, auto_broadcast="none")
    np.testing.assert_array_equal(got, [[1, 2], [2, 1]])
    with pytest.raises(OpValidationError):
        cmp.Select1(
            [Parameter("boolean", [2]), Parameter("f32", [2, 2]), Parameter("f32", [2, 2])],
            {"auto_broadcast": "none"},
        )


def test_select_type_checks_and_dynamic_shape():
    with pytest.raises(OpValidationError, match="condition"):
        cmp.Select1([Parameter("f32", [2]), Parameter("f32", [2]), Parameter("f32", [2])])
    with pytest.raises(OpValidationError, match="element types"):
        cmp.Select1([Parameter("boolean", [2]), Parameter("f32", [2]), Parameter("i32", [2])])
    node = cmp.Select1(
        [Parameter("boolean", "[?,1]"), Parameter("f32", "[1,4]"), Parameter("f32", "[1]")]
    )
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,4]")
