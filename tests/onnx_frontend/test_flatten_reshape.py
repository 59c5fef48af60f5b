"""Flatten keeps the batch symbolic, so a static-batch ONNX classifier can be reshaped."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import Core

RNG = np.random.default_rng(5)


def classifier(path, axis: int = 1) -> np.ndarray:
    """Conv -> Flatten(axis) -> MatMul, saved with a static batch of 1."""
    w = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
    fc = RNG.standard_normal((4 * 6 * 6, 5)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"]),
        helper.make_node("Flatten", ["c"], ["f"], axis=axis),
        helper.make_node("MatMul", ["f", "fc"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "flat",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(fc, "fc")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, str(path))


@pytest.mark.parametrize("batch", [1, 3])
def test_a_static_batch_flatten_model_reshapes_to_another_batch(tmp_path, batch) -> None:
    path = tmp_path / "flat.onnx"
    classifier(path)
    core = Core()
    model = core.read_model(str(path))
    model.reshape({"x": [batch, 3, 8, 8]})
    x = RNG.standard_normal((batch, 3, 8, 8)).astype(np.float32)
    got = core.compile_model(model, "CPU")([x])[0]
    want = ReferenceEvaluator(str(path)).run(None, {"x": x})[0]
    assert got.shape == (batch, 5)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
