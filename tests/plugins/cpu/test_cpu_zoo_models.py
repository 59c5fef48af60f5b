"""Zoo models end to end: converted from ONNX, compiled with every fusion and fast kernel,
equal to the reference evaluate within rtol 1e-4; the heavy ops must not fall back."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import pyvino
from pyvino import zoo

from .conftest import exec_types

# model -> exec types that must do the heavy lifting
MODELS = {
    "mobilenet_v2": {"numba_depthwise_FP32", "gemm_1x1_FP32"},
    "resnet18": {"winograd_FP32", "im2col_gemm_FP32", "numba_max_pool_FP32"},
    "bert_encoder": {"gemm_FP32", "numba_layernorm_FP32", "numba_softmax_FP32"},
    "unet": {"winograd_FP32", "concat_FP32"},
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_zoo_model_matches_reference(core, tmp_path: Path, name: str):
    path = tmp_path / f"{name}.onnx"
    zoo.build(name, path)
    model = pyvino.convert_model(path)
    data = zoo.sample_inputs(model)
    compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    actual = request.infer(data).to_tuple()
    expected = pyvino.testing.evaluate_model(model, data)
    for a, e in zip(actual, expected, strict=True):
        scale = float(np.max(np.abs(e)))
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-5 * max(scale, 1.0))
    executed = Counter(
        kind for status, kind in exec_types(request).values() if status == "EXECUTED"
    )
    assert MODELS[name] <= set(executed), executed
