"""String tensors on CPU: they live outside the byte arena (numpy object arrays cannot be typed
views of it) and run their reference evaluate, next to fast kernels on numeric tensors."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import Model

ops = pyvino.opset15


def strings(*values: str) -> np.ndarray:
    return np.array(values, dtype=object)


def equal_model(constant: np.ndarray, shape: list[int]) -> Model:
    x = pyvino.Parameter("string", shape, "x")
    return Model([ops.equal(x, pyvino.Constant(constant))], [x], "equal_strings")


def test_string_parameter_equal_to_string_constant(core):
    constant = strings("apple", "", "pear", "ünïcode")
    words = strings("apple", "", "plum", "ünïcode")
    compiled = core.compile_model(equal_model(constant, [4]), "CPU")
    out = compiled(words)[0]
    np.testing.assert_array_equal(out, words == constant)
    assert out.dtype == np.bool_


def test_string_equal_broadcasts_a_row_against_a_matrix(core):
    constant = strings("a", "b", "c")
    words = np.array([["a", "x", "c"], ["b", "b", "b"]], dtype=object)
    compiled = core.compile_model(equal_model(constant, [2, 3]), "CPU")
    np.testing.assert_array_equal(compiled(words)[0], words == constant)


def test_string_results_feed_fast_kernels_and_reshapes(core):
    """Reshape of a string tensor (a view for numeric tensors) and a numeric tail after Equal."""
    x = pyvino.Parameter("string", [2, 2], "x")
    weights = pyvino.Parameter("f32", [4], "w")
    flat = ops.reshape(x, ops.constant(np.array([4], np.int64)), special_zero=False)
    hits = ops.convert(
        ops.equal(flat, pyvino.Constant(strings("a", "b", "c", "d"))), destination_type="f32"
    )
    model = Model([ops.multiply(ops.relu(weights), hits), flat], [x, weights], "mixed")
    words = np.array([["a", "q"], ["c", "d"]], dtype=object)
    w = np.array([1.5, 2.0, -3.0, 4.0], np.float32)
    scores, echoed = core.compile_model(model, "CPU")([words, w]).to_tuple()
    expected = np.maximum(w, 0) * (words.reshape(4) == strings("a", "b", "c", "d"))
    np.testing.assert_array_equal(scores, expected.astype(np.float32))
    np.testing.assert_array_equal(echoed, words.reshape(4))


def test_each_request_keeps_its_own_string_values(core):
    x = pyvino.Parameter("string", [3], "x")
    model = Model([ops.concat(x, pyvino.Constant(strings("end")), axis=0)], [x], "concat")
    compiled = core.compile_model(model, "CPU")
    first, second = compiled.create_infer_request(), compiled.create_infer_request()
    first.infer([strings("a", "b", "c")])
    second.infer([strings("x", "y", "z")])
    np.testing.assert_array_equal(first.get_output_tensor(0).data, strings("a", "b", "c", "end"))
    np.testing.assert_array_equal(second.get_output_tensor(0).data, strings("x", "y", "z", "end"))


def test_string_tensors_take_no_bytes_of_the_arena(core):
    plan = core.compile_model(equal_model(strings("a", "b"), [2]), "CPU").backend.plan
    assert all(not dtype.hasobject for _offset, _shape, dtype in plan.layout.values())
