"""An elementwise node read by an anchor and by the anchor's epilogue runs before the anchor.

``y = relu(conv1(x) + b); out = conv2(y) + y``: the Relu's consumers (conv2 and the residual
Add) are both in the Add's region, but conv2 reads it, so it must not become part of conv2's
epilogue (it used to: conv2 then read a buffer nothing had written yet).
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import Core

RNG = np.random.default_rng(11)


def _conv_model(channels: int, size: int) -> onnx.ModelProto:
    c = channels
    inits = {
        "w1": RNG.standard_normal((c, 12, 3, 3)).astype(np.float32) * 0.1,
        "b": RNG.standard_normal((1, c, 1, 1)).astype(np.float32),
        "w2": RNG.standard_normal((c, c, 3, 3)).astype(np.float32) * 0.1,
    }
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c1", "b"], ["a1"]),
        helper.make_node("Relu", ["a1"], ["y"]),
        helper.make_node("Conv", ["y", "w2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "y"], ["out"]),
    ]
    return _model(nodes, inits, [1, 12, size, size])


def _matmul_model() -> onnx.ModelProto:
    inits = {
        "w1": RNG.standard_normal((24, 32)).astype(np.float32) * 0.2,
        "b": RNG.standard_normal(32).astype(np.float32),
        "w2": RNG.standard_normal((32, 32)).astype(np.float32) * 0.2,
    }
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["m1"]),
        helper.make_node("Add", ["m1", "b"], ["a1"]),
        helper.make_node("Sigmoid", ["a1"], ["y"]),
        helper.make_node("MatMul", ["y", "w2"], ["m2"]),
        helper.make_node("Add", ["m2", "y"], ["out"]),
    ]
    return _model(nodes, inits, [4, 24])


def _model(nodes, inits, shape) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes,
        "feeding_anchor",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.mark.parametrize(
    "model",
    [
        pytest.param(lambda: _conv_model(16, 8), id="im2col"),
        pytest.param(lambda: _conv_model(32, 16), id="winograd"),
        pytest.param(lambda: _conv_model(16, 32), id="direct"),
        pytest.param(_matmul_model, id="matmul"),
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_a_node_the_anchor_reads_is_not_in_its_epilogue(tmp_path, model, threads) -> None:
    proto = model()
    path = tmp_path / "m.onnx"
    onnx.save(proto, str(path))
    shape = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    x = RNG.standard_normal(shape).astype(np.float32)
    want = ReferenceEvaluator(proto).run(None, {"x": x})[0]
    compiled = Core().compile_model(str(path), "CPU", {"INFERENCE_NUM_THREADS": threads})
    for _ in range(2):  # a second run must not see the first one's buffers
        np.testing.assert_allclose(compiled(x)[0], want, rtol=1e-4, atol=1e-4)
