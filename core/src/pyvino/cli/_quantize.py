"""``pyvino quantize``: post-training INT8 (POT/NNCF DefaultQuantization) with a report."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

NAME = "quantize"
HELP = "post-training INT8 quantization with calibration data (like POT / NNCF)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--model", required=True, help="fp32 model (.xml or .onnx)")
    p.add_argument(
        "-o",
        "--output",
        default=None,
        help="output .xml (default: <model name>_int8.xml in the current folder)",
    )
    p.add_argument(
        "--data",
        default=None,
        help="folder of calibration data (.npy/.npz, or images with Pillow); "
        "default: seeded random inputs",
    )
    p.add_argument("--preset", default="performance", choices=["performance", "mixed"])
    p.add_argument("--subset-size", type=int, default=300, help="calibration samples (300)")
    p.add_argument(
        "--range-estimator",
        default="minmax",
        choices=["minmax", "mean_minmax", "percentile", "mse"],
        help="activation ranges: global min/max (default), per-sample min/max "
        "averaged, per-sample percentiles averaged, or the clipping range "
        "with the smallest quantization MSE",
    )
    p.add_argument(
        "--percentile",
        type=float,
        default=99.99,
        help="upper percentile of the percentile estimator (99.99)",
    )
    p.add_argument(
        "--weight-range",
        default="minmax",
        choices=["minmax", "mse"],
        help="per-channel weight scale: max |w| (default) or MSE-optimal",
    )
    p.add_argument(
        "--max-drop",
        type=float,
        default=None,
        help="accuracy control: revert the most harmful layers to fp32 until top-1 "
        "agreement with fp32 on the validation samples is >= 1 - MAX_DROP "
        "(e.g. 0.01); off by default",
    )
    p.add_argument(
        "--validation-size",
        type=int,
        default=300,
        help="validation samples for --max-drop, taken after the calibration samples (300)",
    )
    p.add_argument("--ignored-names", default="", help="comma-separated node names to skip")
    p.add_argument("--ignored-types", default="", help="comma-separated op types to skip")
    p.add_argument("--ignored-patterns", default="", help="comma-separated name regexes")
    p.add_argument(
        "--eval-size",
        type=int,
        default=100,
        help="held-out samples for the accuracy/speed report (0: no report)",
    )
    p.add_argument(
        "--no-compress-weights",
        action="store_true",
        help="keep quantized weights in f32 (no i8 storage)",
    )
    p.add_argument(
        "-d",
        "--device",
        default="CPU",
        help='device for calibration and report ("reference": numpy evaluate)',
    )
    p.add_argument("--seed", type=int, default=0, help="seed of generated inputs")
    p.add_argument(
        "--progress",
        default=None,
        choices=["true", "false"],
        help="progress bars (default: on a terminal)",
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def random_samples(ports: Any, seed: int) -> Iterator[list[np.ndarray]]:
    """Endless seeded random inputs (normal floats) for models without data."""
    from pyvino.tools._observe import random_inputs

    for i in itertools.count():
        yield random_inputs(ports, seed + i)


def accuracy_control_summary(info: dict[str, str]) -> str:
    """The ``--max-drop`` outcome, from the model's rt_info ``quantization_parameters``."""
    reverted = info["reverted_layers"] or "none"
    return (
        f"[ INFO ] accuracy control: validation agreement "
        f"{100 * float(info['validation_agreement_before']):.1f}% -> "
        f"{100 * float(info['validation_agreement_after']):.1f}% on "
        f"{info['max_drop_validation_samples']} sample(s); reverted to fp32: "
        f"{info['reverted_layer_count']} layer(s) ({reverted}); "
        f"{100 * float(info['quantized_mac_fraction']):.1f}% of MACs quantized"
    )


def run(args: argparse.Namespace) -> int:
    import pyvino
    from pyvino.quantization import Dataset, IgnoredScope, compare_models, quantize
    from pyvino.quantization._dataset import to_inputs

    core = pyvino.Core()
    model = core.read_model(args.model)
    progress = None if args.progress is None else args.progress == "true"
    ports = model.inputs
    if args.data:
        items = (to_inputs(x, ports) for x in Dataset(args.data).items(ports))
        source = args.data
    else:
        items = random_samples(ports, args.seed)
        source = "seeded random inputs (no --data given)"
    scope = IgnoredScope(
        names=_split(args.ignored_names),
        types=_split(args.ignored_types),
        patterns=_split(args.ignored_patterns),
    )
    calibration = list(itertools.islice(items, args.subset_size))
    validation = None
    if args.max_drop is not None:
        validation = list(itertools.islice(items, args.validation_size))
    print(
        f"[ INFO ] calibration: {len(calibration)} sample(s) from {source}; preset "
        f"{args.preset}, {args.range_estimator} ranges, {args.weight_range} weight scales, "
        f"on {args.device}"
    )
    quantized = quantize(
        model,
        calibration,
        preset=args.preset,
        subset_size=args.subset_size,
        ignored_scope=scope,
        range_estimator=args.range_estimator,
        percentile=args.percentile,
        weight_range=args.weight_range,
        compress_weights=not args.no_compress_weights,
        max_drop=args.max_drop,
        validation_dataset=validation,
        device=args.device,
        core=core,
        progress=progress,
    )
    info = quantized.get_rt_info(["quantization_parameters"])
    if info.get("ignored_scope"):
        print(f"[ INFO ] ignored scope kept in floating point: {info['ignored_scope']}")
    if args.max_drop is not None:
        print(accuracy_control_summary(info))
    out = Path(args.output or f"{Path(args.model).stem}_int8.xml").with_suffix(".xml")
    pyvino.save_model(quantized, out, compress_to_fp16=False)
    print(f"[ SUCCESS ] XML file: {out}")
    print(f"[ SUCCESS ] BIN file: {out.with_suffix('.bin')}")
    if args.eval_size > 0:
        held_out = items if args.data else random_samples(ports, args.seed + 1_000_003)
        held = list(itertools.islice(held_out, args.eval_size))
        if not held:
            print("[ WARNING ] no held-out data left after calibration; using random inputs")
            held = list(
                itertools.islice(random_samples(ports, args.seed + 1_000_003), args.eval_size)
            )
        report = compare_models(
            model,
            quantized,
            held,
            device=args.device,
            core=core,
            progress=progress,
            total=len(held),
        )
        print(report.summary(args.device))
    return 0
