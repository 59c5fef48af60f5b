"""INT8 post-training quantization of zoo classifiers: top-1 agreement with fp32, size, speed.

Builds each zoo model (seeded weights), quantizes it with ``pyvino.quantization.quantize`` on
``--subset-size`` seeded random inputs (seeds 0, 1, ...; with ``--max-drop`` the next
``--validation-size`` seeds validate the accuracy control), then runs fp32 and INT8 on ``-n``
other random inputs (seeds 10**6 + i, never used for calibration or tuning; in worker
processes) and reports top-1 agreement, the ``.bin`` sizes and median latencies.
``--fp16-baseline`` also measures a model whose weights were rounded to f16, to show how
sensitive the (random-weight) network is to any perturbation of its weights.

    python benchmarks/quantize_zoo.py                          # resnet18 + mobilenet_v2, 500
    python benchmarks/quantize_zoo.py -m resnet18 -n 100 --subset-size 50 --json q.json
    python benchmarks/quantize_zoo.py --estimator mse --weight-range mse --max-drop 0.005
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pyvino
from pyvino import zoo
from pyvino.quantization import quantize

SHAPE = (1, 3, 224, 224)
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def sample(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(SHAPE).astype(np.float32)


def _evaluate(
    paths: list[str], seeds: list[int], device: str
) -> tuple[list[list[int]], list[list[float]]]:
    """Worker: top-1 class and latency (ms) of each model for each seed's input."""
    from pyvino.quantization._statistics import runner

    core = pyvino.Core()
    runs = [runner(core.read_model(p), device, core) for p in paths]
    classes: list[list[int]] = [[] for _ in paths]
    times: list[list[float]] = [[] for _ in paths]
    for seed in seeds:
        x = sample(seed)
        for k, run in enumerate(runs):
            start = time.perf_counter()
            out = run([x])[0]
            times[k].append((time.perf_counter() - start) * 1000.0)
            classes[k].append(int(np.asarray(out).reshape(-1).argmax()))
    return classes, times


def evaluate(paths: list[str], n: int, workers: int, device: str) -> tuple[np.ndarray, list[float]]:
    """(top-1 classes [models, n], median latency per model) over seeds 10**6 + i."""
    seeds = [10**6 + i for i in range(n)]
    chunks = [seeds[i::workers] for i in range(workers) if seeds[i::workers]]
    if workers == 1:
        results = [_evaluate(paths, seeds, device)]
        order = seeds
    else:
        # Spawned workers with one BLAS thread each (the env is read when numpy loads).
        saved = {k: os.environ.get(k) for k in _THREAD_VARS}
        os.environ.update({k: "1" for k in _THREAD_VARS})
        try:
            with ProcessPoolExecutor(len(chunks), mp_context=get_context("spawn")) as pool:
                results = list(
                    pool.map(_evaluate, [paths] * len(chunks), chunks, [device] * len(chunks))
                )
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        order = [s for c in chunks for s in c]
    classes = np.concatenate([np.asarray(c) for c, _ in results], axis=1)
    classes = classes[:, np.argsort(order)]
    times = [statistics.median(t for _, ts in results for t in ts[k]) for k in range(len(paths))]
    return classes, times


def run_model(name: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    onnx_path = folder / f"{name}.onnx"
    zoo.build(name, str(onnx_path))
    model = pyvino.convert_model(str(onnx_path))
    start = time.perf_counter()
    calibration = (sample(i) for i in itertools.count())  # statistics, then validation
    quantized = quantize(
        model,
        calibration,
        subset_size=args.subset_size,
        preset=args.preset,
        range_estimator=args.estimator,
        weight_range=args.weight_range,
        max_drop=args.max_drop,
        validation_size=args.validation_size,
        device=args.device,
        progress=True,
    )
    quantize_s = time.perf_counter() - start
    paths = [folder / f"{name}_fp32.xml", folder / f"{name}_int8.xml"]
    pyvino.save_model(model, paths[0], compress_to_fp16=False)
    pyvino.save_model(quantized, paths[1], compress_to_fp16=False)
    if args.fp16_baseline:
        paths.append(folder / f"{name}_fp16w.xml")
        pyvino.save_model(model, paths[2], compress_to_fp16=True)
    start = time.perf_counter()
    classes, times = evaluate([str(p) for p in paths], args.n, args.workers, args.device)
    sizes = [p.with_suffix(".bin").stat().st_size for p in paths]
    result = {
        "model": name,
        "samples": args.n,
        "subset_size": args.subset_size,
        "preset": args.preset,
        "range_estimator": args.estimator,
        "weight_range": args.weight_range,
        "max_drop": args.max_drop,
        "device": args.device,
        "top1_agreement_int8": float(np.mean(classes[1] == classes[0])),
        "fp32_bin_bytes": sizes[0],
        "int8_bin_bytes": sizes[1],
        "size_ratio": sizes[0] / sizes[1],
        "fp32_median_ms": times[0],
        "int8_median_ms": times[1],
        "quantize_seconds": quantize_s,
        "evaluate_seconds": time.perf_counter() - start,
    }
    info = quantized.get_rt_info(["quantization_parameters"])
    for key in (
        "reverted_layers",
        "reverted_layer_count",
        "quantized_layer_count",
        "quantized_mac_fraction",
        "validation_agreement_before",
        "validation_agreement_after",
    ):
        if key in info:
            result[key] = info[key]
    if args.fp16_baseline:
        result["top1_agreement_fp16_weights"] = float(np.mean(classes[2] == classes[0]))
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-m", "--models", nargs="+", default=["resnet18", "mobilenet_v2"])
    p.add_argument("-n", type=int, default=500, help="held-out random inputs (500)")
    p.add_argument("--subset-size", type=int, default=300, help="calibration inputs (300)")
    p.add_argument("--preset", default="performance", choices=["performance", "mixed"])
    p.add_argument(
        "--estimator", default="minmax", choices=["minmax", "mean_minmax", "percentile", "mse"]
    )
    p.add_argument("--weight-range", default="minmax", choices=["minmax", "mse"])
    p.add_argument(
        "--max-drop",
        type=float,
        default=None,
        help="accuracy control: revert layers until validation agreement >= 1 - this",
    )
    p.add_argument(
        "--validation-size",
        type=int,
        default=300,
        help="validation inputs for --max-drop (seeds after the calibration ones)",
    )
    p.add_argument(
        "-d",
        "--device",
        default="CPU",
        help='device for calibration and evaluation ("reference": numpy evaluate)',
    )
    p.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    p.add_argument("--fp16-baseline", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    args.workers = args.workers or max(1, os.cpu_count() or 1)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            r = run_model(name, args, Path(tmp))
            results.append(r)
            line = (
                f"{name}: top-1 agreement int8 vs fp32 {100 * r['top1_agreement_int8']:.1f}%"
                f" on {r['samples']} random inputs; .bin {r['fp32_bin_bytes'] / 2**20:.1f}"
                f" -> {r['int8_bin_bytes'] / 2**20:.1f} MiB ({r['size_ratio']:.2f}x); "
                f"median latency fp32 {r['fp32_median_ms']:.1f} ms, int8 "
                f"{r['int8_median_ms']:.1f} ms"
            )
            if "reverted_layer_count" in r:
                line += (
                    f"; reverted {r['reverted_layer_count']} layer(s), "
                    f"{100 * float(r['quantized_mac_fraction']):.1f}% of MACs int8"
                )
            if "top1_agreement_fp16_weights" in r:
                line += f"; fp16 weights {100 * r['top1_agreement_fp16_weights']:.1f}%"
            print(line, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
