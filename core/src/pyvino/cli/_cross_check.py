"""``pyvino cross-check``: cross_check_tool — compare two inferences layer by layer."""

from __future__ import annotations

import argparse
import json

NAME = "cross-check"
HELP = "compare a model on two devices or precisions (or two models), layer by layer"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", required=True, help="model (.xml or .onnx)")
    p.add_argument("-d", default="CPU", help="device (default CPU)")
    p.add_argument("-ref_m", default=None, help="reference model (default: the same model)")
    p.add_argument("-ref_d", default=None, help="reference device (default: -d)")
    p.add_argument("-infer_precision", default=None, help="INFERENCE_PRECISION_HINT for -d")
    p.add_argument("-ref_infer_precision", default=None,
                   help="INFERENCE_PRECISION_HINT for -ref_d")
    p.add_argument("-layers", default="all",
                   help='"all" (default), "None" (outputs only) or comma-separated names')
    p.add_argument("-i", default=None, help="input data: .npy (one input) or .npz (by name)")
    p.add_argument("-tol", type=float, default=1e-4,
                   help="tolerance on the max relative difference |a-b|/max(|b|,1) "
                        "(default 1e-4); exit status 1 above it")
    p.add_argument("-seed", type=int, default=0, help="seed of the generated inputs")
    p.add_argument("-json", default=None, help="also write the comparison as JSON here")


def _config(precision: str | None) -> dict[str, str]:
    return {"INFERENCE_PRECISION_HINT": precision} if precision else {}


def run(args: argparse.Namespace) -> int:
    from pyvino.tools import cross_check

    report = cross_check(
        args.m, args.d, args.ref_d, ref_model=args.ref_m,
        config=_config(args.infer_precision), ref_config=_config(args.ref_infer_precision),
        inputs=args.i, layers=args.layers, tolerance=args.tol, seed=args.seed,
    )
    print(report.table())
    if args.json:
        rows = [c.__dict__ | {"shape": list(c.shape)} for c in report.layers]
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"device": report.label, "ref_device": report.ref_label,
                       "tolerance": report.tolerance, "passed": report.passed,
                       "layers": rows}, f, indent=2)
    return 0 if report.passed else 1
