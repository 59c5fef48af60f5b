"""MULTI:GPU,CPU throughput with AsyncInferQueue vs each device alone, on zoo models.

    PYVINO_GPU_ANY_OPENCL=1 python3 benchmarks/multi_throughput.py [--seconds 10] [models...]

Prints a Markdown table (frames per second) for docs/performance.md. Run by hand.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pyvino
from pyvino import zoo


def throughput(compiled: pyvino.CompiledModel, feeds: dict, seconds: float) -> float:
    queue = pyvino.AsyncInferQueue(compiled, 0)
    queue.start_async(feeds)
    queue.wait_all()  # warm-up
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        queue.start_async(feeds)
        done += 1
    queue.wait_all()
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="*", default=["mobilenet_v2", "resnet18"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--devices", default="CPU,GPU,MULTI:GPU,CPU")
    args = parser.parse_args()
    core = pyvino.Core()
    devices = [d for d in args.devices.split(",")]
    # "MULTI:GPU,CPU" was split on commas: put it back together
    merged, skip = [], False
    for i, d in enumerate(devices):
        if skip:
            skip = False
            continue
        if d.startswith("MULTI:") and i + 1 < len(devices):
            merged.append(f"{d},{devices[i + 1]}")
            skip = True
        else:
            merged.append(d)
    print("| model | " + " | ".join(merged) + " |")
    print("|---|" + "---|" * len(merged))
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            path = Path(tmp) / f"{name}.onnx"
            zoo.build(name, path)
            model = pyvino.convert_model(path)
            feeds = {}
            for port in model.inputs:
                shape = port.partial_shape.to_shape()
                t = port.element_type
                feeds[port.any_name] = (rng.standard_normal(shape).astype(t.dtype) if t.is_real
                                        else rng.integers(0, 100, shape).astype(t.dtype))
            row = []
            for device in merged:
                compiled = core.compile_model(model, device, {"PERFORMANCE_HINT": "THROUGHPUT"})
                row.append(f"{throughput(compiled, feeds, args.seconds):.1f}")
            print(f"| {name} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
