"""``pyvino demo``: the main job — build a zoo model, convert, save IR, read, compile, infer."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

NAME = "demo"
HELP = "build a zoo model, convert it to IR, compile on the default device and run it"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="mobilenet_v2", help="zoo model name (default mobilenet_v2)")
    p.add_argument("-d", "--device", default=None, help="device (default: AUTO / first available)")
    p.add_argument("-n", "--iterations", type=int, default=20, help="timed inferences")
    p.add_argument("-o", "--output-dir", default=None, help="where to write the IR files")


def _step(title: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {title:<40} {1000 * (now - start):9.1f} ms")
    return now


def run(args: argparse.Namespace) -> int:
    import pyvino
    from pyvino import zoo

    out_dir = Path(args.output_dir or tempfile.mkdtemp(prefix="pyvino-demo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"pyvino {pyvino.__version__} demo: {args.model}")
    t = time.perf_counter()
    onnx_path = out_dir / f"{args.model}.onnx"
    zoo.build(args.model, onnx_path)
    t = _step(f"build zoo model -> {onnx_path.name}", t)
    model = pyvino.convert_model(onnx_path)
    t = _step("convert ONNX -> Model (common passes)", t)
    xml = out_dir / f"{args.model}.xml"
    pyvino.save_model(model, xml)
    t = _step(f"save IR v11 -> {xml.name} (+ .bin, fp16)", t)
    core = pyvino.Core()
    model = core.read_model(xml)
    t = _step("read IR", t)
    compiled = core.compile_model(model, args.device)
    device = compiled.get_property("EXECUTION_DEVICES")
    t = _step(f"compile on {', '.join(device)}", t)
    rng = np.random.default_rng(0)
    inputs = {}
    for port in compiled.inputs:
        shape = port.partial_shape.to_shape()
        if port.element_type.is_real:
            inputs[port.any_name] = rng.standard_normal(shape).astype(port.element_type.dtype)
        else:
            inputs[port.any_name] = rng.integers(0, 100, shape).astype(port.element_type.dtype)
    request = compiled.create_infer_request()
    request.infer(inputs)
    _step("first inference", t)
    latencies = []
    for _ in range(max(1, args.iterations)):
        request.infer(inputs)
        latencies.append(request.latency)
    result = request.results
    print(f"Latency over {len(latencies)} runs: median {statistics.median(latencies):.2f} ms, "
          f"min {min(latencies):.2f} ms, max {max(latencies):.2f} ms")
    for port in compiled.outputs:
        value = result[port]
        print(f"Output {port.any_name}: {value.dtype}{list(value.shape)}")
        flat = value.reshape(-1)
        if flat.dtype.kind == "f" and flat.size > 1:
            top = np.argsort(flat)[::-1][:5]
            print("  top-5: " + ", ".join(f"#{i}={flat[i]:.4f}" for i in top))
    return 0
