"""``pyvino benchmark``: benchmark_app — latency and throughput of a model on a device."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

NAME = "benchmark"
HELP = "measure latency and throughput like OpenVINO's benchmark_app"

HINTS = {"throughput": "THROUGHPUT", "tput": "THROUGHPUT", "latency": "LATENCY",
         "cumulative_throughput": "CUMULATIVE_THROUGHPUT", "ctput": "CUMULATIVE_THROUGHPUT",
         "none": None}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", required=True, help="model: .xml, .onnx or a compiled .blob")
    p.add_argument("-d", default="CPU", help="device (default CPU)")
    p.add_argument("-hint", default=None, choices=sorted(HINTS), help="performance hint")
    p.add_argument("-api", default=None, choices=["sync", "async"])
    p.add_argument("-niter", type=int, default=None, help="number of iterations")
    p.add_argument("-t", type=float, default=None, help="duration in seconds")
    p.add_argument("-nireq", type=int, default=0, help="number of infer requests (async)")
    p.add_argument("-nstreams", default=None, help="NUM_STREAMS")
    p.add_argument("-nthreads", type=int, default=None, help="INFERENCE_NUM_THREADS")
    p.add_argument("-b", type=int, default=None, help="batch size (reshapes dim 0)")
    p.add_argument("-shape", default=None, help='model input shapes, e.g. "x[1,3,224,224]"')
    p.add_argument("-data_shape", default=None, help="shapes of the generated input data")
    p.add_argument("-infer_precision", default=None, help="INFERENCE_PRECISION_HINT")
    p.add_argument("-cdir", default=None, help="CACHE_DIR")
    p.add_argument("-pc", action="store_true", help="print per-layer performance counters")
    p.add_argument("-report_type", default=None,
                   choices=["no_counters", "average_counters", "detailed_counters"])
    p.add_argument("-report_folder", default=".", help="folder for the CSV report")
    p.add_argument("-json_stats", default=None, help="write the statistics as JSON to this file")
    p.add_argument("-latency_percentile", type=int, default=50, help="percentile to report")
    p.add_argument("-progress", default=None, choices=["true", "false"],
                   help="progress bar (default: on a terminal)")


def _step(n: int, text: str) -> None:
    print(f"[Step {n}/11] {text}", flush=True)


def _shapes(text: str | None) -> dict[str, Any] | list[Any] | None:
    if not text:
        return None
    from pyvino.cli._convert import parse_input_spec

    return parse_input_spec(text)


def _inputs(compiled: Any, data_shapes: Any, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for i, port in enumerate(compiled.inputs):
        name = port.any_name if port.names else str(i)
        if isinstance(data_shapes, dict) and name in data_shapes:
            shape = data_shapes[name].to_shape()
        elif isinstance(data_shapes, list) and i < len(data_shapes):
            shape = data_shapes[i].to_shape()
        else:
            shape = tuple(d.min if d.is_static else max(d.min, 1) for d in port.partial_shape)
        t = port.element_type
        out[name] = (rng.standard_normal(shape).astype(t.dtype) if t.is_real
                     else rng.integers(0, 2, shape).astype(t.dtype))
    return out


def _progress(enabled: bool, total: float) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="it" if total != 100 else "%", file=sys.stderr, leave=False)


def run(args: argparse.Namespace) -> int:
    import pyvino

    _step(1, "Parsing and validating input arguments")
    hint = HINTS[args.hint] if args.hint else "THROUGHPUT"
    if args.hint is None:
        print("[ WARNING ] Performance hint was not explicitly specified; using THROUGHPUT")
    api = args.api or ("sync" if hint == "LATENCY" else "async")
    _step(2, f"Loading pyvino {pyvino.__version__}")
    core = pyvino.Core()
    _step(3, "Setting device configuration")
    config: dict[str, Any] = {}
    if hint:
        config["PERFORMANCE_HINT"] = hint
    if args.nstreams:
        config["NUM_STREAMS"] = int(args.nstreams) if args.nstreams.isdigit() else args.nstreams
    if args.nthreads is not None:
        config["INFERENCE_NUM_THREADS"] = args.nthreads
    if args.infer_precision:
        config["INFERENCE_PRECISION_HINT"] = args.infer_precision
    if args.pc or (args.report_type and args.report_type != "no_counters"):
        config["PERF_COUNT"] = True
    if args.cdir:
        config["CACHE_DIR"] = args.cdir
    path = Path(args.m)
    start = time.perf_counter()
    if path.suffix == ".blob":
        _step(4, "Skipping reading the model (compiled blob)")
        _step(5, "Skipping resizing")
        _step(6, "Skipping I/O configuration")
        _step(7, "Importing the compiled blob")
        compiled = core.import_model(path.read_bytes(), args.d, config)
    else:
        _step(4, "Reading model files")
        model = core.read_model(path)
        print(f"[ INFO ] Read model took {1000 * (time.perf_counter() - start):.2f} ms")
        _step(5, "Resizing model to match image sizes and given batch")
        shapes = _shapes(args.shape)
        if shapes is not None:
            model.reshape(shapes if isinstance(shapes, dict) else
                          {i: s for i, s in enumerate(shapes)})
        if args.b:
            model.reshape({p.get_any_name() if p.names else i:
                           [args.b, *list(p.partial_shape)[1:]] for i, p in enumerate(model.inputs)})
        _step(6, "Configuring input of the model")
        for port in model.inputs:
            print(f"[ INFO ]   {port.any_name if port.names else port.node.friendly_name} : "
                  f"{port.element_type.name} / {port.partial_shape}")
        _step(7, "Loading the model to the device")
        start = time.perf_counter()
        compiled = core.compile_model(model, args.d, config)
    compile_ms = 1000 * (time.perf_counter() - start)
    print(f"[ INFO ] Compile model took {compile_ms:.2f} ms")
    _step(8, "Querying optimal runtime parameters")
    props = {}
    for key in sorted(compiled.get_property("SUPPORTED_PROPERTIES")):
        if key != "SUPPORTED_PROPERTIES":
            props[key] = compiled.get_property(key)
            print(f"[ INFO ]   {key}: {props[key]}")
    _step(9, "Creating infer requests and preparing input tensors")
    nireq = args.nireq or int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
    data = _inputs(compiled, _shapes(args.data_shape))
    if args.niter is None and args.t is None:
        args.t = 60.0
    _step(10, f"Measuring performance ({api} inference, {nireq if api == 'async' else 1} "
              f"request(s), limits: {args.niter or '-'} iterations, {args.t or '-'} s)")
    stats = _measure(compiled, data, api, nireq, args)
    _step(11, "Dumping statistics report")
    return _report(stats, compiled, props, compile_ms, args)


def _measure(compiled: Any, data: dict[str, np.ndarray], api: str, nireq: int,
             args: argparse.Namespace) -> dict[str, Any]:
    import pyvino

    show = args.progress == "true" or (args.progress is None and sys.stderr.isatty())
    bar = _progress(show, args.niter or 100)
    latencies: list[float] = []
    done = 0
    first = compiled.create_infer_request()
    first.infer(data)  # warm-up, not counted (as benchmark_app)
    start = time.perf_counter()

    def finished() -> bool:
        elapsed = time.perf_counter() - start
        return bool((args.niter and done >= args.niter) or (args.t and elapsed >= args.t))

    def tick() -> None:
        if bar is not None:
            if args.niter:
                bar.update(1)
            else:
                bar.n = min(100, int(100 * (time.perf_counter() - start) / args.t))
                bar.refresh()

    requests: list[Any] = []
    if api == "sync":
        while not finished():
            first.infer(data)
            latencies.append(first.latency)
            done += 1
            tick()
        requests = [first]
    else:
        queue = pyvino.AsyncInferQueue(compiled, nireq)
        queue.set_callback(lambda req, _: latencies.append(req.latency))
        while not finished():
            queue.start_async(data)
            done += 1
            tick()
        queue.wait_all()
        requests = list(queue)
    duration = time.perf_counter() - start
    if bar is not None:
        bar.close()
    return {"count": done, "duration_ms": duration * 1000, "latencies": latencies,
            "requests": requests}


def _report(stats: dict[str, Any], compiled: Any, props: dict[str, Any], compile_ms: float,
            args: argparse.Namespace) -> int:
    lat = sorted(stats["latencies"]) or [0.0]
    pct = float(np.percentile(lat, args.latency_percentile))
    throughput = stats["count"] / (stats["duration_ms"] / 1000) if stats["duration_ms"] else 0.0
    devices = props.get("EXECUTION_DEVICES", [args.d])
    label = "Median" if args.latency_percentile == 50 else f"{args.latency_percentile} percentile"
    print(f"[ INFO ] Execution Devices: {devices}")
    print(f"[ INFO ] Count:            {stats['count']} iterations")
    print(f"[ INFO ] Duration:         {stats['duration_ms']:.2f} ms")
    print("[ INFO ] Latency:")
    print(f"[ INFO ]    {label}:     {pct:.2f} ms")
    print(f"[ INFO ]    Average:    {statistics.fmean(lat):.2f} ms")
    print(f"[ INFO ]    Min:        {lat[0]:.2f} ms")
    print(f"[ INFO ]    Max:        {lat[-1]:.2f} ms")
    print(f"[ INFO ] Throughput:   {throughput:.2f} FPS")
    counters = _counters(stats["requests"]) if (args.pc or args.report_type) else []
    if args.pc:
        _print_counters(counters)
    if args.report_type:
        _write_csv(Path(args.report_folder), args.report_type, stats, pct, throughput, counters)
    if args.json_stats:
        report = {
            "execution_devices": list(devices), "count": stats["count"],
            "duration_ms": stats["duration_ms"], "compile_ms": compile_ms,
            "latency_ms": {"median": float(np.median(lat)), "average": statistics.fmean(lat),
                           "min": lat[0], "max": lat[-1],
                           f"p{args.latency_percentile}": pct},
            "throughput_fps": throughput,
            "properties": {k: (v if isinstance(v, (int, float, str, bool, list)) else str(v))
                           for k, v in props.items()},
            "counters": counters,
        }
        Path(args.json_stats).write_text(json.dumps(report, indent=2, default=str))
    return 0


def _counters(requests: list[Any]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for request in requests:
        for p in request.get_profiling_info():
            row = rows.setdefault(p.node_name, {"name": p.node_name, "status": p.status,
                                                "layer_type": p.node_type,
                                                "exec_type": p.exec_type, "real_ms": 0.0,
                                                "cpu_ms": 0.0, "n": 0})
            row["real_ms"] += p.real_time.total_seconds() * 1000
            row["cpu_ms"] += p.cpu_time.total_seconds() * 1000
            row["n"] += 1
    for row in rows.values():
        n = max(1, row.pop("n"))
        row["real_ms"] /= n
        row["cpu_ms"] /= n
    return list(rows.values())


def _print_counters(counters: list[dict[str, Any]]) -> None:
    print("[ INFO ] Performance counts (last request of each worker, averaged):")
    for c in counters:
        print(f"{c['name'][:40]:<40} {c['status']:<13} layerType: {c['layer_type']:<18} "
              f"execType: {c['exec_type']:<16} realTime (ms): {c['real_ms']:.3f} "
              f"cpuTime (ms): {c['cpu_ms']:.3f}")
    total = sum(c["real_ms"] for c in counters)
    print(f"Total time: {total:.3f} ms")


def _write_csv(folder: Path, kind: str, stats: dict[str, Any], pct: float, fps: float,
               counters: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["Command line parameters", f"count;{stats['count']}",
             f"duration (ms);{stats['duration_ms']:.2f}", f"latency (ms);{pct:.2f}",
             f"throughput;{fps:.2f}"]
    (folder / "benchmark_report.csv").write_text("\n".join(lines) + "\n")
    if kind != "no_counters":
        rows = ["layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms)"]
        rows += [f"{c['name']};{c['status']};{c['layer_type']};{c['exec_type']};"
                 f"{c['real_ms']:.3f};{c['cpu_ms']:.3f}" for c in counters]
        name = f"benchmark_{kind}_report.csv"
        (folder / name).write_text("\n".join(rows) + "\n")
