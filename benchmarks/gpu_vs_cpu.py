"""ResNet-50 (or another zoo model) latency on the GPU plugin vs the CPU plugin, same run.

Usage::

    python benchmarks/gpu_vs_cpu.py [--model resnet50] [--iterations 10] [--precision f32]
                                    [--json out.json]

Sets ``PYVINO_GPU_ANY_OPENCL=1`` so that PoCL's CPU OpenCL device counts as a GPU on machines
without one. Reports compile time, first inference (includes lazy kernel code generation on
drivers such as PoCL), steady-state latency (median, mean, min) and how closely the two devices
agree (max relative difference, top-1 agreement).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

import numpy as np

os.environ.setdefault("PYVINO_GPU_ANY_OPENCL", "1")

import pyvino  # noqa: E402
from pyvino import zoo  # noqa: E402


def make_inputs(model: pyvino.Model, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    inputs = []
    for p in model.get_parameters():
        shape = p.get_output_partial_shape(0).to_shape()
        if p.get_element_type().is_integral:
            high = 2 if "mask" in p.friendly_name else 1000
            inputs.append(rng.integers(0, high, shape).astype(p.get_element_type().dtype))
        else:
            inputs.append(rng.standard_normal(shape).astype(np.float32))
    return inputs


def measure(core: pyvino.Core, model: pyvino.Model, device: str, config: dict[str, Any],
            inputs: list[np.ndarray], iterations: int) -> tuple[dict[str, Any], list[np.ndarray]]:
    start = time.perf_counter()
    compiled = core.compile_model(model, device, config)
    compile_s = time.perf_counter() - start
    request = compiled.create_infer_request()
    start = time.perf_counter()
    request.infer(inputs)
    first_s = time.perf_counter() - start
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        request.infer(inputs)
        times.append(time.perf_counter() - start)
    outputs = [np.array(request.get_output_tensor(i).data)
               for i in range(len(compiled.outputs))]
    stats = {
        "device": device,
        "config": {k: str(v) for k, v in config.items()},
        "compile_s": round(compile_s, 3),
        "first_inference_s": round(first_s, 3),
        "latency_ms": {"median": round(statistics.median(times) * 1e3, 2),
                       "mean": round(statistics.fmean(times) * 1e3, 2),
                       "min": round(min(times) * 1e3, 2)},
        "iterations": iterations,
    }
    return stats, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--precision", default="f32", choices=["f32", "f16"])
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args()

    core = pyvino.Core()
    model = core.read_model(zoo.build(args.model))
    inputs = make_inputs(model)
    gpu_name = core.get_property("GPU", "FULL_DEVICE_NAME")
    gpu, gpu_out = measure(core, model, "GPU", {"INFERENCE_PRECISION_HINT": args.precision},
                           inputs, args.iterations)
    cpu, cpu_out = measure(core, model, "CPU", {}, inputs, args.iterations)
    diffs = [float(np.abs(g.astype(np.float64) - c).max() / (np.abs(c).max() + 1e-12))
             for g, c in zip(gpu_out, cpu_out, strict=True)]
    report = {
        "model": args.model,
        "gpu_device": gpu_name,
        "gpu": gpu,
        "cpu": cpu,
        "max_relative_difference": max(diffs),
        "top1_agrees": bool(np.argmax(gpu_out[0]) == np.argmax(cpu_out[0])),
        "gpu_over_cpu_latency": round(gpu["latency_ms"]["median"] / cpu["latency_ms"]["median"],
                                      3),
    }
    print(json.dumps(report, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
