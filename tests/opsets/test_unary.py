"""Unary elementwise ops: float values vs ONNX's reference, integer rules vs known values."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import math_functions as mf
from pyvino_opsets import unary as un

RNG = np.random.default_rng(2)


def onnx_eval(op_type: str, *inputs: np.ndarray, **attrs) -> np.ndarray:
    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op_type, names, ["y"], **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))[0]


def run(cls, x: np.ndarray, **attrs) -> np.ndarray:
    node = cls([Parameter(Type.get(x.dtype), x.shape)], attrs)
    (out,) = node.evaluate(x)
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    assert node.get_output_element_type(0) is Type.get(out.dtype)
    return out


ANY = RNG.uniform(-3, 3, (3, 4)).astype(np.float32)
UNIT = RNG.uniform(-0.99, 0.99, (3, 4)).astype(np.float32)
POSITIVE = RNG.uniform(0.1, 5, (3, 4)).astype(np.float32)
ABOVE_ONE = RNG.uniform(1.0, 5, (3, 4)).astype(np.float32)


@pytest.mark.parametrize(
    "cls, onnx_op, x",
    [
        (un.Abs1, "Abs", ANY), (un.Ceiling1, "Ceil", ANY), (un.Floor1, "Floor", ANY),
        (un.Negative1, "Neg", ANY), (un.Sign1, "Sign", ANY), (mf.Sqrt1, "Sqrt", POSITIVE),
        (mf.Exp1, "Exp", ANY), (mf.Log1, "Log", POSITIVE), (mf.Sin1, "Sin", ANY),
        (mf.Cos1, "Cos", ANY), (mf.Tan1, "Tan", UNIT), (mf.Asin1, "Asin", UNIT),
        (mf.Acos1, "Acos", UNIT), (mf.Atan1, "Atan", ANY), (mf.Sinh1, "Sinh", ANY),
        (mf.Cosh1, "Cosh", ANY), (mf.Asinh3, "Asinh", ANY), (mf.Acosh3, "Acosh", ABOVE_ONE),
        (mf.Atanh3, "Atanh", UNIT), (mf.Erf1, "Erf", ANY),
    ],
)  # fmt: skip
def test_float_functions_match_onnx(cls, onnx_op, x):
    np.testing.assert_allclose(run(cls, x), onnx_eval(onnx_op, x), rtol=2e-6, atol=1e-7)


def test_versions_and_type_names():
    assert (mf.Asinh3.type_name, mf.Asinh3.version_id, mf.Asinh3.op_version()) == (
        "Asinh",
        "opset4",
        3,
    )
    assert un.Round5.version_id == "opset5" and un.IsInf10.version_id == "opset10"


def test_integer_inputs_round_or_truncate_like_openvino():
    x = np.array([0, 1, 2, 3, 5, 10], np.int32)
    np.testing.assert_array_equal(run(mf.Sqrt1, x), [0, 1, 1, 2, 2, 3])  # round(1.41), round(1.73)
    np.testing.assert_array_equal(run(mf.Exp1, np.array([1, 2], np.int32)), [2, 7])  # trunc
    np.testing.assert_array_equal(run(mf.Log1, np.array([1, 10], np.int64)), [0, 2])  # trunc 2.30
    np.testing.assert_array_equal(run(mf.Cos1, np.array([0, 3], np.int32)), [1, -1])
    np.testing.assert_array_equal(run(mf.Atanh3, np.array([-2, 0, 3], np.int8)), [-128, 0, 127])
    # log(0) = -inf does not fit an integer: it saturates.
    assert run(mf.Log1, np.array([0], np.int32))[0] == np.iinfo(np.int32).min


def test_sign_and_abs_on_integers_and_nan():
    np.testing.assert_array_equal(run(un.Sign1, np.array([-5, 0, 7], np.int16)), [-1, 0, 1])
    assert run(un.Sign1, np.array([np.nan], np.float32))[0] == 0
    np.testing.assert_array_equal(run(un.Abs1, np.array([3, 250], np.uint8)), [3, 250])
    np.testing.assert_array_equal(run(un.Negative1, np.array([-128], np.int8)), [-128])


@pytest.mark.parametrize(
    "mode, expected",
    [("half_to_even", [-2, -2, -0, 0, 2, 2, 3]), ("half_away_from_zero", [-3, -2, -1, 1, 2, 3, 3])],
)
def test_round_modes(mode, expected):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7], np.float32)
    np.testing.assert_array_equal(run(un.Round5, x, mode=mode), expected)


def test_round_half_to_even_matches_onnx():
    x = np.arange(-4, 4, 0.25, dtype=np.float32)
    np.testing.assert_array_equal(run(un.Round5, x), onnx_eval("Round", x))


def test_half_precision_keeps_dtype():
    x = np.array([0.25, 4.0], ml_dtypes.bfloat16)
    out = run(mf.Sqrt1, x)
    assert out.dtype == ml_dtypes.bfloat16 and out.astype(np.float32).tolist() == [0.5, 2.0]
    h = np.array([1.0, 2.0], np.float16)
    np.testing.assert_allclose(run(mf.Exp1, h), np.exp(h.astype(np.float32)).astype(np.float16))


def test_is_nan_inf_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 1e300], np.float64)
    np.testing.assert_array_equal(run(un.IsNaN10, x), onnx_eval("IsNaN", x))
    np.testing.assert_array_equal(run(un.IsInf10, x), onnx_eval("IsInf", x))
    for neg, pos in [(0, 1), (1, 0)]:
        got = run(un.IsInf10, x, detect_negative=bool(neg), detect_positive=bool(pos))
        np.testing.assert_array_equal(
            got, onnx_eval("IsInf", x, detect_negative=neg, detect_positive=pos)
        )
    np.testing.assert_array_equal(run(un.IsFinite10, x), [True, False, False, False, True])
    with pytest.raises(OpValidationError, match="floating-point"):
        un.IsNaN10([Parameter("i32", [2])])


def test_boolean_input_is_rejected_and_dynamic_shape_passes_through():
    with pytest.raises(OpValidationError, match="boolean"):
        mf.Exp1([Parameter("boolean", [2])])
    node = un.Abs1([Parameter("f32", "[?,2..5]")])
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,2..5]")
