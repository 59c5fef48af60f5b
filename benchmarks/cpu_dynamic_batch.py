"""CPU plugin with a dynamic batch: shape-specialised plans vs the reference path.

Usage::

    env -u OPENBLAS_CORETYPE python benchmarks/cpu_dynamic_batch.py [--model resnet18]
        [--size 224] [--batches 1 2 4] [--repeats 5] [--json out.json]

The zoo model gets a symbolic batch and is reshaped to ``1..4``; it is compiled three ways:

* ``specialised``: the default (CPU_RUNTIME_CACHE_CAPACITY 16): each batch gets its own
  static plan, built on the first request of that batch and cached;
* ``reference``: CPU_RUNTIME_CACHE_CAPACITY 0, the dynamic graph on reference kernels (what
  every dynamic model ran before specialisation);
* ``static``: a model reshaped to the one batch, compiled normally (the best case).

For each batch it reports the first request's latency (a new shape: clone, reshape, plan,
bind, run), then the median of ``repeats`` requests (the cached path), with the batches
alternating on one request so every switch of shape is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import numpy as np
import onnx
from pyvino import Core, zoo


def _dynamic_onnx(name: str, directory: str) -> str:
    proto = zoo.build(name)
    proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    path = os.path.join(directory, f"{name}.onnx")
    onnx.save(proto, path)
    return path


def _timed(request, x: np.ndarray) -> float:
    start = time.perf_counter()
    request.infer([x])
    return time.perf_counter() - start


def _measure(core: Core, path: str, shape: str, config: dict, batches, size, repeats) -> dict:
    model = core.read_model(path)
    model.reshape({0: shape})
    start = time.perf_counter()
    compiled = core.compile_model(model, "CPU", config)
    compile_s = time.perf_counter() - start
    request = compiled.create_infer_request()
    inputs = {
        b: np.random.default_rng(b).standard_normal((b, 3, size, size), np.float32) for b in batches
    }
    first = {b: _timed(request, inputs[b]) for b in batches}
    runs: dict[int, list[float]] = {b: [] for b in batches}
    for _ in range(repeats):
        for b in batches:  # alternate: every request switches shape
            runs[b].append(_timed(request, inputs[b]))
    return {
        "compile_s": compile_s,
        "first_ms": {b: first[b] * 1e3 for b in batches},
        "median_ms": {b: statistics.median(runs[b]) * 1e3 for b in batches},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reference-repeats", type=int, default=2)
    parser.add_argument("--json")
    args = parser.parse_args()
    core = Core()
    size, batches = args.size, args.batches
    dynamic = f"1..4,3,{size},{size}"
    report: dict = {"loadavg_before": open("/proc/loadavg").read().split()[:3]}
    with tempfile.TemporaryDirectory() as tmp:
        path = _dynamic_onnx(args.model, tmp)
        report["specialised"] = _measure(core, path, dynamic, {}, batches, size, args.repeats)
        report["reference"] = _measure(
            core,
            path,
            dynamic,
            {"CPU_RUNTIME_CACHE_CAPACITY": 0},
            batches,
            size,
            args.reference_repeats,
        )
        report["static"] = {
            b: _measure(core, path, f"{b},3,{size},{size}", {}, [b], size, args.repeats)
            for b in batches
        }
    report["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(report, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
