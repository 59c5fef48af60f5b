"""Device discovery, properties and what happens without OpenCL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import pyvino


def run_python(code: str, **env: str) -> dict:
    """Run ``code`` in a fresh interpreter with ``env`` changes; it prints one JSON line."""
    full = {k: v for k, v in os.environ.items() if k not in env or env[k] is not None}
    full.update({k: v for k, v in env.items() if v is not None})
    for key in [k for k, v in env.items() if v is None]:
        full.pop(key, None)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_gpu_listed_with_properties(core) -> None:
    assert "GPU.0" in core.available_devices
    assert core.get_property("GPU", "AVAILABLE_DEVICES")[0] == "0"
    name = core.get_property("GPU", "FULL_DEVICE_NAME")
    assert isinstance(name, str) and name
    assert core.get_property("GPU", "DEVICE_ARCHITECTURE").startswith("GPU: vendor=0x")
    assert core.get_property("GPU", "DEVICE_TYPE") in ("integrated", "discrete")
    caps = core.get_property("GPU", "OPTIMIZATION_CAPABILITIES")
    assert caps[0] == "FP32" and "EXPORT_IMPORT" in caps
    supported = core.get_property("GPU", "SUPPORTED_PROPERTIES")
    for key in ("PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_PRECISION_HINT", "PERF_COUNT"):
        assert supported[key] == "RW"


def test_precision_default_follows_fp16_support(core, monkeypatch) -> None:
    """f16 where the device has cl_khr_fp16 (as OpenVINO's GPU plugin), else f32."""
    plugin = core.get_device_plugin("GPU")
    has_fp16 = "FP16" in core.get_property("GPU", "OPTIMIZATION_CAPABILITIES")
    expected = pyvino.Type.f16 if has_fp16 else pyvino.Type.f32
    assert core.get_property("GPU", "INFERENCE_PRECISION_HINT") == expected
    monkeypatch.setenv("PYVINO_GPU_ASSUME_FP16", "1")
    assert "FP16" in core.get_property("GPU", "OPTIMIZATION_CAPABILITIES")
    assert plugin.get_property("INFERENCE_PRECISION_HINT") == pyvino.Type.f16
    accurate = plugin.inference_precision({"EXECUTION_MODE_HINT": "ACCURACY",
                                           "INFERENCE_PRECISION_HINT": "dynamic"})
    assert accurate == pyvino.Type.f32


def test_streams_follow_the_hint(core) -> None:
    ops = pyvino.opset8
    x = ops.parameter([2, 3], "f32", name="x")
    model = pyvino.Model([ops.relu(x)], [x], "relu")
    assert core.compile_model(model, "GPU").get_property("NUM_STREAMS") == 1
    tput = core.compile_model(model, "GPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    assert tput.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS") == 2
    assert tput.get_property("EXECUTION_DEVICES") == ["GPU.0"]


def test_cpu_opencl_devices_need_the_switch() -> None:
    """Without PYVINO_GPU_ANY_OPENCL a CPU-only OpenCL host has no GPU, and says why."""
    result = run_python("""
        import json, pyvino
        from pyvino_gpu._devices import discover
        devices, reason = discover()
        print(json.dumps({"gpus": [d.is_gpu for d in devices], "reason": reason,
                          "listed": pyvino.Core().available_devices}))
    """, PYVINO_GPU_ANY_OPENCL=None)
    if any(result["gpus"]):
        pytest.skip("this machine has a real OpenCL GPU")
    assert "PYVINO_GPU_ANY_OPENCL=1" in result["reason"]
    assert not any(d.startswith("GPU") for d in result["listed"])


def test_without_an_opencl_driver_core_still_works(tmp_path) -> None:
    """No ICD: GPU is unavailable with install advice; the rest of pyvino is unaffected."""
    result = run_python("""
        import json, pyvino
        core = pyvino.Core()
        plugin = core.get_device_plugin("GPU")
        print(json.dumps({"reason": plugin.unavailable_reason(),
                          "devices": core.available_devices}))
    """, OCL_ICD_VENDORS=str(tmp_path), OPENCL_VENDOR_PATH=str(tmp_path))
    assert "apt-get install pocl-opencl-icd" in result["reason"]
    assert "CPU" in result["devices"] and not any(d.startswith("GPU") for d in result["devices"])


def test_entry_point_does_not_import_pyopencl() -> None:
    result = run_python("""
        import json, sys
        import pyvino
        core = pyvino.Core()
        core.plugin_manager.devices()
        print(json.dumps({"loaded": "pyopencl" in sys.modules,
                          "gpu": "GPU" in core.plugin_manager.devices()}))
    """)
    assert result == {"loaded": False, "gpu": True}
