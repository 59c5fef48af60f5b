"""``pyvino zoo``: list the built-in model builders, or build one as ONNX."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "zoo"
HELP = "built-in model builders (seeded weights, no downloads): list | build NAME -o DIR"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["list", "build"])
    p.add_argument("name", nargs="?", help="model to build")
    p.add_argument("-o", "--output-dir", default=".", help="folder for NAME.onnx")
    p.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace) -> int:
    from pyvino import zoo
    from pyvino._errors import PyvinoError

    if args.action == "list":
        for entry in zoo.list_models():
            print(f"{entry.name:<16} {entry.description}")
        return 0
    if not args.name:
        raise PyvinoError("zoo build needs a model NAME (see `pyvino zoo list`)")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{args.name}.onnx"
    zoo.build(args.name, path, seed=args.seed)
    print(path)
    return 0
