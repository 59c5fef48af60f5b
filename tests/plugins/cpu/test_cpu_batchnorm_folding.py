"""A model read straight from ONNX keeps BatchNormInference; the CPU plugin folds it itself.

A depthwise Conv read from ONNX has its weights behind a Reshape to the GroupConvolution
layout, which the plugin folds first so the BatchNorm after it folds too (MobileNetV2).
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from pyvino import Core

RNG = np.random.default_rng(3)


def conv_bn(path, group: int) -> None:
    c = 4 if group == 1 else 3
    inits = {
        "w": RNG.standard_normal((c, 3 // group, 3, 3)).astype(np.float32),
        "gamma": RNG.uniform(0.5, 1.5, c).astype(np.float32),
        "beta": RNG.standard_normal(c).astype(np.float32),
        "mean": RNG.standard_normal(c).astype(np.float32),
        "var": RNG.uniform(0.5, 2.0, c).astype(np.float32),
    }
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], group=group),
        helper.make_node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["b"]),
        helper.make_node("Relu", ["b"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "conv_bn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 10, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)]), str(path))


@pytest.mark.parametrize("group", [1, 3], ids=["dense", "depthwise"])
def test_batchnorm_after_a_convolution_is_folded_and_exact(tmp_path, group: int) -> None:
    path = tmp_path / "conv_bn.onnx"
    conv_bn(path, group)
    core = Core()
    model = core.read_model(str(path))
    assert "BatchNormInference" in [n.type_name for n in model.get_ordered_ops()]
    compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True})
    x = RNG.standard_normal((1, 3, 10, 10)).astype(np.float32)
    request = compiled.create_infer_request()
    got = request.infer([x])[0]
    want = ReferenceEvaluator(str(path)).run(None, {"x": x})[0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    ran = [
        (p.node_type, p.exec_type) for p in request.get_profiling_info() if p.status == "EXECUTED"
    ]
    assert not [t for t, _ in ran if t == "BatchNormInference"], ran
    assert not [e for _, e in ran if e.startswith("ref_")], ran
    # the user's model is untouched
    assert "BatchNormInference" in [n.type_name for n in model.get_ordered_ops()]
