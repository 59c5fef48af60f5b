"""GPU kernel: OpenCL C source with launch metadata (``pyvino.OpenCLKernel`` contract).

One work item per output element of ``x [B, H, S, D]``. Tables are read through broadcast
strides (0 on a broadcast axis, so ``[S, T]`` tables are never expanded); with position ids the
angles are computed in the kernel.
"""

from __future__ import annotations

import math

import numpy as np
from pyvino import KernelSpec, Op, op_kernel
from pyvino._opencl_kernel import OPENCL_INT_TYPES, OpenCLKernel

from pyvino_ext_rotary.ops import RotaryEmbedding1

_GROUP = 64

SOURCE = """
#if FROM_POSITIONS
__kernel void rotary_embedding(__global DATA_T* out, __global const DATA_T* x,
                               __global const POS_T* positions) {
#else
__kernel void rotary_embedding(__global DATA_T* out, __global const DATA_T* x,
                               __global const DATA_T* cos_table,
                               __global const DATA_T* sin_table) {
#endif
    const int o = get_global_id(0);
    if (o >= TOTAL) return;
    const int d = o % D;
    if (d >= RD) { STORE(out, o, LOAD(x, o)); return; }
    const int row = o / D;
    const int s = row % S, h = (row / S) % H, b = row / (S * H);
    const int half_rd = RD / 2;
    const float partner = d < half_rd ? -LOAD(x, o + half_rd) : LOAD(x, o - half_rd);
#if FROM_POSITIONS
    const float position = (float)positions[b * POS_B + s];
    const float angle = position * pow((float)BASE, -2.0f * (float)(d % half_rd) / (float)RD);
    const float c = cos(angle), sn = sin(angle);
#else
    const int t = b * TAB_B + h * TAB_H + s * TAB_S + d % TAB_T;
    const float c = LOAD(cos_table, t), sn = LOAD(sin_table, t);
#endif
    STORE(out, o, LOAD(x, o) * c + partner * sn);
}
"""


def _static(node: Op) -> bool:
    shapes = [node.input_shape(i) for i in range(node.get_input_size())]
    return (
        all(s.is_static for s in shapes)
        and int(np.prod(node.input_shape(0).to_shape(), dtype=np.int64)) < 2**31
    )


def _table_strides(shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(b, h, s) element strides of a table as [B|1, H|1, S, T] (0 where broadcast), and T."""
    full = (1,) * (4 - len(shape)) + shape if len(shape) != 3 else (shape[0], 1, *shape[1:])
    t = full[3]
    s_stride, h_stride, b_stride = t, t * full[2], t * full[2] * full[1]
    return (
        b_stride if full[0] != 1 else 0,
        h_stride if full[1] != 1 else 0,
        s_stride if full[2] != 1 else 0,
        t,
    )


def _defines(node: Op) -> dict[str, object]:
    assert isinstance(node, RotaryEmbedding1)
    b, h, s, d = node.input_shape(0).to_shape()
    values: dict[str, object] = {
        "TOTAL": b * h * s * d,
        "H": h,
        "S": s,
        "D": d,
        "RD": node.rotary_dim(),
        "FROM_POSITIONS": node.from_positions,
    }
    if node.from_positions:
        pos_shape = node.input_shape(1).to_shape()
        values.update(
            POS_T=OPENCL_INT_TYPES[node.input_type(1).name],
            POS_B=pos_shape[-1] if len(pos_shape) == 2 and pos_shape[0] != 1 else 0,
            BASE=float(node.attrs["base"]),
        )
    else:
        tb, th, ts, tt = _table_strides(tuple(node.input_shape(1).to_shape()))
        values.update(TAB_B=tb, TAB_H=th, TAB_S=ts, TAB_T=tt)
    return values


def _launch(node: Op) -> tuple[int]:
    total = int(np.prod(node.input_shape(0).to_shape(), dtype=np.int64))
    return (max(1, math.ceil(total / _GROUP)) * _GROUP,)


def _group(node: Op) -> tuple[int]:
    return (_GROUP,)


ROTARY_EMBEDDING = OpenCLKernel("rotary_embedding", SOURCE, _launch, _defines, _group, _static)

KERNELS: list[KernelSpec] = [op_kernel("GPU", RotaryEmbedding1, ROTARY_EMBEDDING)]
