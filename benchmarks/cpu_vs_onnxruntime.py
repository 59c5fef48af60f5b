"""pyvino's CPU plugin against onnxruntime (and onnx's ReferenceEvaluator) on the zoo models.

For every model, in the same run and on the same inputs:

* latency: median of synchronous batch-1 inferences (LATENCY hint vs a default onnxruntime
  session), measured in interleaved rounds so that load from other processes hits both alike;
* throughput: inferences per second with the THROUGHPUT hint and an AsyncInferQueue, against
  two Python threads calling one onnxruntime session (2 concurrent callers each);
* compile: cold (fresh process, empty numba cache: ``NUMBA_CACHE_DIR`` in a temp dir) and warm
  (fresh process, that cache filled) ``compile_model`` time, first-inference time and peak RSS,
  against onnxruntime's session creation in a fresh process;
* how much faster than ``onnx.reference.ReferenceEvaluator`` pyvino is, and onnxruntime too
  (is a given multiple of the ReferenceEvaluator reachable on this machine at all?).

    env -u OPENBLAS_CORETYPE python benchmarks/cpu_vs_onnxruntime.py
    env -u OPENBLAS_CORETYPE python benchmarks/cpu_vs_onnxruntime.py -m resnet50 --json r.json

onnxruntime is installed on demand (``pip install onnxruntime``); pyvino itself never imports
it. Run with ``OPENBLAS_CORETYPE`` unset: forcing an older core type slows OpenBLAS's GEMM.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

MODELS = [
    "mobilenet_v2",
    "resnet18",
    "resnet50",
    "bert_encoder",
    "yolo_detector",
    "unet",
    "lstm_seq",
]


def ensure_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "onnxruntime"])
        import onnxruntime
    return onnxruntime


# ---------------------------------------------------------------------------- child processes
def child(kind: str, path: str) -> dict[str, float]:
    """Runs in a fresh process: compile/session time, first inference, peak RSS (MB)."""
    if kind == "pyvino":
        import pyvino
        from pyvino import zoo

        model = pyvino.convert_model(path)
        data = zoo.sample_inputs(model)
        start = time.perf_counter()
        compiled = pyvino.Core().compile_model(model, "CPU")
        compiled_s = time.perf_counter() - start
        start = time.perf_counter()
        compiled(data)
        first_s = time.perf_counter() - start
    else:  # onnxruntime alone: pyvino is not even imported
        ort = ensure_onnxruntime()
        start = time.perf_counter()
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        compiled_s = time.perf_counter() - start
        rng = np.random.default_rng(0)
        feeds = {
            i.name: rng.integers(0, 2, i.shape).astype(np.int64)
            if "int" in i.type
            else rng.standard_normal(i.shape).astype(np.float32)
            for i in session.get_inputs()
        }
        start = time.perf_counter()
        session.run(None, feeds)
        first_s = time.perf_counter() - start
    return {"compile_s": compiled_s, "first_inference_s": first_s, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    forking parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(kind: str, path: Path, cache: str | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- measurements
def settle() -> None:
    """Let the other runtime's threads go idle before timing this one.

    onnxruntime's pool threads (one pinned to each core but the first) spin-wait for a while
    after each run, and pyvino's helpers poll for about 100 us: timing one right after the
    other would charge it for the first one's spinning.
    """
    time.sleep(0.05)


def latency(pv: Any, ort_run: Any, rounds: int, runs: int) -> tuple[float, float]:
    """Median ms of (pyvino, onnxruntime), interleaved round by round."""
    times: tuple[list[float], list[float]] = ([], [])
    for fn in (pv, ort_run):
        fn()
        fn()
    for _ in range(rounds):
        for fn, out in zip((pv, ort_run), times):
            settle()
            fn()  # untimed: the first run after the pause wakes threads and warms caches
            for _ in range(runs):
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1e3, statistics.median(times[1]) * 1e3


def pyvino_throughput(queue: Any, data: list[np.ndarray], count: int) -> float:
    """Seconds for ``count`` inferences through an AsyncInferQueue."""
    start = time.perf_counter()
    for _ in range(count):
        queue.start_async(data)
    queue.wait_all()
    return time.perf_counter() - start


def ort_throughput(session: Any, feeds: dict[str, np.ndarray], count: int) -> float:
    """Seconds for ``count`` inferences by two threads sharing one session."""

    def caller(n: int) -> None:
        for _ in range(n):
            session.run(None, feeds)

    threads = [threading.Thread(target=caller, args=(count // 2,)) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def throughput(
    compiled: Any,
    session: Any,
    data: list[np.ndarray],
    feeds: dict[str, np.ndarray],
    count: int,
    rounds: int,
) -> tuple[float, float]:
    """Inferences per second of (pyvino, onnxruntime), interleaved in ``rounds``."""
    import pyvino

    jobs = max(2, compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
    queue = pyvino.AsyncInferQueue(compiled, jobs)
    per_round = max(2, count // rounds // 2 * 2)
    pyvino_throughput(queue, data, jobs)
    ort_throughput(session, feeds, 2)
    spent = [0.0, 0.0]
    for _ in range(rounds):
        settle()
        spent[0] += pyvino_throughput(queue, data, per_round)
        settle()
        spent[1] += ort_throughput(session, feeds, per_round)
    return per_round * rounds / spent[0], per_round * rounds / spent[1]


def reference_ms(path: Path, data: list[np.ndarray], names: list[str]) -> float:
    from onnx.reference import ReferenceEvaluator

    evaluator = ReferenceEvaluator(str(path))
    start = time.perf_counter()
    evaluator.run(None, dict(zip(names, data)))
    return (time.perf_counter() - start) * 1e3


def measure(name: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    import pyvino
    from pyvino import zoo

    ort = ensure_onnxruntime()
    path = folder / f"{name}.onnx"
    zoo.build(name, path)
    try:
        model = pyvino.convert_model(path)
    except pyvino.PyvinoError as exc:
        return {"model": name, "skipped": f"does not convert: {exc}".splitlines()[0]}
    data = zoo.sample_inputs(model)
    core = pyvino.Core()
    latency_model = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "LATENCY"})
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    feeds = dict(zip(names, data))
    pv_ms, ort_ms = latency(
        lambda: latency_model(data), lambda: session.run(None, feeds), args.rounds, args.runs
    )
    tput_model = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    count = max(16, int(4000 / max(pv_ms, 1.0)))
    pv_fps, ort_fps = throughput(tput_model, session, data, feeds, count, args.rounds)
    result: dict[str, Any] = {
        "model": name,
        "latency_ms": pv_ms,
        "ort_latency_ms": ort_ms,
        "latency_ratio": pv_ms / ort_ms,
        "fps": pv_fps,
        "ort_fps": ort_fps,
        "throughput_ratio": pv_fps / ort_fps,
        "streams": tput_model.get_property("NUM_STREAMS"),
    }
    if not args.skip_compile:
        with tempfile.TemporaryDirectory() as cache:
            result["cold"] = run_child("pyvino", path, cache)
            result["warm"] = run_child("pyvino", path, cache)
        result["ort"] = run_child("ort", path)
    if not args.skip_reference:
        result["reference_ms"] = reference_ms(path, data, names)
        result["reference_speedup"] = result["reference_ms"] / pv_ms
        result["ort_reference_speedup"] = result["reference_ms"] / ort_ms
    return result


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| model | latency ms (ort) | ratio | fps (ort) | ratio | compile cold / warm s "
        "(ort) | first inf. ms | peak RSS MB (ort) | vs ReferenceEvaluator (ort) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['model']} | skipped: {r['skipped']} |||||||| ")
            continue
        comp = first = rss = ref = "-"
        if "cold" in r:
            comp = (
                f"{r['cold']['compile_s']:.2f} / {r['warm']['compile_s']:.2f} "
                f"({r['ort']['compile_s']:.2f})"
            )
            first = f"{r['warm']['first_inference_s'] * 1e3:.0f}"
            rss = f"{r['warm']['peak_rss_mb']:.0f} ({r['ort']['peak_rss_mb']:.0f})"
        if "reference_speedup" in r:
            ref = f"{r['reference_speedup']:.0f}x ({r['ort_reference_speedup']:.0f}x)"
        lines.append(
            f"| {r['model']} | {r['latency_ms']:.1f} ({r['ort_latency_ms']:.1f}) | "
            f"{r['latency_ratio']:.2f} | {r['fps']:.1f} ({r['ort_fps']:.1f}) | "
            f"{r['throughput_ratio']:.2f} | {comp} | {first} | {rss} | {ref} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--models", nargs="+", default=MODELS)
    parser.add_argument("--rounds", type=int, default=6, help="interleaved latency rounds")
    parser.add_argument("--runs", type=int, default=5, help="inferences per round and engine")
    parser.add_argument("--skip-compile", action="store_true", help="no compile/RSS children")
    parser.add_argument("--skip-reference", action="store_true", help="no ReferenceEvaluator")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(
            f"warning: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set; "
            "rerun with `env -u OPENBLAS_CORETYPE` for OpenBLAS's native GEMM kernels"
        )
    ensure_onnxruntime()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models:
            rows.append(measure(name, Path(folder), args))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\ncpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}\n")
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
