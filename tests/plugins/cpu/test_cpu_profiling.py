"""PERF_COUNT records (exec types, statuses) and the executed graph of get_runtime_model()."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import Model

from .conftest import exec_types, rand

ops = pyvino.opset15
RT_KEYS = {
    "execOrder",
    "execTimeMcs",
    "layerType",
    "originalLayersNames",
    "primitiveType",
    "runtimePrecision",
    "outputPrecisions",
}


def small_net() -> Model:
    x = ops.parameter([1, 32, 8, 8], "f32", name="x")
    w = rand(32, 32, 3, 3, seed=1, scale=0.1)
    y = ops.convolution(
        x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1], name="conv"
    )
    y = ops.relu(ops.add(y, rand(1, 32, 1, 1, seed=2), name="bias"), name="relu")
    shape = ops.shape_of(x, name="shape")  # folded at compile
    flat = ops.reshape(y, np.array([1, -1], np.int64), special_zero=False, name="flat")
    gathered = ops.gather(shape, np.array([1], np.int64), np.int64(0), name="dims")
    out = ops.softmax(flat, axis=1, name="prob")
    return Model([out, gathered], [x], "small_net")


def test_statuses_and_exec_types(core):
    compiled = core.compile_model(small_net(), "CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    request.infer([rand(1, 32, 8, 8, seed=3)])
    types = exec_types(request)
    assert types["conv"] == ("EXECUTED", "winograd_FP32")
    assert types["bias"] == ("OPTIMIZED_OUT", "winograd_FP32")
    assert types["relu"][0] == "OPTIMIZED_OUT"
    assert types["flat"] == ("OPTIMIZED_OUT", "view")
    assert types["prob"] == ("EXECUTED", "numba_softmax_FP32")
    assert types["shape"] == ("OPTIMIZED_OUT", "constant_folded")
    assert types["x"][0] == "NOT_RUN"
    timed = {p.node_name: p.real_time for p in request.get_profiling_info()}
    assert timed["conv"].total_seconds() > 0


def test_profiling_is_empty_without_perf_count(core):
    compiled = core.compile_model(small_net(), "CPU")
    request = compiled.create_infer_request()
    request.infer([rand(1, 32, 8, 8, seed=3)])
    assert request.get_profiling_info() == []


def test_runtime_model_is_the_executed_graph(core):
    compiled = core.compile_model(small_net(), "CPU", {"PERF_COUNT": True})
    compiled.create_infer_request().infer([rand(1, 32, 8, 8, seed=4)])
    runtime = compiled.get_runtime_model()
    nodes = {n.friendly_name: n for n in runtime.get_ordered_ops()}
    assert {"bias", "relu", "shape"}.isdisjoint(nodes)  # fused or folded: not executed
    conv = nodes["conv"].rt_info
    assert RT_KEYS <= set(conv)
    assert conv["layerType"] == "Convolution"
    assert conv["originalLayersNames"] == "conv,bias,relu"
    assert conv["primitiveType"] == "winograd_FP32"
    assert conv["runtimePrecision"] == "f32" and conv["outputPrecisions"] == "f32"
    assert int(conv["execTimeMcs"]) >= 0
    orders = sorted(int(n.rt_info["execOrder"]) for n in runtime.get_ordered_ops())
    assert orders == list(range(len(orders)))
    assert nodes["prob"].get_output_partial_shape(0).to_shape() == (1, 2048)
    assert [r.friendly_name for r in runtime.get_results()] == [
        r.friendly_name for r in small_net().get_results()
    ]
