"""The numba Interpolate kernel on UNet-sized upsampling, split between threads, against
onnx.reference's Resize (an independent implementation): NCHW (one gather loop per tap along
W) and NHWC-like layouts (several values per column), one and two threads."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator
from pyvino import Core

from .conftest import rand


def resize_model(shape: list[int], scales: list[float], mode: str) -> onnx.ModelProto:
    out = [round(d * s) for d, s in zip(shape, scales, strict=True)]
    node = helper.make_node(
        "Resize", ["x", "", "scales"], ["y"], mode=mode, coordinate_transformation_mode="half_pixel"
    )
    graph = helper.make_graph(
        [node],
        "resize",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out)],
        [helper.make_tensor("scales", TensorProto.FLOAT, [len(scales)], scales)],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    ("shape", "scales", "mode"),
    [
        ([1, 32, 64, 64], [1, 1, 2, 2], "linear"),  # UNet up0/Resize_0
        ([2, 5, 17, 23], [1, 1, 2, 3], "linear"),  # odd sizes, batch 2
        ([1, 64, 32, 8], [1, 2, 2, 1], "linear"),  # resized H, W with 8 values per column
        ([1, 16, 40, 40], [1, 1, 1.5, 1.5], "cubic"),
    ],
)
def test_resize_matches_onnx_reference(tmp_path, shape, scales, mode, threads):
    model = resize_model(shape, [float(s) for s in scales], mode)
    path = tmp_path / "resize.onnx"
    onnx.save(model, path)
    x = rand(*shape, seed=len(shape) + shape[1])
    (expected,) = ReferenceEvaluator(model).run(None, {"x": x})
    compiled = Core().compile_model(
        str(path), "CPU", {"PERF_COUNT": True, "INFERENCE_NUM_THREADS": threads}
    )
    request = compiled.create_infer_request()
    (actual,) = request.infer([x]).to_tuple()
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)
    kinds = {p.exec_type for p in request.get_profiling_info() if p.status == "EXECUTED"}
    assert "numba_interpolate_FP32" in kinds
