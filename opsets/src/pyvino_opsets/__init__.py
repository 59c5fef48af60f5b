"""OpenVINO's opsets for pyvino: one small module per op family, listed explicitly below.

Each family module exports ``OPS``: its op classes. A class's ``version_id`` is the opset in
which that version first appeared; opsetN holds, for every type, the newest version whose
``version_id`` is <= N (the tables are cumulative, as in OpenVINO).
"""

from __future__ import annotations

from importlib import import_module

from pyvino import Constant, Op, Opset, Parameter, Result
from pyvino._opset import opset_number

# Explicit list of op family modules (no scanning); each exports OPS.
_MODULE_NAMES = (
    "activations",
    "arithmetic",
    "attention",
    "bitwise_shift",
    "comparison",
    "control_flow",
    "convolution",
    "data_movement",
    "deformable_convolution",
    "depth_space",
    "detection",
    "detection2",
    "detection_output",
    "dft",
    "eye",
    "gather",
    "grid_sample",
    "interpolate",
    "math_functions",
    "matmul",
    "misc_ops",
    "normalization",
    "pooling",
    "proposal",
    "quantization",
    "reductions",
    "reverse",
    "rnn",
    "rnn_sequences",
    "scatter",
    "sequence_ops",
    "shape_ops",
    "slicing",
    "softmax",
    "split_concat",
    "type_conversion",
    "unary",
    "unique",
    "yolo",
)
FAMILIES = [import_module(f"pyvino_opsets.{name}") for name in _MODULE_NAMES]

LATEST = 15
# Quirk of OpenVINO's tables: these two are missing from opset2 only.
_ABSENT = {2: {"ShuffleChannels", "RNNCell"}}


def all_op_classes() -> list[type[Op]]:
    ops: list[type[Op]] = [Parameter, Constant, Result]
    for family in FAMILIES:
        ops.extend(family.OPS)
    return ops


def build_opsets() -> list[Opset]:
    """opset1..opset15 as cumulative tables of the newest version available at each step."""
    classes = all_op_classes()
    opsets = []
    for n in range(1, LATEST + 1):
        table: dict[str, type[Op]] = {}
        for op in classes:
            first = opset_number(op.version_id)
            if first is None or first > n or op.type_name in _ABSENT.get(n, ()):
                continue
            current = table.get(op.type_name)
            if current is None or opset_number(current.version_id) < first:  # type: ignore[operator]
                table[op.type_name] = op
        opsets.append(Opset(f"opset{n}", table.values()))
    return opsets


OPSETS = build_opsets()

__all__ = ["FAMILIES", "LATEST", "OPSETS", "all_op_classes", "build_opsets"]
