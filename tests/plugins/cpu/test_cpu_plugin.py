"""CPU-specific behaviour: properties, streams, profiling, blobs, kernel errors."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import BlobFormatError, Core, InferenceError, Model, PropertyError
from pyvino.testing import conformance_models, evaluate_model


@pytest.fixture(scope="module")
def core() -> Core:
    return Core()


def test_read_only_properties(core):
    assert core.get_property("CPU", "FULL_DEVICE_NAME")
    assert "FP32" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    supported = core.get_property("CPU", "SUPPORTED_PROPERTIES")
    assert supported["PERFORMANCE_HINT"] == "RW" and supported["FULL_DEVICE_NAME"] == "RO"
    with pytest.raises(PropertyError, match="read-only"):
        core.set_property("CPU", {"FULL_DEVICE_NAME": "x"})
    with pytest.raises(PropertyError, match="INFERENCE_NUM_THREADS.*integer >= 0"):
        core.set_property("CPU", {"INFERENCE_NUM_THREADS": -3})


def test_hints_set_streams_and_optimal_requests(core):
    model = conformance_models()["cnn"]()
    latency = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "LATENCY"})
    tput = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    fixed = core.compile_model(model, "CPU", {"NUM_STREAMS": 3})
    assert latency.get_property("NUM_STREAMS") == 1
    assert latency.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 1
    assert tput.get_property("NUM_STREAMS") >= 1
    assert fixed.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 3
    assert tput.get_property("EXECUTION_DEVICES") == ["CPU"]


def test_perf_count_profiles_every_node(core):
    model = conformance_models()["cnn"]()
    compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    request.infer([np.ones((1, 3, 8, 8), np.float32)])
    info = {p.node_name: p for p in request.get_profiling_info()}
    assert info["conv"].status == "EXECUTED" and info["conv"].node_type == "Convolution"
    assert info["conv"].real_time.total_seconds() > 0
    assert info["image"].status == "NOT_RUN"
    assert request.latency > 0


def test_blob_for_another_device_is_refused(core):
    model = conformance_models()["two_io"]()
    blob = core.compile_model(model, "CPU").export_model()
    forged = blob.replace(b'"device": "CPU"', b'"device": "VPU"')
    with pytest.raises(BlobFormatError):
        core.import_model(forged, "CPU")
    with pytest.raises(BlobFormatError, match="bad magic"):
        core.import_model(b"\x80\x04pickle-not-welcome", "CPU")


def test_kernel_failure_names_the_node(core):
    ops = pyvino.opset8
    x = ops.parameter("?,4", "f32", name="x")
    r = ops.reshape(x, np.array([3, 5], np.int64), special_zero=False, name="to_3x5")
    compiled = core.compile_model(Model([r], [x]), "CPU")
    with pytest.raises(InferenceError, match="node 'to_3x5' \\(Reshape-1\\) failed on CPU"):
        compiled(np.zeros((2, 4), np.float32))


def test_dynamic_input_shapes_run(core):
    ops = pyvino.opset8
    x = ops.parameter("?,4", "f32", name="x")
    model = Model([ops.relu(x)], [x])
    compiled = core.compile_model(model, "CPU")
    for n in (1, 3):
        data = np.linspace(-1, 1, n * 4, dtype=np.float32).reshape(n, 4)
        np.testing.assert_array_equal(compiled(data)[0], np.maximum(data, 0))
    np.testing.assert_allclose(evaluate_model(model, [data])[0], np.maximum(data, 0))
