"""Binary arithmetic ops: values against ONNX's reference / hand numpy, shapes incl. dynamic."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import Constant, OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import arithmetic as ar

RNG = np.random.default_rng(0)


def onnx_eval(op_type: str, *inputs: np.ndarray, **attrs) -> np.ndarray:
    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op_type, names, ["y"], **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))[0]


def run(cls, a: np.ndarray, b: np.ndarray, **attrs) -> np.ndarray:
    """Build ``cls`` on Parameters shaped like a, b; check infer agrees with evaluate."""
    node = cls(
        [Parameter(Type.get(a.dtype), a.shape), Parameter(Type.get(b.dtype), b.shape)], attrs
    )
    (out,) = node.evaluate(a, b)
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    assert node.get_output_element_type(0) is Type.get(out.dtype)
    return out


@pytest.mark.parametrize(
    "cls, onnx_op",
    [
        (ar.Add1, "Add"),
        (ar.Subtract1, "Sub"),
        (ar.Multiply1, "Mul"),
        (ar.Divide1, "Div"),
        (ar.Maximum1, "Max"),
        (ar.Minimum1, "Min"),
        (ar.Power1, "Pow"),
    ],
)
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 1, 4), (3, 1)), ((), (5,))])
def test_float_ops_match_onnx_with_numpy_broadcast(cls, onnx_op, shapes):
    a = RNG.uniform(0.5, 2.0, shapes[0]).astype(np.float32)
    b = RNG.uniform(0.5, 2.0, shapes[1]).astype(np.float32)
    np.testing.assert_allclose(run(cls, a, b), onnx_eval(onnx_op, a, b), rtol=1e-6)


def test_integer_division_floors_by_default_and_truncates_without_pythondiv():
    a = np.array([7, -7, 7, -7, 6], np.int32)
    b = np.array([2, 2, -2, -2, 3], np.int32)
    np.testing.assert_array_equal(run(ar.Divide1, a, b), [3, -4, -4, 3, 2])
    np.testing.assert_array_equal(run(ar.Divide1, a, b, m_pythondiv=False), [3, -3, -3, 3, 2])


def test_integer_division_by_zero_is_an_error():
    with pytest.raises(OpValidationError, match="division by zero"):
        run(ar.Divide1, np.array([1], np.int64), np.array([0], np.int64))


def test_float_division_by_zero_gives_inf():
    out = run(ar.Divide1, np.array([1.0, -1.0], np.float32), np.zeros(2, np.float32))
    np.testing.assert_array_equal(out, [np.inf, -np.inf])


def test_floor_mod_and_mod_signs():
    a = np.array([7, -7, 7, -7], np.int32)
    b = np.array([3, 3, -3, -3], np.int32)
    np.testing.assert_array_equal(run(ar.FloorMod1, a, b), onnx_eval("Mod", a, b, fmod=0))
    np.testing.assert_array_equal(run(ar.Mod1, a, b), [1, -1, 1, -1])
    af, bf = a.astype(np.float32) + 0.5, b.astype(np.float32)
    np.testing.assert_allclose(run(ar.FloorMod1, af, bf), [1.5, 2.5, -1.5, -0.5])
    np.testing.assert_allclose(run(ar.Mod1, af, bf), onnx_eval("Mod", af, bf, fmod=1))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floor_mod_follows_python_on_infinities_nan_and_signed_zeros(dtype):
    inf, nan = np.inf, np.nan
    a = np.array([0.0, -0.0, -3.0, 3.0, -1.0, 1.0, inf, 1.0, nan, 1.0], dtype)
    b = np.array([-2.0, 2.0, inf, inf, -inf, -inf, 2.0, 0.0, 2.0, nan], dtype)
    got = run(ar.FloorMod1, a, b)
    want = [-0.0, 0.0, inf, 3.0, -1.0, -inf, nan, nan, nan, nan]  # Python's float %
    np.testing.assert_array_equal(got, np.array(want, dtype))
    np.testing.assert_array_equal(np.signbit(got[:2]), [True, False])
    with np.errstate(invalid="ignore"):  # onnx's own np.mod warns on the NaN cases
        np.testing.assert_array_equal(got, onnx_eval("Mod", a, b, fmod=0))


def test_squared_difference():
    a, b = np.array([1.0, 5.0], np.float32), np.array([4.0, 2.0], np.float32)
    np.testing.assert_array_equal(run(ar.SquaredDifference1, a, b), [9.0, 9.0])


def test_integer_power_with_negative_exponent_truncates():
    a = np.array([2, 3, 1, -1, -1, 2], np.int32)
    b = np.array([3, -1, -5, -3, -2, 0], np.int32)
    np.testing.assert_array_equal(run(ar.Power1, a, b), [8, 0, 1, -1, 1, 1])


def test_integer_add_wraps_and_keeps_dtype():
    a = np.array([127, -128], np.int8)
    out = run(ar.Add1, a, np.array([1, -1], np.int8))
    np.testing.assert_array_equal(out, [-128, 127])
    assert out.dtype == np.int8


def test_maximum_nan_in_second_operand_wins_like_openvino():
    a = np.array([1.0, np.nan], np.float32)
    b = np.array([np.nan, 1.0], np.float32)
    out = run(ar.Maximum1, a, b)
    assert np.isnan(out[0]) and out[1] == 1.0


def test_half_precision_types_keep_their_dtype():
    a = np.array([1.5, 2.25], ml_dtypes.bfloat16)
    out = run(ar.Multiply1, a, a)
    assert out.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(out.astype(np.float32), [2.25, 5.0625])
    h = np.array([65504.0], np.float16)
    assert np.isinf(run(ar.Add1, h, h)[0])


def test_pdpd_broadcast_aligns_right():
    a = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    b = RNG.standard_normal((3, 1)).astype(np.float32)
    out = run(ar.Add1, a, b, auto_broadcast="pdpd")
    np.testing.assert_allclose(out, a + b.reshape(1, 3, 1))


def test_pdpd_rejects_second_input_larger():
    with pytest.raises(OpValidationError):
        ar.Add1([Parameter("f32", [3]), Parameter("f32", [2, 3])], {"auto_broadcast": "pdpd"})


def test_none_broadcast_requires_equal_shapes():
    with pytest.raises(OpValidationError, match="auto_broadcast"):
        ar.Add1([Parameter("f32", [2, 3]), Parameter("f32", [3])], {"auto_broadcast": "none"})
    node = ar.Add1(
        [Parameter("f32", "[?,3]"), Parameter("f32", "[2,?]")], {"auto_broadcast": "none"}
    )
    assert node.get_output_partial_shape(0) == PartialShape([2, 3])


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("[?,3]", "[1,3]", "[?,3]"),
        ("[?,1]", "[1,4]", "[?,4]"),
        ("[?]", "[5]", "[5]"),
        ("[1..10,3]", "[3]", "[1..10,3]"),
        ("[2..8]", "[4..12]", "[4..8]"),
        ("[?,?]", "[?]", "[?,?]"),
        ("[...]", "[3]", "[...]"),
        ("[1,1,3]", "[2,3]", "[1,2,3]"),
    ],
)
def test_broadcast_shape_inference_with_dynamic_dims(a, b, expected):
    node = ar.Add1([Parameter("f32", a), Parameter("f32", b)])
    assert node.get_output_partial_shape(0) == PartialShape.parse(expected)


def test_incompatible_shapes_and_types_are_rejected():
    with pytest.raises(OpValidationError, match="broadcast"):
        ar.Add1([Parameter("f32", [2, 3]), Parameter("f32", [4])])
    with pytest.raises(OpValidationError, match="element types"):
        ar.Add1([Parameter("f32", [2]), Parameter("i32", [2])])
    with pytest.raises(OpValidationError, match="boolean"):
        ar.Add1([Parameter("boolean", [2]), Parameter("boolean", [2])])


def test_static_broadcast_dim_against_interval_excluding_it_fails():
    with pytest.raises(OpValidationError):
        ar.Add1([Parameter("f32", "[5..8]"), Parameter("f32", [3])])


def test_attribute_spelling_and_default():
    node = ar.Divide1([Parameter("f32", [1]), Parameter("f32", [1])])
    assert node.format_attrs() == {"m_pythondiv": "true", "auto_broadcast": "numpy"}
    assert node.type_name == "Divide" and node.version_id == "opset1"


def test_constant_inputs_fold_through_output_value():
    node = ar.Add1([Constant(np.array([1, 2], np.int64)), Constant(np.array([10], np.int64))])
    np.testing.assert_array_equal(node.output_value(0), [11, 12])
