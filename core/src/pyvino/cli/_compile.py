"""``pyvino compile``: compile_tool — compile a model for a device and save the exported blob.

The blob (``CompiledModel.export_model()``) runs later with ``Core.import_model(blob, device)``
without the original model. Works for any device whose plugin can export (its
``OPTIMIZATION_CAPABILITIES`` lists ``EXPORT_IMPORT``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from pyvino._errors import PyvinoError

NAME = "compile"
HELP = "compile a model for a device and save the blob for import_model, like compile_tool"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--model", required=True, help="model file (.xml IR or .onnx)")
    p.add_argument("-d", "--device", required=True, help="target device, e.g. VPU, VPU.1, CPU")
    p.add_argument("-o", "--output", default=None,
                   help="output blob path (default: <model name>.blob in the current folder)")
    p.add_argument("-c", "--config", default=None,
                   help='properties file: one "KEY VALUE" (or KEY=VALUE) per line, # comments')
    p.add_argument("-p", "--property", action="append", default=[], metavar="KEY=VALUE",
                   help="a compile property, e.g. -p VPU_OUTPUT_PRECISION=f16 (repeatable)")


def parse_config_text(text: str, source: str) -> dict[str, str]:
    """``KEY VALUE`` / ``KEY=VALUE`` lines (compile_tool's ``-c`` file) as a dict."""
    config: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=") if "=" in line else line.partition(" ")
        if not sep or not key.strip() or not value.strip():
            raise PyvinoError(f"{source}:{number}: expected 'KEY VALUE' or 'KEY=VALUE', "
                              f"got {raw.strip()!r}")
        config[key.strip()] = value.strip()
    return config


def build_config(args: argparse.Namespace) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if args.config:
        path = Path(args.config)
        try:
            config.update(parse_config_text(path.read_text(encoding="utf-8"), str(path)))
        except OSError as exc:
            raise PyvinoError(f"cannot read the config file {path}: {exc.strerror}") from None
    config.update(parse_config_text("\n".join(args.property), "--property"))
    return config


def run(args: argparse.Namespace) -> int:
    from pyvino.runtime import Core

    core = Core()
    config = build_config(args)
    model = core.read_model(args.model)
    start = time.perf_counter()
    compiled = core.compile_model(model, args.device, config)
    elapsed = (time.perf_counter() - start) * 1000.0
    try:
        blob = compiled.export_model()
    except NotImplementedError:
        raise PyvinoError(f"device {args.device} cannot export compiled models (its "
                          "OPTIMIZATION_CAPABILITIES lack EXPORT_IMPORT)") from None
    out = Path(args.output or Path(args.model).with_suffix(".blob").name)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(blob)
    except OSError as exc:
        raise PyvinoError(f"cannot write the blob to {out}: {exc.strerror}") from None
    devices = compiled.get_property("EXECUTION_DEVICES")
    print(f"[ INFO ] Compiled {model.friendly_name!r} for {', '.join(devices)} in "
          f"{elapsed:.1f} ms")
    print(f"[ SUCCESS ] Blob: {out} ({len(blob)} bytes); run it with "
          f"Core.import_model(open({str(out)!r}, 'rb').read(), {args.device.split('.')[0]!r})")
    return 0
