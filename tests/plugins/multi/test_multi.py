"""MULTI: all devices serve; a failing device is taken out and the others keep serving."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import AsyncInferQueue, CompilationError, Core, Model
from pyvino.testing import DeviceConformance, FakeDevice


class TestMultiCPU(DeviceConformance):
    device = "MULTI:CPU"


def model() -> Model:
    ops = pyvino.opset8
    x = ops.parameter([1, 8], "f32", name="x")
    return Model([ops.multiply(ops.relu(x), np.float32(3.0))], [x])


def expected(x):
    return np.maximum(x, 0) * 3


def test_parse_device_list_with_request_counts():
    from pyvino_multi import parse_device_list

    assert parse_device_list("GPU,CPU(4)") == [("GPU", None), ("CPU", 4)]


def test_requests_spread_and_survive_a_failing_device():
    core = Core()
    fake = FakeDevice.plugin("FAKE", fail_on_request=20, streams=2)
    core.add_extension(fake)
    compiled = core.compile_model(model(), "MULTI:FAKE(2),CPU(2)")
    assert compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 4
    assert compiled.get_property("EXECUTION_DEVICES") == ["FAKE", "CPU"]
    results: dict[int, np.ndarray] = {}
    queue = AsyncInferQueue(compiled, 4)
    queue.set_callback(lambda req, i: results.__setitem__(i, req.results[0].copy()))
    inputs = [np.random.default_rng(i).standard_normal((1, 8)).astype(np.float32)
              for i in range(200)]
    for i, x in enumerate(inputs):
        queue.start_async({"x": x}, i)
    queue.wait_all()
    assert sorted(results) == list(range(200))
    for i, x in enumerate(inputs):
        np.testing.assert_allclose(results[i], expected(x), rtol=1e-6)
    assert fake.device.calls >= 19  # FAKE served until it broke
    assert compiled.get_property("EXECUTION_DEVICES") == ["CPU"]


def test_unavailable_devices_are_skipped_and_all_missing_is_an_error():
    core = Core()
    compiled = core.compile_model(model(), "MULTI:NOSUCH,CPU")
    assert compiled.get_property("EXECUTION_DEVICES") == ["CPU"]
    with pytest.raises(CompilationError, match="none of the devices"):
        core.compile_model(model(), "MULTI:NOSUCH")


def test_property_forms_of_the_device_list():
    core = Core()
    for key in ("MULTI_DEVICE_PRIORITIES", "DEVICE_PRIORITIES"):
        compiled = core.compile_model(model(), "MULTI", {key: "CPU(3)"})
        assert compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 3
    compiled = core.compile_model(model(), "MULTI:CPU",
                                  {"DEVICE_PROPERTIES": {"CPU": {"NUM_STREAMS": 2}}})
    assert compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 2
