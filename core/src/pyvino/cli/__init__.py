"""The ``pyvino`` command line: one small module per subcommand, listed explicitly."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pyvino._errors import PyvinoError
from pyvino.cli import (
    _benchmark,
    _compile,
    _convert,
    _cross_check,
    _demo,
    _devices,
    _partition_cli,
    _plugins,
    _quantize,
    _zoo,
)

COMMANDS = [
    _demo, _devices, _plugins, _convert, _compile, _benchmark, _partition_cli, _quantize,
    _cross_check, _zoo,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyvino", description="pyvino toolkit")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except PyvinoError as exc:
        print(f"pyvino {args.command}: error: {exc}", file=sys.stderr)
        return 2
