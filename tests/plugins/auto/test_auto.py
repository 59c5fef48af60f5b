"""AUTO: selection by priority and precision, CPU start-up helper, runtime fallback."""

from __future__ import annotations

import time

import numpy as np
import pytest
import pyvino
from pyvino import AsyncInferQueue, CompilationError, Core, Model
from pyvino.testing import DeviceConformance, FakeDevice


class TestAuto(DeviceConformance):
    """AUTO's device contract. With the CPU start-up helper on, the first requests run on CPU
    and later ones on the accelerator (f16 on a GPU), so results of one input may differ
    between requests by design; the kit checks AUTO with the helper off (tested below)."""

    device = "AUTO"
    config = {"ENABLE_STARTUP_FALLBACK": False}


class TestAutoCumulative(DeviceConformance):
    device = "AUTO:CPU"
    config = {"PERFORMANCE_HINT": "CUMULATIVE_THROUGHPUT"}


def model() -> Model:
    ops = pyvino.opset8
    x = ops.parameter([1, 8], "f32", name="x")
    return Model([ops.add(ops.relu(x), np.float32(1.0))], [x])


def data(i: int) -> np.ndarray:
    return np.random.default_rng(i).standard_normal((1, 8)).astype(np.float32)


def test_no_device_means_auto():
    core = Core()
    compiled = core.compile_model(model())
    assert compiled.backend.device == "AUTO"
    (device,) = compiled.get_property("EXECUTION_DEVICES")
    assert device.strip("()") in core.available_devices
    np.testing.assert_allclose(compiled(data(0))[0], np.maximum(data(0), 0) + 1, rtol=1e-6)


def test_startup_helper_serves_on_cpu_then_hands_over():
    core = Core()
    fake = FakeDevice.plugin("ACCEL", compile_delay=1.5)
    core.add_extension(fake)
    start = time.perf_counter()
    compiled = core.compile_model(model(), "AUTO:ACCEL,CPU")
    assert time.perf_counter() - start < 1.0, "compile must not wait for the accelerator"
    assert compiled.get_property("EXECUTION_DEVICES") == ["(CPU)"]
    first = compiled(data(0))[0]
    np.testing.assert_allclose(first, np.maximum(data(0), 0) + 1)
    assert fake.device.calls == 0, "first results came from CPU"
    deadline = time.time() + 10
    while compiled.get_property("EXECUTION_DEVICES") != ["ACCEL"] and time.time() < deadline:
        time.sleep(0.05)
    assert compiled.get_property("EXECUTION_DEVICES") == ["ACCEL"]
    compiled(data(1))
    assert fake.device.calls == 1, "later results come from the accelerator"


def test_startup_fallback_can_be_disabled():
    core = Core()
    core.add_extension(FakeDevice.plugin("ACCEL", compile_delay=0.3))
    compiled = core.compile_model(model(), "AUTO:ACCEL,CPU", {"ENABLE_STARTUP_FALLBACK": False})
    assert compiled.get_property("EXECUTION_DEVICES") == ["ACCEL"]


def test_thousand_requests_with_preferred_device_failing_at_500():
    core = Core()
    fake = FakeDevice.plugin("ACCEL", fail_on_request=500)
    core.add_extension(fake)
    compiled = core.compile_model(model(), "AUTO:ACCEL,CPU", {"ENABLE_STARTUP_FALLBACK": False})
    results: dict[int, np.ndarray] = {}
    queue = AsyncInferQueue(compiled, 4)
    queue.set_callback(lambda req, i: results.__setitem__(i, req.results[0].copy()))
    for i in range(1000):
        queue.start_async({"x": data(i)}, i)
    queue.wait_all()
    assert sorted(results) == list(range(1000)), "no request lost"
    for i in range(1000):
        np.testing.assert_allclose(results[i], np.maximum(data(i), 0) + 1, rtol=1e-6)
    assert fake.device.calls >= 500
    assert compiled.get_property("EXECUTION_DEVICES") == ["CPU"]


def test_precision_rules_fp32_model_prefers_fp32_device():
    core = Core()
    core.add_extension(FakeDevice.plugin("HALF", capabilities=("FP16",)))
    compiled = core.compile_model(model(), "AUTO:HALF,CPU", {"ENABLE_STARTUP_FALLBACK": False})
    assert compiled.get_property("EXECUTION_DEVICES") == ["CPU"]
    only_half = core.compile_model(model(), "AUTO:HALF")
    assert only_half.get_property("EXECUTION_DEVICES") == ["HALF"]


def test_exclusion_and_nothing_left():
    core = Core()
    core.add_extension(FakeDevice.plugin("ACCEL"))
    compiled = core.compile_model(model(), "AUTO:ACCEL,-CPU")
    assert compiled.get_property("EXECUTION_DEVICES") == ["ACCEL"]
    with pytest.raises(CompilationError, match="no supported devices"):
        everything = ["ACCEL", *core.available_devices]
        core.compile_model(model(), "AUTO:" + ",".join(f"-{d}" for d in everything))


def test_cumulative_throughput_uses_all_devices():
    core = Core()
    core.add_extension(FakeDevice.plugin("ACCEL"))
    compiled = core.compile_model(model(), "AUTO:ACCEL,CPU",
                                  {"PERFORMANCE_HINT": "CUMULATIVE_THROUGHPUT"})
    assert compiled.get_property("EXECUTION_DEVICES") == ["ACCEL", "CPU"]
