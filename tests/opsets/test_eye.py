"""Eye-9 against the spec's examples, ONNX EyeLike and an explicit loop."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Constant, OpValidationError, Parameter, Type
from pyvino_opsets.eye import Eye9


def i64(v) -> Constant:
    return Constant(np.asarray(v, np.int64))


def eye(rows, cols, k, batch=None, output_type="f32") -> Eye9:
    inputs = [rows, cols, k] + ([batch] if batch is not None else [])
    return Eye9(
        [x if not isinstance(x, (int, list)) else i64(x) for x in inputs],
        {"output_type": output_type},
    )


def loop_eye(rows: int, cols: int, k: int) -> np.ndarray:
    out = np.zeros((rows, cols))
    for i in range(rows):
        if 0 <= i + k < cols:
            out[i, i + k] = 1
    return out


def run(node: Eye9) -> np.ndarray:
    values = [x.node.output_value(x.index) for x in node.inputs]
    (out,) = node.evaluate(*values)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    assert out.dtype == node.get_output_element_type(0).dtype
    return out


def test_spec_examples():
    np.testing.assert_array_equal(
        run(eye(3, 4, 2, output_type="i32")), [[0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    )
    np.testing.assert_array_equal(
        run(eye(3, 4, -1, output_type="i32")), [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]]
    )
    out = run(eye(2, 2, 5, batch=[1, 2], output_type="f16"))
    assert out.shape == (1, 2, 2, 2) and out.dtype == np.float16 and not out.any()


@pytest.mark.parametrize("rows, cols, k", [(4, 4, 0), (3, 5, 1), (5, 3, -2), (2, 6, 7), (1, 1, 0)])
def test_matches_a_loop_and_onnx_eyelike(onnx_ref, rows, cols, k):
    got = run(eye([rows], [cols], [k], output_type="f64"))
    np.testing.assert_array_equal(got, loop_eye(rows, cols, k))
    (want,) = onnx_ref("EyeLike", [np.zeros((rows, cols), np.float64)], k=k, opset=9)
    np.testing.assert_array_equal(got, want)


def test_batches_repeat_the_matrix():
    out = run(eye(2, 3, 1, batch=[2, 1], output_type="u8"))
    assert out.shape == (2, 1, 2, 3) and out.dtype == np.uint8
    for m in out.reshape(-1, 2, 3):
        np.testing.assert_array_equal(m, loop_eye(2, 3, 1))


def test_shape_inference_with_runtime_inputs():
    n = Parameter(Type.i32, [])
    node = eye(n, 4, 0)
    assert str(node.get_output_partial_shape(0)) == "[?,4]"
    batch = Parameter(Type.i64, [3])
    assert str(eye(2, 2, 0, batch=batch).get_output_partial_shape(0)) == "[?,?,?,2,2]"
    assert (
        not eye(2, 2, 0, batch=Parameter(Type.i64, [-1])).get_output_partial_shape(0).rank_is_static
    )


def test_invalid_inputs():
    with pytest.raises(OpValidationError, match="i32 or i64"):
        Eye9([Constant(np.float32(2)), i64(2), i64(0)], {"output_type": "f32"})
    with pytest.raises(OpValidationError, match="one element"):
        eye([2, 3], 2, 0)
    with pytest.raises(OpValidationError, match="non-negative"):
        eye(-1, 2, 0)
    with pytest.raises(OpValidationError, match="batch_shape"):
        eye(2, 2, 0, batch=Constant(np.zeros((1, 1), np.int64)))
    with pytest.raises(OpValidationError, match="output_type"):
        eye(2, 2, 0, output_type="string")
