"""MatMul-1 and Einsum-7 against explicit loops, numpy einsum strings and onnx.reference."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import pyvino
from pyvino_opsets.matmul import Einsum7, MatMul1

rng = np.random.default_rng(5)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def matmul(a, b, **attrs):
    return MatMul1([pyvino.Parameter("f32", a.shape), pyvino.Parameter("f32", b.shape)], attrs)


def loop_matmul_2d(a, b):
    out = np.zeros((a.shape[0], b.shape[1]), np.float64)
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            out[i, j] = sum(float(a[i, k]) * float(b[k, j]) for k in range(a.shape[1]))
    return out


@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_2d_transposes(ta, tb):
    a, b = rand(3, 4), rand(4, 5)
    a_in, b_in = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
    node = matmul(a_in, b_in, transpose_a=ta, transpose_b=tb)
    (got,) = node.evaluate(a_in, b_in)
    assert node.get_output_partial_shape(0).to_shape() == (3, 5)
    np.testing.assert_allclose(got, loop_matmul_2d(a, b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "sa, sb, out",
    [
        ((4,), (4,), ()),
        ((4,), (2, 4, 3), (2, 3)),
        ((2, 3, 4), (4,), (2, 3)),
        ((2, 1, 3, 4), (5, 4, 6), (2, 5, 3, 6)),
    ],
)
def test_matmul_1d_and_batch_broadcast(onnx_ref, sa, sb, out):
    a, b = rand(*sa), rand(*sb)
    node = matmul(a, b)
    (want,) = onnx_ref("MatMul", [a, b])
    (got,) = node.evaluate(a, b)
    assert node.get_output_partial_shape(0).to_shape() == out == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_matmul_1d_ignores_transpose_flags():
    a, b = rand(4), rand(4, 3)
    node = matmul(a, b, transpose_a=True)
    np.testing.assert_allclose(node.evaluate(a, b)[0], a @ b, rtol=1e-6)
    node = matmul(rand(2, 4), rand(4), transpose_b=True)
    assert node.get_output_partial_shape(0).to_shape() == (2,)


def test_matmul_shapes_dynamic_and_errors():
    a = pyvino.Parameter("f32", "[?,8,1..4,16]")
    b = pyvino.Parameter("f32", "[8,?,16,32]")
    assert str(MatMul1([a, b]).get_output_partial_shape(0)) == "[8,8,1..4,32]"  # ? must be 1 or 8
    assert str(MatMul1([a, pyvino.Parameter("f32", "...")]).get_output_partial_shape(0)) == "[...]"
    with pytest.raises(pyvino.OpValidationError, match="inner dimensions"):
        MatMul1([pyvino.Parameter("f32", [2, 3]), pyvino.Parameter("f32", [4, 5])])
    with pytest.raises(pyvino.OpValidationError, match="broadcast"):
        MatMul1([pyvino.Parameter("f32", [2, 2, 3]), pyvino.Parameter("f32", [3, 3, 5])])
    with pytest.raises(pyvino.OpValidationError, match="differ"):
        MatMul1([pyvino.Parameter("f32", [2, 3]), pyvino.Parameter("i32", [3, 5])])


def test_matmul_integer_and_f16():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = np.arange(12, dtype=np.int32).reshape(3, 4)
    node = MatMul1([pyvino.Parameter("i32", a.shape), pyvino.Parameter("i32", b.shape)])
    got = node.evaluate(a, b)[0]
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, loop_matmul_2d(a, b).astype(np.int32))
    h = rand(2, 3).astype(np.float16)
    out = MatMul1([pyvino.Parameter("f16", h.shape), pyvino.Parameter("f16", (3, 2))]).evaluate(
        h, h.T.copy()
    )[0]
    assert out.dtype == np.float16


def einsum(eq, *arrays):
    return Einsum7([pyvino.Parameter("f32", a.shape) for a in arrays], {"equation": eq})


@pytest.mark.parametrize(
    "eq, shapes, out",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)], (2, 4)),
        ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)], (2, 3, 4, 6)),
        ("ii->i", [(3, 3)], (3,)),
        ("ij->", [(3, 4)], ()),
        ("ij,jk", [(2, 3), (3, 4)], (2, 4)),
        ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)], (5, 2, 4)),
        ("a...,b->...ab", [(2, 3, 4), (5,)], (3, 4, 2, 5)),
        ("i,i,i->i", [(4,), (4,), (4,)], (4,)),
    ],
)
def test_einsum_matches_onnx(onnx_ref, eq, shapes, out):
    arrays = [rand(*s) for s in shapes]
    node = einsum(eq, *arrays)
    (want,) = onnx_ref("Einsum", arrays, equation=eq)
    (got,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).to_shape() == out == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_einsum_explicit_sum_known_values_and_errors():
    a = np.array([[1, 2], [3, 4]], np.float32)
    np.testing.assert_array_equal(einsum("ij->j", a).evaluate(a)[0], [4, 6])
    dyn = Einsum7(
        [pyvino.Parameter("f32", "[?,3]"), pyvino.Parameter("f32", "[3,2..5]")],
        {"equation": "ij,jk->ki"},
    )
    assert str(dyn.get_output_partial_shape(0)) == "[2..5,?]"
    with pytest.raises(pyvino.OpValidationError, match="label 'j'"):
        einsum("ij,jk->ik", rand(2, 3), rand(4, 5))
    with pytest.raises(pyvino.OpValidationError, match="2 input subscripts"):
        einsum("ij,jk->ik", rand(2, 3))
    with pytest.raises(pyvino.OpValidationError, match="output labels"):
        einsum("ij->iz", rand(2, 3))


def test_einsum_on_bfloat16_sums_in_f32(onnx_ref):
    a = np.arange(12, dtype=np.float32).reshape(3, 4).astype(ml_dtypes.bfloat16)
    node = Einsum7([pyvino.Parameter("bf16", a.shape)], {"equation": "ij->i"})
    (got,) = node.evaluate(a)
    assert got.dtype == a.dtype and node.get_output_element_type(0) is pyvino.Type.bf16
    (want,) = onnx_ref("Einsum", [a], equation="ij->i")
    np.testing.assert_array_equal(got.astype(np.float32), want.astype(np.float32))
    np.testing.assert_array_equal(got.astype(np.float32), [6, 22, 38])
