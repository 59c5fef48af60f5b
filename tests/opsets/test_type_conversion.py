"""Convert / ConvertLike: known values for every destination type family."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from pyvino import OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets.type_conversion import Convert1, ConvertLike1

FLOATS = np.array([-1e10, -3.7, -0.5, 0.5, 3.7, 300.0, np.nan, np.inf], np.float32)


def convert(x: np.ndarray, dest: str) -> np.ndarray:
    node = Convert1([Parameter(Type.get(x.dtype), x.shape)], {"destination_type": dest})
    (out,) = node.evaluate(x)
    assert node.get_output_element_type(0) is Type.get(dest)
    assert out.dtype == Type.get(dest).dtype
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    return out


@pytest.mark.parametrize(
    "dest, expected",
    [
        ("i8", [-128, -3, 0, 0, 3, 127, 0, 127]),
        ("u8", [0, 0, 0, 0, 3, 255, 0, 255]),
        ("i32", [-(2**31), -3, 0, 0, 3, 300, 0, 2**31 - 1]),
        ("i64", [-(10**10), -3, 0, 0, 3, 300, 0, 2**63 - 1]),
        ("u16", [0, 0, 0, 0, 3, 300, 0, 65535]),
        ("i4", [-8, -3, 0, 0, 3, 7, 0, 7]),
        ("u4", [0, 0, 0, 0, 3, 15, 0, 15]),
        ("u2", [0, 0, 0, 0, 3, 3, 0, 3]),
    ],
)
def test_float_to_integer_truncates_and_saturates(dest, expected):
    out = convert(FLOATS, dest)
    assert [int(v) for v in out] == expected


def test_u64_saturation_is_exact():
    out = convert(np.array([1e30, -5.0, 2.0**63], np.float64), "u64")
    assert [int(v) for v in out] == [2**64 - 1, 0, 2**63]


@pytest.mark.parametrize("dest", ["boolean", "u1"])
def test_to_boolean_is_nonzero(dest):
    out = convert(np.array([0.0, -0.0, 0.1, np.nan, -2.0], np.float32), dest)
    assert out.tolist() == [False, False, True, True, True]
    assert convert(np.array([0, 3, -1], np.int32), dest).tolist() == [False, True, True]


def test_integer_narrowing_wraps_modulo():
    x = np.array([-1, 255, 256, 300, -129], np.int32)
    assert convert(x, "u8").tolist() == [255, 255, 0, 44, 127]
    assert convert(x, "i8").tolist() == [-1, -1, 0, 44, 127]
    assert [int(v) for v in convert(np.array([-1, 17, 8], np.int64), "i4")] == [-1, 1, -8]
    assert convert(np.array([-1], np.int32), "u32").tolist() == [2**32 - 1]


def test_boolean_source_and_widening():
    assert convert(np.array([True, False]), "f32").tolist() == [1.0, 0.0]
    assert convert(np.array([True, False]), "i64").tolist() == [1, 0]
    assert convert(np.array([-5], np.int8), "i64").tolist() == [-5]


def test_float_to_narrow_floats():
    x = np.array([1.0, 3.3, 1e6, -1e6, 0.1], np.float32)
    f16 = convert(x, "f16")
    assert f16.tolist()[:2] == [1.0, np.float16(3.3)] and np.isinf(f16[2])
    bf = convert(x, "bf16").astype(np.float32)
    assert bf[1] == np.float32(3.296875)  # nearest bf16 to 3.3
    e4 = convert(x, "f8e4m3").astype(np.float32)
    assert e4[0] == 1.0 and e4[1] == 3.25 and np.isnan(e4[2]) and np.isnan(e4[3])
    e5 = convert(x, "f8e5m2").astype(np.float32)
    assert e5[1] == 3.5 and np.isinf(e5[2])
    f4 = convert(x, "f4e2m1").astype(np.float32)
    assert f4.tolist() == [1.0, 3.0, 6.0, -6.0, 0.0]


def test_narrow_float_back_to_f32_is_exact():
    x = np.array([1.5, -2.25], ml_dtypes.bfloat16)
    assert convert(x, "f32").tolist() == [1.5, -2.25]
    assert [int(v) for v in convert(x, "i32")] == [1, -2]


def test_convert_attribute_spelling_and_unsupported_types():
    node = Convert1([Parameter("f32", "[?,3]")], {"destination_type": "f16"})
    assert node.format_attrs() == {"destination_type": "f16"}
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,3]")
    with pytest.raises(OpValidationError, match="destination_type"):
        Convert1([Parameter("f32", [1])], {"destination_type": "float128"})
    with pytest.raises(OpValidationError, match="destination_type"):
        Convert1([Parameter("f32", [1])], {})


def test_convert_like_takes_the_type_of_the_second_input():
    node = ConvertLike1([Parameter("f32", [3]), Parameter("i8", [1])])
    assert node.get_output_element_type(0) is Type.i8
    (out,) = node.evaluate(np.array([1.9, -1.9, 500.0], np.float32), np.zeros(1, np.int8))
    assert out.dtype == np.int8 and out.tolist() == [1, -1, 127]
