"""BitwiseLeftShift-15 / BitwiseRightShift-15 against ONNX BitShift and Python integer shifts."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets.bitwise_shift import BitwiseLeftShift15, BitwiseRightShift15


def run(cls, a: np.ndarray, b: np.ndarray, **attrs) -> np.ndarray:
    node = cls(
        [Parameter(Type.get(a.dtype), a.shape), Parameter(Type.get(b.dtype), b.shape)], attrs
    )
    (out,) = node.evaluate(a, b)
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    assert out.dtype == a.dtype
    return out


def python_shift(values: np.ndarray, amounts: np.ndarray, left: bool) -> list[int]:
    """The oracle: unbounded Python integer shifts wrapped back into the type's range."""
    bits = values.dtype.itemsize * 8
    signed = values.dtype.kind == "i"
    out = []
    for v, s in zip(values.tolist(), amounts.tolist(), strict=True):
        if not 0 <= s < bits:  # every bit shifted out
            r = 0 if left or v >= 0 else -1
        else:
            r = (v << s) if left else (v >> s)
        r &= (1 << bits) - 1
        if signed and r >= 1 << (bits - 1):
            r -= 1 << bits
        out.append(r)
    return out


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_unsigned_shifts_match_onnx(onnx_ref, dtype, direction):
    x = np.array([16, 4, 1, 255, 0], dtype)
    s = np.array([1, 2, 3, 7, 5], dtype)
    cls = BitwiseLeftShift15 if direction == "LEFT" else BitwiseRightShift15
    (want,) = onnx_ref("BitShift", [x, s], direction=direction, opset=11)
    np.testing.assert_array_equal(run(cls, x, s), want)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_signed_shifts_wrap_and_fill_with_the_sign(dtype):
    bits = np.dtype(dtype).itemsize * 8
    x = np.array([64, 1, -64, -8, 4, -1, 5, -5], dtype)
    s = np.array([1, bits - 1, 1, 1, bits, bits + 3, -1, -2], dtype)
    np.testing.assert_array_equal(run(BitwiseLeftShift15, x, s), python_shift(x, s, left=True))
    np.testing.assert_array_equal(run(BitwiseRightShift15, x, s), python_shift(x, s, left=False))


def test_broadcasting_and_pdpd():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    s = np.array([0, 1, 2], np.int32)
    np.testing.assert_array_equal(run(BitwiseLeftShift15, x, s), x << s)
    got = run(BitwiseRightShift15, x * 8, s, auto_broadcast="pdpd")
    np.testing.assert_array_equal(got, (x * 8) >> s)


def test_types_are_checked():
    f = Parameter(Type.f32, [2])
    with pytest.raises(OpValidationError, match="integer element type"):
        BitwiseLeftShift15([f, f])
    b = Parameter(Type.boolean, [2])
    with pytest.raises(OpValidationError, match="integer element type"):
        BitwiseRightShift15([b, b])
    with pytest.raises(OpValidationError, match="must match"):
        BitwiseRightShift15([Parameter(Type.i32, [2]), Parameter(Type.i64, [2])])


def test_opset15_builder(opset):
    x = opset(15).parameter([2], "u8")
    node = opset(15).bitwise_left_shift(x, np.array([1, 2], np.uint8))
    assert type(node) is BitwiseLeftShift15
    assert "BitwiseRightShift" not in opset(14).opset
