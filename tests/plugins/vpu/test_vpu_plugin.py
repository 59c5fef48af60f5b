"""VPU-specific behaviour: fp16 semantics, op list, static shapes, memory budget, sticks."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import pyvino
from pyvino import CompilationError, DeviceNotFoundError, Model, PropertyError
from pyvino.testing import evaluate_model


def image(seed: int = 0, size: int = 16) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((1, 3, size, size)).astype(np.float32)


def test_devices_and_read_only_properties(core):
    assert "VPU.0" in core.available_devices
    assert core.get_property("VPU", "OPTIMIZATION_CAPABILITIES") == ["FP16", "EXPORT_IMPORT"]
    assert core.get_property("VPU", "AVAILABLE_DEVICES") == ["0"]
    assert "emulated" in core.get_property("VPU", "FULL_DEVICE_NAME")
    core.set_property("VPU", {"VPU_NUMBER_OF_DEVICES": 3})
    assert [d for d in core.available_devices if d.startswith("VPU")] == ["VPU.0", "VPU.1",
                                                                          "VPU.2"]


def test_fp16_only_and_property_validation(core):
    with pytest.raises(PropertyError, match="INFERENCE_PRECISION_HINT.*FP16 only"):
        core.set_property("VPU", {"INFERENCE_PRECISION_HINT": "f32"})
    with pytest.raises(PropertyError, match="VPU_MEMORY_BUDGET.*positive"):
        core.set_property("VPU", {"VPU_MEMORY_BUDGET": -1})
    with pytest.raises(PropertyError, match="VPU_OUTPUT_PRECISION.*f32 or f16"):
        core.set_property("VPU", {"VPU_OUTPUT_PRECISION": "i8"})


def test_outputs_are_fp16_values_close_to_the_reference(core, cnn):
    model = cnn()
    x = image()
    out = core.compile_model(model, "VPU")(x)["prob"]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, out.astype(np.float16).astype(np.float32))
    expected = evaluate_model(model, [x])[0]
    np.testing.assert_allclose(out, expected, rtol=2e-2, atol=2e-3)
    assert not np.array_equal(out, expected), "fp16 storage must be visible in the results"


def test_each_layer_rounds_to_fp16_without_fusion(core):
    """Chained elementwise ops: each stored result is rounded, as a fp16 device would."""
    ops = pyvino.opset8
    x = ops.parameter([4096], "f32", name="x")
    y = ops.multiply(ops.add(x, np.float32(1 / 3), name="a"), np.float32(3.0), name="m")
    model = Model([y], [x], "chain")
    data = np.linspace(-2, 2, 4096, dtype=np.float32)
    f16 = np.float16
    emulated = ((data.astype(f16).astype(np.float32) + np.float32(f16(1 / 3))).astype(f16)
                .astype(np.float32) * np.float32(3.0)).astype(f16).astype(np.float32)
    out = core.compile_model(model, "VPU", {"VPU_HW_STAGES_OPTIMIZATION": False})(data)[0]
    np.testing.assert_array_equal(out, emulated)


def test_fused_stages_round_once_and_cost_less(core, cnn):
    fused = core.compile_model(cnn(), "VPU", {"PERF_COUNT": True})
    plain = core.compile_model(cnn(), "VPU", {"VPU_HW_STAGES_OPTIMIZATION": False,
                                              "PERF_COUNT": True})
    x = image(3)
    np.testing.assert_allclose(fused(x)[0], plain(x)[0], rtol=1e-2, atol=1e-3)
    assert (fused.get_property("VPU_SIMULATED_LATENCY_US")
            < plain.get_property("VPU_SIMULATED_LATENCY_US"))
    assert (fused.get_property("VPU_ACTIVATIONS_BYTES")
            <= plain.get_property("VPU_ACTIVATIONS_BYTES"))
    request = fused.create_infer_request()
    request.infer(x)
    kinds = {p.node_name: p.exec_type for p in request.get_profiling_info()}
    assert kinds["conv"] == "sim_conv_FP16"
    assert kinds["bias"] == kinds["relu6"] == "sim_fused_FP16"


def test_f16_outputs_on_request(core, cnn):
    compiled = core.compile_model(cnn(), "VPU", {"VPU_OUTPUT_PRECISION": "f16"})
    assert compiled.outputs[0].element_type == pyvino.Type.f16
    assert "prob" in compiled.outputs[0].names
    assert compiled(image())["prob"].dtype == np.float16


def test_u8_and_f16_inputs_are_accepted_in_the_declared_type(core):
    ops = pyvino.opset8
    for element_type, dtype in (("u8", np.uint8), ("f16", np.float16)):
        x = ops.parameter([2, 3], element_type, name="x")
        y = ops.multiply(ops.convert(x, destination_type="f32", name="to_f32"), np.float32(0.5),
                         name="half")
        compiled = core.compile_model(Model([y], [x], "typed"), "VPU")
        data = np.arange(6, dtype=dtype).reshape(2, 3)
        np.testing.assert_array_equal(compiled(data)[0], data.astype(np.float32) * 0.5)


def test_dynamic_model_is_rejected_with_a_clear_error(core):
    ops = pyvino.opset8
    x = ops.parameter([-1, 3], "f32", name="x")
    model = Model([ops.relu(x, name="relu")], [x], "dynamic")
    with pytest.raises(CompilationError, match=r"static shapes only.*'dynamic'.*x \[\?,3\]"):
        core.compile_model(model, "VPU")
    assert "relu" not in core.query_model(model, "VPU")  # HETERO puts it elsewhere


def test_bert_like_model_is_rejected_listing_the_unsupported_nodes(core, bert):
    with pytest.raises(CompilationError) as info:
        core.compile_model(bert, "VPU")
    message = str(info.value)
    assert "2 node(s)" in message and "HETERO:VPU,CPU" in message
    assert "layernorm (MVN-6)" in message and "gelu_erf (Erf-1)" in message
    claimed = core.query_model(bert, "VPU")
    assert "layernorm" not in claimed and "gelu_erf" not in claimed
    assert {"proj", "gelu_scale", "attention"} <= set(claimed)


def test_bert_like_model_runs_through_hetero(core, bert):
    compiled = core.compile_model(bert, "HETERO:VPU,CPU")
    assert compiled.get_property("EXECUTION_DEVICES") == ["VPU", "CPU"]
    x = np.random.default_rng(2).standard_normal((1, 8, 16)).astype(np.float32)
    np.testing.assert_allclose(compiled(x)[0], evaluate_model(bert, [x])[0], rtol=2e-2,
                               atol=2e-3)


def test_memory_budget_error_names_the_numbers(core):
    ops = pyvino.opset8
    x = ops.parameter([1, 64, 128, 128], "f32", name="x")
    w = np.zeros((64, 64, 3, 3), np.float32)
    conv = ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                           dilations=[1, 1], name="conv")
    model = Model([ops.relu(conv, name="relu")], [x], "wide")
    activation = 64 * 128 * 128 * 2  # one fp16 tensor
    weights = 64 * 64 * 9 * 2
    needed = weights + 2 * activation  # input and fused conv+relu output alive together
    with pytest.raises(CompilationError) as info:
        core.compile_model(model, "VPU", {"VPU_MEMORY_BUDGET": 1 << 20})
    message = str(info.value)
    assert f"needs {needed} bytes" in message and f"{weights} bytes of fp16 weights" in message
    assert "VPU_MEMORY_BUDGET is 1048576 bytes (1.0 MB)" in message
    compiled = core.compile_model(model, "VPU", {"VPU_MEMORY_BUDGET": needed})
    assert compiled.get_property("VPU_DEVICE_MEMORY_BYTES") == needed


def test_least_loaded_placement_and_named_sticks(core, tiny):
    core.set_property("VPU", {"VPU_NUMBER_OF_DEVICES": 2})
    first = core.compile_model(tiny(), "VPU")
    second = core.compile_model(tiny(), "VPU")
    assert first.get_property("EXECUTION_DEVICES") == ["VPU.0"]
    assert second.get_property("EXECUTION_DEVICES") == ["VPU.1"]
    third = core.compile_model(tiny(), "VPU")
    assert third.get_property("EXECUTION_DEVICES") == ["VPU.0"]
    del first, third
    gc.collect()  # the sticks count live compiled models only
    assert core.compile_model(tiny(), "VPU").get_property("EXECUTION_DEVICES") == ["VPU.0"]
    named = core.compile_model(tiny(), "VPU.1")
    assert named.get_property("EXECUTION_DEVICES") == ["VPU.1"]
    assert named.get_property("DEVICE_ID") == "1"
    with pytest.raises(DeviceNotFoundError, match="VPU.5 does not exist.*VPU.0, VPU.1"):
        core.compile_model(tiny(), "VPU.5")


def test_profiling_reports_simulated_device_time(core, cnn):
    compiled = core.compile_model(cnn(), "VPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    request.infer(image())
    info = {p.node_name: p for p in request.get_profiling_info()}
    conv = info["conv"]
    assert conv.status == "EXECUTED" and conv.exec_type.startswith("sim_")
    flops = 2 * 8 * 16 * 16 * 3 * 3 * 3
    assert conv.real_time.total_seconds() >= flops / 1000e9  # never faster than the roofline
    assert info["flatten"].real_time.total_seconds() == 0  # a view costs nothing
    assert info["image"].status == "NOT_RUN"
    total = sum(p.real_time.total_seconds() for p in info.values())
    assert total * 1e6 == pytest.approx(
        compiled.get_property("VPU_SIMULATED_LATENCY_US"), abs=len(info))  # whole microseconds
    # 1 GFLOPS and no fixed cost: the conv stage is compute-bound, 13824 flops -> 13.8 us
    slow = core.compile_model(cnn(), "VPU", {"VPU_COMPUTE_GFLOPS": 1, "PERF_COUNT": True,
                                             "VPU_LAYER_OVERHEAD_US": 0})
    request = slow.create_infer_request()
    request.infer(image())
    conv = next(p for p in request.get_profiling_info() if p.node_name == "conv")
    assert conv.real_time.total_seconds() == pytest.approx(flops / 1e9, abs=1e-6)


def test_runtime_model_holds_fp16_weights(core, cnn):
    runtime = core.compile_model(cnn(), "VPU").get_runtime_model()
    weights = [n for n in runtime.get_ordered_ops() if n.type_name == "Constant"
               and n.get_output_element_type(0).is_real]
    assert weights and all(n.get_output_element_type(0) == pyvino.Type.f16 for n in weights)
    conv = next(n for n in runtime.get_ordered_ops() if n.friendly_name == "conv")
    assert conv.rt_info["runtimePrecision"] == "FP16"
