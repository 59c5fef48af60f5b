"""Built-in ONNX converters, one module per op family, each listing its ``CONVERTERS``."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from pyvino.frontend.onnx._converters import Table, table_from_modules

# Explicit list of converter modules (no scanning); each exports CONVERTERS.
_MODULE_NAMES = (
    "activations",
    "attention",
    "cast",
    "control_flow",
    "conv",
    "detection",
    "elementwise",
    "gather",
    "generators",
    "linalg",
    "linear_attention",
    "llm",
    "losses",
    "normalization",
    "pool",
    "quantize",
    "reduce",
    "resize",
    "rnn",
    "sequence",
    "shape",
    "signal",
    "slicing",
    "softmax",
    "spatial",
    "unary",
)
MODULES = [import_module(f"pyvino.frontend.onnx.ops.{name}") for name in _MODULE_NAMES]


@cache
def builtin_table() -> Table:
    """The merged table of every built-in converter (built once)."""
    return table_from_modules(MODULES)
