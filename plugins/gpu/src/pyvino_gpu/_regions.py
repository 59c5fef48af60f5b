"""Turn a fused node region into the ``Region`` a kernel applies before its store.

Arguments become registers (values computed earlier in the region, ``r0`` being the anchor's
own result), literals (scalar constants) or external tensors (constants are uploaded; PRelu's
per-channel slope and BatchNormInference's folded scale/shift get channel-broadcast shapes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import Op

from pyvino_gpu.kernels.eltwise import (
    BINARY,
    UNARY,
    Arg,
    FusedOp,
    Region,
    batchnorm_affine,
    prelu_slope_shape,
)

ELTWISE = set(UNARY) | set(BINARY)
Regs = dict[tuple[int, int], int]


def build_region(lw: Any, anchor: Op, chain: list[Op], standalone: bool) -> Region:
    """The region of ``chain`` after ``anchor``; a ``standalone`` elementwise anchor is itself
    the region's first op (its kernel computes everything from loads)."""
    region = Region(lw.out_shape(anchor))
    regs: Regs = {}
    nodes = chain
    if standalone:
        nodes = [anchor] + chain
    else:
        regs[(id(anchor), 0)] = 0
    for node in nodes:
        if node.type_name == "BatchNormInference":
            region.ops.append(_batchnorm(lw, node, regs, region))
        else:
            args = tuple(_arg(lw, node, port, regs, region) for port in range(len(node.inputs)))
            region.ops.append(FusedOp(node.type_name, dict(node.attrs), args, node.friendly_name))
        regs[(id(node), 0)] = len(region.ops)
    return region


def _external(region: Region, t: Any) -> Arg:
    region.externals.append(t)
    return Arg("ext", len(region.externals) - 1)


def _arg(lw: Any, node: Op, port: int, regs: Regs, region: Region) -> Arg:
    src = node.inputs[port]
    key = (id(src.node), src.index)
    value = lw.value(node, port)
    if key in regs:
        return Arg("reg", regs[key])
    if value is not None and value.size == 1:
        return Arg("lit", value=float(value.reshape(-1)[0]))
    t = lw.input(node, port)
    if node.type_name == "PRelu" and port == 1:
        t = lw.view(t, prelu_slope_shape(lw.out_shape(node), t.shape))
    return _external(region, t)


def _batchnorm(lw: Any, node: Op, regs: Regs, region: Region) -> FusedOp:
    """BatchNormInference as a per-channel multiply-add with constant tensors."""
    data, scale, shift = batchnorm_affine(node, lambda p: lw.value(node, p))
    args = [_arg(lw, node, data, regs, region)]
    for value in (scale, shift):
        args.append(_external(region, lw.weight(value.astype(np.float32))))
    return FusedOp(node.type_name, {}, tuple(args), node.friendly_name)
