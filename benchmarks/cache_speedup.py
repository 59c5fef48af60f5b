"""Model cache (CACHE_DIR) speed-up per device: cold compile vs compile loaded from the cache.

Usage::

    env -u OPENBLAS_CORETYPE python benchmarks/cache_speedup.py [--devices CPU GPU VPU]
        [--models resnet50 mobilenet_v2] [--json out.json]

For each device and zoo model, three fresh processes, each timing ``compile_model`` and the
first inference after it:

* ``cold``: no CACHE_DIR;
* ``write``: the first compile with an empty CACHE_DIR (compiles, exports, writes the entry);
* ``load``: the second compile with that CACHE_DIR (must report ``LOADED_FROM_CACHE``).

Every other cache a compile could hit is pointed at a directory of its own, so ``cold`` and
``write`` start cold: ``NUMBA_CACHE_DIR`` (the CPU plugin's numba kernels), ``XDG_CACHE_HOME``
(the GPU plugin's program-binary cache, ``$XDG_CACHE_HOME/pyvino/gpu``) and ``POCL_CACHE_DIR``
(PoCL's kernel cache, when the GPU is PoCL's CPU device). ``cold`` and ``write`` each get
empty ones; ``load`` reuses the ones ``write`` filled (the same machine compiling again), and
``load-cold`` runs the cache hit again with all of them empty, so only the CACHE_DIR blob
helps. The speed-ups are ``write / load`` (the issue's "second compile_model at least 5x
faster than the first": the first compile with CACHE_DIR is the write run), ``cold / load`` and
``cold / load-cold`` (compile time). The model is built once (ONNX file). With ``--source path``
(the default) each child times ``compile_model(onnx_path)``, which includes reading the file
(a hit keys the entry on the file's bytes and never reads it, as OpenVINO's
``compile_model(path)`` does); with ``--source model`` the child reads the model before the
clock starts and compiles the ``Model`` object (the key then serialises the model).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RUNS = ("cold", "write", "load", "load-cold")
DRIVER_CACHES = ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "POCL_CACHE_DIR")


# ---------------------------------------------------------------------------- child process
def child(device: str, source: str, onnx_path: str, cache_dir: str | None) -> dict[str, Any]:
    """One compile + first inference in this (fresh) process."""
    import numpy as np
    import pyvino

    core = pyvino.Core()
    model = core.read_model(onnx_path) if source == "model" else onnx_path
    config = {"CACHE_DIR": cache_dir} if cache_dir else {}
    start = time.perf_counter()
    compiled = core.compile_model(model, device, config)
    compile_s = time.perf_counter() - start
    rng = np.random.default_rng(0)
    inputs = [
        rng.standard_normal(port.get_partial_shape().to_shape()).astype(np.float32)
        for port in compiled.inputs
    ]
    start = time.perf_counter()
    output = np.asarray(compiled(inputs)[0], dtype=np.float64)
    first_s = time.perf_counter() - start
    return {
        "compile_s": compile_s,
        "first_inference_s": first_s,
        "loaded_from_cache": bool(compiled.get_property("LOADED_FROM_CACHE")),
        "output_sum": float(output.sum()),
        "output_top1": int(output.reshape(output.shape[0], -1)[0].argmax()),
    }


# ---------------------------------------------------------------------------- parent
PACKAGES = ("pyvino", "pyvino_opsets", "pyvino_cpu", "pyvino_gpu", "pyvino_vpu")


def compile_bytecode() -> None:
    """Write the bytecode of pyvino's packages, as ``pip install`` does.

    Otherwise, where ``PYTHONDONTWRITEBYTECODE`` is set (this project's VMs) or an editable
    install was never imported, every child would compile pyvino's sources (20-40 ms) inside
    the timed ``compile_model``, which a user's installation does not.
    """
    import compileall
    import importlib.util

    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def run_child(
    device: str, onnx_path: Path, cache_dir: Path | None, caches: Path, source: str
) -> dict[str, Any]:
    env = {**os.environ, "PYVINO_GPU_ANY_OPENCL": "1"}
    for name in DRIVER_CACHES:
        env[name] = str(caches / name.lower())
    argv = [sys.executable, __file__, "--child", device, source, str(onnx_path)]
    if cache_dir is not None:
        argv.append(str(cache_dir))
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"{device} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(device: str, onnx_path: Path, work: Path, source: str) -> dict[str, Any]:
    """The four runs of one (device, model), each with its own directories."""
    cache_dir = work / "cache_dir"
    runs = {
        "cold": run_child(device, onnx_path, None, work / "caches-cold", source),
        "write": run_child(device, onnx_path, cache_dir, work / "caches-write", source),
        "load": run_child(device, onnx_path, cache_dir, work / "caches-write", source),
        "load-cold": run_child(device, onnx_path, cache_dir, work / "caches-empty", source),
    }
    cold = runs["cold"]["compile_s"]
    return {
        "runs": runs,
        "blob_mb": sum(p.stat().st_size for p in cache_dir.glob("*.blob")) / 2**20,
        "speedup_write": runs["write"]["compile_s"] / runs["load"]["compile_s"],
        "speedup": cold / runs["load"]["compile_s"],
        "speedup_cold_driver": cold / runs["load-cold"]["compile_s"],
        "same_output": len({r["output_sum"] for r in runs.values()}) == 1,
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    head = (
        f"{'device/model':<22}"
        + "".join(f"{r:>18}" for r in RUNS)
        + f"{'write/load':>11}{'cold/load':>10}{'(cold drv)':>11}{'blob MB':>9}  hit  same"
    )
    lines = [head, " " * 22 + "".join(f"{'compile / 1st inf':>18}" for _ in RUNS), "-" * len(head)]
    for label, res in results.items():
        cells = "".join(
            f"{r['compile_s']:>8.2f}s /{r['first_inference_s']:>6.2f}s"
            for r in (res["runs"][name] for name in RUNS)
        )
        hit = (
            res["runs"]["load"]["loaded_from_cache"]
            and res["runs"]["load-cold"]["loaded_from_cache"]
        )
        lines.append(
            f"{label:<22}{cells}{res['speedup_write']:>10.1f}x{res['speedup']:>9.1f}x"
            f"{res['speedup_cold_driver']:>10.1f}x"
            f"{res['blob_mb']:>9.1f}  {'yes' if hit else 'NO':<4} "
            f"{'yes' if res['same_output'] else 'NO'}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", nargs="+", default=["CPU", "GPU", "VPU"])
    parser.add_argument("--models", nargs="+", default=["resnet50", "mobilenet_v2"])
    parser.add_argument(
        "--source",
        choices=("path", "model"),
        default="path",
        help="compile the ONNX path (default) or a Model read beforehand",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        device, source, onnx_path, *cache = args.child
        print(json.dumps(child(device, source, onnx_path, cache[0] if cache else None)))
        return

    from pyvino import zoo

    compile_bytecode()
    results: dict[str, dict[str, Any]] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="pyvino-cache-bench-") as tmp:
        for model in args.models:
            onnx_path = Path(tmp) / f"{model}.onnx"
            zoo.build(model, onnx_path)
            for device in args.devices:
                work = Path(tmp) / f"{device}-{model}"
                try:
                    results[f"{device} {model}"] = res = measure(
                        device, onnx_path, work, args.source
                    )
                except RuntimeError as exc:  # one crashing device must not lose the rest
                    failures[f"{device} {model}"] = str(exc)
                    print(exc, file=sys.stderr)
                    continue
                print(f"{device} {model}: write/load {res['speedup_write']:.1f}x", file=sys.stderr)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(table(results))
    for label, error in failures.items():
        print(f"{label}: FAILED: {error.splitlines()[-1]}")
    if args.json:
        Path(args.json).write_text(json.dumps({**results, "failures": failures}, indent=2))


if __name__ == "__main__":
    main()
