"""``pyvino convert``: ovc — convert a model to IR v11 (``--input``, ``--output``, fp16)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from pyvino._shape import PartialShape

NAME = "convert"
HELP = "convert a model (ONNX) to OpenVINO IR v11, like ovc"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input_model", help="model file (.onnx)")
    p.add_argument("-o", "--output_model", "--output-model", default=None,
                   help="output .xml path (default: <model name>.xml in the current folder)")
    p.add_argument("--input", default=None,
                   help='inputs and shapes: "x[1,3,224,224],mask[1,?]", "[1,3,224,224]", "1..8"')
    p.add_argument("--output", default=None, help="comma-separated output tensor names (cut)")
    p.add_argument("--compress_to_fp16", "--compress-to-fp16", default="True",
                   choices=["True", "False", "true", "false"],
                   help="store f32 weights as f16 (default True, as ovc)")
    p.add_argument("--extension", action="append", default=None,
                   help="extension module path or .py file (repeatable)")


def parse_input_spec(text: str) -> Any:
    """ovc's ``--input`` syntax: ``name[dims]`` items, or bare ``[dims]`` shapes, or names."""
    items = re.findall(r"([^,\[\]]*)(\[[^\]]*\])?\s*,?", text.strip())
    named: list[tuple[str, PartialShape | None]] = []
    for name, dims in items:
        name = name.strip()
        if not name and not dims:
            continue
        named.append((name, PartialShape.parse(dims) if dims else None))
    if all(not n for n, _ in named):
        return [s for _, s in named]
    return {n: s for n, s in named}


def run(args: argparse.Namespace) -> int:
    import pyvino

    model = pyvino.convert_model(
        args.input_model,
        input=parse_input_spec(args.input) if args.input else None,
        output=[o.strip() for o in args.output.split(",")] if args.output else None,
        extension=args.extension,
    )
    out = Path(args.output_model or Path(args.input_model).with_suffix(".xml").name)
    if out.suffix != ".xml":
        out = out.with_suffix(".xml")
    pyvino.save_model(model, out, compress_to_fp16=args.compress_to_fp16.lower() == "true")
    print(f"[ SUCCESS ] XML file: {out}")
    print(f"[ SUCCESS ] BIN file: {out.with_suffix('.bin')}")
    return 0
