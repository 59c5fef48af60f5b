"""MobileNetV2 (or any zoo classifier) latency on the emulated VPU vs the CPU plugin.

Measures host latency of synchronous inference on both devices (same inputs, same process),
the VPU's simulated device latency from its cost model, the largest relative error of the
VPU's fp16 results against CPU fp32, and top-1 agreement over the measured inputs.

    python benchmarks/vpu_vs_cpu.py                       # MobileNetV2, 20 iterations
    python benchmarks/vpu_vs_cpu.py -m resnet18 -n 50 --json report.json

The VPU is emulated on the host: its host latency says how fast the emulator is, not how
fast a Myriad X would be (that is the simulated latency, an uncalibrated roofline estimate).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np
import pyvino
from pyvino import CompiledModel, Core, zoo


def timed(compiled: CompiledModel, x: np.ndarray) -> tuple[float, np.ndarray]:
    """(host latency in ms, first output as float32) of one synchronous inference."""
    start = time.perf_counter()
    result = compiled(x)[0]
    return (time.perf_counter() - start) * 1000.0, np.array(result, dtype=np.float32)


def measure(cpu: CompiledModel, vpu: CompiledModel, inputs: list[np.ndarray]) -> dict[str, Any]:
    """Latencies and outputs of both devices, interleaved input by input so that load from
    other processes on the host affects both alike; one warm-up inference each first."""
    timed(cpu, inputs[0])
    timed(vpu, inputs[0])
    runs: dict[str, Any] = {"cpu": ([], []), "vpu": ([], [])}
    for x in inputs:
        for name, compiled in (("cpu", cpu), ("vpu", vpu)):
            latency, output = timed(compiled, x)
            runs[name][0].append(latency)
            runs[name][1].append(output)
    return runs


def summary(latencies: list[float]) -> dict[str, float]:
    return {"median_ms": statistics.median(latencies), "mean_ms": statistics.fmean(latencies),
            "min_ms": min(latencies), "max_ms": max(latencies)}


def run(model_name: str, iterations: int, seed: int) -> dict[str, Any]:
    entry = zoo.get_entry(model_name)
    shape = tuple(int(d) for d in entry.inputs[0].shape)
    model = pyvino.convert_model(zoo.build(model_name))
    core = Core()
    start = time.perf_counter()
    vpu = core.compile_model(model, "VPU")
    vpu_compile = (time.perf_counter() - start) * 1000.0
    cpu = core.compile_model(model, "CPU")
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(shape).astype(np.float32) for _ in range(iterations)]
    runs = measure(cpu, vpu, inputs)
    (cpu_lat, expected), (vpu_lat, actual) = runs["cpu"], runs["vpu"]
    errors = [float(np.max(np.abs(a - e)) / np.max(np.abs(e))) for a, e in zip(actual, expected)]
    agree = sum(int(np.argmax(a) == np.argmax(e)) for a, e in zip(actual, expected))
    cpu_s, vpu_s = summary(cpu_lat), summary(vpu_lat)
    return {
        "model": model_name, "iterations": iterations,
        "cpu": cpu_s, "vpu": vpu_s,
        "latency_ratio_vpu_over_cpu": vpu_s["median_ms"] / cpu_s["median_ms"],
        "vpu_compile_ms": vpu_compile,
        "vpu_simulated_latency_ms": vpu.get_property("VPU_SIMULATED_LATENCY_US") / 1000.0,
        "vpu_device_memory_bytes": vpu.get_property("VPU_DEVICE_MEMORY_BYTES"),
        "max_relative_error": max(errors),
        "top1_agreement": f"{agree}/{iterations}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-m", "--model", default="mobilenet_v2", help="zoo classifier name")
    parser.add_argument("-n", "--iterations", type=int, default=20)
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--json", default=None, help="also write the report as JSON here")
    args = parser.parse_args()
    report = run(args.model, args.iterations, args.seed)
    cpu, vpu = report["cpu"], report["vpu"]
    print(f"model {report['model']}, {report['iterations']} inferences each")
    print(f"CPU  host latency: median {cpu['median_ms']:.1f} ms, mean {cpu['mean_ms']:.1f} ms")
    print(f"VPU  host latency: median {vpu['median_ms']:.1f} ms, mean {vpu['mean_ms']:.1f} ms "
          f"(emulator on this host; compile {report['vpu_compile_ms']:.0f} ms)")
    print(f"VPU / CPU host latency: {report['latency_ratio_vpu_over_cpu']:.2f}x")
    print(f"VPU  simulated device latency: {report['vpu_simulated_latency_ms']:.2f} ms "
          f"(cost model), device memory {report['vpu_device_memory_bytes'] / 2**20:.1f} MB")
    print(f"max relative error vs CPU fp32: {report['max_relative_error']:.2e}; "
          f"top-1 agreement {report['top1_agreement']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
